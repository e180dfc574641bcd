// @vitest-environment jsdom
/**
 * The Offers page's visitor-offer forms in a browser-like DOM (demo mode: Polaris's contextual save
 * bar): an edit opens the save bar, Discard puts the form back, Save posts the changed form only.
 */
import { act, createElement } from "react";
import { createRoot } from "react-dom/client";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { afterAll, expect, test, vi } from "vitest";

// Polaris reads matchMedia when it is imported: before the imports below.
vi.hoisted(() => {
  window.matchMedia ??= ((q: string) => ({ matches: false, media: q, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, onchange: null, dispatchEvent: () => false })) as unknown as typeof window.matchMedia;
  window.scrollTo = () => undefined;
});

// The page's Remix hooks are React Router's (a data router stands in for Remix here).
vi.mock("@remix-run/react", async () => await import("react-router-dom"));

import { AdminShell } from "../../app/components/AdminShell";
import { DEFAULT_VISITOR_OFFERS } from "../../app/engine/rules";
import Offers from "../../app/routes/app.offers";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const posted: Record<string, string>[] = [];
const data = {
  offers: [{ id: "off_1", discountId: "gid://shopify/DiscountCodeNode/1", code: "WELCOME10", title: "Welcome", kind: "percentage", value: 10, minSubtotalCents: null, status: "active", usageCount: 0, startsAt: new Date(0).toISOString(), endsAt: null, error: null }],
  visitor: DEFAULT_VISITOR_OFFERS,
  currency: "USD",
  refreshError: null,
};
const router = createMemoryRouter(
  [
    {
      path: "/app/offers",
      loader: () => data,
      action: async ({ request }) => {
        posted.push(Object.fromEntries([...(await request.formData()).entries()].map(([k, v]) => [k, String(v)])));
        return { ok: true, key: posted[posted.length - 1].key };
      },
      Component: () => createElement(AdminShell, { embedded: false, shop: "demo.myshopify.com", children: createElement(Offers) }),
    },
  ],
  { initialEntries: ["/app/offers"] },
);
const host = document.body.appendChild(document.createElement("div"));
const root = createRoot(host);
afterAll(() => act(() => root.unmount()));

const saveBar = () => [...document.querySelectorAll("button")].find((b) => b.textContent === "Discard");
const button = (text: string) => [...document.querySelectorAll("button")].filter((b) => b.textContent === text);
const messageOf = (title: string) => document.querySelector(`form[aria-label="${title}"] input[name="message"]`) as HTMLInputElement;
async function type(input: HTMLInputElement, value: string) {
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(input, value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

test("an edit opens the save bar; Discard restores the form; Save posts only the changed form", async () => {
  await act(async () => root.render(createElement(AppProvider, { i18n: en }, createElement(RouterProvider, { router, future: { v7_startTransition: true } }))));
  await vi.waitFor(() => expect(messageOf("Lapsed customers")).toBeTruthy());
  expect(saveBar()).toBeUndefined();

  const original = messageOf("Lapsed customers").value;
  await type(messageOf("Lapsed customers"), "We miss you");
  expect(saveBar()).toBeTruthy();
  await act(async () => saveBar()!.click());
  expect(messageOf("Lapsed customers").value).toBe(original);
  expect(saveBar()).toBeUndefined();
  expect(posted).toEqual([]);

  await type(messageOf("Lapsed customers"), "We miss you: {code}");
  const save = button("Save").find((b) => !b.closest("form"))!;
  await act(async () => save.click());
  await vi.waitFor(() => expect(posted).toHaveLength(1));
  expect(posted[0]).toMatchObject({ intent: "visitorOffer", key: "winBack", message: "We miss you: {code}" });
});
