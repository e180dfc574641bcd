/**
 * Request-context normalisation feeding the context segments: where the visitor came from and on
 * what device. Both are heuristics over untrusted strings, so they only ever return known labels
 * or a sanitised token, never the raw input.
 */
import type { Device } from "../types";

/** UTM source aliases merchants and ad tools actually emit. */
const UTM_ALIAS_TABLE: Record<string, string> = {
  ig: "instagram", instagram: "instagram", "instagram.com": "instagram", insta: "instagram",
  fb: "facebook", facebook: "facebook", "facebook.com": "facebook", meta: "facebook", "facebook_ads": "facebook", fbads: "facebook",
  pin: "pinterest", pinterest: "pinterest", "pinterest.com": "pinterest",
  tiktok: "tiktok", tt: "tiktok", "tiktok.com": "tiktok", tiktok_ads: "tiktok",
  google: "google", adwords: "google", gads: "google", google_ads: "google", googleads: "google", "google.com": "google", youtube: "youtube", yt: "youtube",
  bing: "bing", microsoft: "bing", duckduckgo: "duckduckgo", yahoo: "yahoo",
  email: "email", "e-mail": "email", newsletter: "email", klaviyo: "email", mailchimp: "email", omnisend: "email", shopify_email: "email", sendinblue: "email", brevo: "email",
  sms: "sms", attentive: "sms", postscript: "sms",
  twitter: "twitter", x: "twitter", "t.co": "twitter",
  reddit: "reddit", snapchat: "snapchat", snap: "snapchat", linkedin: "linkedin",
  direct: "direct",
};
// A Map, not the object: untrusted keys such as "__proto__" or "constructor" must not hit the prototype.
const UTM_ALIASES = new Map(Object.entries(UTM_ALIAS_TABLE));

/** Referrer host suffix → source. Webmail hosts come before their search-engine parents. */
const HOST_RULES: [suffix: string, source: string][] = [
  ["mail.google.com", "email"], ["mail.yahoo.com", "email"], ["outlook.live.com", "email"], ["outlook.office.com", "email"], ["mail.proton.me", "email"],
  ["pinterest.com", "pinterest"], ["pin.it", "pinterest"],
  ["instagram.com", "instagram"],
  ["facebook.com", "facebook"], ["fb.com", "facebook"], ["fb.me", "facebook"], ["messenger.com", "facebook"],
  ["tiktok.com", "tiktok"],
  ["youtube.com", "youtube"], ["youtu.be", "youtube"],
  ["t.co", "twitter"], ["twitter.com", "twitter"], ["x.com", "twitter"],
  ["reddit.com", "reddit"], ["snapchat.com", "snapchat"], ["linkedin.com", "linkedin"], ["lnkd.in", "linkedin"],
  ["bing.com", "bing"], ["duckduckgo.com", "duckduckgo"], ["search.yahoo.com", "yahoo"],
];

function hostOf(referrer: string): string | null {
  try {
    return new URL(referrer.includes("://") ? referrer : `https://${referrer}`).hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return null;
  }
}

function matchesSuffix(host: string, suffix: string): boolean {
  return host === suffix || host.endsWith(`.${suffix}`);
}

/** google.com, google.co.uk, www.google.de, ... (but not mail.google.com, handled earlier). */
const GOOGLE = /(^|\.)google\.[a-z]{2,3}(\.[a-z]{2})?$/;

/**
 * One label per visit: the UTM source wins (the merchant tagged the link on purpose), then the
 * referrer's host, else "direct". Unknown UTM sources keep a sanitised form of themselves so a
 * merchant can target "partner_blog"; unknown referrers become "referral". Referrals from the
 * shop's own hosts (checkout round-trips, shop domain changes) count as direct.
 */
export function normalizeTrafficSource(input: { utmSource?: string | null; referrer?: string | null; shopHosts?: readonly string[] }): string {
  const utm = input.utmSource?.trim().toLowerCase();
  if (utm) {
    const alias = UTM_ALIASES.get(utm);
    if (alias) return alias;
    const token = utm.replace(/[^a-z0-9_.-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 32);
    if (token) return UTM_ALIASES.get(token) ?? token;
  }
  const host = input.referrer ? hostOf(input.referrer.trim()) : null;
  if (!host) return "direct";
  if (host === "checkout.shopify.com" || input.shopHosts?.some((h) => matchesSuffix(host, h.toLowerCase()))) return "direct";
  for (const [suffix, source] of HOST_RULES) if (matchesSuffix(host, suffix)) return source;
  if (GOOGLE.test(host)) return "google";
  return "referral";
}

const TABLET = /ipad|tablet|kindle|silk\/|playbook|nexus (7|9|10)|sm-t\d|gt-p\d/i;
const MOBILE = /mobi|iphone|ipod|windows phone|blackberry|bb10|opera mini|iemobile|webos/i;

/**
 * Device class from a User-Agent. Android without "Mobile" is a tablet by Google's own UA
 * guidance. iPadOS 13+ sends a desktop Safari UA, so those iPads read as desktop; the storefront
 * script may refine with touch support. Empty or missing UA → null (unknown).
 */
export function deviceFromUserAgent(ua: string | null | undefined): Device | null {
  if (!ua || !ua.trim()) return null;
  if (TABLET.test(ua)) return "tablet";
  if (/android/i.test(ua)) return /mobile/i.test(ua) ? "mobile" : "tablet";
  if (MOBILE.test(ua)) return "mobile";
  return "desktop";
}
