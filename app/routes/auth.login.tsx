/**
 * The library's login path (`/auth/login`): a shop that is a shop domain is redirected to install
 * or auth; anything else gets a 400 instead of reaching `authenticate.admin` (which throws here).
 * Merchants open Attune from their Shopify admin, so there is no form to show.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { login } from "~/shopify.server";
import { jsonResponse } from "~/utils/http.server";

async function handle({ request }: LoaderFunctionArgs | ActionFunctionArgs) {
  const errors = await login(request); // throws the redirect for a valid shop
  return jsonResponse({ error: errors.shop ? "invalid_shop" : "missing_shop", message: "Open Attune from your Shopify admin." }, { status: 400 });
}

export const loader = handle;
export const action = handle;
