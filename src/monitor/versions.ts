// Model versions as a bounded label set: the configured version first, then the first
// distinct versions seen up to the cap; every later one shares __other__, so a client
// that puts a build hash in model_version cannot blow up cardinality. A version that cannot
// be a label value (empty, longer than the byte cap, control characters, lone surrogates)
// also folds into __other__ and is counted, so label bytes stay bounded whatever is sent.
import { DEFAULT_METRICS } from '../config/defaults.js';
import { OTHER_CATEGORY } from '../reference/types.js';

// C0 controls, DEL and C1 controls (NUL, CR, LF, ESC...), and a surrogate without its pair
// (which UTF-8 cannot encode: "\ud800" and "\udfff" would both render as U+FFFD).
const NOT_LABEL_SAFE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `value` may be exported as a label value: non-empty, at most maxBytes of UTF-8, printable, well-formed. */
export function isLabelSafe(value: string, maxBytes: number): boolean {
  // UTF-8 takes at least one byte per UTF-16 unit: a longer string is surely over the cap.
  if (value.length === 0 || value.length > maxBytes) return false;
  return !NOT_LABEL_SAFE.test(value) && Buffer.byteLength(value, 'utf8') <= maxBytes;
}

export class VersionIndex {
  /** Version names by index; the last index (capacity) is __other__. */
  readonly names: string[];
  /** Versions refused as label values (they count under __other__). */
  invalid = 0;
  private readonly indexes = new Map<string, number>();

  constructor(
    readonly expected: string,
    /** Distinct versions with their own label, the expected one included. */
    readonly capacity: number,
    readonly maxLabelBytes = DEFAULT_METRICS.max_label_value_bytes,
  ) {
    this.names = [expected];
    this.indexes.set(expected, 0);
  }

  /** Index of a version; an absent version is the expected one. */
  indexOf(version: string | undefined): number {
    if (version === undefined) return 0;
    // Before the map lookup, which would hash a 2 MiB string on every event.
    if (version.length > this.maxLabelBytes) return this.refuse();
    const known = this.indexes.get(version);
    if (known !== undefined) return known;
    if (version === OTHER_CATEGORY) return this.capacity;
    // Checked once per distinct accepted version; a refused one is checked each time (bounded by the cap).
    if (!isLabelSafe(version, this.maxLabelBytes)) return this.refuse();
    if (this.names.length >= this.capacity) return this.capacity;
    this.indexes.set(version, this.names.length);
    this.names.push(version);
    return this.names.length - 1;
  }

  /** Take back a checkpoint's versions (in index order, the expected one first) and refusals. */
  restore(names: readonly string[], invalid: number): boolean {
    if (names[0] !== this.expected || names.length > this.capacity || new Set(names).size !== names.length) return false;
    this.names.length = 0;
    this.indexes.clear();
    for (const name of names) {
      this.indexes.set(name, this.names.length);
      this.names.push(name);
    }
    this.invalid = invalid;
    return true;
  }

  nameOf(index: number): string {
    return index === this.capacity ? OTHER_CATEGORY : this.names[index];
  }

  private refuse(): number {
    this.invalid++;
    return this.capacity;
  }
}
