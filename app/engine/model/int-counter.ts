/**
 * A compact int -> int counter (open addressing, linear probing, keys and counts interleaved in one
 * Int32Array).
 *
 * Why not Map<number, number>: a store has tens of thousands of items, each with hundreds of
 * co-purchase partners; a Map entry costs ~40 bytes where this costs 8-11, and one typed array per
 * item is one object for the GC to mark, not hundreds. Counts that fall to zero stay as dead slots until the
 * next resize, so retracting an order never needs tombstones.
 */
const EMPTY = -1;

export class IntCounter {
  /** [key0, count0, key1, count1, ...]; key EMPTY marks a free slot. */
  private slots: Int32Array;
  /** Occupied slots (including those whose count fell back to zero). */
  private used = 0;

  constructor(capacity = 4) {
    let cap = 4;
    while (cap < capacity) cap <<= 1;
    this.slots = new Int32Array(cap * 2).fill(EMPTY);
  }

  /** A counter pre-sized for exactly these distinct keys (bulk build: no resizing). */
  static fromEntries(keys: ArrayLike<number>, counts: ArrayLike<number>, n: number): IntCounter {
    const c = new IntCounter(Math.ceil((n * 4) / 3) + 1);
    for (let i = 0; i < n; i++) c.add(keys[i], counts[i]);
    return c;
  }

  get(key: number): number {
    const s = this.slots;
    const mask = (s.length >> 1) - 1;
    let i = hash(key) & mask;
    for (;;) {
      const k = s[i << 1];
      if (k === key) return s[(i << 1) + 1];
      if (k === EMPTY) return 0;
      i = (i + 1) & mask;
    }
  }

  /** Adds delta to key's count and returns the new count. */
  add(key: number, delta: number): number {
    let s = this.slots;
    let mask = (s.length >> 1) - 1;
    let i = hash(key) & mask;
    for (;;) {
      const k = s[i << 1];
      if (k === key) return (s[(i << 1) + 1] += delta);
      if (k === EMPTY) break;
      i = (i + 1) & mask;
    }
    if (delta === 0) return 0;
    if ((this.used + 1) * 4 > (s.length >> 1) * 3) {
      this.resize();
      s = this.slots;
      mask = (s.length >> 1) - 1;
      i = hash(key) & mask;
      while (s[i << 1] !== EMPTY) i = (i + 1) & mask;
    }
    s[i << 1] = key;
    s[(i << 1) + 1] = delta;
    this.used++;
    return delta;
  }

  /** Calls fn for every key with a non-zero count. */
  forEach(fn: (key: number, count: number) => void): void {
    const s = this.slots;
    for (let i = 0; i < s.length; i += 2) {
      if (s[i] !== EMPTY && s[i + 1] !== 0) fn(s[i], s[i + 1]);
    }
  }

  /** Number of keys with a non-zero count. */
  get size(): number {
    let n = 0;
    const s = this.slots;
    for (let i = 0; i < s.length; i += 2) if (s[i] !== EMPTY && s[i + 1] !== 0) n++;
    return n;
  }

  /** Drops dead slots and shrinks to fit (used after a bulk build). */
  compact(): void {
    this.rehash(this.size);
  }

  private resize(): void {
    this.rehash(this.size + 1);
  }

  private rehash(live: number): void {
    let cap = 4;
    while (cap * 3 < (live + 1) * 4 + 1) cap <<= 1;
    const old = this.slots;
    const s = new Int32Array(cap * 2).fill(EMPTY);
    const mask = cap - 1;
    let used = 0;
    for (let j = 0; j < old.length; j += 2) {
      const key = old[j];
      if (key === EMPTY || old[j + 1] === 0) continue;
      let i = hash(key) & mask;
      while (s[i << 1] !== EMPTY) i = (i + 1) & mask;
      s[i << 1] = key;
      s[(i << 1) + 1] = old[j + 1];
      used++;
    }
    this.slots = s;
    this.used = used;
  }
}

function hash(key: number): number {
  return Math.imul(key, 0x9e3779b1) >>> 7;
}
