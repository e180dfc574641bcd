/**
 * The Admin GraphQL client: one graphql-request GraphQLClient per shop and offline access token.
 *
 * - Endpoint: https://{shop}/admin/api/2026-10/graphql.json. Only when the local simulator is
 *   explicitly on (ATTUNE_SIMULATOR=1, refused in production) it is
 *   ${ATTUNE_ADMIN_ORIGIN}/admin/api/2026-10/graphql.json with X-Shopify-Shop-Domain naming the shop.
 * - Rate limits: Shopify's leaky bucket answers HTTP 200 with errors[].extensions.code "THROTTLED" and
 *   extensions.cost.throttleStatus; we wait until the bucket has refilled enough for the requested
 *   cost and retry. HTTP 429 (Retry-After) and 5xx/network errors are retried with backoff.
 */
import { ClientError, GraphQLClient } from "graphql-request";
import { env } from "../../utils/env.server";
import { log } from "../../utils/log.server";
import { ADMIN_API_VERSION } from "../api-version";

export interface QueryCost {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "AdminApiError";
  }
}

export interface AdminClientOptions {
  /** Test seam: a fetch implementation. */
  fetch?: typeof fetch;
  /** Attempts per request, including the first (throttling, 429, 5xx, network). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Overrides env() (tests). */
  simulator?: { origin: string } | null;
}

export interface AdminClient {
  shop: string;
  endpoint: string;
  request<T>(document: string, variables?: Record<string, unknown>): Promise<T>;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function simulatorTarget(): { origin: string } | null {
  const e = env();
  if (e.ATTUNE_SIMULATOR !== "1") return null;
  if (!e.ATTUNE_ADMIN_ORIGIN) throw new Error("ATTUNE_SIMULATOR=1 needs ATTUNE_ADMIN_ORIGIN (the Admin API stand-in's origin)");
  return { origin: e.ATTUNE_ADMIN_ORIGIN };
}

/** Where requests for this shop go, and the extra headers that routing needs. */
export function adminEndpoint(shop: string, sim: { origin: string } | null = simulatorTarget()): { url: string; headers: Record<string, string> } {
  if (!SHOP_DOMAIN.test(shop)) throw new AdminApiError(`not a myshopify.com domain: ${shop}`, "BAD_SHOP");
  const path = `/admin/api/${ADMIN_API_VERSION}/graphql.json`;
  if (sim) return { url: `${sim.origin.replace(/\/$/, "")}${path}`, headers: { "X-Shopify-Shop-Domain": shop } };
  return { url: `https://${shop}${path}`, headers: {} };
}

function costOf(extensions: unknown): QueryCost | undefined {
  return (extensions as { cost?: QueryCost } | undefined)?.cost;
}

/** Milliseconds until the bucket holds `requested` points again (at least 250 ms, at most 60 s). */
export function throttleWaitMs(cost: QueryCost | undefined, attempt: number): number {
  const t = cost?.throttleStatus;
  if (t && t.restoreRate > 0) {
    const need = Math.max(0, (cost?.requestedQueryCost ?? 50) - t.currentlyAvailable);
    return Math.min(60_000, Math.max(250, Math.ceil((need / t.restoreRate) * 1000)));
  }
  return Math.min(60_000, 1000 * 2 ** attempt);
}

export function createAdminClient(shop: string, accessToken: string, opts: AdminClientOptions = {}): AdminClient {
  const sim = opts.simulator === undefined ? simulatorTarget() : opts.simulator;
  const { url, headers } = adminEndpoint(shop, sim);
  const client = new GraphQLClient(url, {
    headers: { ...headers, "X-Shopify-Access-Token": accessToken, "User-Agent": "Attune" },
    fetch: opts.fetch,
  });
  const sleep = opts.sleep ?? defaultSleep;
  const maxAttempts = opts.maxAttempts ?? 8;

  async function request<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let retryIn: number;
      let reason: string;
      try {
        return await client.request<T>(document, variables);
      } catch (e) {
        if (e instanceof ClientError) {
          const { status, errors, extensions } = e.response;
          const codes = (errors ?? []).map((x) => (x.extensions as { code?: string } | undefined)?.code);
          const cost = costOf(extensions);
          if (codes.includes("THROTTLED") && cost?.throttleStatus && (cost.requestedQueryCost ?? 0) > cost.throttleStatus.maximumAvailable) {
            throw new AdminApiError(`query cost ${cost.requestedQueryCost} exceeds the bucket (${cost.throttleStatus.maximumAvailable}) for ${shop}`, "MAX_COST_EXCEEDED", status);
          } else if (codes.includes("THROTTLED")) {
            retryIn = throttleWaitMs(cost, attempt);
            reason = "throttled";
          } else if (status === 429) {
            const after = Number(e.response.headers?.get?.("Retry-After"));
            retryIn = Number.isFinite(after) && after > 0 ? after * 1000 : 2000 * 2 ** attempt;
            reason = "429";
          } else if (status >= 500) {
            retryIn = 1000 * 2 ** attempt;
            reason = `HTTP ${status}`;
          } else if (status === 401 || status === 403) {
            throw new AdminApiError(`Admin API refused the access token for ${shop} (HTTP ${status})`, "UNAUTHORIZED", status);
          } else {
            const msg = (errors ?? []).map((x) => x.message).join("; ") || `HTTP ${status}`;
            throw new AdminApiError(`Admin API error for ${shop}: ${msg}`, String(codes.find(Boolean) ?? "GRAPHQL_ERROR"), status);
          }
        } else if (e instanceof TypeError || (e as { code?: string }).code === "ECONNRESET" || (e as { code?: string }).code === "ECONNREFUSED") {
          retryIn = 1000 * 2 ** attempt;
          reason = `network: ${(e as Error).message}`;
        } else {
          throw e;
        }
      }
      if (attempt + 1 >= maxAttempts) throw new AdminApiError(`Admin API request for ${shop} gave up after ${maxAttempts} attempts (${reason})`, "RETRIES_EXHAUSTED");
      log.warn("admin api retry", { shop, reason, retryInMs: retryIn, attempt: attempt + 1 });
      await sleep(Math.min(retryIn, 60_000));
    }
  }

  return { shop, endpoint: url, request };
}
