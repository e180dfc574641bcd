import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AdminShell } from "~/components/AdminShell";
import { adminContext } from "~/services/admin-context.server";
import { env } from "~/utils/env.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta = () => [{ title: "Attune" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await adminContext(request);
  return { apiKey: env().SHOPIFY_API_KEY, shop, demo };
};

export default function App() {
  const { apiKey, shop, demo } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey}>
      <AdminShell embedded={!demo} shop={shop}>
        <Outlet />
      </AdminShell>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
