// Counts of rejected events (and refused requests) by model and reason, in a flat array: the
// ingest layer adds, the traffic collector reads. Model index models.length is __other__:
// unknown models, and requests refused before a model is known (unauthenticated, malformed
// HTTP, unknown endpoint, timeouts, the connection cap).

export const REJECT_REASONS = [
  'invalid_json',
  'invalid_encoding',
  'empty_body',
  'unsupported_media_type',
  'body_too_large',
  'batch_too_large',
  'unknown_model',
  'invalid_event',
  'unauthorized',
  // Beyond max_json_depth, max_object_keys or max_event_values.
  'too_complex',
  // Over ingest.max_buffered_bytes: answered 503 with Retry-After.
  'overloaded',
  // An internal failure while recording: answered 500.
  'internal_error',
  'not_found',
  'method_not_allowed',
  // HTTP that Node's parser refused (bad request line, header or chunk framing).
  'bad_request',
  'headers_too_large',
  'request_timeout',
  // Connections closed at once beyond ingest.max_connections.
  'too_many_connections',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

const reasonIndex = new Map<RejectReason, number>(REJECT_REASONS.map((r, i) => [r, i]));

export class RejectionCounts {
  readonly counts: Float64Array;

  constructor(readonly modelCount: number) {
    this.counts = new Float64Array((modelCount + 1) * REJECT_REASONS.length);
  }

  /** `modelIndex` -1 (or modelCount) means an unknown model. */
  add(modelIndex: number, reason: RejectReason, n = 1): void {
    const m = modelIndex < 0 ? this.modelCount : modelIndex;
    this.counts[m * REJECT_REASONS.length + (reasonIndex.get(reason) as number)] += n;
  }

  get(modelIndex: number, reasonPosition: number): number {
    return this.counts[modelIndex * REJECT_REASONS.length + reasonPosition];
  }
}
