/**
 * The admin's shell around every /app page: App Bridge when embedded in Shopify's admin (NavMenu,
 * title bar, toasts, save bar), and a plain Polaris frame with the same navigation in demo mode
 * (a normal browser tab outside Shopify, where App Bridge is absent).
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { Link, useLocation } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Frame, Navigation, Toast } from "@shopify/polaris";
import { appBridge } from "./ThemeSetup";

export const NAV_LINKS: { to: string; label: string }[] = [
  { to: "/app", label: "Home" },
  { to: "/app/segments", label: "Segments" },
  { to: "/app/rules", label: "Rules" },
  { to: "/app/offers", label: "Offers" },
  { to: "/app/loyalty", label: "Loyalty" },
  { to: "/app/settings", label: "Settings" },
  { to: "/app/customers", label: "Customers" },
  { to: "/app/activity", label: "Activity" },
  { to: "/app/privacy", label: "Privacy" },
];

interface Shell {
  embedded: boolean;
  shop: string;
  toast(message: string, opts?: { error?: boolean }): void;
}

const ShellContext = createContext<Shell>({ embedded: true, shop: "", toast: () => undefined });

export const useShell = () => useContext(ShellContext);
export const useToast = () => useContext(ShellContext).toast;


export function AdminShell({ embedded, shop, children }: { embedded: boolean; shop: string; children: ReactNode }) {
  const [toastMsg, setToastMsg] = useState<{ message: string; error: boolean } | null>(null);
  const toast = useCallback(
    (message: string, opts: { error?: boolean } = {}) => {
      const bridge = appBridge();
      if (embedded && bridge?.toast) bridge.toast.show(message, { isError: opts.error });
      else setToastMsg({ message, error: Boolean(opts.error) });
    },
    [embedded],
  );
  const value = useMemo(() => ({ embedded, shop, toast }), [embedded, shop, toast]);
  if (embedded) {
    return (
      <ShellContext.Provider value={value}>
        <NavMenu>
          {NAV_LINKS.map((l) => (
            <Link key={l.to} to={l.to} rel={l.to === "/app" ? "home" : undefined}>
              {l.label}
            </Link>
          ))}
        </NavMenu>
        {children}
      </ShellContext.Provider>
    );
  }
  return (
    <ShellContext.Provider value={value}>
      <Frame navigation={<DemoNavigation shop={shop} />} skipToContentTarget={undefined}>
        {children}
        {toastMsg ? <Toast content={toastMsg.message} error={toastMsg.error} onDismiss={() => setToastMsg(null)} /> : null}
      </Frame>
    </ShellContext.Provider>
  );
}

function DemoNavigation({ shop }: { shop: string }) {
  const { pathname } = useLocation();
  return (
    <Navigation location={pathname} ariaLabelledBy="attune-nav-heading">
      <div style={{ padding: "16px 16px 0" }}>
        <h2 id="attune-nav-heading" style={{ margin: 0, fontSize: 14, fontWeight: 650 }}>
          Attune demo
        </h2>
        <p style={{ margin: "2px 0 0", fontSize: 12, color: "#616161" }}>{shop}</p>
      </div>
      <Navigation.Section
        items={NAV_LINKS.map((l) => ({
          url: l.to,
          label: l.label,
          selected: l.to === "/app" ? pathname === "/app" || pathname === "/app/" : pathname.startsWith(l.to),
        }))}
      />
    </Navigation>
  );
}
