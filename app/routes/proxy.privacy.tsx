/**
 * /apps/attune/privacy: the storefront's personalization opt-out, for the logged-in customer only
 * (the signed `logged_in_customer_id`; a guest gets 401 and nothing is written).
 *   GET  -> {optedOut}
 *   POST {optOut: boolean} -> {optedOut}
 * Contract: docs/storefront-api.md; control: the app embed (extensions/attune-theme/blocks/embed.liquid).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { getPersonalizationOptOut, setPersonalizationOptOut } from "~/models/opt-out.server";
import { authenticateProxy, json, parseJsonBody } from "~/services/proxy.server";
import { writeTransaction } from "~/models/sql.server";

const schema = z.object({ optOut: z.boolean({ error: "optOut must be true or false" }) });

const guest = () => json({ error: "login_required" }, 401);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const who = await authenticateProxy(request);
  if (!who.customerId) return guest();
  const optedOut = await getPersonalizationOptOut(db(), who.shop, who.customerId);
  return json({ optedOut: optedOut ?? false });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return json({ error: "method_not_allowed" }, 405, { Allow: "GET, POST" });
  const who = await authenticateProxy(request);
  if (!who.customerId) return guest();
  const body = await parseJsonBody(request, schema);
  const customerId = who.customerId;
  const found = await writeTransaction(db(), (tx) => setPersonalizationOptOut(tx, who.shop, customerId, body.optOut, { actor: `customer:${customerId}`, source: "storefront" }));
  if (!found) return json({ error: "customer_not_found" }, 404);
  return json({ optedOut: body.optOut });
};
