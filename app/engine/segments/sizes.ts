/**
 * How many customers are in each segment right now, from the in-memory store: every customer's
 * profile is built once and tested against every compiled segment (the same predicates decide()
 * uses). Request-context fields see the customer as signed in on the home page with no cart, so a
 * visitor-only segment ("traffic from Pinterest") counts nobody: it has no size until a request.
 * Opted-out customers count only in segments that read no personal data, as in decide().
 *
 * Building a profile costs tens of microseconds, so a large shop takes seconds: SegmentCounter
 * works in steps the caller schedules (the engine itself never waits or yields).
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

export class SegmentCounter {
  private readonly it: Iterator<CustomerFact>;
  private readonly out: SegmentSizes = { customers: 0, sizes: {}, samples: {} };
  private readonly anonymous;
  private finished = false;

  constructor(
    customers: Iterable<CustomerFact>,
    private readonly store: Pick<StoreView, "ordersOf" | "product" | "loyaltyOf">,
    private readonly set: CompiledSegmentSet,
    private readonly profileOptions: ProfileOptions,
    private readonly now: number,
    private readonly samplesPerSegment = 3,
  ) {
    this.it = customers[Symbol.iterator]();
    for (const s of set.segments) {
      this.out.sizes[s.id] = 0;
      this.out.samples[s.id] = [];
    }
    this.anonymous = anonymousProfile(now, null, profileOptions);
  }

  /** Counts up to `max` more customers; true once every customer is counted. */
  step(max: number): boolean {
    const { out, store, now } = this;
    for (let i = 0; i < max && !this.finished; i++) {
      const next = this.it.next();
      if (next.done) {
        this.finished = true;
        break;
      }
      const c = next.value;
      out.customers++;
      const optOut = c.personalizationOptOut === true;
      const profile = optOut ? this.anonymous : buildProfile(c, store.ordersOf(c.id), (id) => store.product(id), now, this.profileOptions);
      const context: ShopperContext = { placement: "home", customerId: c.id, returningVisitor: true, now };
      const subject = { profile, context, loyalty: optOut ? null : (store.loyaltyOf?.(c.id) ?? null) };
      for (const s of this.set.segments) {
        if (s.personal && optOut) continue;
        if (!s.test(subject)) continue;
        out.sizes[s.id]++;
        if (out.samples[s.id].length < this.samplesPerSegment) out.samples[s.id].push(c.id);
      }
    }
    return this.finished;
  }

  get result(): SegmentSizes {
    return this.out;
  }
}

/** All at once (small stores, tests). */
export function segmentSizes(
  customers: Iterable<CustomerFact>,
  store: Pick<StoreView, "ordersOf" | "product" | "loyaltyOf">,
  set: CompiledSegmentSet,
  profileOptions: ProfileOptions,
  now: number,
): SegmentSizes {
  const counter = new SegmentCounter(customers, store, set, profileOptions, now);
  counter.step(Infinity);
  return counter.result;
}
