/**
 * Applies one verified, validated webhook body to the models, inside the caller's transaction.
 * The backfill uses the same record-level functions (applyOrder etc.), so both paths agree.
 */
import type { CustomerRecord, OrderRecord, ProductRecord } from "../ingest/records";
import { TOPICS, type Topic } from "../ingest/webhook-payloads";
import { deleteCustomer, upsertCustomer } from "../models/customers.server";
import { applyOrderPoints, grantSignupBonus } from "../models/loyalty.server";
import { deleteProduct, upsertProduct } from "../models/catalog.server";
import { applyRefund, deleteOrder, upsertOrder } from "../models/orders.server";
import { deleteShopData, isRedacted, recordDataRequest, redactCustomer } from "../models/privacy.server";
import { markUninstalled, updateScopes } from "../models/shop.server";
import type { Applied, Tx } from "../models/types";
import { customerHash } from "../utils/crypto.server";
import { parseJsonLossless } from "../utils/json";

export interface ApplyContext {
  shop: string;
  secret: string;
}

export async function applyOrder(tx: Tx, ctx: ApplyContext, o: OrderRecord): Promise<Applied> {
  const redacted = o.customerId ? await isRedacted(tx, ctx.shop, customerHash(ctx.secret, ctx.shop, o.customerId)) : false;
  const applied = await upsertOrder(tx, ctx.shop, o, { customerRedacted: redacted });
  // Loyalty reads the stored order, not the payload, so an older payload that was ignored changes nothing.
  if (applied.changes.length) withLoyalty(applied, await applyOrderPoints(tx, ctx.shop, o.id));
  return applied;
}

/** Ledger entries written while applying a record: the change events come with the ledger's own writes. */
function withLoyalty(applied: Applied, keys: string[]): Applied {
  if (keys.length) applied.outcome += `; loyalty ${keys.join(", ")}`;
  return applied;
}

export async function applyCustomer(tx: Tx, ctx: ApplyContext, c: CustomerRecord): Promise<Applied> {
  if (await isRedacted(tx, ctx.shop, customerHash(ctx.secret, ctx.shop, c.id))) {
    return { outcome: "ignored: customer was redacted", changes: [] };
  }
  return upsertCustomer(tx, ctx.shop, c);
}

export function applyProduct(tx: Tx, ctx: ApplyContext, p: ProductRecord): Promise<Applied> {
  return upsertProduct(tx, ctx.shop, p);
}

/** Parses the stored raw body with the topic's schema. Throws a descriptive error if it no longer fits. */
export function parseBody<T extends Topic>(topic: T, raw: string) {
  return TOPICS[topic].parse(parseJsonLossless(raw)) as ReturnType<(typeof TOPICS)[T]["parse"]>;
}

export async function applyDelivery(tx: Tx, ctx: ApplyContext, topic: Topic, raw: string): Promise<Applied> {
  const { shop } = ctx;
  switch (topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/paid":
    case "orders/cancelled":
      return applyOrder(tx, ctx, parseBody(topic, raw) as OrderRecord);
    case "orders/delete": {
      const id = parseBody(topic, raw).id;
      const applied = await deleteOrder(tx, shop, id);
      return withLoyalty(applied, await applyOrderPoints(tx, shop, id));
    }
    case "refunds/create": {
      const refund = parseBody(topic, raw);
      const applied = await applyRefund(tx, shop, refund);
      return withLoyalty(applied, await applyOrderPoints(tx, shop, refund.orderId));
    }
    case "customers/create": {
      const c = parseBody(topic, raw) as CustomerRecord;
      const applied = await applyCustomer(tx, ctx, c);
      if (!applied.changes.length) return applied;
      return withLoyalty(applied, await grantSignupBonus(tx, shop, c.id, c.createdAt));
    }
    case "customers/update":
      return applyCustomer(tx, ctx, parseBody(topic, raw) as CustomerRecord);
    case "customers/delete":
      return deleteCustomer(tx, shop, parseBody(topic, raw).id);
    case "products/create":
    case "products/update":
      return applyProduct(tx, ctx, parseBody(topic, raw) as ProductRecord);
    case "products/delete":
      return deleteProduct(tx, shop, parseBody(topic, raw).id);
    case "app/uninstalled":
      await markUninstalled(tx, shop);
      return { outcome: "sessions removed; shop marked uninstalled", changes: [] };
    case "app/scopes_update":
      await updateScopes(tx, shop, parseBody(topic, raw).current);
      return { outcome: "scopes updated", changes: [] };
    case "customers/data_request": {
      const body = parseBody(topic, raw);
      return recordDataRequest(tx, shop, body.customer.id, body.data_request?.id ?? null, body.orders_requested);
    }
    case "customers/redact": {
      const body = parseBody(topic, raw);
      return redactCustomer(tx, shop, body.customer.id, body.orders_to_redact, customerHash(ctx.secret, shop, body.customer.id));
    }
    case "shop/redact":
      return deleteShopData(tx, shop);
  }
}
