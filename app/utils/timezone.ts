/**
 * Wall-clock times in the shop's time zone <-> epoch ms, for schedule fields
 * (`<input type="datetime-local">` gives "2026-12-05T09:00" with no zone). Shared by server and UI.
 */

/** The zone's offset from UTC at an instant, in minutes (Europe/Paris in winter: 60). */
export function zoneOffsetMinutes(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(at));
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000);
}

/** "2026-12-05T09:00" in the zone -> epoch ms; null for blank or malformed input. */
export function zonedToEpoch(local: string | null | undefined, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local?.trim() ?? "");
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // Two passes settle the offset across a DST change.
  let t = wall - zoneOffsetMinutes(timeZone, wall) * 60_000;
  t = wall - zoneOffsetMinutes(timeZone, t) * 60_000;
  return t;
}

/** epoch ms -> "2026-12-05T09:00" in the zone (for the input's value); "" for null. */
export function epochToZoned(ms: number | null | undefined, timeZone: string): string {
  if (ms == null) return "";
  const d = new Date(ms + zoneOffsetMinutes(timeZone, ms) * 60_000);
  return d.toISOString().slice(0, 16);
}

/** "Dec 5, 2026, 9:00 AM EST" for lists. */
export function formatInZone(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" }).format(new Date(ms));
}
