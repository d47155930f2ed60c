// Why a model-server payload could not become events: a fixed list (it is a label value of
// mlwatch_inference_payloads_rejected_total). Messages name the problem and the place, never a value.

export const PAYLOAD_REASONS = [
  'binary_tensor',
  'unsupported_media_type',
  'invalid_json',
  'invalid_cloudevent',
  'invalid_payload',
  'shape_mismatch',
  'no_column_order',
  'too_many_rows',
  'row_count_mismatch',
] as const;

export type PayloadReason = (typeof PAYLOAD_REASONS)[number];

export interface PayloadProblem {
  reason: PayloadReason;
  message: string;
}

export type Mapped<T> = { ok: true; value: T } | { ok: false; problem: PayloadProblem };

export function mapped<T>(value: T): Mapped<T> {
  return { ok: true, value };
}

export function refused<T>(reason: PayloadReason, message: string): Mapped<T> {
  return { ok: false, problem: { reason, message } };
}

/** One input row that could not become an event; its neighbours still do. */
export interface RowError {
  index: number;
  message: string;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
