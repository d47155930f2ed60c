// Model versions as a bounded label set: the configured version first, then the first
// distinct versions seen up to the cap; every later one shares __other__, so a client
// that puts a build hash in model_version cannot blow up cardinality.
import { OTHER_CATEGORY } from '../reference/types.js';

export class VersionIndex {
  /** Version names by index; the last index (capacity) is __other__. */
  readonly names: string[];
  private readonly indexes = new Map<string, number>();

  constructor(
    readonly expected: string,
    /** Distinct versions with their own label, the expected one included. */
    readonly capacity: number,
  ) {
    this.names = [expected];
    this.indexes.set(expected, 0);
  }

  /** Index of a version; an absent version is the expected one. */
  indexOf(version: string | undefined): number {
    if (version === undefined) return 0;
    if (version === OTHER_CATEGORY) return this.capacity;
    const known = this.indexes.get(version);
    if (known !== undefined) return known;
    if (this.names.length >= this.capacity) return this.capacity;
    this.indexes.set(version, this.names.length);
    this.names.push(version);
    return this.names.length - 1;
  }

  nameOf(index: number): string {
    return index === this.capacity ? OTHER_CATEGORY : this.names[index];
  }
}
