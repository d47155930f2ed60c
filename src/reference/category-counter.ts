// One categorical (or boolean, or predicted-class) column, in two passes. Pass 1 keeps a
// bounded set of candidates for the most frequent categories (Misra-Gries: any category
// with more than 1/(capacity+1) of the values is certain to survive). Pass 2 counts the
// candidates exactly; the top ones are kept and the rest fold into __other__.
import { OTHER_CATEGORY, type CategoricalSketch } from './types.js';
import { INVALID, MISSING, type CategoryDecoder } from './values.js';

/**
 * Bounded frequent-items summary (Misra-Gries with batched decrements): every item with more
 * than 1/(capacity+1) of the total weight is kept, and a kept item's estimate falls short of its
 * true weight by at most total/(capacity+1).
 */
export class FrequentItems<T = string> {
  private readonly counts = new Map<T, number>();

  constructor(private readonly capacity: number) {}

  /** Adds `weight` occurrences of `item` (the same as `weight` single adds, for the bounds). */
  add(item: T, weight = 1): void {
    this.counts.set(item, (this.counts.get(item) ?? 0) + weight);
    if (this.counts.size >= 2 * this.capacity) this.prune();
  }

  /**
   * Subtracts the (capacity+1)-th largest count from every count and drops what reaches
   * zero: at most `capacity` items stay, and the cost is amortised over `capacity` adds.
   */
  private prune(): void {
    const sorted = [...this.counts.values()].sort((a, b) => b - a);
    const threshold = sorted[this.capacity];
    for (const [item, count] of this.counts) {
      if (count <= threshold) this.counts.delete(item);
      else this.counts.set(item, count - threshold);
    }
  }

  items(): T[] {
    return [...this.counts.keys()];
  }

  /** Kept items with their (under-)estimated weights. */
  estimates(): ReadonlyMap<T, number> {
    return this.counts;
  }
}

export interface CategoryCounterOptions {
  topCategories: number;
  /** A closed set of values (booleans, class names): all are kept, even at count zero. */
  domain?: readonly string[];
}

export class CategoryCounter {
  count = 0;
  missing = 0;
  invalid = 0;
  /** Values counted in pass 2; equals `count` unless the file changed between the passes. */
  tallied = 0;
  private readonly candidates: FrequentItems | null;
  private exact = new Map<string, number>();

  constructor(
    readonly name: string,
    /** How a raw cell of this column becomes a category (also read by the segments' pass). */
    readonly decodeValue: CategoryDecoder,
    private readonly options: CategoryCounterOptions,
  ) {
    this.candidates = options.domain ? null : new FrequentItems(Math.max(1000, 20 * options.topCategories));
  }

  /** Pass 1. */
  observe(raw: unknown): void {
    const value = this.decodeValue(raw);
    if (value === MISSING) this.missing++;
    else if (value === INVALID) this.invalid++;
    else {
      this.count++;
      // A category literally named __other__ cannot be a bin of its own: it folds into other.
      if (this.candidates !== null && value !== OTHER_CATEGORY) this.candidates.add(value);
    }
  }

  /** Between the passes: the candidates to count exactly. */
  freeze(): void {
    const candidates = this.options.domain ?? this.candidates?.items() ?? [];
    this.exact = new Map(candidates.map((value) => [value, 0]));
  }

  /** Pass 2. */
  tally(raw: unknown): void {
    const value = this.decodeValue(raw);
    if (typeof value !== 'string') return;
    this.tallied++;
    const count = this.exact.get(value);
    if (count !== undefined) this.exact.set(value, count + 1);
  }

  sketch(): CategoricalSketch {
    const ranked = [...this.exact]
      .filter(([, count]) => count > 0 || this.options.domain !== undefined)
      .sort(([valueA, countA], [valueB, countB]) => countB - countA || (valueA < valueB ? -1 : valueA > valueB ? 1 : 0));
    const kept = this.options.domain ? ranked : ranked.slice(0, this.options.topCategories);
    const categories = kept.map(([value, count]) => ({ value, count }));
    const inTop = categories.reduce((sum, c) => sum + c.count, 0);
    return {
      kind: 'categorical',
      count: this.count,
      missing: this.missing,
      invalid: this.invalid,
      categories,
      other_count: this.count - inTop,
    };
  }
}
