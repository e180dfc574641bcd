/**
 * Calls from the customer account extension to the Attune app server: {APP_URL}/api/account/loyalty...
 * with `Authorization: Bearer <session token>` (the server reads the customer from the token's `sub`).
 * The answers are the storefront contract's (docs/loyalty.md), so the page shows what the theme block shows.
 */
import { appUrl } from '../../attune-checkout/src/config';

export interface ViewReward {
  id: string;
  title: string;
  kind: 'amount' | 'percentage' | 'free_shipping';
  value: number;
  cost: number;
  minOrderCents: number | null;
  redeemable: boolean;
}

export interface ViewLine {
  id: string;
  kind: string;
  points: number;
  pending: number;
  createdAt: string;
}

export interface LoyaltyView {
  enabled: boolean;
  signedIn?: boolean;
  points?: number;
  pending?: number;
  tier: { id: string; name: string } | null;
  nextTier: { id: string; name: string; remaining: number; basis: 'spend' | 'points' } | null;
  nextExpiry: { points: number; at: string } | null;
  tiers: { id: string; name: string; threshold: number }[];
  rewards: ViewReward[];
  history?: ViewLine[];
  birthdaySet?: boolean;
  redemptions?: { code: string; rewardId: string; title?: string; createdAt?: string }[];
}

export interface OrderPoints {
  earned: number;
  pending: boolean;
  reversed: number;
}

export interface TokenApi {
  sessionToken: { get(): Promise<string> };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; message?: string },
  ) {
    super(body.message || `Attune request failed: ${status}`);
  }
}

/** JSON from the app server; a non-2xx answer throws ApiError with its body. */
export async function call<T>(api: TokenApi, path: string, body?: unknown): Promise<T> {
  const base = appUrl();
  if (!base) throw new Error('ATTUNE_APP_URL was not set when this extension was built');
  const token = await api.sessionToken.get();
  const res = await fetch(`${base}/api/account/loyalty${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as T & { error?: string; message?: string };
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const BIRTHDAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A key the server keeps with the redemption: the same key gets the same code back. */
export function idempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
}
