/**
 * Loyalty members: by tier or customer id, a page at a time (cursor pagination), each linking to
 * the customer's balances and ledger history. Attune keeps no names or emails: customers are shown
 * by their Shopify id.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Pagination, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { AdminPage } from "~/components/AdminPage";
import { adminContext } from "~/services/admin-context.server";
import { membersPage } from "~/services/loyalty-admin.server";
import { customerIdOf } from "~/utils/customer-id";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const p = new URL(request.url).searchParams;
  const q = { tierId: p.get("tier") ?? "", search: p.get("q") ?? "", cursor: p.get("cursor") ?? "" };
  return { ...(await membersPage(shop, q)), q };
};

const FIRST = "-";
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString("en-US", { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" }) : "");

/** Open one customer's loyalty record by id, member or not (an adjustment makes them one). */
function Lookup() {
  const navigate = useNavigate();
  const [id, setId] = useState("");
  const [error, setError] = useState<string | undefined>();
  return (
    <Card>
      <form
        aria-label="Customer lookup"
        onSubmit={(e) => {
          e.preventDefault();
          const c = customerIdOf(id);
          if (!c) return setError("Enter a Shopify customer id, such as 7123456789");
          navigate(`/app/loyalty/members/${c}`);
        }}
      >
        <InlineStack gap="200" blockAlign="end">
          <div style={{ flex: 1 }}>
            <TextField label="Look up a customer" value={id} onChange={(v) => (setId(v), setError(undefined))} error={error} autoComplete="off" placeholder="Shopify customer id" helpText="Their balances and full history, and manual adjustments." />
          </div>
          <Button submit>Open</Button>
        </InlineStack>
      </form>
    </Card>
  );
}

export default function LoyaltyMembers() {
  const { rows, next, tiers, enabled, q } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(q.search);
  // The cursors of the pages before this one (the way back), kept in the URL; FIRST is the first page.
  const back = (params.get("back") ?? "").split(",").filter(Boolean);
  const go = (patch: Record<string, string | null>) =>
    setParams((p) => {
      for (const [k, v] of Object.entries(patch)) {
        if (v) p.set(k, v);
        else p.delete(k);
      }
      return p;
    });
  const tierName = new Map(tiers.map((t) => [t.id, t.name]));
  return (
    <AdminPage title="Loyalty members" backAction={{ content: "Loyalty", url: "/app/loyalty" }} secondaryActions={[{ content: "Import and export", url: "/app/loyalty/import" }]}>
      <BlockStack gap="400">
        {!enabled ? (
          <Text as="p" tone="subdued">
            The program is off: balances are kept, nobody earns or redeems until you turn it on.
          </Text>
        ) : null}
        <Lookup />
        <Card>
          <BlockStack gap="300">
            <Form method="get" aria-label="Filter members">
              <InlineStack gap="200" blockAlign="end">
                <div style={{ flex: 1 }}>
                  <TextField label="Customer id" name="q" value={search} onChange={setSearch} autoComplete="off" placeholder="Starts with…" />
                </div>
                <Select
                  label="Tier"
                  name="tier"
                  options={[{ label: "All tiers", value: "" }, ...tiers.map((t) => ({ label: t.name, value: t.id }))]}
                  value={q.tierId}
                  onChange={(v) => go({ tier: v, cursor: null, back: null })}
                />
                <Button submit>Search</Button>
              </InlineStack>
            </Form>
            {rows.length === 0 ? (
              <EmptyState heading="No members match" image="">
                <Text as="p">Customers become members when they earn points, or when you import or adjust a balance.</Text>
              </EmptyState>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "text"]}
                headings={["Customer id", "Tier", "Points", "Pending", "Owed", "Earned in total", "Last activity"]}
                rows={rows.map((m) => [
                  <Link key="id" to={`/app/loyalty/members/${m.customerId}`}>
                    {m.customerId}
                  </Link>,
                  m.tier ? <Badge key="t">{tierName.get(m.tier) ?? m.tier}</Badge> : "",
                  m.points.toLocaleString("en-US"),
                  m.pending.toLocaleString("en-US"),
                  m.owed ? m.owed.toLocaleString("en-US") : "",
                  m.lifetimePoints.toLocaleString("en-US"),
                  when(m.lastActivityAt),
                ])}
              />
            )}
            <InlineStack align="center">
              <Pagination
                hasPrevious={back.length > 0}
                onPrevious={() => go({ cursor: back[back.length - 1] === FIRST ? null : (back[back.length - 1] ?? null), back: back.slice(0, -1).join(",") || null })}
                hasNext={Boolean(next)}
                onNext={() => go({ cursor: next, back: [...back, q.cursor || FIRST].join(",") })}
                label={`${rows.length} members on this page`}
              />
            </InlineStack>
          </BlockStack>
        </Card>
      </BlockStack>
    </AdminPage>
  );
}
