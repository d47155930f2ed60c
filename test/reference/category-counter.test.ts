import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CategoryCounter, FrequentItems } from '../../src/reference/category-counter.js';
import { categoryDecoder } from '../../src/reference/values.js';
import { OTHER_CATEGORY } from '../../src/reference/types.js';

describe('FrequentItems (Misra-Gries)', () => {
  it('property: keeps at most 2×capacity items, and every item above n/(capacity+1) survives', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 600 }), (capacity, stream) => {
        const items = new FrequentItems(capacity);
        const counts = new Map<string, number>();
        for (const n of stream) {
          const item = `c${n}`;
          items.add(item);
          counts.set(item, (counts.get(item) ?? 0) + 1);
        }
        const kept = new Set(items.items());
        expect(kept.size).toBeLessThan(2 * capacity);
        for (const [item, count] of counts) {
          if (count > stream.length / (capacity + 1)) expect(kept.has(item)).toBe(true);
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('CategoryCounter', () => {
  function counted(values: (string | null)[], topCategories: number): ReturnType<CategoryCounter['sketch']> {
    const counter = new CategoryCounter('feature "c"', categoryDecoder('jsonl'), { topCategories });
    for (const v of values) counter.observe(v);
    counter.freeze();
    for (const v of values) counter.tally(v);
    return counter.sketch();
  }

  it('keeps the top categories by count, ties by name, and folds the rest into other_count', () => {
    const sketch = counted(['b', 'a', 'c', 'b', 'a', 'd', null, 'c', 'b'], 2);
    expect(sketch).toEqual({
      kind: 'categorical',
      count: 8,
      missing: 1,
      invalid: 0,
      categories: [
        { value: 'b', count: 3 },
        { value: 'a', count: 2 },
      ],
      other_count: 3,
    });
  });

  it(`a category literally named ${OTHER_CATEGORY} folds into other_count`, () => {
    const sketch = counted([OTHER_CATEGORY, OTHER_CATEGORY, 'x'], 5);
    expect(sketch.categories).toEqual([{ value: 'x', count: 1 }]);
    expect(sketch.other_count).toBe(2);
  });
});
