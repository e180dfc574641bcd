/**
 * Install-time backfill of a shop's history through Admin API bulk operations, applied through the
 * same record-level upsert path as webhooks (apply.server.ts), so both sources agree.
 *
 * A resumable stage machine on BackfillJob (one row per shop):
 *   products -> customers -> orders -> done
 * Each stage runs one bulk query, polls it (bulkOperation(id:)) until it finishes, streams the JSONL
 * and applies records in batches. Every batch commits in ONE transaction together with the job's
 * resume point (`linesApplied` = JSONL line number of the root row of the last applied record,
 * records being applied in root-line order) and running counts. A crash mid-stage therefore resumes
 * exactly after the last committed batch: the same operation's file is downloaded again and the
 * records up to `linesApplied` are skipped. If that operation is gone (expired, unknown), the stage
 * restarts with a new operation from line 0 (re-applying is idempotent: updated_at guards).
 * FAILED/CANCELED operations mark the job failed with the reason; a later install/re-auth retries it.
 *
 * Runs in the background, never on a request path; one run per shop at a time in a process.
 */
import type { Db } from "../db.server";
import { db as defaultDb } from "../db.server";
import { type BulkKind, jsonlLines, readBulk } from "../ingest/bulk";
import { fromGid } from "../ingest/ids";
import { toCents } from "../ingest/money";
import type { CustomerRecord, OrderRecord, ProductRecord } from "../ingest/records";
import {
  type BackfillJob,
  advanceBackfill,
  beginBackfillStage,
  ensureBackfillJob,
  finishBackfillStage,
  getBackfillJob,
  markBackfillDone,
  markBackfillFailed,
  markBackfillRunning,
  restartBackfillStage,
  resumableBackfills,
  retryBackfill,
} from "../models/backfill-jobs.server";
import { appendChanges } from "../models/changes.server";
import { setShopCurrency } from "../models/shop-config.server";
import { getShop, offlineAccessToken } from "../models/shop.server";
import { writeTransaction } from "../models/sql.server";
import type { Applied } from "../models/types";
import { type AdminClient, createAdminClient } from "../shopify/admin-api/client.server";
import {
  BULK_CUSTOMERS_QUERY,
  BULK_OPERATION_QUERY,
  BULK_OPERATION_RUN_QUERY,
  BULK_PRODUCTS_QUERY,
  type BulkOperation,
  type BulkOperationResult,
  type BulkRunResult,
  REFUND_LINES_BATCH,
  REFUND_LINES_QUERY,
  type RefundLinesResult,
  SHOP_QUERY,
  type ShopResult,
  bulkOrdersQuery,
} from "../shopify/admin-api/documents";
import { env } from "../utils/env.server";
import { log } from "../utils/log.server";
import { type ApplyContext, applyCustomer, applyOrder, applyProduct } from "./apply.server";

export const STAGES = ["products", "customers", "orders", "done"] as const;
export type Stage = (typeof STAGES)[number];

export interface BackfillOptions {
  db?: Db;
  /** SHOPIFY_API_SECRET (redaction hashes in the apply path). */
  secret?: string;
  /** Admin client factory (tests); default createAdminClient. */
  client?: (shop: string, accessToken: string) => AdminClient;
  /** Records per transaction. */
  batchSize?: number;
  /** First poll delay; doubles up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  /** How far back orders go (default 365 days before now). */
  ordersSince?: Date;
  /** Stop between batches (the job stays "running", as after a crash). */
  signal?: AbortSignal;
  /** After each committed batch. */
  onProgress?: (p: { shop: string; stage: Stage; linesApplied: number; counts: Counts }) => void;
  fetch?: typeof fetch;
}

export type Counts = Partial<Record<"products" | "customers" | "orders", number>>;

type Job = BackfillJob;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

const parseCounts = (s: string | null | undefined): Counts => {
  try {
    return JSON.parse(s || "{}") as Counts;
  } catch {
    return {};
  }
};

function nextStage(s: Stage): Stage {
  return STAGES[Math.min(STAGES.indexOf(s) + 1, STAGES.length - 1)];
}

function stageQuery(stage: Exclude<Stage, "done">, o: BackfillOptions): string {
  if (stage === "products") return BULK_PRODUCTS_QUERY;
  if (stage === "customers") return BULK_CUSTOMERS_QUERY;
  return bulkOrdersQuery(o.ordersSince ?? new Date(Date.now() - 365 * 86_400_000));
}

