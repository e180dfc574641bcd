/**
 * What the loyalty admin pages do, over the ledger's model (app/models/loyalty.server.ts): program
 * preview and save, the members list and lookup, manual adjustments, the opening-balance CSV import
 * (bounded upload, dry run, idempotent apply) and the ledger CSV export (streamed page by page).
 */
import { db } from "../db.server";
import { EXAMPLE_PROGRAM, parseProgram } from "../engine/loyalty/program";
import type { ProgramConfig, ProgramPreview } from "../engine/loyalty/types";
import { listAudit } from "../models/audit.server";
import { adjustPoints, getProgram, importBalances, ledgerRows, listMembers, memberSummary, programPreview, saveProgram } from "../models/loyalty.server";
import { knownCustomerIds } from "../models/customers.server";
import { getPersonalizationOptOut } from "../models/opt-out.server";
import { getShop } from "../models/shop.server";
import { csvRow, parseCsv } from "../utils/csv";
import { customerIdOf } from "../utils/customer-id";
import type { FieldErrors } from "../utils/form-errors.server";

/* ------------------------------------------------------------------ program */

/** parseProgram's paths as form keys: `tiers[1].threshold` and `tiers.1.threshold` both become the latter. */
export function programFieldErrors(errors: { path: string; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const key = e.path.replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "") || "_form";
    out[key] ??= e.message;
  }
  return out;
}

export async function loyaltySettings(shop: string) {
  const [stored, shopRow, [saved]] = await Promise.all([getProgram(db(), shop), getShop(db(), shop), listAudit(db(), shop, { entityType: "loyalty-program", limit: 1 })]);
  return {
    version: stored?.version ?? 0,
    config: (stored?.config ?? { ...EXAMPLE_PROGRAM, enabled: false }) as ProgramConfig,
    savedAt: stored ? new Date(stored.createdAt).toISOString() : null,
    savedBy: stored ? (saved?.actor ?? "system") : null,
    currency: shopRow?.currency ?? "USD",
  };
}

type Parsed<T> = ({ ok: true } & T) | { ok: false; errors: FieldErrors };

export async function previewProgramInput(shop: string, input: unknown, now = new Date()): Promise<Parsed<{ config: ProgramConfig; preview: ProgramPreview }>> {
  const parsed = parseProgram(input);
  if (!parsed.ok) return { ok: false, errors: programFieldErrors(parsed.errors) };
  return { ok: true, config: parsed.value, preview: await programPreview(db(), shop, parsed.value, now) };
}

/** Saves a new version (the model records it in the audit log with the staff member). */
export async function saveProgramInput(shop: string, actor: string, input: unknown): Promise<Parsed<{ version: number; preview: ProgramPreview }>> {
  const p = await previewProgramInput(shop, input);
  if (!p.ok) return p;
  const saved = await saveProgram(db(), shop, actor, p.config);
  if (!saved.ok) return { ok: false, errors: programFieldErrors(Object.entries(saved.errors).map(([path, message]) => ({ path, message }))) };
  return { ok: true, version: saved.value.version, preview: p.preview };
}

/* ------------------------------------------------------------------ members */

export const MEMBERS_PAGE = 50;

