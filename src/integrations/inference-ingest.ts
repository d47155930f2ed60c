// Model-server payloads into the fleet's monitors, without HTTP: KServe logger CloudEvents
// (a request and its response paired by ce-id) and Open Inference Protocol request/response
// pairs. Every payload that cannot be read is counted by reason; a request whose response
// never comes is recorded without a prediction and counted; nothing waits unbounded.
import type { Config } from '../config/types.js';
import type { Fleet, MonitoredModel } from '../monitor/fleet.js';
import type { InferenceCloudEvent } from './cloudevent.js';
import { IntegrationCounters, type UnpairedReason } from './counters.js';
import { recordRows, type EventContext, type RecordedRows } from './events.js';
import { payloadMapping, type PayloadMapping } from './mapping.js';
import { PendingPairs, type PendingHalf } from './pairing.js';
import { mediaKind, parseJsonDocument, requestRows, responseOutputs } from './payload.js';
import { isObject, type Mapped, type PayloadProblem, type RowError } from './problems.js';
import type { RequestRows, ResponseOutputs } from './v2.js';

/** A waiting half: what its payload said, or that it could not be read (so its pair is dropped quietly). */
type Half =
  | { kind: 'request'; read: RequestRows; event: InferenceCloudEvent }
  | { kind: 'response'; read: ResponseOutputs; event: InferenceCloudEvent }
  | { kind: 'unreadable' };

export interface IngestResult {
  status: number;
  body: { accepted: number; rejected: number; pending: number; errors: RowError[] } | { error: string; message: string };
}

const SWEEP_INTERVAL_MS = 1000;

