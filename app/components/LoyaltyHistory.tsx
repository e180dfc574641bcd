/**
 * A member's ledger as the merchant reads it: each entry's kind in words, its effect on available,
 * pending and owed points, the order or reason behind it and who made it (staff entries).
 */
import { DataTable, EmptyState, Text } from "@shopify/polaris";
import type { EntryKind, LedgerLine } from "~/engine/loyalty/types";

export const ENTRY_LABELS: Record<EntryKind, string> = {
  earn: "Earned",
  release: "Became spendable",
  reverse: "Reversed (refund or cancellation)",
  redeem: "Redeemed",
  expire: "Expired",
  adjust: "Adjusted by staff",
  import: "Imported balance",
  bonus: "Bonus",
};

const signed = (n: number) => (n === 0 ? "" : n > 0 ? `+${n.toLocaleString("en-US")}` : n.toLocaleString("en-US"));
const when = (iso: string) => new Date(iso).toLocaleString("en-US", { timeZone: "UTC", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

export function LoyaltyHistory({ lines }: { lines: LedgerLine[] }) {
  if (!lines.length) {
    return (
      <EmptyState heading="No entries yet" image="">
        <Text as="p">Points earned on orders, redemptions and adjustments appear here.</Text>
      </EmptyState>
    );
  }
  return (
    <DataTable
      columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text", "text"]}
      headings={["When (UTC)", "Entry", "Points", "Pending", "Owed", "Order or reason", "By"]}
      rows={lines.map((l) => [
        when(l.createdAt),
        ENTRY_LABELS[l.kind] ?? l.kind,
        signed(l.points),
        signed(l.pending),
        signed(l.owed),
        [l.orderId ? `Order ${l.orderId}` : "", l.reason ?? ""].filter(Boolean).join(": "),
        l.actor ?? "",
      ])}
    />
  );
}
