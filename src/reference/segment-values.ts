// The values of a segment feature, one rule for the reference builder and the runtime's
// cells: a categorical or boolean feature's reference categories, then __other__; a numeric
// feature's intervals of its configured edges; then __missing__ (null, absent or invalid).
import type { SegmentConfig } from '../config/types.js';
import { OTHER_CATEGORY, type FeatureSketch } from './types.js';

export const MISSING_SEGMENT = '__missing__';

export function segmentValueNames(segment: SegmentConfig, sketch: FeatureSketch): string[] {
  const values = segment.edges
    ? intervalNames(segment.edges)
    : sketch.kind === 'categorical'
      ? [...sketch.categories.map((c) => c.value), OTHER_CATEGORY]
      : [];
  return [...values, MISSING_SEGMENT];
}

/** "(-Inf, 30]", "(30, 50]", "(50, +Inf)" for edges [30, 50]: upper-inclusive, like every bin. */
export function intervalNames(edges: readonly number[]): string[] {
  const names: string[] = [];
  for (let i = 0; i <= edges.length; i++) {
    const lower = i === 0 ? '-Inf' : String(edges[i - 1]);
    const upper = i === edges.length ? '+Inf)' : `${edges[i]}]`;
    names.push(`(${lower}, ${upper}`);
  }
  return names;
}
