// Posts generated events to the ingest endpoint at a steady rate, as NDJSON batches over
// keep-alive connections (Node's global fetch pools and reuses them). The schedule runs on
// the sender's own monotonic clock, so the drift switches at the same elapsed time
// whatever the network does.
import type { LabelSink } from './label-sender.js';
import { toNdjson, type TrafficGenerator } from './traffic.js';

export interface SenderStats {
  /** Events generated and handed to a request. */
  sent: number;
  /** Events in requests that failed (no answer, or an HTTP error without counts). */
  lost: number;
  requests: number;
  failedRequests: number;
  accepted: number;
  rejected: number;
  /** Events never generated because the sender fell more than a second behind. */
  skipped: number;
  lastError: string | null;
}

export interface SenderOptions {
  generator: TrafficGenerator;
  /** The model's predictions endpoint, e.g. http://127.0.0.1:9801/v1/models/credit/predictions. */
  url: string;
  /** Events per second. */
  rate: number;
  /** Largest batch per request (the sidecar's max_batch_events). */
  maxBatch: number;
  /** Bearer token when the sidecar requires one. */
  authToken?: string;
  /** Receives each event's outcome as it is sent, for the delayed labels. */
  labels?: LabelSink;
  /** Milliseconds on a monotonic clock; default performance.now. */
  now?: () => number;
}

/** Between batches: small enough for an even flow, large enough that batches carry several events. */
const TICK_MS = 50;
/** After a failed request, wait before trying again rather than spin against a closed port. */
const RETRY_AFTER_MS = 1000;
/** A hung sidecar must not hang the demo (nor its shutdown, which waits for the request in flight). */
const REQUEST_TIMEOUT_MS = 10_000;

export class TrafficSender {
  readonly stats: SenderStats = { sent: 0, lost: 0, requests: 0, failedRequests: 0, accepted: 0, rejected: 0, skipped: 0, lastError: null };
  private readonly now: () => number;
  private readonly startedAt: number;

  constructor(private readonly options: SenderOptions) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
  }

  /** Seconds since the sender was made: the clock of the drift schedule. */
  elapsedSeconds(): number {
    return (this.now() - this.startedAt) / 1000;
  }

  /** Sends until `signal` aborts; the request in flight then finishes before it resolves. */
  async run(signal: AbortSignal): Promise<void> {
    const { rate, maxBatch } = this.options;
    while (!signal.aborted) {
      const elapsed = this.elapsedSeconds();
      let due = Math.floor(rate * elapsed) - this.stats.sent - this.stats.skipped;
      // Behind by more than a second (a stall, a slow sidecar): drop the backlog, don't flood.
      if (due > rate) {
        this.stats.skipped += due - Math.ceil(rate);
        due = Math.ceil(rate);
      }
      if (due <= 0) {
        await sleep(TICK_MS, signal);
        continue;
      }
      const count = Math.min(due, maxBatch);
      const at = new Date();
      const labelled = Array.from({ length: count }, () => this.options.generator.nextLabelled(elapsed, at));
      const events = labelled.map((l) => l.event);
      const sink = this.options.labels;
      if (sink !== undefined) for (const { event, outcome } of labelled) sink.add(event.id, outcome, elapsed);
      this.stats.sent += count;
      const keepGoing = await this.post(toNdjson(events), count);
      if (!keepGoing) await sleep(RETRY_AFTER_MS, signal);
    }
  }

  /** Posts one batch and counts the answer; false when the next batch should wait a while. */
  private async post(body: string, count: number): Promise<boolean> {
    this.stats.requests++;
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (this.options.authToken) headers.authorization = `Bearer ${this.options.authToken}`;
    try {
      const response = await fetch(this.options.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const answer = await readAnswer(response);
      if (answer !== null) {
        this.stats.accepted += answer.accepted;
        this.stats.rejected += answer.rejected;
      }
      if (response.ok) return true;
      this.stats.failedRequests++;
      this.stats.lastError = `HTTP ${response.status} from ${this.options.url}${answer?.message ? `: ${answer.message}` : ''}`;
      if (answer === null || answer.accepted + answer.rejected === 0) this.stats.lost += count;
      // 400 answers every event rejected (bad events); anything else will not fix itself at once.
      return response.status === 400;
    } catch (error) {
      this.stats.failedRequests++;
      this.stats.lost += count;
      this.stats.lastError = `cannot reach ${this.options.url}: ${fetchErrorMessage(error)}`;
      return false;
    }
  }
}

interface IngestAnswer {
  accepted: number;
  rejected: number;
  message?: string;
}

/** A JSON object answer, or null when the body is not one (an error page, a proxy). */
export async function readJsonObject(response: Response): Promise<Record<string, unknown> | null> {
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
}

/** The ingest answer's counts, or null when the body is not one. */
async function readAnswer(response: Response): Promise<IngestAnswer | null> {
  const record = await readJsonObject(response);
  if (record === null) return null;
  const message = firstString(record.message, firstErrorMessage(record.errors), record.error);
  if (typeof record.accepted !== 'number' || typeof record.rejected !== 'number') {
    return message === undefined ? null : { accepted: 0, rejected: 0, message };
  }
  return { accepted: record.accepted, rejected: record.rejected, message };
}

/** fetch() says only "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause. */
export function fetchErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

function firstErrorMessage(errors: unknown): unknown {
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const first: unknown = errors[0];
  return typeof first === 'object' && first !== null ? (first as Record<string, unknown>).message : undefined;
}

function firstString(...candidates: unknown[]): string | undefined {
  return candidates.find((c): c is string => typeof c === 'string');
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