export async function membersPage(shop: string, q: { tierId?: string; search?: string; cursor?: string }) {
  const [page, program] = await Promise.all([
    listMembers(db(), shop, { tierId: q.tierId || undefined, search: q.search?.trim().replace(/^gid:\/\/shopify\/Customer\//i, "") || undefined, cursor: q.cursor || undefined, limit: MEMBERS_PAGE }),
    getProgram(db(), shop),
  ]);
  return { ...page, tiers: (program?.config.tiers ?? []).map((t) => ({ id: t.id, name: t.name })), enabled: Boolean(program?.config.enabled) };
}

export async function memberDetail(shop: string, customerId: string) {
  const [summary, optOut, shopRow] = await Promise.all([memberSummary(db(), shop, customerId, { historyLimit: 100 }), getPersonalizationOptOut(db(), shop, customerId), getShop(db(), shop)]);
  return { summary, inStore: optOut !== null, currency: shopRow?.currency ?? "USD" };
}

export const REASON_MAX = 200;

export async function adjustMember(shop: string, actor: string, customerIdRaw: unknown, input: { delta?: unknown; reason?: unknown }): Promise<Parsed<{ balance: number; delta: number }>> {
  const errors: FieldErrors = {};
  const customerId = customerIdOf(customerIdRaw);
  if (!customerId) errors._form = "Unknown customer";
  const text = typeof input.delta === "string" || typeof input.delta === "number" ? String(input.delta).trim() : "";
  const delta = /^[+-]?\d{1,8}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(delta) || delta === 0) errors.delta = "Enter a whole number of points to add (such as 50) or remove (such as -50)";
  const reason = typeof input.reason === "string" ? input.reason.trim().replace(/\s+/g, " ") : "";
  if (!reason) errors.reason = "A reason is required: it is kept in the customer's history";
  else if (reason.length > REASON_MAX) errors.reason = `Keep the reason under ${REASON_MAX} characters`;
  if (Object.keys(errors).length) return { ok: false, errors };
  if ((await getPersonalizationOptOut(db(), shop, customerId!)) === null) return { ok: false, errors: { _form: `No customer ${customerId} in this store` } };
  // The model writes the entry (with the actor) and its audit record in one transaction.
  const r = await adjustPoints(db(), shop, actor, customerId!, delta, reason);
  if (!r.ok) {
    const { customerId: notMember, ...rest } = r.errors;
    return { ok: false, errors: notMember ? { ...rest, _form: notMember } : rest };
  }
  return { ok: true, balance: r.value.balance, delta };
}

/* ------------------------------------------------------------------ import */

/** An opening-balance file from another app: about 80,000 rows of "id,points". */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 50_000;
export const IMPORT_MAX_POINTS = 10_000_000;

export interface BalanceRow {
  line: number;
  customerId: string;
  points: number;
}
export interface LineError {
  line: number;
  message: string;
}

const norm = (h: string) => h.toLowerCase().replace(/[^a-z]/g, "");
const ID_HEADERS = ["customerid", "shopifycustomerid", "id", "customer"];
const EMAIL_HEADERS = ["email", "emailaddress", "customeremail"];
const POINTS_HEADERS = ["points", "balance", "pointsbalance", "pointbalance", "availablepoints", "currentpoints"];

/**
 * The file's rows as (customer id, points), and what is wrong with each other line. The header names
 * the columns (customer id or email, and points), in any order, as other loyalty apps export them.
 * Attune keeps no email addresses (minimal personal data), so a row with only an email cannot be
 * matched and is reported on its line.
 */
export function parseBalancesCsv(text: string): { rows: BalanceRow[]; errors: LineError[] } {
  const parsed = parseCsv(text);
  if (!parsed.ok) return { rows: [], errors: [{ line: parsed.line, message: parsed.message }] };
  const [header, ...records] = parsed.records;
  if (!header) return { rows: [], errors: [{ line: 1, message: "The file is empty" }] };
  const names = header.cells.map(norm);
  const idCol = names.findIndex((n) => ID_HEADERS.includes(n));
  const emailCol = names.findIndex((n) => EMAIL_HEADERS.includes(n));
  const pointsCol = names.findIndex((n) => POINTS_HEADERS.includes(n));
  if (pointsCol < 0 || (idCol < 0 && emailCol < 0)) {
    return { rows: [], errors: [{ line: header.line, message: 'The first line must name the columns: "customer_id" (or "email") and "points"' }] };
  }
  if (records.length > IMPORT_MAX_ROWS) return { rows: [], errors: [{ line: header.line, message: `The file has ${records.length} rows; import at most ${IMPORT_MAX_ROWS} at a time` }] };
  const rows: BalanceRow[] = [];
  const errors: LineError[] = [];
  const seen = new Map<string, number>();
  for (const r of records) {
    const cell = (i: number) => (i >= 0 ? (r.cells[i] ?? "").trim() : "");
    const rawId = cell(idCol);
    const customerId = customerIdOf(rawId);
    const rawPoints = cell(pointsCol).replace(/[,\s]/g, "");
    if (!rawId) {
      errors.push({ line: r.line, message: cell(emailCol) ? "Only an email: Attune keeps no email addresses, so it cannot match this row; add the Shopify customer id" : "No customer id" });
      continue;
    }
    if (!customerId) {
      errors.push({ line: r.line, message: `"${rawId.slice(0, 40)}" is not a Shopify customer id (a number such as 7123456789)` });
      continue;
    }
    if (!/^\d+$/.test(rawPoints) || Number(rawPoints) > IMPORT_MAX_POINTS) {
      errors.push({ line: r.line, message: `Points must be a whole number from 0 to ${IMPORT_MAX_POINTS.toLocaleString("en-US")}, not "${cell(pointsCol).slice(0, 20)}"` });
      continue;
    }
    const first = seen.get(customerId);
    if (first !== undefined) {
      errors.push({ line: r.line, message: `Customer ${customerId} is already on line ${first}` });
      continue;
    }
    seen.set(customerId, r.line);
    rows.push({ line: r.line, customerId, points: Number(rawPoints) });
  }
  return { rows, errors };
}

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  imported: number;
  skipped: number;
  errors: LineError[];
}

/**
 * A dry run writes nothing; an apply imports each customer once ever (the ledger's key
 * `import:<customer>`), so applying the same file twice imports it once. Lines with errors are
 * left out and reported; the rest still import.
 */
export async function importOpeningBalances(shop: string, actor: string, text: string, dryRun: boolean): Promise<ImportReport> {
  const parsed = parseBalancesCsv(text);
  const errors = [...parsed.errors];
  // A typo must not create a member nobody is: only customers Attune holds for this shop import.
  const known = await knownCustomerIds(db(), shop, parsed.rows.map((x) => x.customerId));
  const rows: BalanceRow[] = [];
  for (const x of parsed.rows) {
    if (known.has(x.customerId)) rows.push(x);
    else errors.push({ line: x.line, message: `Customer ${x.customerId} is not a customer of this store (if the store history is still importing, try again when it is done)` });
  }
  const r = rows.length ? await importBalances(db(), shop, actor, rows, { dryRun }) : { imported: 0, skipped: 0, errors: [] };
  return { dryRun, rows: parsed.rows.length + parsed.errors.length, imported: r.imported, skipped: r.skipped, errors: [...errors, ...r.errors].sort((a, b) => a.line - b.line) };
}

/**
 * The request's multipart form, read only up to `maxBytes` (a larger body is refused without
 * buffering it); null when it is too large.
 */
export async function readBoundedForm(request: Request, maxBytes: number): Promise<FormData | null> {
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(value);
    }
  }
  return new Response(new Blob(chunks as BlobPart[]), { headers: { "Content-Type": request.headers.get("Content-Type") ?? "" } }).formData();
}

