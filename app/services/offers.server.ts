/**
 * Creating an offer: the code discount is created in Shopify first (discountCodeBasicCreate or
 * discountCodeFreeShippingCreate, buyers chosen with `context`), and only then stored, with the
 * audit record and the change-feed entry in one transaction. Shopify's userErrors come back as
 * field errors for the form. A code never reaches a shopper unless Shopify has it.
 */
import crypto from "node:crypto";
import { db } from "../db.server";
import { recordAudit } from "../models/audit.server";
import { appendChanges } from "../models/changes.server";
import { describeOffer, findOfferByCode, insertOffer, listOffers, updateOfferStats, type OfferInput, type OfferRow } from "../models/offers.server";
import { createAdminClient, type AdminClient } from "../shopify/admin-api/client.server";
import {
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_CODE_FREE_SHIPPING_CREATE,
  DISCOUNT_NODES_BATCH,
  DISCOUNT_NODES_QUERY,
  type CodeDiscountNode,
  type DiscountUserError,
} from "../shopify/admin-api/documents";
import type { FieldErrors } from "../utils/form-errors.server";
import { writeTransaction } from "../models/sql.server";
import { offlineAccessToken } from "../models/shop.server";

/** The Admin API client for a shop, with its offline access token (stored at install). */
export async function adminClientFor(shop: string): Promise<AdminClient> {
  const token = await offlineAccessToken(db(), shop);
  if (!token) throw new Error(`no offline session for ${shop}: reinstall the app`);
  return createAdminClient(shop, token);
}

const decimal = (cents: number) => (cents / 100).toFixed(2);

/** The discount's input (exported for tests): everyone may use it (`context: { all: ALL }`). */
export function discountInput(input: OfferInput, startsAt: Date) {
  const common = {
    title: input.title,
    code: input.code,
    startsAt: startsAt.toISOString(),
    endsAt: input.endsAt ? input.endsAt.toISOString() : null,
    context: { all: "ALL" },
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    ...(input.minSubtotalCents ? { minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: decimal(input.minSubtotalCents) } } } : {}),
  };
  if (input.kind === "free_shipping") {
    return { document: DISCOUNT_CODE_FREE_SHIPPING_CREATE, root: "discountCodeFreeShippingCreate" as const, variables: { freeShippingCodeDiscount: { ...common, destination: { all: true } } } };
  }
  const value = input.kind === "percentage" ? { percentage: (input.value ?? 0) / 100 } : { discountAmount: { amount: decimal(input.value ?? 0), appliesOnEachItem: false } };
  return {
    document: DISCOUNT_CODE_BASIC_CREATE,
    root: "discountCodeBasicCreate" as const,
    variables: { basicCodeDiscount: { ...common, appliesOncePerCustomer: true, customerGets: { value, items: { all: true } } } },
  };
}

type CreatePayload = { codeDiscountNode: CodeDiscountNode | null; userErrors: DiscountUserError[] };

/** Shopify's userErrors -> the form's field names. */
function userErrorsToFields(errors: DiscountUserError[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const f = e.field?.[e.field.length - 1] ?? "";
    const key = f === "code" ? "code" : f === "title" ? "title" : f === "endsAt" ? "endsAt" : f === "customerGets" || f === "percentage" || f === "amount" ? "value" : f === "minimumRequirement" || f === "greaterThanOrEqualToSubtotal" ? "minSubtotal" : "_form";
    out[key] ??= `Shopify: ${e.message}`;
  }
  return out;
}

const statusOf = (s: string | undefined) => (s ?? "ACTIVE").toLowerCase();

export async function createOffer(
  shop: string,
  actor: string,
  input: OfferInput,
  opts: { client?: AdminClient; now?: Date } = {},
): Promise<{ ok: true; offer: OfferRow } | { ok: false; errors: FieldErrors }> {
  const database = db();
  if (await findOfferByCode(database, shop, input.code)) return { ok: false, errors: { code: `Code ${input.code} is already one of your offers` } };
  const startsAt = opts.now ?? new Date();
  const { document, root, variables } = discountInput(input, startsAt);
  const client = opts.client ?? (await adminClientFor(shop));
  let payload: CreatePayload;
  try {
    payload = (await client.request<Record<string, CreatePayload>>(document, variables))[root];
  } catch (e) {
    return { ok: false, errors: { _form: `Shopify did not create the discount: ${(e as Error).message}` } };
  }
  if (payload.userErrors.length || !payload.codeDiscountNode) return { ok: false, errors: userErrorsToFields(payload.userErrors.length ? payload.userErrors : [{ field: null, code: null, message: "no discount returned" }]) };
  const node = payload.codeDiscountNode;
  const id = `off_${crypto.randomBytes(6).toString("hex")}`;
  const row = {
    id,
    discountId: node.id,
    code: input.code,
    title: input.title,
    kind: input.kind,
    value: input.value,
    minSubtotalCents: input.minSubtotalCents,
    status: statusOf(node.codeDiscount.status),
    startsAt,
    endsAt: input.endsAt,
  };
  await writeTransaction(database, async (tx) => {
    await insertOffer(tx, shop, row);
    await recordAudit(tx, shop, { actor, action: "create", entityType: "offer", entityId: id, summary: `Created offer "${input.title}" (code ${input.code}: ${describeOffer(row)}) in Shopify` });
    await appendChanges(tx, shop, [{ kind: "config", entityId: `offer:${id}` }]);
  });
  return { ok: true, offer: (await findOfferByCode(database, shop, input.code))! };
}

/**
 * Status and usage from Shopify for the shop's offers (the offers page). Best effort: on an Admin
 * API failure the stored values stay and the error is returned for a banner.
 */
export async function refreshOfferStats(shop: string, opts: { client?: AdminClient } = {}): Promise<{ updated: number; error: string | null }> {
  const database = db();
  const offers = (await listOffers(database, shop)).filter((o) => o.discountId);
  if (!offers.length) return { updated: 0, error: null };
  try {
    const client = opts.client ?? (await adminClientFor(shop));
    let updated = 0;
    for (let i = 0; i < offers.length; i += DISCOUNT_NODES_BATCH) {
      const batch = offers.slice(i, i + DISCOUNT_NODES_BATCH);
      const { nodes } = await client.request<{ nodes: (CodeDiscountNode | null)[] }>(DISCOUNT_NODES_QUERY, { ids: batch.map((o) => o.discountId) });
      for (const [j, node] of nodes.entries()) {
        const o = batch[j];
        const status = node ? statusOf(node.codeDiscount?.status) : "deleted";
        const usageCount = node?.codeDiscount?.asyncUsageCount ?? o.usageCount;
        if (status !== o.status || usageCount !== o.usageCount) {
          await updateOfferStats(database, shop, o.id, { status, usageCount });
          updated++;
        }
      }
    }
    return { updated, error: null };
  } catch (e) {
    return { updated: 0, error: (e as Error).message };
  }
}
