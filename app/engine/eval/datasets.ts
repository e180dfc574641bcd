import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * A next-basket task: per user, time-ordered history baskets and one held-out truth basket.
 * Items are dataset-local item names (strings), users are dataset user ids.
 */
export interface NextBasketTask {
  name: string;
  users: string[];
  history: string[][][];
  future: string[][];
  /** Display names for items (arules / Kaggle have names; Ta-Feng has numbers). */
  itemNames?: Map<string, string>;
  /** Epoch ms per history basket when the dataset has dates. */
  times?: number[][];
}

/** Leave-one-out basket completion: recommend the hidden item from the rest of its basket. */
export interface CompletionTask {
  name: string;
  baskets: string[][];
  /** Indexes into baskets held out for evaluation; the model is built from the others. */
  testBaskets: number[];
}

export const DATASETS = {
  tafeng: "tafeng-nbr-reality-check",
  "groceries-kaggle": "groceries-kaggle-member-date",
  "groceries-arules": "groceries-arules",
} as const;
export type DatasetName = keyof typeof DATASETS;

function need(file: string): string {
  if (!existsSync(file)) {
    throw new Error(`Dataset file not found: ${file}\n(use --data-dir to point at the folder holding ${Object.values(DATASETS).join(", ")})`);
  }
  return readFileSync(file, "utf8");
}

/** The Reality Check JSON layout: {user: [[-1], basket, ..., [-1]]}. */
export function parseRealityCheck(json: string): Map<string, string[][]> {
  const raw = JSON.parse(json) as Record<string, number[][]>;
  const out = new Map<string, string[][]>();
  for (const [user, baskets] of Object.entries(raw)) {
    out.set(
      user,
      baskets.filter((b) => !(b.length === 1 && b[0] === -1)).map((b) => b.map(String)),
    );
  }
  return out;
}

export function loadRealityCheck(historyFile: string, futureFile: string, name: string): NextBasketTask {
  const history = parseRealityCheck(need(historyFile));
  const future = parseRealityCheck(need(futureFile));
  const users = [...future.keys()].filter((u) => (future.get(u)?.[0]?.length ?? 0) > 0);
  return {
    name,
    users,
    history: users.map((u) => history.get(u) ?? []),
    future: users.map((u) => [...new Set(future.get(u)![0])]),
  };
}

export function loadTafeng(dataDir: string): NextBasketTask {
  const dir = path.join(dataDir, DATASETS.tafeng);
  return loadRealityCheck(path.join(dir, "tafeng_history.json"), path.join(dir, "tafeng_future.json"), "tafeng");
}

/**
 * Kaggle Groceries (Member_number, Date dd-mm-yyyy, itemDescription): a member's items on one day
 * form a basket; each member's last basket is the truth, earlier ones the history (members with a
 * single basket have nothing to predict from and are skipped, as in the Reality Check setup).
 */
export function loadGroceriesKaggle(dataDir: string): NextBasketTask {
  const text = need(path.join(dataDir, DATASETS["groceries-kaggle"], "Groceries_dataset.csv"));
  const byMember = new Map<string, Map<number, Set<string>>>();
  for (const line of text.split(/\r?\n/).slice(1)) {
    if (!line.trim()) continue;
    const [member, date, item] = line.split(",");
    const [d, m, y] = date.split("-").map(Number);
    const t = Date.UTC(y, m - 1, d);
    const days = byMember.get(member) ?? new Map<number, Set<string>>();
    byMember.set(member, days);
    const b = days.get(t) ?? new Set<string>();
    days.set(t, b);
    b.add(item.trim());
  }
  const users: string[] = [];
  const history: string[][][] = [];
  const times: number[][] = [];
  const future: string[][] = [];
  for (const [member, days] of [...byMember].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    const sorted = [...days].sort((a, b) => a[0] - b[0]);
    if (sorted.length < 2) continue;
    users.push(member);
    history.push(sorted.slice(0, -1).map(([, b]) => [...b]));
    times.push(sorted.slice(0, -1).map(([t]) => t));
    future.push([...sorted[sorted.length - 1][1]]);
  }
  return { name: "groceries-kaggle", users, history, future, times, itemNames: new Map() };
}

/**
 * arules Groceries: 9,835 baskets, no customers or dates. Every 5th basket with two or more items is
 * a test basket (deterministic split); the model learns from the other 80%.
 */
export function loadGroceriesArules(dataDir: string): CompletionTask {
  const text = need(path.join(dataDir, DATASETS["groceries-arules"], "groceries.csv"));
  const baskets = text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) => [...new Set(l.split(",").map((s) => s.trim()).filter(Boolean))]);
  const testBaskets: number[] = [];
  baskets.forEach((b, i) => {
    if (i % 5 === 4 && b.length >= 2) testBaskets.push(i);
  });
  return { name: "groceries-arules", baskets, testBaskets };
}

/**
 * Validation split carved from the history only: each user's last history basket becomes the truth
 * and the baskets before it the history. Users left with an empty history are kept (they test the
 * cold-start path). Hyper-parameters are chosen on this, never on the real future baskets.
 */
export function validationSplit(task: NextBasketTask): NextBasketTask {
  const keep = task.users.map((_, u) => task.history[u].length >= 1);
  const idx = task.users.map((_, u) => u).filter((u) => keep[u]);
  return {
    name: `${task.name}/validation`,
    users: idx.map((u) => task.users[u]),
    history: idx.map((u) => task.history[u].slice(0, -1)),
    future: idx.map((u) => [...new Set(task.history[u][task.history[u].length - 1])]),
    times: task.times ? idx.map((u) => task.times![u].slice(0, -1)) : undefined,
    itemNames: task.itemNames,
  };
}
