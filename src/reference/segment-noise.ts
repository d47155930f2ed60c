// Noise levels for each segment value's sketches: a segment cell's window is judged against
// its own reference, so its noise is what windows drawn from that reference score (fewer
// reference rows, other shapes). A segment sketch lives on the whole sketch's bins; here it is
// dressed as a whole sketch so noise.ts simulates it the same way. A sketch with no values has
// nothing to draw from and keeps no levels (its scores are then judged by the threshold).
import type { FeatureSketch, SegmentReference, SegmentSketch } from './types.js';

/** One segment sketch whose levels are to be estimated, and where they go. */
export interface SegmentNoiseJob {
  sketch: FeatureSketch;
  /** A stable name for its seed: the segment, the value and the column. */
  name: string;
  target: SegmentSketch;
}

/** The jobs for every non-fallback segment value; `whole` is the features' sketches then the prediction's. */
export function segmentNoiseJobs(segments: SegmentReference[], featureNames: readonly string[], whole: readonly FeatureSketch[]): SegmentNoiseJob[] {
  const jobs: SegmentNoiseJob[] = [];
  for (const segment of segments) {
    for (const value of segment.values) {
      if (value.fallback || value.features === undefined || value.prediction === undefined) continue;
      const columns: [string, SegmentSketch][] = [...featureNames.map((name): [string, SegmentSketch] => [name, (value.features as Record<string, SegmentSketch>)[name]]), ['prediction', value.prediction]];
      columns.forEach(([name, target], c) => {
        if (target.count === 0) return;
        jobs.push({ sketch: asWholeSketch(whole[c], target), name: `noise segment ${segment.feature}=${value.value} ${name}`, target });
      });
    }
  }
  return jobs;
}

function asWholeSketch(whole: FeatureSketch, segment: SegmentSketch): FeatureSketch {
  if (whole.kind === 'numeric' && segment.kind === 'numeric') {
    return {
      kind: 'numeric',
      summary: { ...whole.summary, count: segment.count, missing: segment.missing, std: segment.std },
      digest: [],
      edges: whole.edges,
      counts: segment.counts,
      fine_edges: whole.fine_edges,
      fine_counts: segment.fine_counts,
      // A format 1 whole sketch has no offsets: W1 then reads none on either side.
      ...(whole.fine_offsets === undefined ? {} : { fine_offsets: segment.fine_offsets }),
    };
  }
  if (whole.kind === 'categorical' && segment.kind === 'categorical') {
    const categories = whole.categories.map((c, i) => ({ value: c.value, count: segment.counts[i] }));
    return { kind: 'categorical', count: segment.count, missing: segment.missing, invalid: 0, categories, other_count: segment.counts[categories.length] };
  }
  throw new Error(`segment sketch of kind ${segment.kind} on a ${whole.kind} sketch`);
}
