/** The backfill job model, one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import {
  advanceBackfill,
  beginBackfillStage,
  ensureBackfillJob,
  finishBackfillStage,
  getBackfillJob,
  markBackfillDone,
  markBackfillFailed,
  resumableBackfills,
  retryBackfill,
} from "./backfill-jobs.server";

eachBackend("backfill jobs model", (b) => {
  it("one job per shop, created running on first sight and left as it is after", async () => {
    const shop = uniqueShop();
    expect(await getBackfillJob(b().db, shop)).toBeNull();
    const job = await ensureBackfillJob(b().db, shop);
    expect(job.status).toBe("running");
    await markBackfillFailed(b().db, shop, "x".repeat(5000));
    const again = await ensureBackfillJob(b().db, shop);
    expect(again.status).toBe("failed");
    expect(again.error).toHaveLength(2000);
    expect(await getBackfillJob(b().db, uniqueShop())).toBeNull();
  });

  it("progress moves only from the exact resume point a runner started from", async () => {
    const shop = uniqueShop();
    const job = await ensureBackfillJob(b().db, shop);
    await beginBackfillStage(b().db, shop, "op-1", { products: 0 });
    const from = { stage: job.stage, opId: "op-1", linesApplied: 0 };
    expect(await advanceBackfill(b().db, shop, from, { linesApplied: 100, counts: { products: 100 } })).toBe(true);
    // A second runner that started from the same point loses: the batch must roll back.
    expect(await advanceBackfill(b().db, shop, from, { linesApplied: 100, counts: { products: 100 } })).toBe(false);
    expect(await advanceBackfill(b().db, shop, { ...from, linesApplied: 100 }, { linesApplied: 150, counts: { products: 150 } })).toBe(true);
    expect((await getBackfillJob(b().db, shop))!).toMatchObject({ linesApplied: 150, counts: JSON.stringify({ products: 150 }) });
    await finishBackfillStage(b().db, shop, { stage: job.stage, opId: "op-1" }, "next-stage", { products: 150 });
    // Finishing twice (another runner) is a no-op.
    await finishBackfillStage(b().db, shop, { stage: job.stage, opId: "op-1" }, "other-stage", {});
    expect((await getBackfillJob(b().db, shop))!).toMatchObject({ stage: "next-stage", bulkOperationId: null, linesApplied: 0 });
  });

  it("failed jobs retry from a fresh operation; done jobs are not resumed", async () => {
    const done = uniqueShop();
    const failed = uniqueShop();
    const running = uniqueShop();
    await ensureBackfillJob(b().db, done);
    await markBackfillDone(b().db, done);
    await ensureBackfillJob(b().db, failed);
    await beginBackfillStage(b().db, failed, "op-9", {});
    await markBackfillFailed(b().db, failed, "boom");
    await ensureBackfillJob(b().db, running);
    const resumable = () => resumableBackfills(b().db).then((jobs) => jobs.map((j) => j.shopId).filter((s) => [done, failed, running].includes(s)).sort());
    expect(await resumable()).toEqual([running]);
    const retried = await retryBackfill(b().db, failed);
    expect(retried).toMatchObject({ status: "pending", bulkOperationId: null, linesApplied: 0, error: null });
    expect(await resumable()).toEqual([failed, running].sort());
    expect((await getBackfillJob(b().db, done))!.finishedAt).toBeInstanceOf(Date);
  });
});