class BackfillFailure extends Error {}
class Superseded extends Error {}
/** The result file is no longer downloadable (expired URL): the stage needs a new operation. */
class ResultGone extends Error {}

/* ---------------------------------------------------------------- bulk operation control */

async function startOperation(client: AdminClient, query: string, o: BackfillOptions): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const r = await client.request<BulkRunResult>(BULK_OPERATION_RUN_QUERY, { query });
    const payload = r.bulkOperationRunQuery;
    if (payload?.bulkOperation && !payload.userErrors.length) return payload.bulkOperation.id;
    const errors = payload?.userErrors ?? [];
    const busy = errors.some((e) => e.code === "OPERATION_IN_PROGRESS" || e.code === "LIMIT_REACHED");
    if (busy && attempt < 30 && !o.signal?.aborted) {
      await sleep(Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)), o.signal);
      continue;
    }
    throw new BackfillFailure(`bulkOperationRunQuery refused: ${errors.map((e) => `${e.code ?? ""} ${e.message}`.trim()).join("; ") || "no operation returned"}`);
  }
}

async function getOperation(client: AdminClient, id: string): Promise<BulkOperation | null> {
  return (await client.request<BulkOperationResult>(BULK_OPERATION_QUERY, { id })).bulkOperation;
}

async function waitForOperation(client: AdminClient, id: string, o: BackfillOptions): Promise<BulkOperation | null> {
  let delay = o.pollMs ?? 250;
  for (;;) {
    const op = await getOperation(client, id);
    if (!op || !["CREATED", "RUNNING", "CANCELING"].includes(op.status)) return op;
    if (o.signal?.aborted) return op;
    await sleep(delay, o.signal);
    delay = Math.min(delay * 2, o.maxPollMs ?? 5000);
  }
}

/** Bulk result URLs are Shopify's signed storage URLs (https). The simulator serves plain http. */
function checkResultUrl(url: string) {
  const u = new URL(url);
  const simulator = env().ATTUNE_SIMULATOR === "1";
  if (u.protocol !== "https:" && !(simulator && u.protocol === "http:")) throw new BackfillFailure(`refusing bulk result URL with protocol ${u.protocol}`);
}

async function* download(url: string, o: BackfillOptions): AsyncGenerator<string> {
  checkResultUrl(url);
  const res = await (o.fetch ?? fetch)(url);
  if ([403, 404, 410].includes(res.status)) throw new ResultGone(`bulk result URL answered HTTP ${res.status}`);
  if (!res.ok || !res.body) throw new Error(`bulk result download failed: HTTP ${res.status}`);
  yield* jsonlLines(res.body as unknown as AsyncIterable<Uint8Array>);
}

/* ---------------------------------------------------------------- refunds (not bulk-queryable) */

async function fillRefundLines(client: AdminClient, orders: OrderRecord[]) {
  const refunds = orders.flatMap((o) => o.refunds);
  if (!refunds.length) return;
  const byId = new Map(refunds.map((r) => [r.id, r]));
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += REFUND_LINES_BATCH) {
    const chunk = ids.slice(i, i + REFUND_LINES_BATCH).map((id) => `gid://shopify/Refund/${id}`);
    const r = await client.request<RefundLinesResult>(REFUND_LINES_QUERY, { ids: chunk });
    for (const node of r.nodes) {
      if (!node || !("refundLineItems" in node)) continue;
      const refund = byId.get(fromGid(node.id));
      if (!refund) continue;
      const edges = node.refundLineItems.edges;
      if (node.refundLineItems.pageInfo.hasNextPage) log.warn("backfill: refund has more than 20 line items; extra lines skipped", { refund: refund.id });
      refund.lines = edges.map(({ node: l }) => ({
        // RefundLineItem.id is nullable in the schema; fall back to a stable synthetic key.
        id: l.id ? fromGid(l.id) : `${refund.id}:${fromGid(l.lineItem.id)}`,
        lineItemId: fromGid(l.lineItem.id),
        quantity: l.quantity,
      }));
      // Same amount rule as refunds/create webhooks: the sum of the refunded lines' subtotals.
      if (edges.length) refund.amountCents = edges.reduce((s, { node: l }) => s + toCents(l.subtotalSet.shopMoney.amount), 0);
    }
  }
}

