/**
 * A page of the admin: App Bridge's TitleBar inside Shopify's admin (the title lives in the admin's
 * chrome), a Polaris page title outside it (demo mode), and the same Polaris Page body either way.
 */
import type { ComponentProps, ReactNode } from "react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Page } from "@shopify/polaris";
import { useShell } from "./AdminShell";

type PageProps = ComponentProps<typeof Page>;

export function AdminPage({ title, children, ...rest }: { title: string; children: ReactNode } & Omit<PageProps, "title" | "children">) {
  const { embedded } = useShell();
  return (
    <Page title={title} {...rest}>
      {embedded ? <TitleBar title={title} /> : null}
      {children}
    </Page>
  );
}
