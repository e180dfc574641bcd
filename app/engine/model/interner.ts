/**
 * Maps external string ids (Shopify's decimal ids, kept as strings because they exceed 2^53) to dense
 * integer indexes, so every hot structure can be an array or typed array indexed by int.
 */
export class Interner {
  private readonly index = new Map<string, number>();
  private readonly ids: (string | undefined)[] = [];

  /** The index for id, allocating one on first sight. */
  intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }

  /** The index for id, or -1 when it was never seen (or was forgotten). */
  find(id: string): number {
    return this.index.get(id) ?? -1;
  }

  idAt(i: number): string | undefined {
    return this.ids[i];
  }

  /** Forgets the id (GDPR redaction); its index stays allocated so arrays keep their alignment. */
  forget(id: string): void {
    const i = this.index.get(id);
    if (i === undefined) return;
    this.index.delete(id);
    this.ids[i] = undefined;
  }

  get capacity(): number {
    return this.ids.length;
  }
}
