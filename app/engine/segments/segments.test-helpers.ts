import { anonymousProfile } from "../profile/build";
import type { CustomerProfile } from "../profile/types";
import type { ShopperContext } from "../types";
import type { SegmentSubject } from "./fields";

export const NOW = Date.UTC(2025, 5, 15);

export function subject(profile: Partial<CustomerProfile> = {}, context: Partial<ShopperContext> = {}): SegmentSubject {
  return {
    profile: { ...anonymousProfile(NOW), ...profile },
    context: { placement: "home", customerId: null, now: NOW, ...context },
  };
}
