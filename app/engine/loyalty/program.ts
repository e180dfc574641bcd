/**
 * The program settings: the zod schema every stored or submitted config passes, the example the admin
 * prefills, and the tier-change preview. Pure: no I/O.
 */
import { z } from "zod";
import { formatPath } from "../segments/condition";
import { previewTierChange } from "./tiers";
import type { MemberStanding, ProgramConfig, ProgramPreview, Reward, Tier } from "./types";

export type { ProgramConfig, Reward, Tier } from "./types";

const points = (what: string, max = 10_000_000) =>
  z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number of points`).min(0, `${what} cannot be negative`).max(max, `${what} is at most ${max}`);
const id = z
  .string({ error: "id is required" })
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "id is 1-40 lowercase letters, digits, - or _");

const tierSchema = z.object({
  id,
  name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(40, "name is at most 40 characters"),
  threshold: z.number({ error: "threshold must be a number" }).int("threshold must be a whole number").min(0, "threshold cannot be negative"),
  multiplier: z.number({ error: "multiplier must be a number" }).min(1, "multiplier is at least 1").max(10, "multiplier is at most 10"),
  entryRewardPoints: points("entry reward"),
  freeShipping: z.boolean().default(false),
  earlyAccess: z.boolean().default(false),
});

const rewardSchema = z
  .object({
    id,
    title: z.string({ error: "title is required" }).trim().min(1, "title is required").max(80, "title is at most 80 characters"),
    kind: z.enum(["amount", "percentage", "free_shipping"], { error: "kind is amount, percentage or free_shipping" }),
    value: z.number({ error: "value must be a number" }).int("value must be a whole number").min(0, "value cannot be negative"),
    cost: points("cost").min(1, "cost is at least 1 point"),
    minOrderCents: z.number().int("minimum order must be whole cents").min(1, "minimum order must be above zero").nullable().default(null),
    active: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    if (r.kind === "amount" && r.value < 1) ctx.addIssue({ code: "custom", path: ["value"], message: "an amount off is at least 1 cent" });
    if (r.kind === "percentage" && (r.value < 1 || r.value > 100)) ctx.addIssue({ code: "custom", path: ["value"], message: "a percentage is 1 to 100" });
    if (r.kind === "free_shipping" && r.value !== 0) ctx.addIssue({ code: "custom", path: ["value"], message: "free shipping has value 0" });
  });

export const programSchema = z
  .object({
    enabled: z.boolean({ error: "enabled must be true or false" }),
    pointsPerUnit: z.number({ error: "points per unit must be a number" }).min(0, "points per unit cannot be negative").max(1000, "points per unit is at most 1000"),
    includeShipping: z.boolean().default(false),
    includeTax: z.boolean().default(false),
    signupBonus: points("sign-up bonus"),
    birthdayBonus: points("birthday bonus"),
    pendingDays: z.number({ error: "pending days must be a number" }).int("pending days must be whole days").min(0, "pending days cannot be negative").max(365, "pending days is at most 365"),
    tierBasis: z.enum(["spend", "points"], { error: "tier basis is spend or points" }),
    tierWindow: z.enum(["rolling12", "calendar", "lifetime"], { error: "tier window is rolling12, calendar or lifetime" }),
    tiers: z.array(tierSchema).max(10, "at most 10 tiers"),
    expiryMonths: z.number().int("expiry must be whole months").min(1, "expiry is at least 1 month").max(120, "expiry is at most 120 months").nullable(),
    rewards: z.array(rewardSchema).max(50, "at most 50 rewards"),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.tiers.forEach((t, i) => {
      if (seen.has(t.id)) ctx.addIssue({ code: "custom", path: ["tiers", i, "id"], message: `tier id "${t.id}" is used twice` });
      seen.add(t.id);
      if (i > 0 && t.threshold <= p.tiers[i - 1].threshold) {
        ctx.addIssue({ code: "custom", path: ["tiers", i, "threshold"], message: "tiers must be in ascending threshold order, each above the one before" });
      }
    });
    const rewardIds = new Set<string>();
    p.rewards.forEach((r, i) => {
      if (rewardIds.has(r.id)) ctx.addIssue({ code: "custom", path: ["rewards", i, "id"], message: `reward id "${r.id}" is used twice` });
      rewardIds.add(r.id);
    });
  });

export type ParsedProgram = { ok: true; value: ProgramConfig } | { ok: false; errors: { path: string; message: string }[] };

export function parseProgram(input: unknown): ParsedProgram {
  const r = programSchema.safeParse(input);
  if (r.success) return { ok: true, value: r.data as ProgramConfig };
  return { ok: false, errors: r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
}

const tier = (t: Partial<Tier> & Pick<Tier, "id" | "name" | "threshold">): Tier => ({
  multiplier: 1,
  entryRewardPoints: 0,
  freeShipping: false,
  earlyAccess: false,
  ...t,
});
const reward = (r: Partial<Reward> & Pick<Reward, "id" | "title" | "kind" | "value" | "cost">): Reward => ({ minOrderCents: null, active: true, ...r });

/** What the admin prefills: disabled, because a program gives away money until the merchant opts in. */
export const EXAMPLE_PROGRAM: ProgramConfig = Object.freeze({
  enabled: false,
  pointsPerUnit: 1,
  includeShipping: false,
  includeTax: false,
  signupBonus: 100,
  birthdayBonus: 200,
  pendingDays: 14,
  tierBasis: "spend",
  tierWindow: "rolling12",
  tiers: [
    tier({ id: "bronze", name: "Bronze", threshold: 0 }),
    tier({ id: "silver", name: "Silver", threshold: 50_000, multiplier: 1.25, entryRewardPoints: 100 }),
    tier({ id: "gold", name: "Gold", threshold: 150_000, multiplier: 1.5, entryRewardPoints: 250, freeShipping: true, earlyAccess: true }),
  ],
  expiryMonths: 12,
  rewards: [
    reward({ id: "five-off", title: "$5 off", kind: "amount", value: 500, cost: 500 }),
    reward({ id: "ten-percent", title: "10% off orders over $50", kind: "percentage", value: 10, cost: 1000, minOrderCents: 5000 }),
    reward({ id: "free-shipping", title: "Free shipping", kind: "free_shipping", value: 0, cost: 750 }),
  ],
}) as ProgramConfig;

/** "312 members change tier, 41 move down": each member's tier under the current and the proposed program. */
export function previewProgramChange(members: MemberStanding[], from: ProgramConfig | null, to: ProgramConfig, now: Date): ProgramPreview {
  return previewTierChange(members, from, to, now);
}
