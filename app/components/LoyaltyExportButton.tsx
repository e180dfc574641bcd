/**
 * Downloads the ledger CSV. Inside Shopify's admin a plain link would carry no session token, so
 * the file is fetched (App Bridge adds the token to the app's own fetches) and handed to the
 * browser as a download; the same works in demo mode.
 */
import { Button, InlineError } from "@shopify/polaris";
import { useState } from "react";

export function LoyaltyExportButton({ customerId, label }: { customerId?: string; label: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = `/app/loyalty/export${customerId ? `?customer=${encodeURIComponent(customerId)}` : ""}`;
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(path);
      if (!res.ok) throw new Error(`the export answered ${res.status}`);
      const name = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "loyalty-ledger.csv";
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(`The export failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button onClick={download} loading={busy}>
        {label}
      </Button>
      {error ? <InlineError message={error} fieldID="loyalty-export" /> : null}
    </>
  );
}
