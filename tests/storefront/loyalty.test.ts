// @vitest-environment jsdom
// The loyalty block (blocks/loyalty.liquid + assets/attune-loyalty.js) in jsdom, on markup rendered from
// the real block: disabled program renders nothing, guests get the join prompt, members see points,
// tier progress, rewards, codes, history and the birthday form; redeem sends one idempotency key.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { describe, expect, test, vi } from "vitest";
import { createLiquidEnv } from "../../scripts/preview/liquid-env";
import { memberView, XSS } from "../fixtures/loyalty-view";

const { JSDOM } = createRequire(import.meta.url)("jsdom") as { JSDOM: new (html: string, options: Record<string, unknown>) => { window: any } };

const EXT = path.resolve(__dirname, "../../extensions/attune-theme");
const env = createLiquidEnv({ extensionDir: EXT });
const JS = fs.readFileSync(path.join(EXT, "assets/attune-loyalty.js"), "utf8");

type Call = { url: string; method: string; body: any };
type Answer = { status: number; body: unknown } | "network-error";

async function page(opts: { customer?: boolean; settings?: Record<string, unknown>; answers: (c: Call) => Answer }) {
  const html = await env.renderBlock("loyalty", { customer: opts.customer === false ? null : { id: "7", first_name: "Ana" }, settings: opts.settings, id: "b1" });
  const dom = new JSDOM(`<!doctype html><html lang="en"><body>${html}</body></html>`, { url: "https://shop.test/pages/rewards", runScripts: "outside-only" });
  const w = dom.window;
  const calls: Call[] = [];
  w.fetch = vi.fn(async (url: string, init?: { method?: string; body?: string }) => {
    const call = { url: String(url), method: init?.method ?? "GET", body: init?.body ? JSON.parse(init.body) : null };
    calls.push(call);
    const a = opts.answers(call);
    if (a === "network-error") throw new TypeError("Failed to fetch");
    return { ok: a.status < 300, status: a.status, json: async () => a.body };
  });
  const copied: string[] = [];
  Object.defineProperty(w.navigator, "clipboard", { value: { writeText: async (s: string) => void copied.push(s) }, configurable: true });
  w.Shopify = { routes: { root: "/" } };
  w.eval(JS);
  const doc = w.document as Document;
  const $ = (sel: string) => doc.querySelector(sel) as HTMLElement;
  const box = $("[data-attune-loyalty]");
  await vi.waitFor(() => expect(box.hasAttribute("aria-busy")).toBe(false));
  return { w, doc, $, box, calls, copied };
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const text = (el: Element | null) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();

describe("loyalty block markup", () => {
  test("block schema, labels, localized strings; guest markup has join and sign-in links", async () => {
    expect(env.blockSchema("loyalty")).toMatchObject({ target: "section", javascript: "attune-loyalty.js", stylesheet: "attune-loyalty.css" });
    const root = document.createElement("div");
    root.innerHTML = await env.renderBlock("loyalty", { customer: { id: "7" }, id: "b1" });
    const input = root.querySelector("input[name=birthday]") as HTMLInputElement;
    expect(root.querySelector(`label[for="${input.id}"]`)!.textContent).toBe("Your birthday (MM-DD)");
    expect(root.querySelector('[role="status"][data-l-status]')).not.toBeNull();
    expect((root.querySelector("[data-attune-loyalty]") as HTMLElement).dataset.tNext).toBe("[amount] more to reach [tier]");
    root.innerHTML = await env.renderBlock("loyalty", { customer: null, id: "b1" });
    expect([...root.querySelectorAll("a")].map((a) => a.getAttribute("href"))).toEqual(["/account/register", "/account/login"]);
    expect(root.querySelector("[data-l-member]")).toBeNull();
    const fr = createLiquidEnv({ extensionDir: EXT, locale: "fr" });
    root.innerHTML = await fr.renderBlock("loyalty", { customer: null });
    expect(root.querySelector("h2")!.textContent).toBe("Récompenses");
  });

  test("a merchant heading is escaped; history and birthday follow the settings", async () => {
    const root = document.createElement("div");
    root.innerHTML = await env.renderBlock("loyalty", { customer: { id: "7" }, settings: { heading: XSS, show_history: false, show_birthday: false } });
    expect(root.querySelector("h2")!.textContent).toBe(XSS);
    expect(root.querySelector("img")).toBeNull();
    expect(root.querySelector("[data-l-history]")).toBeNull();
    expect(root.querySelector("[data-l-bday]")).toBeNull();
  });
});

describe("loyalty block behaviour", () => {
  test("a disabled program renders nothing", async () => {
    const { box, calls } = await page({ answers: () => ok({ enabled: false }) });
    expect(box.hidden).toBe(true);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(["GET /apps/attune/loyalty"]);
  });

  test("a failed request renders nothing either", async () => {
    const { box } = await page({ answers: () => ({ status: 500, body: { error: "boom" } }) });
    expect(box.hidden).toBe(true);
  });

  test("a guest sees the join prompt and the catalogue without redeem buttons", async () => {
    const { $, box, doc } = await page({ customer: false, answers: () => ok({ enabled: true, signedIn: false, tier: null, nextTier: null, tiers: [], rewards: memberView().rewards }) });
    expect(box.hidden).toBe(false);
    expect($("[data-l-guest]").hidden).toBe(false);
    expect(doc.querySelectorAll(".attune-loy__reward")).toHaveLength(3);
    expect(doc.querySelector(".attune-loy__reward button")).toBeNull();
    expect(text(doc.querySelector(".attune-loy__reward"))).toContain("500 points");
    expect($("[data-l-skel]")).toBeNull();
  });

  test("a member sees points, pending, tier, spend progress to the next tier, expiry, rewards and history", async () => {
    const { $, doc } = await page({ answers: () => ok(memberView()) });
    expect($("[data-l-member]").hidden).toBe(false);
    expect(text($("[data-l-points]"))).toBe("620");
    expect(text($("[data-l-pending]"))).toBe("150");
    expect(text($("[data-l-tier]"))).toBe("Silver");
    const bar = $("[data-l-bar]") as HTMLProgressElement;
    expect(bar.max).toBe(30_000); // Gold 50,000 - Silver 20,000 (cents of spend)
    expect(bar.value).toBe(30_000 - 12_345);
    expect(text($("[data-l-next-text]"))).toBe("$123.45 more to reach Gold");
    expect(text($("[data-l-expiry]"))).toBe(`100 points expire on ${new Date("2027-03-01T00:00:00.000Z").toLocaleDateString("en")}`);

    const rewards = [...doc.querySelectorAll(".attune-loy__reward")];
    expect(rewards).toHaveLength(3);
    // Titles are text, never markup.
    expect(doc.querySelector(".attune-loy img")).toBeNull();
    expect(text(rewards[0].querySelector(".attune-loy__title"))).toBe(`$5 off ${XSS}`);
    const buttons = rewards.map((r) => r.querySelector("button") as HTMLButtonElement);
    expect(buttons.map((b) => b.disabled)).toEqual([false, false, true]);
    expect(buttons[1].getAttribute("aria-label")).toBe("Redeem Free shipping for 300 points");
    expect(text(rewards[2])).toContain("1,380 more points needed");

    const history = [...doc.querySelectorAll("[data-l-history] li")].map(text);
    expect(history).toHaveLength(3);
    expect(history[0]).toContain("Points for your order");
    expect(history[0]).toContain("+150");
    expect(history[1]).toContain("Reward redeemed");
    expect(history[1]).toContain("-300");
    expect(history[2]).toContain("Bonus points");
    expect($("[data-l-history-empty]").hidden).toBe(true);
    expect($("[data-l-bday]").hidden).toBe(false);
  });

  test("points-based progress and the top tier", async () => {
    const points = await page({ answers: () => ok(memberView({ tier: null, nextTier: { id: "bronze", name: "Bronze", remaining: 40, basis: "points" }, tiers: [{ id: "bronze", name: "Bronze", threshold: 100 }] })) });
    expect(text(points.$("[data-l-next-text]"))).toBe("40 points more to reach Bronze");
    expect((points.$("[data-l-bar]") as HTMLProgressElement).value).toBe(60);
    expect(text(points.$("[data-l-tier]"))).toBe("—");
    const top = await page({ answers: () => ok(memberView({ tier: { id: "gold", name: "Gold" }, nextTier: null, history: [] })) });
    expect(top.$("[data-l-bar]").hidden).toBe(true);
    expect(text(top.$("[data-l-next-text]"))).toBe("You've reached our top tier.");
    expect(top.$("[data-l-history-empty]").hidden).toBe(false);
  });

  test("redeem: one click, the code shown with copy and apply, the balance updated", async () => {
    const { $, doc, calls, copied } = await page({
      answers: (c) => (c.method === "POST" ? ok({ code: "ATN-5OFF-K3Y9", rewardId: "r5", points: 120 }) : ok(memberView())),
    });
    (doc.querySelector(".attune-loy__reward button") as HTMLButtonElement).click();
    await vi.waitFor(() => expect($("[data-l-codes-wrap]").hidden).toBe(false));
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.url).toBe("/apps/attune/loyalty/redeem");
    expect(post.body.rewardId).toBe("r5");
    expect(post.body.idempotencyKey).toMatch(/^[\w-]{16,}$/);
    expect(text($("[data-l-status]"))).toBe("Your reward is ready. Use code ATN-5OFF-K3Y9 at checkout.");
    expect(text($("[data-l-points]"))).toBe("120");
    const row = doc.querySelector(".attune-loy__code")!;
    expect(text(row.querySelector("code"))).toBe("ATN-5OFF-K3Y9");
    expect(row.querySelector("a")!.getAttribute("href")).toBe("/discount/ATN-5OFF-K3Y9?redirect=%2Fcart");
    // Every reward now costs more than the 120 points left.
    expect([...doc.querySelectorAll(".attune-loy__reward button")].every((b) => (b as HTMLButtonElement).disabled)).toBe(true);
    (row.querySelector("button") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(copied).toEqual(["ATN-5OFF-K3Y9"]));
    expect(text($("[data-l-status]"))).toBe("Code ATN-5OFF-K3Y9 copied.");
  });

  test("earlier codes from the view are listed with their reward's title", async () => {
    const { doc } = await page({ answers: () => ok(memberView({ redemptions: [{ code: "OLD-CODE", rewardId: "r-ship", points: 300, createdAt: "2026-11-20T10:00:00.000Z" }] })) });
    expect(text(doc.querySelector(".attune-loy__code"))).toContain("Free shipping: OLD-CODE");
  });

  test("redeem errors are shown, visibly, and a retry after a lost answer reuses the idempotency key", async () => {
    const answers: Answer[] = ["network-error", { status: 409, body: { error: "insufficient_points" } }, { status: 503, body: { error: "codes_unavailable" } }];
    const { $, doc, calls } = await page({ answers: (c) => (c.method === "POST" ? answers.shift()! : ok(memberView())) });
    const button = () => doc.querySelector(".attune-loy__reward button") as HTMLButtonElement;
    const status = $("[data-l-status]");
    button().click();
    await vi.waitFor(() => expect(text(status)).toBe("Something went wrong. Please try again."));
    expect(status.className).toContain("attune-loy__msg--bad");
    expect(button().disabled).toBe(false);
    button().click();
    await vi.waitFor(() => expect(text(status)).toBe("You don't have enough points for this reward yet."));
    button().click();
    await vi.waitFor(() => expect(text(status)).toBe("Rewards can't be issued right now. No points were taken; please try again later."));
    const keys = calls.filter((c) => c.method === "POST").map((c) => c.body.idempotencyKey);
    expect(keys[1]).toBe(keys[0]); // the lost answer may have been a success: same key, same code
    expect(keys[2]).not.toBe(keys[1]); // a definitive 409 ends that attempt
    expect($("[data-l-codes-wrap]").hidden).toBe(true);
  });

  test("birthday: MM-DD checked before sending, saved once, then the form is replaced", async () => {
    const { $, calls, w } = await page({ answers: (c) => (c.url.endsWith("/birthday") ? ok({ ok: true }) : ok(memberView())) });
    const form = $("[data-l-bday]") as HTMLFormElement;
    const input = form.querySelector("input") as HTMLInputElement;
    input.value = "13-40";
    form.dispatchEvent(new w.Event("submit", { cancelable: true }));
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(text($("[data-l-bday-msg]"))).toBe("Enter your birthday as MM-DD, for example 04-23.");
    expect(calls.some((c) => c.url.endsWith("/birthday"))).toBe(false);
    input.value = "04-23";
    form.dispatchEvent(new w.Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(form.hidden).toBe(true));
    expect(calls.find((c) => c.url.endsWith("/birthday"))).toMatchObject({ method: "POST", url: "/apps/attune/loyalty/birthday", body: { birthday: "04-23" } });
    expect(text($("[data-l-bday-msg]"))).toBe("Thank you! Your birthday is saved.");
    expect($("[data-l-bday-set]").hidden).toBe(false);
    expect(input.hasAttribute("aria-invalid")).toBe(false);
  });

  test("a birthday already on file shows no form", async () => {
    const { $ } = await page({ answers: () => ok(memberView({ birthdaySet: true })) });
    expect($("[data-l-bday]").hidden).toBe(true);
    expect($("[data-l-bday-set]").hidden).toBe(false);
  });
});
