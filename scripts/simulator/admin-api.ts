/**
 * A local stand-in for the Shopify Admin GraphQL API (node:http on 127.0.0.1), answering from a
 * seeded store. What it does like Shopify:
 * - POST /admin/api/2026-10/graphql.json, shop named by X-Shopify-Shop-Domain (the app sends it only
 *   in simulator mode), X-Shopify-Access-Token checked (401 with Shopify's message otherwise);
 * - every document is parsed and validated against the real 2026-10 schema; invalid ones get
 *   GraphQL errors with locations, nothing executes (a misspelled field fails here as on Shopify);
 * - cost extensions (requested/actual cost, leaky-bucket throttleStatus) on every response and
 *   THROTTLED errors when the bucket is short;
 * - bulkOperationRunQuery validates the inner query (schema + Shopify's bulk rules -> userErrors),
 *   runs it over the whole store, writes ungrouped JSONL (`__parentId`, children not directly under
 *   their parents) and moves CREATED -> RUNNING -> COMPLETED; bulkOperation(id:) /
 *   currentBulkOperation poll it; the result URL is an unauthenticated, unguessable download.
 * - failures on demand: failNextBulk(errorCode) ends the next operation FAILED (with partial data).
 * - code discounts: discountCodeBasicCreate / discountCodeFreeShippingCreate with Shopify's checks
 *   (code and title required, startsAt required, one code per shop case-insensitively, `context` and
 *   the deprecated `customerSelection` not both) answered with userErrors; codeDiscountNodeByCode and
 *   nodes(ids:) read them back; discountCodeDeactivate ends one now (EXPIRED) and discountCodeDelete
 *   removes it, both with a userError for an id the shop does not have; GET /simulator/discounts
 *   lists them (tests, e2e).
 * - redeem codes (redeem-codes.ts): discountRedeemCodeBulkAdd as an asynchronous job polled with
 *   discountRedeemCodeBulkCreation(id) (done from the second read on, per-code errors for duplicates),
 *   every code unique per shop across discounts; findCode() / GET /simulator/discount-codes?shop=&code=
 *   say which discount a code belongs to (a storefront cart applying it).
 * - Admin API faults on demand: failAdminApi({ status, operations, shops, count }) answers matching requests
 *   with an HTTP error (503 by default) until cleared with failAdminApi(null); POST /simulator/faults
 *   with the same JSON (or `null`) does it from another process.
 * - app-data metafields: currentAppInstallation { id }, metafieldsSet / metafieldsDelete on it
 *   (what a theme app extension reads as app.metafields); GET /simulator/metafields lists them.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  GraphQLError,
  GraphQLObjectType,
  GraphQLInterfaceType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  execute,
  getNamedType,
  parse,
  validate,
} from "graphql";
import { bulkQueryErrors } from "./bulk-rules";
import { type ExecContext, StoreViews, connection } from "./graphql-views";
import { type AdminFault, Faults, RedeemCodes, type SimRedeemCode } from "./redeem-codes";
import { loadAdminSchema } from "./schema";
import type { SimCustomer, SimOrder, SimProduct, SimStore } from "./store";

export const ADMIN_VERSION = "2026-10";

export interface AdminApiOptions {
  store: SimStore;
  /** shop domain -> offline access token the stand-in accepts. */
  tokens: Record<string, string>;
  /** Only objects created before this instant exist (the demo replays the rest as webhooks). */
  before?: Date;
  /** Milliseconds a bulk operation spends in CREATED and in RUNNING (default 20 each). */
  bulkStepMs?: number;
  /** Leaky bucket; Shopify's standard plan: 2000 points, 100/s. */
  bucket?: { maximumAvailable: number; restoreRate: number };
  port?: number;
  schema?: GraphQLSchema;
  /** Log each request to stderr. */
  verbose?: boolean;
}

interface BulkOp {
  id: string;
  n: number;
  shop: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";
  query: string;
  groupObjects: boolean;
  createdAt: Date;
  completedAt: Date | null;
  errorCode: string | null;
  objectCount: number;
  rootObjectCount: number;
  jsonl: string | null;
  partial: string | null;
  secret: string;
}

