// Does a reference's segments fit the model's configured segments? A reference with other
// segments (another feature, other edges, other values) would compare a cell with rows it
// does not hold, so that is refused; a reference without segments at all (built before they
// were configured) is served with every segment value against the whole reference, and
// `config check` and start-up say so.
import type { ModelConfig } from '../config/types.js';
import { segmentValueNames } from './segment-values.js';
import type { Reference, SegmentReference } from './types.js';

/** The reference's own reference for `feature`'s segment, when it has one. */
export function segmentReferenceOf(reference: Reference, feature: string): SegmentReference | undefined {
  return reference.segments?.find((s) => s.feature === feature);
}

export function segmentMismatches(reference: Reference, model: ModelConfig, rebuild: string): string[] {
  if (reference.segments === undefined) return [];
  const problems: string[] = [];
  for (const segment of model.segments) {
    const built = segmentReferenceOf(reference, segment.feature);
    const sketch = reference.features[segment.feature];
    if (built === undefined) {
      problems.push(`segment "${segment.feature}" is configured but the reference has no segment references for it; ${rebuild}`);
      continue;
    }
    const edges = segment.edges ?? null;
    if (JSON.stringify(built.edges) !== JSON.stringify(edges)) {
      problems.push(`segment "${segment.feature}" has edges ${JSON.stringify(edges)} in the config but ${JSON.stringify(built.edges)} in the reference; ${rebuild}`);
      continue;
    }
    const expected = sketch === undefined ? [] : segmentValueNames(segment, sketch);
    const names = built.values.map((v) => v.value);
    if (JSON.stringify(names) !== JSON.stringify(expected)) {
      problems.push(`segment "${segment.feature}" has the values ${JSON.stringify(names)} in the reference, not ${JSON.stringify(expected)}; ${rebuild}`);
    }
  }
  return problems;
}
