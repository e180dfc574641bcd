/**
 * Admission for per-shopper caches: "has this key been seen recently?", answered from a fixed
 * table of 32-bit hashes, allocating nothing.
 *
 * Why: a cache that admits every shopper on first sight, under traffic where most shoppers make one
 * request, fills with entries that live just long enough to be promoted to V8's old generation and
 * then are evicted. That garbage is what major GCs walk: measured on the storefront bench, it grew
 * the heap by ~9 MB/s and cost a ~1 s marking stall every couple of minutes. Admitting a shopper on
 * the second sighting keeps the cache for shoppers who browse on.
 *
 * A collision (two keys in one slot) only makes a key look new again, or, with the same 32-bit
 * hash, seen: either way a cache decision, never a correctness one.
 */
export class SecondSighting {
  private readonly table: Int32Array;
  private readonly mask: number;

  /** slots: rounded up to a power of two; roughly how many recent keys are remembered. */
  constructor(slots = 8192) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, slots)));
    this.table = new Int32Array(size);
    this.mask = size - 1;
  }

  /** true if key was seen since its slot was last overwritten; records the sighting either way. */
  seenBefore(key: string): boolean {
    // FNV-1a then murmur3's finalizer (ids differ in their last digits; the slot takes low bits).
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    const slot = h & this.mask;
    const tag = h | 0 || 1; // 0 marks an empty slot
    const seen = this.table[slot] === tag;
    this.table[slot] = tag;
    return seen;
  }
}