export interface AdminApi {
  origin: string;
  url: string;
  close(): Promise<void>;
  /** The next bulk operation (optionally: the next whose query mentions `match`) ends FAILED. */
  failNextBulk(errorCode?: "INTERNAL_SERVER_ERROR" | "TIMEOUT" | "ACCESS_DENIED", match?: string): void;
  /** Marks every finished operation EXPIRED (their URLs stop working), as after 7 days. */
  expireBulkOperations(): void;
  /** Every GraphQL request received (operation name or first field), for assertions. */
  readonly log: { operation: string; shop: string; status: number }[];
  readonly operations: ReadonlyMap<string, BulkOp>;
  readonly downloads: number;
  /** App-data metafields set through the API, per shop. */
  metafields(shop?: string): { shop: string; ownerId: string; namespace: string; key: string; type: string; value: string }[];
  /** Code discounts created through the API, per shop. */
  discounts(shop?: string): SimDiscount[];
  /** Every redeem code (a discount's own code and bulk-added ones), per shop. */
  redeemCodes(shop?: string): SimRedeemCode[];
  /** The discount a code redeems, as a cart applying it would look it up (null: no such code). */
  findCode(shop: string, code: string): { code: string; discount: SimDiscount } | null;
  /** Makes the Admin API fail (see AdminFault); null clears it. */
  failAdminApi(fault: AdminFault | null): void;
  /** Requests answered with an injected fault so far. */
  readonly faultedRequests: number;
}

export interface SimDiscount {
  id: string;
  shop: string;
  type: "DiscountCodeBasic" | "DiscountCodeFreeShipping";
  title: string;
  code: string;
  startsAt: string;
  endsAt: string | null;
  usage: number;
  /** The input's context (who may use it), as sent. */
  context: unknown;
  customerGets: unknown;
  minimumRequirement: unknown;
}

const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : null);

/* ---------------------------------------------------------------- query cost (approximation of Shopify's) */

/**
 * Requested cost, after Shopify's published rules: scalars and enums 0, objects 1, connections
 * 2 + first x (cost of one node); `edges`/`node`/`pageInfo` wrappers add nothing; mutations 10.
 */
export function queryCost(schema: GraphQLSchema, doc: DocumentNode, vars: Record<string, unknown> = {}, operationName?: string): number {
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
  if (!op) return 0;
  const root = op.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  return (op.operation === "mutation" ? 10 : 0) + selectionCost(schema, op.selectionSet, root, vars);
}

function selectionCost(schema: GraphQLSchema, set: SelectionSetNode | undefined, parent: unknown, vars: Record<string, unknown>): number {
  if (!set || !(parent instanceof GraphQLObjectType || parent instanceof GraphQLInterfaceType)) return 0;
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
      cost += selectionCost(schema, sel.selectionSet, t, vars);
      continue;
    }
    if (sel.kind !== Kind.FIELD) continue;
    const def = parent.getFields()[sel.name.value];
    if (!def) continue;
    const named = getNamedType(def.type);
    if (!(named instanceof GraphQLObjectType || named instanceof GraphQLInterfaceType)) continue;
    if (named.name.endsWith("Connection")) {
      const first = argValue(sel, "first", vars) ?? argValue(sel, "last", vars);
      cost += 2 + (typeof first === "number" ? first : 1) * connectionNodeCost(schema, sel.selectionSet, named, vars);
    } else if (sel.name.value === "nodes" && (parent.name === "QueryRoot" || parent.name === "Query")) {
      const ids = argValue(sel, "ids", vars);
      cost += (Array.isArray(ids) ? ids.length : 1) * (1 + selectionCost(schema, sel.selectionSet, named, vars));
    } else if (sel.name.value === "pageInfo") continue;
    else cost += 1 + selectionCost(schema, sel.selectionSet, named, vars);
  }
  return cost;
}

