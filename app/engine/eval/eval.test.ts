import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { globalPopularity, gpTopFreq, gTopFreq, personalRanking, pTopFreq, tifuVector, TIFU_TAFENG } from "./baselines";
import { loadRealityCheck, nextBasketFromRows, parseCsvLine, validationSplit, type NextBasketTask } from "./datasets";
import { evaluatePredictor, HOME_STRATEGIES, runNextBasket } from "./harness";
import { TUNED, type DatasetResult } from "./suite";
import { hitAt, MetricAccumulator, METRICS, ndcgAt, recallAt } from "./metrics";

const fixtures = path.join(__dirname, "fixtures");
const task = loadRealityCheck(path.join(fixtures, "tafeng-mini-history.json"), path.join(fixtures, "tafeng-mini-future.json"), "tafeng-mini");

describe("metrics on hand-computed cases", () => {
  const truth = new Set(["a", "b", "c", "d"]);
  const ranked = ["x", "a", "y", "c"];

  it("recall is hits over truth size, cut at K", () => {
    expect(recallAt(truth, ranked, 10)).toBe(0.5);
    expect(recallAt(truth, ranked, 2)).toBe(0.25);
    expect(recallAt(truth, ranked, 1)).toBe(0);
  });

  it("NDCG uses binary gains and an ideal DCG over every truth item (Reality Check definition)", () => {
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4) + 1 / Math.log2(5);
    expect(ndcgAt(truth, ranked, 10)).toBeCloseTo(dcg / idcg, 12);
    expect(ndcgAt(new Set(["a"]), ["a"], 10)).toBe(1);
    // With 4 truth items and K = 2 a perfect list still scores below 1: idcg is not capped at K.
    expect(ndcgAt(truth, ["a", "b"], 2)).toBeCloseTo((1 + 1 / Math.log2(3)) / idcg, 12);
  });

  it("hit rate is whether anything in the top K is right", () => {
    expect(hitAt(truth, ranked, 1)).toBe(0);
    expect(hitAt(truth, ranked, 2)).toBe(1);
  });

  it("averages over users with a non-empty truth only", () => {
    const acc = new MetricAccumulator();
    acc.add(new Set(["a"]), ["a"]);
    acc.add(new Set(["b"]), ["a"]);
    acc.add(new Set<string>(), ["a"]);
    expect(acc.users).toBe(2);
    expect(acc.result()["Recall@10"]).toBe(0.5);
  });
});

describe("TopFreq baselines at their strongest", () => {
  // Global basket counts: b 3, a 2, c 2, d 1 (the duplicate "a" in one basket counts once; a is
  // seen before c, so it ranks first on the tie).
  const tiny: NextBasketTask = {
    name: "tiny",
    users: ["u1", "u2", "u3"],
    history: [
      [["a", "a", "d"], ["c"]],
      [["a", "b"], ["b", "c"]],
      [["b"]],
    ],
    future: [["a"], ["b"], ["c"]],
  };

  it("counts an item once per basket, globally and per shopper", () => {
    expect(globalPopularity(tiny)).toEqual(["b", "a", "c", "d"]);
    // u1: a, d, c once each; a bought twice in one basket is still one basket.
    expect(pTopFreq(tiny, 10)[0]).toEqual(["a", "c", "d"]);
  });

  it("breaks ties in the shopper's counts by global popularity, not by first purchase", () => {
    // u1 bought d before c, both in one basket; c is the more popular, so c ranks first.
    expect(personalRanking([["d"], ["c"]], new Map([["c", 0], ["d", 1]]))).toEqual(["c", "d"]);
    expect(pTopFreq(tiny, 10)[1]).toEqual(["b", "a", "c"]);
  });

  it("GP-TopFreq fills the shopper's list with best-sellers they have not bought", () => {
    expect(gpTopFreq(tiny, 3)[2]).toEqual(["b", "a", "c"]);
    expect(gTopFreq(tiny, 2)).toEqual([["b", "a"], ["b", "a"], ["b", "a"]]);
  });
});

describe("dataset converters", () => {
  it("reads quoted CSV fields with commas and doubled quotes", () => {
    expect(parseCsvLine('15311,2010-12-01 09:41:00,"AIRLINE LOUNGE,METAL SIGN",2,2.1,United Kingdom')).toEqual([
      "15311", "2010-12-01 09:41:00", "AIRLINE LOUNGE,METAL SIGN", "2", "2.1", "United Kingdom",
    ]);
    expect(parseCsvLine('1,"RECORD FRAME 7"" SINGLE",3')).toEqual(["1", 'RECORD FRAME 7" SINGLE', "3"]);
  });

  it("turns dated rows into time-ordered baskets, the last one the truth, single-basket users skipped", () => {
    const t = nextBasketFromRows("rows", [
      { user: "10", time: 2, item: "y" },
      { user: "10", time: 1, item: "x" },
      { user: "10", time: 1, item: "x" },
      { user: "10", time: 3, item: "z" },
      { user: "9", time: 1, item: "x" },
      { user: "11", time: 5, item: "x" },
      { user: "11", time: 7, item: "w" },
    ]);
    expect(t.users).toEqual(["10", "11"]);
    expect(t.history).toEqual([[["x"], ["y"]], [["x"]]]);
    expect(t.future).toEqual([["z"], ["w"]]);
    expect(t.times).toEqual([[1, 2], [5]]);
  });
});

