// The join store's index: open addressing with linear probing over an Int32Array of record
// positions (+1; 0 is empty), sized to a power of two at least twice the records, so a probe
// sequence stays short. Deletion shifts later entries back (no tombstones), so the index never
// fills up with dead slots however long the process runs.

export class JoinIndex {
  readonly slots: Int32Array;
  private readonly mask: number;

  constructor(
    capacity: number,
    /** Each record's first hash (where its probe sequence starts). */
    private readonly h1: Uint32Array,
    /** Each record's second hash (the verification). */
    private readonly h2: Uint32Array,
  ) {
    let size = 2;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
  }

  /** The slot holding the record of (a, b), or -1. */
  find(a: number, b: number): number {
    const { slots, mask, h1, h2 } = this;
    for (let i = a & mask; ; i = (i + 1) & mask) {
      const entry = slots[i];
      if (entry === 0) return -1;
      const record = entry - 1;
      if (h1[record] === a && h2[record] === b) return i;
    }
  }

  /** The record a slot points to. */
  recordAt(slot: number): number {
    return this.slots[slot] - 1;
  }

  /** Index a record whose hashes are not indexed yet. */
  insert(record: number): void {
    const { slots, mask } = this;
    let i = this.h1[record] & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = record + 1;
  }

  /** Empty a slot, moving back the entries after it that would no longer be found. */
  remove(slot: number): void {
    const { slots, mask, h1 } = this;
    let hole = slot;
    for (let k = (hole + 1) & mask; slots[k] !== 0; k = (k + 1) & mask) {
      const home = h1[slots[k] - 1] & mask;
      // The entry at k stays when its home lies cyclically in (hole, k].
      const stays = hole <= k ? hole < home && home <= k : hole < home || home <= k;
      if (stays) continue;
      slots[hole] = slots[k];
      hole = k;
    }
    slots[hole] = 0;
  }

  clear(): void {
    this.slots.fill(0);
  }
}
