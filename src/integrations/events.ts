// Rows of features + per-row outputs + what the payload says about them → mlwatch events,
// recorded one at a time through the model's monitor (the same path as posted events).
import type { ModelMonitor } from '../monitor/model-monitor.js';
import type { PayloadMapping } from './mapping.js';
import { predictionOf } from './prediction.js';
import type { JsonObject, RowError } from './problems.js';

export interface EventContext {
  /** The pair's id (ce-id, else the body's id): event i gets "<id>:<i>" for the label join. */
  id: string | undefined;
  /** latency_ms as given (the monitor checks it). */
  latencyMs: unknown;
  modelVersion: string | undefined;
  /** ce-endpoint (default, canary). Ignored by the monitor until variants exist (issue 8). */
  variant: string | undefined;
  /** When the request reached the model server (ce-time), as sent. */
  timestamp: string | undefined;
}

export interface RecordedRows {
  accepted: number;
  /** Rows that could not be read plus events whose envelope the monitor refused. */
  rejected: number;
  errors: RowError[];
}

/**
 * Record row i with output i (or no prediction when `outputs` is null). Row errors already
 * found count as rejected, at their index; the first `maxErrors` errors are kept.
 */
export function recordRows(
  monitor: ModelMonitor,
  rows: readonly (JsonObject | null)[],
  rowErrors: readonly RowError[],
  outputs: readonly unknown[] | null,
  context: EventContext,
  mapping: PayloadMapping,
  maxErrors: number,
): RecordedRows {
  const result: RecordedRows = { accepted: 0, rejected: rowErrors.length, errors: rowErrors.slice(0, maxErrors) };
  for (let i = 0; i < rows.length; i++) {
    const features = rows[i];
    if (features === null) continue;
    const event: JsonObject = { features };
    if (context.id !== undefined) event.id = `${context.id}:${i}`;
    if (outputs !== null) event.prediction = predictionOf(outputs[i], mapping);
    if (context.latencyMs !== undefined) event.latency_ms = context.latencyMs;
    if (context.modelVersion !== undefined) event.model_version = context.modelVersion;
    if (context.variant !== undefined) event.variant = context.variant;
    if (context.timestamp !== undefined) event.timestamp = context.timestamp;
    const problem = monitor.record(event);
    if (problem === null) {
      result.accepted++;
    } else {
      result.rejected++;
      if (result.errors.length < maxErrors) result.errors.push({ index: i, message: problem });
    }
  }
  result.errors.sort((a, b) => a.index - b.index);
  return result;
}