/* ---------------------------------------------------------------- stage run */

type AnyRecord = ProductRecord | CustomerRecord | OrderRecord;

async function applyBatch(database: Db, ctx: ApplyContext, job: { stage: Stage; opId: string; linesApplied: number; counts: Counts }, kind: BulkKind, items: { line: number; record: AnyRecord }[]) {
  const lastLine = items[items.length - 1].line;
  const counts = { ...job.counts, [kind]: (job.counts[kind as keyof Counts] ?? 0) + items.length };
  // writeTransaction: on SQLite the hot-path statements inside run as prepared driver statements.
  await writeTransaction(
    database,
    async (tx) => {
      const changes: Applied["changes"] = [];
      for (const { record } of items) {
        const applied =
          kind === "products"
            ? await applyProduct(tx, ctx, record as ProductRecord)
            : kind === "customers"
              ? await applyCustomer(tx, ctx, record as CustomerRecord)
              : await applyOrder(tx, ctx, record as OrderRecord);
        changes.push(...applied.changes);
      }
      await appendChanges(tx, ctx.shop, changes);
      // Conditional on the exact resume point we started from: a second runner (another process)
      // that got here first makes this batch roll back instead of being counted twice.
      const moved = await advanceBackfill(tx, ctx.shop, job, { linesApplied: lastLine, counts });
      if (!moved) throw new Superseded(`backfill progress for ${ctx.shop} moved underneath this run`);
    },
    { timeout: 120_000, maxWait: 60_000 },
  );
  job.linesApplied = lastLine;
  job.counts = counts;
}

async function runStage(database: Db, client: AdminClient, ctx: ApplyContext, job: Job, o: BackfillOptions): Promise<"next" | "aborted"> {
  const stage = job.stage as Exclude<Stage, "done">;
  let op = job.bulkOperationId ? await getOperation(client, job.bulkOperationId) : null;
  const usable = op && (["CREATED", "RUNNING", "CANCELING", "FAILED", "CANCELED"].includes(op.status) || (op.status === "COMPLETED" && (op.url || op.objectCount === "0")));
  let linesApplied = usable ? job.linesApplied : 0;
  let counts = parseCounts(job.counts);
  if (!usable) {
    // First run of the stage, or the old operation expired / vanished: start over for this stage.
    const opId = await startOperation(client, stageQuery(stage, o), o);
    counts = { ...counts, [stage]: 0 };
    await beginBackfillStage(database, ctx.shop, opId, counts);
    op = { id: opId, status: "CREATED" } as BulkOperation;
    linesApplied = 0;
    log.info("backfill stage started", { shop: ctx.shop, stage, bulkOperationId: opId });
  }
  const opId = op!.id;
  op = await waitForOperation(client, opId, o);
  if (o.signal?.aborted) return "aborted";
  if (!op) throw new BackfillFailure(`bulk operation ${opId} disappeared`);
  if (op.status !== "COMPLETED") {
    throw new BackfillFailure(`bulk operation ${opId} for ${stage} ended ${op.status}${op.errorCode ? ` (${op.errorCode})` : ""}${op.partialDataUrl ? "; partial data was not applied" : ""}`);
  }

  // Short transactions: on SQLite, webhook acks wait behind the one writer's open transaction.
  const batchSize = o.batchSize ?? 50;
  const state = { stage: stage as Stage, opId, linesApplied, counts };
  if (op.url) {
    let batch: { line: number; record: AnyRecord }[] = [];
    const flush = async () => {
      if (!batch.length) return;
      if (stage === "orders") await fillRefundLines(client, batch.map((b) => b.record as OrderRecord));
      await applyBatch(database, ctx, state, stage, batch);
      batch = [];
      o.onProgress?.({ shop: ctx.shop, stage, linesApplied: state.linesApplied, counts: state.counts });
    };
    let orphans = 0;
    for await (const item of readBulk(stage, download(op.url, o), { onOrphan: () => orphans++ })) {
      if (item.line <= linesApplied) continue;
      batch.push(item);
      if (batch.length >= batchSize) {
        await flush();
        if (o.signal?.aborted) return "aborted";
      }
    }
    await flush();
    if (orphans) log.warn("backfill: child rows without a parent were skipped", { shop: ctx.shop, stage, orphans });
  }
  if (o.signal?.aborted) return "aborted";
  await finishBackfillStage(database, ctx.shop, { stage, opId }, nextStage(stage), state.counts);
  log.info("backfill stage done", { shop: ctx.shop, stage, count: state.counts[stage] ?? 0 });
  return "next";
}

