// The demo's performance line: the model's accuracy at training, the label-free estimate over
// the drift window (CBPE, with its band), the realised accuracy of the labels joined in the
// window, and the label counts. The estimate moves as soon as the inputs do; the realised
// accuracy only when the delayed labels of the drifted predictions arrive.
import { sumSamples, type Sample } from './scrape.js';

export interface PerformanceReading {
  reference: number | null;
  estimated: number | null;
  estimatedLower: number | null;
  estimatedUpper: number | null;
  realised: number | null;
  labelsReceived: number;
  labelsJoined: number;
  /** Predictions in the join store still waiting for their label. */
  waitingPredictions: number | null;
}

/** The metric the line shows: the one every binary classifier has, on both sides. */
export const SHOWN_METRIC = 'accuracy';

export function readPerformance(samples: readonly Sample[], model: string): PerformanceReading {
  const metric = { model, metric: SHOWN_METRIC };
  return {
    reference: sumSamples(samples, 'mlwatch_reference_performance', metric),
    estimated: sumSamples(samples, 'mlwatch_estimated_performance', metric),
    estimatedLower: sumSamples(samples, 'mlwatch_estimated_performance_lower', metric),
    estimatedUpper: sumSamples(samples, 'mlwatch_estimated_performance_upper', metric),
    realised: sumSamples(samples, 'mlwatch_performance', metric),
    labelsReceived: sumSamples(samples, 'mlwatch_labels_received_total', { model }) ?? 0,
    labelsJoined: sumSamples(samples, 'mlwatch_labels_joined_total', { model }) ?? 0,
    waitingPredictions: sumSamples(samples, 'mlwatch_label_store_pending', { model, kind: 'prediction' }),
  };
}

/** e.g. "accuracy: reference 0.776 · estimated 0.771 [0.760–0.782] · realised 0.768 · labels joined 5400 (+1000) · waiting 4000". */
export function formatPerformance(current: PerformanceReading, previous: PerformanceReading | null): string {
  const band = current.estimatedLower !== null && current.estimatedUpper !== null ? ` [${fixed(current.estimatedLower)}–${fixed(current.estimatedUpper)}]` : '';
  const joinedNow = current.labelsJoined - (previous?.labelsJoined ?? 0);
  const waiting = current.waitingPredictions === null ? '' : ` · predictions waiting for a label ${current.waitingPredictions}`;
  return (
    `${SHOWN_METRIC}: reference ${fixed(current.reference)} · estimated ${fixed(current.estimated)}${band} · ` +
    `realised ${fixed(current.realised)} · labels joined ${current.labelsJoined} (+${joinedNow})${waiting}`
  );
}

/** "-" for an absent gauge: no estimate below min_samples, no realised value before a label. */
function fixed(value: number | null): string {
  return value === null ? '-' : value.toFixed(3);
}
