/**
 * GET /apps/attune/ping -> {"ok": true}. A trivial route that pays the same signature check as the
 * real ones: the baseline the proxy benchmark compares decisions against, and a storefront probe.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateProxy, json } from "~/services/proxy.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticateProxy(request);
  return json({ ok: true });
};