/* ------------------------------------------------------------------ export */

export const EXPORT_HEADER = ["entry_id", "created_at", "customer_id", "kind", "points", "pending", "owed", "order_id", "reason", "actor", "key"];
export const EXPORT_PAGE = 1000;

/**
 * Every ledger entry of the shop (or of one customer), oldest first, as CSV, read a page at a time
 * as the client consumes it: memory stays flat however long the ledger is.
 */
export function ledgerCsv(shop: string, opts: { customerId?: string; pageSize?: number } = {}): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let afterSeq: number | undefined;
  let headerSent = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        // The BOM tells spreadsheets the file is UTF-8 (reasons may hold any text).
        controller.enqueue(enc.encode(`\ufeff${EXPORT_HEADER.join(",")}\r\n`));
        return;
      }
      if (done) return controller.close();
      const limit = opts.pageSize ?? EXPORT_PAGE;
      const rows = await ledgerRows(db(), shop, { customerId: opts.customerId, afterSeq, limit });
      if (rows.length < limit) done = true;
      if (!rows.length) return controller.close();
      afterSeq = rows[rows.length - 1].seq;
      controller.enqueue(enc.encode(rows.map((e) => csvRow([e.id, e.createdAt, e.customerId, e.kind, e.points, e.pending, e.owed, e.orderId, e.reason, e.actor, e.key])).join("")));
    },
  });
}
