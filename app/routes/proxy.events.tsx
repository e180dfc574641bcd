/**
 * POST /apps/attune/events -> 204. Consented product views (the theme sends them only with
 * analytics consent, and the vid only with preferences consent). Stored only under a vid or the
 * signed customer id; bounded retention (app/models/signals.server.ts).
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { productExists, recordProductView } from "~/models/signals.server";
import { authenticateProxy, json, noContent, numericId, optional, parseJsonBody, visitorId } from "~/services/proxy.server";
import { enginePort } from "~/services/engine-port.server";

const schema = z.object({
  type: z.literal("product_view", { error: 'type must be "product_view"' }),
  productId: numericId,
  vid: optional(visitorId),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return json({ error: "method_not_allowed" }, 405, { Allow: "POST" });
  const who = await authenticateProxy(request);
  const body = await parseJsonBody(request, schema);
  const database = db();
  // Only this shop's products are recorded: an id from elsewhere is dropped silently.
  if ((body.vid || who.customerId) && (await productExists(database, who.shop, body.productId))) {
    await enginePort.signalsWritten(who.shop, await recordProductView(database, who.shop, { visitorId: body.vid ?? null, customerId: who.customerId }, body.productId));
  }
  return noContent();
};