export class InferenceIngest {
  readonly counters: IntegrationCounters;
  readonly pending: PendingPairs<Half>;
  private readonly byInferenceService: Map<string, MonitoredModel>;
  private readonly mappings: PayloadMapping[];
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly fleet: Fleet,
    private readonly config: Config,
    private readonly now: () => number = Date.now,
  ) {
    const count = fleet.models.length;
    this.counters = new IntegrationCounters(count);
    this.pending = new PendingPairs<Half>(config.kserve, count, (half, reason) => this.unpaired(half, reason));
    this.byInferenceService = new Map(fleet.models.map((m) => [m.monitor.model.kserve.inference_service, m]));
    this.mappings = fleet.models.map((m) => payloadMapping(m.monitor.model, config.ingest.max_batch_events));
  }

  /** The model whose InferenceService sent a CloudEvent. */
  modelForInferenceService(name: string): MonitoredModel | undefined {
    return this.byInferenceService.get(name);
  }

  /** Expire waiting halves every second; the timer never keeps the process alive. */
  start(): void {
    this.sweeper ??= setInterval(() => this.pending.expire(this.now()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Stop the sweeper and let go of every waiting half (its requests are recorded, counted as expired). */
  stop(): void {
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
    this.pending.drain();
  }

  /** A CloudEvent the endpoint received, for a model already known (null: none matched). */
  cloudEvent(model: MonitoredModel | null, event: InferenceCloudEvent, contentType: string | undefined, body: Buffer): IngestResult {
    if (model === null) {
      this.counters.cloudEvent(-1, event.side);
      return failure(404, 'unknown_model', `no model maps to InferenceService "${event.inferenceService.slice(0, 64)}"; set kserve.inference_service on the model`);
    }
    this.counters.cloudEvent(model.index, event.side);
    const kserve = model.monitor.model.kserve;
    if (event.side === 'response' && kserve.logger_mode === 'request') return answer(0, 0, 0, []);
    const read = this.readCloudEventBody(model, event, contentType, body);
    const key = `${model.index}\u0000${event.component}\u0000${event.id}`;
    if (!read.ok) {
      this.counters.rejectedPayload(model.index, read.problem.reason);
      // The other half is dropped quietly when it comes (this one is counted); a request waiting already gets no prediction.
      const other = this.pending.takeOther(key, event.side);
      if (other !== undefined) this.recordPair(model, other.value, { kind: 'unreadable' });
      else if (kserve.logger_mode === 'all') this.wait(model, key, event.side, body.length, { kind: 'unreadable' });
      return problemResult(read.problem);
    }
    const half: Half = read.value;
    if (half.kind === 'request' && kserve.logger_mode === 'request') return this.result(this.recordPair(model, half, null));
    const other = this.pending.takeOther(key, event.side);
    if (other === undefined) {
      this.wait(model, key, event.side, body.length, half);
      return answer(0, 0, half.kind === 'request' ? half.read.rows.length : 0, []);
    }
    const [request, response] = half.kind === 'request' ? [half, other.value] : [other.value, half];
    return this.result(this.recordPair(model, request, response));
  }

  /**
   * One Open Inference Protocol pair { request, response, id?, latency_ms?, variant? }; `index`
   * is its place in the body. Returns what was recorded, or why the pair was refused.
   */
  pair(model: MonitoredModel, value: unknown, maxErrors: number): Mapped<RecordedRows> {
    const mapping = this.mappings[model.index];
    if (!isObject(value)) return this.refusePair(model, { reason: 'invalid_payload', message: 'a pair must be an object { "request": ..., "response": ... }' });
    const request = requestRows(value.request, mapping);
    if (!request.ok) return this.refusePair(model, request.problem);
    const response = responseOutputs(value.response, mapping);
    if (!response.ok) return this.refusePair(model, response.problem);
    const rows = request.value;
    const outputs = response.value.outputs;
    if (outputs.length !== rows.rows.length) return this.refusePair(model, rowCountMismatch(rows.rows.length, outputs.length));
    const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : (rows.id ?? response.value.id);
    const context: EventContext = {
      id,
      latencyMs: value.latency_ms,
      modelVersion: response.value.modelVersion,
      variant: typeof value.variant === 'string' && value.variant !== '' ? value.variant : undefined,
      timestamp: undefined,
    };
    model.monitor.state.advance(this.fleet.clock());
    const recorded = recordRows(model.monitor, rows.rows, rows.rowErrors, outputs, context, mapping, maxErrors);
    this.countInvalid(model, recorded);
    return { ok: true, value: recorded };
  }

  private refusePair(model: MonitoredModel, problem: PayloadProblem): Mapped<RecordedRows> {
    this.counters.rejectedPayload(model.index, problem.reason);
    return { ok: false, problem };
  }

  private readCloudEventBody(model: MonitoredModel, event: InferenceCloudEvent, contentType: string | undefined, body: Buffer): Mapped<Half> {
    const kind = mediaKind(contentType);
    if (kind === 'binary') return refusal('binary_tensor', 'binary tensor bodies (application/octet-stream) are not read; send JSON tensor data');
    if (kind === 'unsupported') return refusal('unsupported_media_type', 'the body must be JSON (KServe v1 or Open Inference Protocol v2)');
    const parsed = parseJsonDocument(body);
    if (!parsed.ok) return parsed;
    const mapping = this.mappings[model.index];
    if (event.side === 'request') {
      const read = requestRows(parsed.value, mapping);
      return read.ok ? { ok: true, value: { kind: 'request', read: read.value, event } } : read;
    }
    const read = responseOutputs(parsed.value, mapping);
    return read.ok ? { ok: true, value: { kind: 'response', read: read.value, event } } : read;
  }

  private wait(model: MonitoredModel, key: string, side: 'request' | 'response', bytes: number, value: Half): void {
    const half: PendingHalf<Half> = { model: model.index, side, bytes, arrivedMs: this.now(), value };
    this.pending.put(key, half, half.arrivedMs);
  }

  /** A half let go without its other half: a request is still recorded, without a prediction. */
  private unpaired(half: PendingHalf<Half>, reason: UnpairedReason): void {
    if (half.value.kind === 'unreadable') return; // counted when it came
    this.counters.unpairedHalf(half.model, half.side, reason);
    if (half.value.kind === 'request') this.recordPair(this.fleet.models[half.model], half.value, null);
  }

  /** Record a request's rows with the response's outputs (none when the response is missing or unreadable). */
  private recordPair(model: MonitoredModel, request: Half, response: Half | null): RecordedRows {
    if (request.kind !== 'request') return { accepted: 0, rejected: 0, errors: [] };
    const mapping = this.mappings[model.index];
    const rows = request.read;
    let outputs: unknown[] | null = response !== null && response.kind === 'response' ? response.read.outputs : null;
    let mismatch: PayloadProblem | null = null;
    if (outputs !== null && outputs.length !== rows.rows.length) {
      mismatch = rowCountMismatch(rows.rows.length, outputs.length);
      this.counters.rejectedPayload(model.index, mismatch.reason);
      outputs = null;
    }
    const timing = response?.kind === 'response' ? latencyMs(request.event, response.event) : undefined;
    const context: EventContext = {
      id: request.event.id,
      latencyMs: timing,
      modelVersion: response?.kind === 'response' ? response.read.modelVersion : undefined,
      variant: request.event.endpoint === '' ? undefined : request.event.endpoint,
      timestamp: request.event.time,
    };
    model.monitor.state.advance(this.fleet.clock());
    const recorded = recordRows(model.monitor, rows.rows, rows.rowErrors, outputs, context, mapping, this.config.ingest.max_reported_errors);
    this.countInvalid(model, recorded);
    // Said in the answer; the rows themselves were recorded.
    if (mismatch !== null) recorded.errors.unshift({ index: -1, message: mismatch.message });
    return recorded;
  }

  private countInvalid(model: MonitoredModel, recorded: RecordedRows): void {
    if (recorded.rejected > 0) this.fleet.rejections.add(model.index, 'invalid_event', recorded.rejected);
  }

  private result(recorded: RecordedRows): IngestResult {
    return answer(recorded.accepted, recorded.rejected, 0, recorded.errors);
  }
}

/** From the two ce-time values (KServe sets each as its logger sends the event); absent when either is missing or out of order. */
function latencyMs(request: InferenceCloudEvent, response: InferenceCloudEvent): number | undefined {
  if (request.timeMs === undefined || response.timeMs === undefined) return undefined;
  const elapsed = response.timeMs - request.timeMs;
  return elapsed >= 0 ? elapsed : undefined;
}

function rowCountMismatch(rows: number, outputs: number): PayloadProblem {
  return { reason: 'row_count_mismatch', message: `the request has ${rows} rows but the response ${outputs} outputs; rows are recorded without a prediction` };
}

function refusal<T>(reason: PayloadProblem['reason'], message: string): Mapped<T> {
  return { ok: false, problem: { reason, message } };
}

function answer(accepted: number, rejected: number, pending: number, errors: RowError[]): IngestResult {
  return { status: accepted === 0 && rejected > 0 ? 400 : 200, body: { accepted, rejected, pending, errors } };
}

const STATUS: Record<PayloadProblem['reason'], number> = {
  binary_tensor: 415,
  unsupported_media_type: 415,
  invalid_json: 400,
  invalid_cloudevent: 400,
  invalid_payload: 400,
  shape_mismatch: 400,
  no_column_order: 400,
  too_many_rows: 413,
  row_count_mismatch: 400,
};

export function problemResult(problem: PayloadProblem): IngestResult {
  return failure(STATUS[problem.reason], problem.reason, problem.message);
}

function failure(status: number, error: string, message: string): IngestResult {
  return { status, body: { error, message } };
}

