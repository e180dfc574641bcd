import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { deviceFromUserAgent, normalizeTrafficSource } from "./traffic";

describe("normalizeTrafficSource", () => {
  it("maps UTM aliases to one label, UTM winning over the referrer", () => {
    expect(normalizeTrafficSource({ utmSource: "IG" })).toBe("instagram");
    expect(normalizeTrafficSource({ utmSource: "fb", referrer: "https://www.pinterest.com/" })).toBe("facebook");
    expect(normalizeTrafficSource({ utmSource: "klaviyo" })).toBe("email");
    expect(normalizeTrafficSource({ utmSource: " Pinterest " })).toBe("pinterest");
  });

  it("keeps unknown UTM sources as a sanitised token", () => {
    expect(normalizeTrafficSource({ utmSource: "Partner Blog!" })).toBe("partner_blog");
    expect(normalizeTrafficSource({ utmSource: "<script>" })).toBe("script");
    expect(normalizeTrafficSource({ utmSource: "__proto__" })).toBe("proto");
    expect(normalizeTrafficSource({ utmSource: "constructor" })).toBe("constructor");
  });

  it("classifies referrer hosts, webmail before its search engine", () => {
    const r = (referrer: string) => normalizeTrafficSource({ referrer });
    expect(r("https://l.instagram.com/?u=x")).toBe("instagram");
    expect(r("https://lm.facebook.com/l.php")).toBe("facebook");
    expect(r("https://pin.it/abc")).toBe("pinterest");
    expect(r("https://www.pinterest.co.uk/")).toBe("referral"); // not a known suffix: explicit, not guessed
    expect(r("https://www.tiktok.com/@shop")).toBe("tiktok");
    expect(r("https://www.google.co.uk/")).toBe("google");
    expect(r("https://www.google.de/search?q=x")).toBe("google");
    expect(r("https://mail.google.com/mail/u/0")).toBe("email");
    expect(r("https://t.co/xyz")).toBe("twitter");
    expect(r("https://someblog.example/post")).toBe("referral");
    expect(r("notgoogle.com")).toBe("referral");
  });

  it("no signal or a self-referral is direct", () => {
    expect(normalizeTrafficSource({})).toBe("direct");
    expect(normalizeTrafficSource({ utmSource: "", referrer: "" })).toBe("direct");
    expect(normalizeTrafficSource({ referrer: "not a url at all" })).toBe("direct"); // unusable referrer
    expect(normalizeTrafficSource({ referrer: "https://shop.example.com/cart", shopHosts: ["shop.example.com"] })).toBe("direct");
    expect(normalizeTrafficSource({ referrer: "https://checkout.shopify.com/123" })).toBe("direct");
  });

  it("never echoes unsafe input: output is always a short safe token", () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), (utmSource, referrer) => {
        expect(normalizeTrafficSource({ utmSource, referrer })).toMatch(/^[a-z0-9_.-]{1,32}$/);
      }),
    );
  });
});

describe("deviceFromUserAgent", () => {
  const UA = {
    iphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    ipad: "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    androidPhone: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
    androidTablet: "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    mac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    windows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
  };
  it("classifies common user agents", () => {
    expect(deviceFromUserAgent(UA.iphone)).toBe("mobile");
    expect(deviceFromUserAgent(UA.ipad)).toBe("tablet");
    expect(deviceFromUserAgent(UA.androidPhone)).toBe("mobile");
    expect(deviceFromUserAgent(UA.androidTablet)).toBe("tablet");
    expect(deviceFromUserAgent(UA.mac)).toBe("desktop");
    expect(deviceFromUserAgent(UA.windows)).toBe("desktop");
  });
  it("returns null when there is no user agent", () => {
    expect(deviceFromUserAgent("")).toBeNull();
    expect(deviceFromUserAgent(undefined)).toBeNull();
  });
});