describe("TIFU-KNN user vector", () => {
  it("applies within-group and group decay as in Hu et al.", () => {
    // 3 baskets, group size 2: groups [b0] and [b1, b2]; k = 2 groups.
    const v = tifuVector([[1], [1, 2], [2]], { ...TIFU_TAFENG, groupSize: 2, withinDecay: 0.5, groupDecay: 0.25 });
    // group 0 (older): weight 0.25^1 / 2 groups / size 1; group 1: 1 / 2 / 2 with within decay 0.5 on b1.
    expect(v.get(1)).toBeCloseTo(0.25 / 2 + 0.5 / 4, 12);
    expect(v.get(2)).toBeCloseTo(0.5 / 4 + 1 / 4, 12);
  });
});

describe("evaluation harness on the committed Ta-Feng subset", () => {
  const report = runNextBasket(task);

  it("evaluates every user with a future basket", () => {
    expect(task.users.length).toBe(200);
    expect(Object.keys(report).sort()).toEqual(["G-TopFreq", "GP-TopFreq", "P-TopFreq", "TIFU-KNN", ...HOME_STRATEGIES].sort());
  });

  it("keeps metric invariants for every method", () => {
    for (const row of Object.values(report)) {
      for (const m of METRICS) expect(row[m]).toBeGreaterThanOrEqual(0), expect(row[m]).toBeLessThanOrEqual(1);
      expect(row["Recall@20"]).toBeGreaterThanOrEqual(row["Recall@10"]);
      expect(row["NDCG@20"]).toBeGreaterThanOrEqual(row["NDCG@10"]);
      expect(row["HitRate@10"]).toBeGreaterThanOrEqual(row["Recall@10"]);
    }
    // GP-TopFreq's list starts with P-TopFreq's, so it can only find more.
    expect(report["GP-TopFreq"]["Recall@10"]).toBeGreaterThanOrEqual(report["P-TopFreq"]["Recall@10"]);
    expect(report.picked_for_you["Recall@10"]).toBeGreaterThan(0);
  });

  it("agrees with the per-user metric functions", () => {
    const lists = gpTopFreq(task, 20);
    let sum = 0;
    task.users.forEach((_, u) => (sum += recallAt(new Set(task.future[u]), lists[u], 10)));
    expect(evaluatePredictor(task, gpTopFreq)["Recall@10"]).toBeCloseTo(sum / task.users.length, 12);
    expect(pTopFreq(task, 20).every((l, u) => l.every((i) => task.history[u].some((b) => b.includes(i))))).toBe(true);
  });

  it("carves the validation split from the history alone", () => {
    const val = validationSplit(task);
    val.users.forEach((user, u) => {
      const full = task.history[task.users.indexOf(user)];
      expect(val.future[u].sort()).toEqual([...new Set(full[full.length - 1])].sort());
      expect(val.history[u]).toEqual(full.slice(0, -1));
    });
  });
});

describe("npm run eval --json", () => {
  it("prints exactly one JSON object with the five metrics per method and the tuning result", () => {
    const root = path.resolve(__dirname, "../../..");
    const stdout = execFileSync(
      process.execPath,
      ["--import", "tsx", "scripts/eval.ts", "--history", path.join(fixtures, "tafeng-mini-history.json"), "--future", path.join(fixtures, "tafeng-mini-future.json"), "--no-tifu", "--json"],
      { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]) as { datasets: DatasetResult[] };
    expect(parsed.datasets).toHaveLength(1);
    const [result] = parsed.datasets;
    expect(result.users).toBe(200);
    expect(Object.keys(result.rows)).toEqual(["G-TopFreq", "P-TopFreq", "GP-TopFreq", ...HOME_STRATEGIES, TUNED]);
    for (const row of Object.values(result.rows)) expect(Object.keys(row).sort()).toEqual([...METRICS].sort());
    // Tuning never keeps a point that scored below the defaults on validation.
    expect(result.tuning!.validation.tuned["Recall@10"]).toBeGreaterThanOrEqual(result.tuning!.validation.defaults["Recall@10"]);
  });

  it("fails with a clear message when the dataset is missing", () => {
    const root = path.resolve(__dirname, "../../..");
    let message = "";
    try {
      execFileSync(process.execPath, ["--import", "tsx", "scripts/eval.ts", "--dataset", "tafeng", "--data-dir", "/nonexistent"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      message = String((e as { stderr?: string }).stderr);
    }
    expect(message).toMatch(/Dataset file not found: \/nonexistent\/tafeng-nbr-reality-check\/tafeng_history\.json/);
  });
});
