// The per-model numbers the hot path writes and the collectors read: plain typed
// arrays indexed by the layout, so the state serialises as is for checkpoints.
import { QUALITY_COUNTERS, type ModelLayout } from './layout.js';
import { SlidingWindow } from './window.js';

export interface ModelState {
  /** Quality counters, slot-major: quality[slot * QUALITY_COUNTERS + Q_*]. */
  quality: Float64Array;
  /** Cumulative counts per bin since start (fine bins for numeric slots). */
  bins: Float64Array;
  /** Per slot: sum of the numeric values binned (the histogram's _sum). */
  sums: Float64Array;
  /** The drift window: each sub-window holds totalBins bin counts then totalOffsets within-bin offset sums. */
  window: SlidingWindow;
  /** Predicted classes, config order, last is __other__ (classification only). */
  classCounts: Float64Array;
  /** Accepted events per version index (see VersionIndex), last is __other__. */
  versionCounts: Float64Array;
  /** Latency histogram: non-cumulative bucket counts (last is +Inf), sum and count. */
  latencyBuckets: Float64Array;
  /** nonFinite: latencies that were NaN or ±Infinity (kept out of the histogram). */
  latency: { sum: number; count: number; nonFinite: number };
  /** Unknown fields seen in `features`. */
  unknownFields: { count: number };
}

export function createModelState(layout: ModelLayout, latencyBucketCount: number): ModelState {
  const slots = layout.slots.length;
  return {
    quality: new Float64Array(slots * QUALITY_COUNTERS),
    bins: new Float64Array(layout.totalBins),
    sums: new Float64Array(slots),
    window: new SlidingWindow(layout.model.drift.sub_windows, layout.totalBins + layout.totalOffsets),
    classCounts: new Float64Array(layout.classNames.length),
    versionCounts: new Float64Array(layout.model.max_versions + 1),
    latencyBuckets: new Float64Array(latencyBucketCount + 1),
    latency: { sum: 0, count: 0, nonFinite: 0 },
    unknownFields: { count: 0 },
  };
}
