import { describe, expect, it } from "vitest";
import { epochToZoned, formatInZone, zonedToEpoch } from "./timezone";

describe("schedule times in the shop's zone", () => {
  it("reads a wall-clock time in the zone, both sides of daylight saving", () => {
    expect(zonedToEpoch("2026-01-15T09:00", "America/Toronto")).toBe(Date.UTC(2026, 0, 15, 14, 0));
    expect(zonedToEpoch("2026-07-15T09:00", "America/Toronto")).toBe(Date.UTC(2026, 6, 15, 13, 0));
    expect(zonedToEpoch("2026-07-15T09:00", "UTC")).toBe(Date.UTC(2026, 6, 15, 9, 0));
    expect(zonedToEpoch("", "UTC")).toBeNull();
    expect(zonedToEpoch("tomorrow", "UTC")).toBeNull();
  });

  it("round-trips and formats with the zone's name", () => {
    for (const tz of ["Europe/Paris", "Asia/Kolkata", "America/Los_Angeles", "UTC"]) {
      expect(epochToZoned(zonedToEpoch("2026-03-29T10:30", tz), tz)).toBe("2026-03-29T10:30");
    }
    expect(epochToZoned(null, "UTC")).toBe("");
    expect(formatInZone(Date.UTC(2026, 0, 15, 14, 0), "America/Toronto")).toBe("Jan 15, 2026, 9:00 AM EST");
  });
});
