// The demo's periodic table: per feature the PSI and whether it counts as drifted, and the
// data-quality rates since the previous table (counters are cumulative, so rates are
// differences between two scrapes), plus the model's share of drifted features, and the slices:
// each variant's divergence from the default one and the segment value drifting most, and the
// performance: estimated (no labels needed) against realised (from the delayed labels).
import { formatPerformance, readPerformance, type PerformanceReading } from './performance-report.js';
import { selectSamples, sumSamples, type Sample } from './scrape.js';

export interface FeatureReading {
  psi: number | null;
  drifted: boolean | null;
  /** Cumulative counters: exactly one of these counts each event's value. */
  values: number;
  missing: number;
  typeErrors: number;
  nonFinite: number;
  /** Counted alongside `values` (an out-of-range value is still a value). */
  outOfRange: number;
}

/**
 * The segment value × feature with the highest PSI among those mlwatch judged drifted while the
 * feature has not drifted over all traffic (what MLWatchSegmentFeatureDrift pages on).
 */
export interface SegmentReading {
  segment: string;
  value: string;
  feature: string;
  psi: number;
}

export interface ModelReading {
  features: Map<string, FeatureReading>;
  driftedRatio: number | null;
  predictionPsi: number | null;
  accepted: number;
  unknownFields: number;
  /** Per non-default variant: PSI of its predictions against the default variant's. */
  variantDivergence: Map<string, number>;
  worstSegment: SegmentReading | null;
  performance: PerformanceReading;
}

export function readModel(samples: readonly Sample[], model: string, featureNames: readonly string[]): ModelReading {
  const features = new Map<string, FeatureReading>();
  for (const feature of featureNames) {
    const match = { model, feature };
    const drifted = sumSamples(samples, 'mlwatch_feature_drifted', match);
    features.set(feature, {
      psi: sumSamples(samples, 'mlwatch_feature_drift', { ...match, method: 'psi' }),
      drifted: drifted === null ? null : drifted >= 1,
      values: sumSamples(samples, 'mlwatch_feature_values_total', match) ?? 0,
      missing: sumSamples(samples, 'mlwatch_feature_missing_total', match) ?? 0,
      typeErrors: sumSamples(samples, 'mlwatch_feature_type_errors_total', match) ?? 0,
      nonFinite: sumSamples(samples, 'mlwatch_feature_nonfinite_total', match) ?? 0,
      outOfRange: sumSamples(samples, 'mlwatch_feature_out_of_range_total', match) ?? 0,
    });
  }
  return {
    features,
    driftedRatio: sumSamples(samples, 'mlwatch_drifted_features_ratio', { model }),
    predictionPsi: sumSamples(samples, 'mlwatch_prediction_drift', { model, method: 'psi' }),
    accepted: selectSamples(samples, 'mlwatch_predictions_total', { model }).reduce((sum, s) => sum + s.value, 0),
    unknownFields: sumSamples(samples, 'mlwatch_unknown_fields_total', { model }) ?? 0,
    variantDivergence: new Map(
      selectSamples(samples, 'mlwatch_variant_prediction_divergence', { model, method: 'psi' }).map((s) => [s.labels.variant, s.value]),
    ),
    worstSegment: worstSegment(samples, model),
    performance: readPerformance(samples, model),
  };
}

function worstSegment(samples: readonly Sample[], model: string): SegmentReading | null {
  let worst: SegmentReading | null = null;
  for (const flag of selectSamples(samples, 'mlwatch_segment_feature_drifted', { model })) {
    if (flag.value < 1) continue;
    const { segment, segment_value: value, feature } = flag.labels;
    if ((sumSamples(samples, 'mlwatch_feature_drifted', { model, feature }) ?? 0) >= 1) continue;
    const psi = sumSamples(samples, 'mlwatch_segment_feature_drift', { model, segment, segment_value: value, feature, method: 'psi' });
    if (psi !== null && (worst === null || psi > worst.psi)) worst = { segment, value, feature, psi };
  }
  return worst;
}

function slicesLine(reading: ModelReading): string | null {
  const parts = [...reading.variantDivergence].map(([variant, psi]) => `${variant} vs default variant PSI ${psi.toFixed(3)}`);
  const w = reading.worstSegment;
  if (w !== null) parts.push(`drifted in segment ${w.segment}=${w.value} only: ${w.feature} PSI ${w.psi.toFixed(3)}`);
  else if (parts.length > 0) parts.push('no segment drifted on its own');
  return parts.length === 0 ? null : `slices: ${parts.join(' · ')}`;
}

const ZERO: FeatureReading = { psi: null, drifted: null, values: 0, missing: 0, typeErrors: 0, nonFinite: 0, outOfRange: 0 };

/** The table: quality columns count what happened since `previous` (since the start without one). */
export function formatTable(current: ModelReading, previous: ModelReading | null): string {
  const names = [...current.features.keys()];
  const nameWidth = Math.max(7, ...names.map((n) => n.length));
  const header = `${'feature'.padEnd(nameWidth)}  ${'PSI'.padStart(7)}  ${'drifted'.padStart(7)}  ${'null rate'.padStart(9)}  ${'type err'.padStart(8)}  ${'out of range'.padStart(12)}`;
  const lines = [header];
  for (const name of names) {
    const now = current.features.get(name) ?? ZERO;
    const before = previous?.features.get(name) ?? ZERO;
    const events =
      now.values + now.missing + now.typeErrors + now.nonFinite - (before.values + before.missing + before.typeErrors + before.nonFinite);
    const nullRate = events > 0 ? (now.missing - before.missing) / events : null;
    lines.push(
      `${name.padEnd(nameWidth)}  ${fixed(now.psi, 3).padStart(7)}  ${yesNo(now.drifted).padStart(7)}  ` +
        `${percent(nullRate).padStart(9)}  ${String(now.typeErrors - before.typeErrors).padStart(8)}  ` +
        `${String(now.outOfRange - before.outOfRange).padStart(12)}`,
    );
  }
  const unknown = current.unknownFields - (previous?.unknownFields ?? 0);
  lines.push(
    `drifted features ${percent(current.driftedRatio)} · prediction PSI ${fixed(current.predictionPsi, 3)} · ` +
      `unknown fields ${unknown} · events accepted ${current.accepted}`,
  );
  const slices = slicesLine(current);
  if (slices !== null) lines.push(slices);
  lines.push(formatPerformance(current.performance, previous?.performance ?? null));
  return `${lines.join('\n')}\n`;
}

/** "-" for an absent series (drift stays absent until the window holds min_samples values). */
function fixed(value: number | null, decimals: number): string {
  return value === null ? '-' : value.toFixed(decimals);
}

function percent(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(1)}%`;
}

function yesNo(value: boolean | null): string {
  return value === null ? '-' : value ? 'YES' : 'no';
}