/** Cost of one node of a connection, looking through edges { node } and nodes. */
function connectionNodeCost(schema: GraphQLSchema, set: SelectionSetNode | undefined, conn: GraphQLObjectType | GraphQLInterfaceType, vars: Record<string, unknown>): number {
  let cost = 0;
  for (const sel of set?.selections ?? []) {
    if (sel.kind !== Kind.FIELD) continue;
    const def = conn.getFields()[sel.name.value];
    if (!def) continue;
    if (sel.name.value === "nodes") cost += selectionCost(schema, sel.selectionSet, getNamedType(def.type), vars);
    else if (sel.name.value === "edges") {
      const edge = getNamedType(def.type) as GraphQLObjectType;
      for (const e of sel.selectionSet?.selections ?? []) {
        if (e.kind === Kind.FIELD && e.name.value === "node") cost += selectionCost(schema, e.selectionSet, getNamedType(edge.getFields().node.type), vars);
      }
    }
  }
  return Math.max(1, cost);
}

function argValue(field: FieldNode, name: string, vars: Record<string, unknown>): unknown {
  const a = field.arguments?.find((x) => x.name.value === name);
  if (!a) return undefined;
  if (a.value.kind === Kind.INT) return Number(a.value.value);
  if (a.value.kind === Kind.VARIABLE) return vars[a.value.name.value];
  if (a.value.kind === Kind.LIST) return a.value.values;
  return undefined;
}

/** Objects actually returned (1 each, connections 2), at least 1. */
function actualCost(data: unknown): number {
  let n = 0;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      n += "edges" in (v as object) ? 2 : 1;
      Object.values(v as object).forEach(walk);
    }
  };
  if (data && typeof data === "object") Object.values(data).forEach(walk);
  return Math.max(1, n);
}

/* ---------------------------------------------------------------- JSONL */

type Obj = Record<string, unknown>;
const isConnection = (v: unknown): v is { edges: { node: Obj }[] } =>
  Boolean(v && typeof v === "object" && !Array.isArray(v) && Array.isArray((v as Obj).edges) && Object.keys(v as Obj).every((k) => k === "edges" || k === "pageInfo"));

/** Flattens a bulk result into JSONL. Ungrouped: each chunk of roots is followed by their children. */
export function toJsonl(data: Obj, groupObjects: boolean): { text: string; objects: number; roots: number } {
  const rootConn = Object.values(data).find(isConnection);
  if (!rootConn) return { text: "", objects: 0, roots: 0 };
  const lines: string[] = [];
  let objects = 0;
  const flatten = (node: Obj, parentId: string | null, out: string[], children: string[]) => {
    const own: Obj = {};
    const nested: { edges: { node: Obj }[] }[] = [];
    for (const [k, v] of Object.entries(node)) {
      if (isConnection(v)) nested.push(v);
      else own[k] = v;
    }
    if (parentId) own.__parentId = parentId;
    out.push(JSON.stringify(own));
    objects++;
    for (const c of nested) for (const e of c.edges) flatten(e.node, node.id as string, children, children);
  };
  const CHUNK = 64;
  const roots = rootConn.edges;
  for (let i = 0; i < roots.length; i += CHUNK) {
    const parents: string[] = [];
    const kids: string[] = [];
    for (const e of roots.slice(i, i + CHUNK)) {
      if (groupObjects) flatten(e.node, null, lines, lines);
      else flatten(e.node, null, parents, kids);
    }
    lines.push(...parents, ...kids);
  }
  return { text: lines.length ? lines.join("\n") + "\n" : "", objects, roots: roots.length };
}

/* ---------------------------------------------------------------- orders search (the subset we use) */

