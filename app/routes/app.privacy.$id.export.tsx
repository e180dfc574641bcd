import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { getDataRequest } from "~/models/privacy.server";
import { adminContext } from "~/services/admin-context.server";

/** The customer's data export, only ever for the authenticated shop. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const found = await getDataRequest(db(), shop, params.id ?? "");
  if (!found?.export) throw new Response("Not found", { status: 404 });
  return new Response(found.export, {
    headers: { "Content-Type": "application/json", "Content-Disposition": `attachment; filename="customer-${found.customerId}-data.json"` },
  });
};
