/**
 * Tier standing: a member's qualifying amount (spend cents or points earned) inside the program's
 * window, and the tier it reaches. Pure: no I/O.
 */
import type { MemberStanding, ProgramConfig, ProgramPreview, Tier, TierBasis, TierWindow } from "./types";

/** Activity at or after this instant counts toward the tier (0 = everything). */
export function windowStart(window: TierWindow, now: Date): number {
  if (window === "lifetime") return 0;
  if (window === "calendar") return Date.UTC(now.getUTCFullYear(), 0, 1);
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() - 12);
  return d.getTime();
}

export function standingAmount(activity: MemberStanding["activity"], basis: TierBasis, window: TierWindow, now: Date): number {
  const from = windowStart(window, now);
  const until = now.getTime();
  let sum = 0;
  for (const a of activity) if (a.at >= from && a.at <= until) sum += basis === "spend" ? a.spendCents : a.earnedPoints;
  return Math.max(0, sum);
}

/** The highest tier whose threshold the amount reaches; null when below the first. */
export function tierFor(tiers: Tier[], amount: number): Tier | null {
  let best: Tier | null = null;
  for (const t of tiers) if (amount >= t.threshold) best = t;
  return best;
}

export function nextTierOf(tiers: Tier[], current: Tier | null, amount: number, basis: TierBasis) {
  const idx = current ? tiers.findIndex((t) => t.id === current.id) : -1;
  const next = tiers[idx + 1];
  return next ? { id: next.id, name: next.name, remaining: Math.max(0, next.threshold - amount), basis } : null;
}

export function memberTier(program: ProgramConfig, activity: MemberStanding["activity"], now: Date): { tier: Tier | null; amount: number } {
  const amount = standingAmount(activity, program.tierBasis, program.tierWindow, now);
  return { tier: tierFor(program.tiers, amount), amount };
}

/** Rank of a tier in a program (-1 = no tier), so moves between programs compare by position. */
function rank(program: ProgramConfig | null, tierId: string | null): number {
  if (!tierId || !program) return -1;
  return program.tiers.findIndex((t) => t.id === tierId);
}

export function previewTierChange(members: MemberStanding[], from: ProgramConfig | null, to: ProgramConfig, now: Date): ProgramPreview {
  const counts = new Map<string | null, { name: string; before: number; after: number }>();
  const slot = (id: string | null, name: string) => {
    let c = counts.get(id);
    if (!c) counts.set(id, (c = { name, before: 0, after: 0 }));
    return c;
  };
  for (const t of to.tiers) slot(t.id, t.name);
  let changeTier = 0;
  let moveUp = 0;
  let moveDown = 0;
  for (const m of members) {
    const before = from ? memberTier(from, m.activity, now).tier?.id ?? null : m.tierId;
    const after = memberTier(to, m.activity, now).tier?.id ?? null;
    const beforeName = (before && (from?.tiers.find((t) => t.id === before)?.name ?? to.tiers.find((t) => t.id === before)?.name)) || (before ?? "No tier");
    slot(before, beforeName).before++;
    slot(after, to.tiers.find((t) => t.id === after)?.name ?? "No tier").after++;
    if (before === after) continue;
    changeTier++;
    // Position in the proposed program when the tier survives the change, else in the current one.
    const b = rank(to, before) >= 0 || !before ? rank(to, before) : rank(from, before);
    const a = rank(to, after);
    if (a > b) moveUp++;
    else moveDown++;
  }
  const byTier = [...counts.entries()]
    .map(([tierId, c]) => ({ tierId, name: c.name, before: c.before, after: c.after }))
    .filter((r) => r.tierId !== null || r.before || r.after);
  return { members: members.length, changeTier, moveUp, moveDown, byTier };
}