/** Runs (or resumes) the shop's backfill to completion, in the caller's async context. */
export async function runBackfill(shop: string, accessToken: string, o: BackfillOptions = {}): Promise<Job | null> {
  const database = o.db ?? defaultDb();
  const secret = o.secret ?? env().SHOPIFY_API_SECRET;
  const client = (o.client ?? createAdminClient)(shop, accessToken);
  const ctx: ApplyContext = { shop, secret };
  let job = await ensureBackfillJob(database, shop);
  if (job.status === "done") return job;
  if (job.status !== "running") job = await markBackfillRunning(database, shop);
  try {
    if (job.stage === STAGES[0] && !job.bulkOperationId) {
      const { shop: info } = await client.request<ShopResult>(SHOP_QUERY);
      await setShopCurrency(database, shop, info.currencyCode);
    }
    let restarts = 0;
    while (job.stage !== "done") {
      let r: "next" | "aborted";
      try {
        r = await runStage(database, client, ctx, job, o);
      } catch (e) {
        if (!(e instanceof ResultGone) || restarts++ >= 2) throw e;
        log.warn("backfill: bulk result gone, restarting the stage", { shop, stage: job.stage, error: e.message });
        job = await restartBackfillStage(database, shop);
        continue;
      }
      if (r === "aborted") return getBackfillJob(database, shop);
      job = (await getBackfillJob(database, shop))!;
    }
    const finished = await markBackfillDone(database, shop);
    log.info("backfill done", { shop, counts: parseCounts(finished.counts) });
    return finished;
  } catch (e) {
    if (e instanceof Superseded) {
      log.warn("backfill superseded by another runner", { shop });
      return getBackfillJob(database, shop);
    }
    const message = (e as Error).message;
    log.error("backfill failed", { shop, stage: job.stage, error: message });
    return markBackfillFailed(database, shop, message);
  }
}

/* ---------------------------------------------------------------- background entry points */

declare global {
  // eslint-disable-next-line no-var
  var __attuneBackfills: Map<string, Promise<unknown>> | undefined;
}
const inFlight = () => (globalThis.__attuneBackfills ??= new Map());

/**
 * After install or re-auth: make sure the shop's history is (being) loaded. Returns at once with the
 * run's promise (never rejects). A finished backfill is not repeated; a failed one is retried from
 * its stage with a fresh bulk operation.
 */
export function startBackfill(shop: string, accessToken: string, o: BackfillOptions = {}): Promise<unknown> {
  const running = inFlight().get(shop);
  if (running) return running;
  const database = o.db ?? defaultDb();
  const run = (async () => {
    const job = await getBackfillJob(database, shop);
    if (job?.status === "done") return job;
    if (job?.status === "failed") await retryBackfill(database, shop);
    return runBackfill(shop, accessToken, o);
  })()
    .catch((e) => log.error("backfill crashed", { shop, error: (e as Error).message }))
    .finally(() => inFlight().delete(shop));
  inFlight().set(shop, run);
  return run;
}

/**
 * At server start: resume every pending/running backfill of an installed shop, with the shop's
 * offline session token. Returns the shops resumed (their runs continue in the background).
 */
export async function resumeBackfills(o: BackfillOptions = {}): Promise<string[]> {
  const database = o.db ?? defaultDb();
  const resumed: string[] = [];
  for (const job of await resumableBackfills(database)) {
    const shop = await getShop(database, job.shopId);
    if (shop?.uninstalledAt) continue;
    const accessToken = await offlineAccessToken(database, job.shopId);
    if (!accessToken) {
      await markBackfillFailed(database, job.shopId, "no offline session to resume with");
      continue;
    }
    void startBackfill(job.shopId, accessToken, o);
    resumed.push(job.shopId);
  }
  return resumed;
}

/** Test/demo helper: the in-flight run for a shop, if any. */
export function backfillInFlight(shop: string): Promise<unknown> | undefined {
  return inFlight().get(shop);
}
