/**
 * How many customers are in each segment right now, from the in-memory store: every customer's
 * profile is built once and tested against every compiled segment (the same predicates decide()
 * uses). Request-context fields see the customer as signed in on the home page with no cart, so a
 * visitor-only segment ("traffic from Pinterest") counts nobody: it has no size until a request.
 * Opted-out customers count only in segments that read no personal data, as in decide().
 */
import { buildProfile, anonymousProfile } from "../profile/build";
import type { ProfileOptions } from "../profile/types";
import type { CustomerFact, Id, ShopperContext, StoreView } from "../types";
import type { CompiledSegmentSet } from "./match";

export interface SegmentSizes {
  /** Customers considered. */
  customers: number;
  /** Segment id -> customers in it. */
  sizes: Record<string, number>;
  /** Segment id -> a few member customer ids (for "preview as" from a segment), in store order. */
  samples: Record<string, Id[]>;
}

export function segmentSizes(
  customers: Iterable<CustomerFact>,
  store: Pick<StoreView, "ordersOf" | "product">,
  set: CompiledSegmentSet,
  profileOptions: ProfileOptions,
  now: number,
  samplesPerSegment = 3,
): SegmentSizes {
  const sizes: Record<string, number> = {};
  const samples: Record<string, Id[]> = {};
  for (const s of set.segments) {
    sizes[s.id] = 0;
    samples[s.id] = [];
  }
  const anonymous = anonymousProfile(now, null, profileOptions);
  let n = 0;
  for (const c of customers) {
    n++;
    const optOut = c.personalizationOptOut === true;
    const profile = optOut ? anonymous : buildProfile(c, store.ordersOf(c.id), (id) => store.product(id), now, profileOptions);
    const context: ShopperContext = { placement: "home", customerId: c.id, returningVisitor: true, now };
    const subject = { profile, context };
    for (const s of set.segments) {
      if (s.personal && optOut) continue;
      if (!s.test(subject)) continue;
      sizes[s.id]++;
      if (samples[s.id].length < samplesPerSegment) samples[s.id].push(c.id);
    }
  }
  return { customers: n, sizes, samples };
}
