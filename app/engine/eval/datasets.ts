import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
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
  "uci-online-retail": "uci-online-retail",
} as const;
export type DatasetName = keyof typeof DATASETS;

function need(file: string): string {
  if (!existsSync(file)) {
    throw new Error(`Dataset file not found: ${file}\n(use --data-dir to point at the folder holding ${Object.values(DATASETS).join(", ")})`);
  }
  return file.endsWith(".gz") ? gunzipSync(readFileSync(file)).toString("utf8") : readFileSync(file, "utf8");
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

/** One purchase line of a dated dataset: who, when (epoch ms; equal times are one basket), what. */
export interface PurchaseRow {
  user: string;
  time: number;
  item: string;
}

/**
 * Dated purchase rows as a next-basket task, the Reality Check way: a user's rows at one time form
 * a basket (items once each); the user's last basket is the truth and the earlier ones the history.
 * Users with a single basket have nothing to predict from and are skipped. Users are in id order.
 */
export function nextBasketFromRows(name: string, rows: Iterable<PurchaseRow>, itemNames?: Map<string, string>): NextBasketTask {
  const byUser = new Map<string, Map<number, Set<string>>>();
  for (const { user, time, item } of rows) {
    const days = byUser.get(user) ?? new Map<number, Set<string>>();
    byUser.set(user, days);
    const b = days.get(time) ?? new Set<string>();
    days.set(time, b);
    b.add(item);
  }
  const users: string[] = [];
  const history: string[][][] = [];
  const times: number[][] = [];
  const future: string[][] = [];
  const byId = (a: string, b: string) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0);
  for (const [user, baskets] of [...byUser].sort((a, b) => byId(a[0], b[0]))) {
    const sorted = [...baskets].sort((a, b) => a[0] - b[0]);
    if (sorted.length < 2) continue;
    users.push(user);
    history.push(sorted.slice(0, -1).map(([, b]) => [...b]));
    times.push(sorted.slice(0, -1).map(([t]) => t));
    future.push([...sorted[sorted.length - 1][1]]);
  }
  return { name, users, history, future, times, itemNames: itemNames ?? new Map() };
}

/**
 * Kaggle Groceries (Member_number, Date dd-mm-yyyy, itemDescription): a member's items on one day
 * form a basket (3,549 members have two or more).
 */
export function loadGroceriesKaggle(dataDir: string): NextBasketTask {
  const text = need(path.join(dataDir, DATASETS["groceries-kaggle"], "Groceries_dataset.csv"));
  const rows: PurchaseRow[] = [];
  for (const line of text.split(/\r?\n/).slice(1)) {
    if (!line.trim()) continue;
    const [member, date, item] = line.split(",");
    const [d, m, y] = date.split("-").map(Number);
    rows.push({ user: member, time: Date.UTC(y, m - 1, d), item: item.trim() });
  }
  return nextBasketFromRows("groceries-kaggle", rows);
}

/** One CSV record per line, RFC 4180 quoting ("" inside a quoted field is a quote). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") out.push(field), (field = "");
    else field += c;
  }
  out.push(field);
  return out;
}

/**
 * Lines of the UCI Online Retail data that are not products: postage, fees, manual adjustments.
 * A shop's recommendations never show them, so they are neither history nor truth.
 */
const UCI_NON_PRODUCTS = new Set(["POSTAGE", "DOTCOM POSTAGE", "CARRIAGE", "MANUAL", "DISCOUNT", "BANK CHARGES", "AMAZON FEE", "SAMPLES", "ADJUST BAD DEBT", "CRUK COMMISSION"]);

export const UCI_FILES = ["online_retail.derived.2010-12_to_2011-06.csv.gz", "online_retail.derived.2011-07_to_2011-12.csv.gz"];

/**
 * UCI Online Retail (Chen 2015, CC BY 4.0): a UK online gift wholesaler, 2010-12 to 2011-12. This
 * copy has CustomerID, InvoiceDate, Description, Quantity, UnitPrice, Country (no invoice number),
 * so one customer's lines at one invoice time are one order and the description is the product.
 * Returns (negative quantities), lines without a customer or price, and non-product lines are dropped.
 */
export function loadUciRetail(dataDir: string): NextBasketTask {
  const rows: PurchaseRow[] = [];
  for (const file of UCI_FILES) {
    const text = need(path.join(dataDir, DATASETS["uci-online-retail"], file));
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim() || line.startsWith("CustomerID,")) continue;
      const [customer, date, description, quantity, price] = parseCsvLine(line);
      const item = description.trim().replace(/\s+/g, " ");
      if (!customer || !item || !(Number(quantity) > 0) || !(Number(price) > 0)) continue;
      if (UCI_NON_PRODUCTS.has(item.toUpperCase())) continue;
      const time = Date.parse(`${date.replace(" ", "T")}Z`);
      if (!Number.isFinite(time)) continue;
      rows.push({ user: customer.replace(/\.0$/, ""), time, item });
    }
  }
  return nextBasketFromRows("uci-online-retail", rows);
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
 * and the baskets before it the history. Only users with two or more history baskets take part, so
 * that, as in the test split, every validation user has a history to personalise from (a shopper
 * with none gets the cold-start row, which no picked_for_you parameter changes). Hyper-parameters
 * are chosen on this, never on the real future baskets.
 */
export function validationSplit(task: NextBasketTask): NextBasketTask {
  const keep = task.users.map((_, u) => task.history[u].length >= 2);
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
