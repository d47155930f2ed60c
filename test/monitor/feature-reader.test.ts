// The generated reader returns the event's own features[name] for every configured name, whatever
// characters the names hold (quotes, backslashes, line separators, "__proto__").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFeatureReader } from '../../src/monitor/feature-reader.js';

describe('compileFeatureReader', () => {
  it('reads features[name] for any names (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(fc.string(), fc.constantFrom('"', "'", '\\', '\u2028', '`${x}`', '</script>', 'constructor')), { maxLength: 30 }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (names, extra) => {
          const features: Record<string, unknown> = JSON.parse(JSON.stringify(extra)) as Record<string, unknown>;
          names.forEach((name, i) => {
            if (i % 2 === 0) features[name] = i;
          });
          const values = new Array<unknown>(names.length);
          compileFeatureReader(names)(features, values);
          names.forEach((name, i) => expect(values[i]).toBe(Object.hasOwn(features, name) ? features[name] : undefined));
        },
      ),
      { numRuns: 300 },
    );
  });
});