export function filterOrders(orders: SimOrder[], query: unknown): SimOrder[] {
  if (typeof query !== "string" || !query.trim()) return orders;
  let out = orders;
  for (const m of query.matchAll(/created_at:(>=|<=|>|<)?['"]?([0-9T:.\-Z+]+)['"]?/g)) {
    const op = m[1] ?? ">=";
    const t = new Date(m[2]).getTime();
    if (Number.isNaN(t)) continue;
    out = out.filter((o) => {
      const c = o.createdAt.getTime();
      return op === ">=" ? c >= t : op === ">" ? c > t : op === "<" ? c < t : c <= t;
    });
  }
  return out;
}

/* ---------------------------------------------------------------- server */

export async function startAdminApi(opts: AdminApiOptions): Promise<AdminApi> {
  const schema = opts.schema ?? loadAdminSchema(ADMIN_VERSION);
  const { store } = opts;
  const before = opts.before?.getTime() ?? Infinity;
  const visible = {
    products: store.products.filter((p) => p.createdAt.getTime() < before),
    customers: store.customers.filter((c) => c.createdAt.getTime() < before),
    orders: store.orders.filter((o) => o.createdAt.getTime() < before),
  };
  const views = new StoreViews(store, visible);
  const bucketSpec = opts.bucket ?? { maximumAvailable: 2000, restoreRate: 100 };
  const buckets = new Map<string, { available: number; at: number }>();
  const ops = new Map<string, BulkOp>();
  const failures: { code: string; match?: string }[] = [];
  const log: AdminApi["log"] = [];
  let opSeq = 0;
  let downloads = 0;
  let origin = "";
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const step = opts.bulkStepMs ?? 20;

  const opView = (op: BulkOp) => ({
    __typename: "BulkOperation",
    id: op.id,
    status: op.status,
    type: "QUERY",
    query: op.query,
    errorCode: op.errorCode,
    createdAt: iso(op.createdAt),
    completedAt: iso(op.completedAt),
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.status === "COMPLETED" && op.jsonl !== null ? String(Buffer.byteLength(op.jsonl)) : null,
    url: op.status === "COMPLETED" && op.jsonl ? `${origin}/bulk-results/${op.n}.jsonl?sig=${op.secret}` : null,
    partialDataUrl: op.status === "FAILED" && op.partial ? `${origin}/bulk-results/${op.n}.partial.jsonl?sig=${op.secret}` : null,
  });

  function runBulk(shop: string, query: string, groupObjects: boolean) {
    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (e) {
      return { bulkOperation: null, userErrors: [{ field: ["query"], message: `Invalid bulk query: ${(e as GraphQLError).message.replace(/^Syntax Error: /, "syntax error, ")}`, code: "INVALID" }] };
    }
    const invalid = validate(schema, doc).map((e) => e.message);
    const rules = invalid.length ? [] : bulkQueryErrors(schema, doc);
    const problems = [...invalid, ...rules];
    if (problems.length) return { bulkOperation: null, userErrors: problems.map((message) => ({ field: ["query"], message, code: "INVALID" })) };
    const running = [...ops.values()].filter((o) => o.shop === shop && (o.status === "CREATED" || o.status === "RUNNING"));
    if (running.length >= 5) {
      return { bulkOperation: null, userErrors: [{ field: null, message: "A limit of 5 concurrent bulk query operations per shop has been reached.", code: "LIMIT_REACHED" }] };
    }
    const n = ++opSeq;
    const op: BulkOp = {
      id: `gid://shopify/BulkOperation/${9_000_000_000 + n}`,
      n,
      shop,
      status: "CREATED",
      query,
      groupObjects,
      createdAt: new Date(),
      completedAt: null,
      errorCode: null,
      objectCount: 0,
      rootObjectCount: 0,
      jsonl: null,
      partial: null,
      secret: crypto.randomBytes(16).toString("hex"),
    };
    ops.set(op.id, op);
    const fi = failures.findIndex((f) => !f.match || query.includes(f.match));
    const failure = fi >= 0 ? failures.splice(fi, 1)[0] : null;
    later(step, () => {
      if (op.status !== "CREATED") return;
      op.status = "RUNNING";
      later(step, async () => {
        if (op.status !== "RUNNING") return;
        const result = await execute({ schema, document: doc, rootValue: queryRoot(shop), contextValue: { bulk: true } satisfies ExecContext, fieldResolver, typeResolver });
        if (result.errors?.length || !result.data) {
          op.status = "FAILED";
          op.errorCode = "INTERNAL_SERVER_ERROR";
          process.stderr.write(`[admin-api] bulk ${op.id} failed: ${result.errors?.map((e) => e.message).join("; ")}\n`);
          return;
        }
        const out = toJsonl(result.data as Obj, groupObjects);
        op.objectCount = out.objects;
        op.rootObjectCount = out.roots;
        if (failure) {
          op.status = "FAILED";
          op.errorCode = failure.code;
          const cut = out.text.split("\n").slice(0, Math.floor(out.objects / 3));
          op.partial = cut.length ? cut.join("\n") + "\n" : null;
          return;
        }
        op.jsonl = out.text;
        op.status = "COMPLETED";
        op.completedAt = new Date();
      });
    });
    return { bulkOperation: opView(op), userErrors: [] };
  }

  const queryRoot = (shop: string) => ({
    shop: { __typename: "Shop", id: "gid://shopify/Shop/1", name: "Attune Demo Store", myshopifyDomain: shop, currencyCode: store.currency, ianaTimezone: "UTC" },
    products: (a: Obj, ctx: ExecContext) => connection(visible.products, views.product, a, ctx),
    customers: (a: Obj, ctx: ExecContext) => connection(visible.customers, views.customer, a, ctx),
    orders: (a: Obj, ctx: ExecContext) => connection(a.reverse ? [...filterOrders(visible.orders, a.query)].reverse() : filterOrders(visible.orders, a.query), views.order, a, ctx),
    node: (a: Obj) => discountNode(shop, String(a.id)) ?? views.node(String(a.id)),
    nodes: (a: Obj) => (a.ids as string[]).map((id) => discountNode(shop, id) ?? views.node(id)),
    currentAppInstallation: { __typename: "AppInstallation", id: installationId(shop) },
    codeDiscountNodeByCode: (a: Obj) => {
      const c = redeem.find(shop, String(a.code));
      return c ? discountNode(shop, c.discountId) : null;
    },
    discountRedeemCodeBulkCreation: (a: Obj) => redeem.bulkCreation(shop, String(a.id)),
    bulkOperation: (a: Obj) => {
      const op = ops.get(String(a.id));
      return op && op.shop === shop ? opView(op) : null;
    },
    currentBulkOperation: () => {
      const mine = [...ops.values()].filter((o) => o.shop === shop);
      return mine.length ? opView(mine[mine.length - 1]) : null;
    },
    bulkOperations: (a: Obj, ctx: ExecContext) => connection([...ops.values()].filter((o) => o.shop === shop).reverse().map(opView), (x) => x, a, ctx),
  });

  const discounts = new Map<string, SimDiscount>();
  let discountSeq = 0;
  const discountView = (d: SimDiscount) => {
    const now = Date.now();
    const status = Date.parse(d.startsAt) > now ? "SCHEDULED" : d.endsAt && Date.parse(d.endsAt) <= now ? "EXPIRED" : "ACTIVE";
    return {
      __typename: "DiscountCodeNode",
      id: d.id,
      codeDiscount: { __typename: d.type, title: d.title, status, asyncUsageCount: d.usage, startsAt: d.startsAt, endsAt: d.endsAt, codes: { nodes: [{ __typename: "DiscountRedeemCode", code: d.code }] } },
    };
  };
  function createDiscount(shop: string, type: SimDiscount["type"], arg: string, input: Obj) {
    const errors: { field: string[] | null; code: string | null; message: string }[] = [];
    const err = (field: string, code: string, message: string) => errors.push({ field: [arg, field], code, message });
    const code = typeof input.code === "string" ? input.code.trim() : "";
    if (!code) err("code", "BLANK", "Code can't be blank");
    if (!input.title || !String(input.title).trim()) err("title", "BLANK", "Title can't be blank");
    if (!input.startsAt) err("startsAt", "BLANK", "Starts at can't be blank");
    if (input.context && input.customerSelection) err("context", "INVALID", "Only one of context or customerSelection can be provided");
    if (!input.context && !input.customerSelection) err("context", "BLANK", "Context can't be blank");
    if (type === "DiscountCodeBasic" && !(input.customerGets as Obj | undefined)?.value) err("customerGets", "BLANK", "Customer gets value can't be blank");
    if (code && redeem.taken(shop, code)) err("code", "TAKEN", "Code must be unique. Please try a different code.");
    if (input.endsAt && input.startsAt && Date.parse(String(input.endsAt)) <= Date.parse(String(input.startsAt))) err("endsAt", "INVALID", "Ends at needs to be after starts_at");
    if (errors.length) return { codeDiscountNode: null, userErrors: errors };
    const d: SimDiscount = {
      id: `gid://shopify/DiscountCodeNode/${1_000_000_000 + ++discountSeq}`,
      shop,
      type,
      title: String(input.title),
      code,
      startsAt: new Date(String(input.startsAt)).toISOString(),
      endsAt: input.endsAt ? new Date(String(input.endsAt)).toISOString() : null,
      usage: 0,
      context: input.context ?? input.customerSelection,
      customerGets: input.customerGets ?? null,
      minimumRequirement: input.minimumRequirement ?? null,
    };
    discounts.set(d.id, d);
    redeem.add(shop, code, d.id);
    return { codeDiscountNode: discountView(d), userErrors: [] };
  }
  const missingDiscount = { field: ["id"], code: "INVALID", message: "Discount does not exist" };
  /** As Shopify does: deactivating ends the discount now (EXPIRED); the code stays. */
  function deactivateDiscount(shop: string, id: string) {
    const d = discounts.get(id);
    if (!d || d.shop !== shop) return { codeDiscountNode: null, userErrors: [missingDiscount] };
    const now = new Date().toISOString();
    if (!d.endsAt || d.endsAt > now) d.endsAt = now;
    return { codeDiscountNode: discountView(d), userErrors: [] };
  }
  function deleteDiscount(shop: string, id: string) {
    const d = discounts.get(id);
    if (!d || d.shop !== shop) return { deletedCodeDiscountId: null, userErrors: [missingDiscount] };
    discounts.delete(id);
    redeem.removeDiscount(id);
    return { deletedCodeDiscountId: id, userErrors: [] };
  }
  const discountNode = (shop: string, id: string) => {
    const d = discounts.get(id);
    return d && d.shop === shop ? discountView(d) : null;
  };
  const redeem = new RedeemCodes((shop, id) => discountNode(shop, id) !== null, discountNode);
  const faults = new Faults();
  const findCode = (shop: string, code: string) => {
    const c = redeem.find(shop, code);
    const d = c ? discounts.get(c.discountId) : undefined;
    return c && d ? { code: c.code, discount: d } : null;
  };

  const metafields = new Map<string, { shop: string; ownerId: string; namespace: string; key: string; type: string; value: string }>();
  const installationId = (shop: string) => `gid://shopify/AppInstallation/${[...shop].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000_007, 7)}`;
  function setMetafields(shop: string, inputs: Obj[]) {
    const userErrors: { field: string[]; message: string; code: string }[] = [];
    inputs.forEach((m, i) => {
      if (m.ownerId !== installationId(shop)) userErrors.push({ field: ["metafields", String(i), "ownerId"], message: "Owner does not exist.", code: "INVALID" });
      if (!m.type) userErrors.push({ field: ["metafields", String(i), "type"], message: "Type can't be blank", code: "BLANK" });
      if (m.type === "number_integer" && !/^-?\d+$/.test(String(m.value))) userErrors.push({ field: ["metafields", String(i), "value"], message: "Value must be an integer.", code: "INVALID_VALUE" });
    });
    if (userErrors.length) return { metafields: null, userErrors };
    const out = inputs.map((m) => {
      const row = { shop, ownerId: String(m.ownerId), namespace: String(m.namespace), key: String(m.key), type: String(m.type), value: String(m.value) };
      metafields.set(`${shop}|${row.namespace}|${row.key}`, row);
      return { __typename: "Metafield", namespace: row.namespace, key: row.key, value: row.value };
    });
    return { metafields: out, userErrors: [] };
  }

  const mutationRoot = (shop: string) => ({
    metafieldsSet: (a: Obj) => setMetafields(shop, a.metafields as Obj[]),
    metafieldsDelete: (a: Obj) => ({
      deletedMetafields: (a.metafields as Obj[]).map((m) => (metafields.delete(`${shop}|${m.namespace}|${m.key}`) ? { key: m.key } : null)),
      userErrors: [],
    }),
    discountCodeBasicCreate: (a: Obj) => createDiscount(shop, "DiscountCodeBasic", "basicCodeDiscount", a.basicCodeDiscount as Obj),
    discountCodeFreeShippingCreate: (a: Obj) => createDiscount(shop, "DiscountCodeFreeShipping", "freeShippingCodeDiscount", a.freeShippingCodeDiscount as Obj),
    discountCodeDeactivate: (a: Obj) => deactivateDiscount(shop, String(a.id)),
    discountCodeDelete: (a: Obj) => deleteDiscount(shop, String(a.id)),
    discountRedeemCodeBulkAdd: (a: Obj) => redeem.bulkAdd(shop, String(a.discountId), (a.codes ?? []) as Obj[]),
    bulkOperationRunQuery: (a: Obj) => runBulk(shop, String(a.query), a.groupObjects === true),
    bulkOperationCancel: (a: Obj) => {
      const op = ops.get(String(a.id));
      if (!op || op.shop !== shop) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
      if (op.status === "CREATED" || op.status === "RUNNING") {
        op.status = "CANCELING";
        later(step, () => (op.status = "CANCELED"));
      }
      return { bulkOperation: opView(op), userErrors: [] };
    },
  });

  function fieldResolver(source: Obj, args: Obj, ctx: ExecContext, info: { fieldName: string; parentType: { name: string } }) {
    const v = source[info.fieldName];
    if (typeof v === "function") return (v as (a: Obj, c: ExecContext) => unknown)(args, ctx);
    if (v === undefined) throw new GraphQLError(`The Attune simulator does not implement ${info.parentType.name}.${info.fieldName}`);
    return v;
  }
  const typeResolver = (value: Obj) => value.__typename as string;

  function take(shop: string, cost: number) {
    const now = Date.now();
    const b = buckets.get(shop) ?? { available: bucketSpec.maximumAvailable, at: now };
    b.available = Math.min(bucketSpec.maximumAvailable, b.available + ((now - b.at) / 1000) * bucketSpec.restoreRate);
    b.at = now;
    buckets.set(shop, b);
    const ok = b.available >= cost;
    if (ok) b.available -= cost;
    return { ok, status: { maximumAvailable: bucketSpec.maximumAvailable, currentlyAvailable: Math.floor(b.available), restoreRate: bucketSpec.restoreRate } };
  }

  async function graphqlRequest(shop: string, body: Obj): Promise<{ status: number; json: unknown }> {
    const source = typeof body.query === "string" ? body.query : "";
    const variables = (body.variables ?? {}) as Obj;
    let doc: DocumentNode;
    try {
      doc = parse(source);
    } catch (e) {
      const err = e as GraphQLError;
      return { status: 200, json: { errors: [{ message: err.message, locations: err.locations, extensions: { code: "SYNTAX_ERROR" } }] } };
    }
    const invalid = validate(schema, doc);
    if (invalid.length) {
      return { status: 200, json: { errors: invalid.map((e) => ({ message: e.message, locations: e.locations, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })) } };
    }
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!body.operationName || d.name?.value === body.operationName));
    const requested = Math.max(1, queryCost(schema, doc, variables, typeof body.operationName === "string" ? body.operationName : undefined));
    if (requested > 1000) {
      return { status: 200, json: { errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (1000).`, extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: 1000 } }] } };
    }
    const bucket = take(shop, requested);
    if (!bucket.ok) {
      return { status: 200, json: { errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }], extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status } } } };
    }
    const result = await execute({
      schema,
      document: doc,
      rootValue: op?.operation === "mutation" ? mutationRoot(shop) : queryRoot(shop),
      contextValue: { bulk: false } satisfies ExecContext,
      variableValues: variables,
      operationName: typeof body.operationName === "string" ? body.operationName : undefined,
      fieldResolver,
      typeResolver,
    });
    // Like Shopify: the requested cost is reserved, the unused part of it refunded.
    const actual = Math.min(requested, actualCost(result.data));
    const b = buckets.get(shop)!;
    b.available = Math.min(bucketSpec.maximumAvailable, b.available + (requested - actual));
    bucket.status.currentlyAvailable = Math.floor(b.available);
    return {
      status: 200,
      json: {
        ...(result.errors ? { errors: result.errors.map((e) => ({ message: e.message, locations: e.locations, path: e.path })) } : {}),
        data: result.data ?? null,
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status } },
      },
    };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body: unknown, type = "application/json") => {
      res.writeHead(status, { "Content-Type": type });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    if (req.method === "GET" && url.pathname === "/simulator/metafields") {
      const shop = url.searchParams.get("shop");
      return send(200, [...metafields.values()].filter((m) => !shop || m.shop === shop));
    }
    if (req.method === "GET" && url.pathname === "/simulator/discount-codes") {
      const found = findCode(url.searchParams.get("shop") ?? "", url.searchParams.get("code") ?? "");
      return found ? send(200, found) : send(404, { errors: "Not Found" });
    }
    if (req.method === "POST" && url.pathname === "/simulator/faults") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        try {
          faults.set(JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") as AdminFault | null);
          send(200, { ok: true });
        } catch {
          send(400, { errors: "body is not JSON" });
        }
      });
      return;
    }
    if (req.method === "GET" && url.pathname === "/simulator/discounts") {
      const shop = url.searchParams.get("shop");
      return send(200, [...discounts.values()].filter((d) => !shop || d.shop === shop));
    }
    const dl = /^\/bulk-results\/(\d+)(\.partial)?\.jsonl$/.exec(url.pathname);
    if (req.method === "GET" && dl) {
      const op = [...ops.values()].find((o) => o.n === Number(dl[1]));
      const text = dl[2] ? op?.partial : op?.jsonl;
      if (!op || url.searchParams.get("sig") !== op.secret || text == null || op.status === "EXPIRED") return send(403, "<Error><Code>AccessDenied</Code></Error>", "application/xml");
      downloads++;
      return send(200, text, "application/jsonl");
    }
    const m = /^\/admin\/api\/([0-9]{4}-[0-9]{2}|unstable)\/graphql\.json$/.exec(url.pathname);
    if (!m || req.method !== "POST") return send(404, { errors: "Not Found" });
    const shop = String(req.headers["x-shopify-shop-domain"] ?? "");
    if (m[1] !== ADMIN_VERSION) return send(404, { errors: `The simulator serves API version ${ADMIN_VERSION} only` });
    if (!shop || !opts.tokens[shop] || req.headers["x-shopify-access-token"] !== opts.tokens[shop]) {
      log.push({ operation: "(unauthorized)", shop, status: 401 });
      return send(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      let body: Obj;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(400, { errors: "body is not JSON" });
      }
      try {
        const name = typeof body.query === "string" ? (/(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? "(anonymous)") : "(none)";
        const fault = faults.hit(name, shop);
        if (fault !== null) {
          log.push({ operation: name, shop, status: fault });
          return send(fault, { errors: "Service Unavailable (injected by the simulator)" });
        }
        const out = await graphqlRequest(shop, body);
        log.push({ operation: name, shop, status: out.status });
        if (opts.verbose) process.stderr.write(`[admin-api] ${shop} ${name}\n`);
        send(out.status, out.json);
      } catch (e) {
        send(500, { errors: (e as Error).message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: `${origin}/admin/api/${ADMIN_VERSION}/graphql.json`,
    log,
    operations: ops,
    get downloads() {
      return downloads;
    },
    discounts: (shop?: string) => [...discounts.values()].filter((d) => !shop || d.shop === shop),
    redeemCodes: (shop?: string) => redeem.list(shop),
    findCode,
    failAdminApi: (f) => faults.set(f),
    get faultedRequests() {
      return faults.failed;
    },
    metafields: (shop?: string) => [...metafields.values()].filter((m) => !shop || m.shop === shop),
    failNextBulk: (code = "INTERNAL_SERVER_ERROR", match) => failures.push({ code, match }),
    expireBulkOperations: () => {
      for (const op of ops.values()) if (op.status === "COMPLETED") op.status = "EXPIRED";
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type { SimCustomer, SimOrder, SimProduct };
