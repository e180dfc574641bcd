/**
 * The shop's loyalty ledger as CSV (every entry, oldest first; `?customer=<id>` for one customer's),
 * streamed a page of entries at a time. Only ever the authenticated shop's entries.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { adminContext } from "~/services/admin-context.server";
import { ledgerCsv } from "~/services/loyalty-admin.server";
import { customerIdOf } from "~/utils/customer-id";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const raw = new URL(request.url).searchParams.get("customer");
  const customerId = raw ? customerIdOf(raw) : null;
  if (raw && !customerId) return new Response("customer must be a Shopify customer id", { status: 400 });
  const day = new Date().toISOString().slice(0, 10);
  const name = `loyalty-ledger-${shop.replace(/\.myshopify\.com$/, "")}${customerId ? `-customer-${customerId}` : ""}-${day}.csv`;
  return new Response(ledgerCsv(shop, { customerId: customerId ?? undefined }), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "private, no-store" },
  });
};
