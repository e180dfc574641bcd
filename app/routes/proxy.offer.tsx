/**
 * GET /apps/attune/offer: the app embed's visitor-type offer (one per session).
 * Contract: docs/storefront-api.md §3 and extensions/attune-theme/assets/attune-embed.js.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { authenticateProxy, contextParams, json, param, parseQuery } from "~/services/proxy.server";
import { enginePort } from "~/services/engine-port.server";

const schema = z.object({
  cart_total: param(z.coerce.number({ error: "must be a number of cents" }).int("must be whole cents").min(0, "cannot be negative").max(1e11)),
  ...contextParams,
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const who = await authenticateProxy(request);
  const q = parseQuery(request, schema);
  const res = await enginePort.visitorOffer(who, {
    vid: q.vid ?? null,
    utmSource: q.utm_source ?? null,
    ref: q.ref ?? null,
    device: q.device ?? null,
    country: q.country ?? null,
    cartTotalCents: q.cart_total ?? null,
  });
  if (!res) return json({ error: "shop_not_installed" }, 404);
  return json(res);
};
