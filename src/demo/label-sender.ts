// Posts the ground truth of the demo's predictions to the labels endpoint, each a fixed delay
// after its prediction was sent (outcomes are known later than decisions), as NDJSON batches.
// The delay runs on the traffic sender's clock, so it is the same elapsed time the drift
// schedule uses; labels still waiting when the demo stops are not sent.
import type { CreditClass } from './credit-model.js';
import { fetchErrorMessage, readJsonObject, sleep } from './sender.js';

export interface LabelStats {
  /** Labels handed to the sender (one per generated prediction). */
  queued: number;
  /** Labels in requests made. */
  sent: number;
  requests: number;
  failedRequests: number;
  /** Labels in failed requests (no answer, or an HTTP error without counts). */
  lost: number;
  accepted: number;
  /** Joined at once to their prediction. */
  joined: number;
  /** Accepted, waiting for their prediction. */
  pending: number;
  rejected: number;
  lastError: string | null;
}

/** Where the traffic sender hands each prediction's outcome. */
export interface LabelSink {
  add(id: string, label: CreditClass, sentAtSeconds: number): void;
}

export interface LabelSenderOptions {
  /** The model's labels endpoint, e.g. http://127.0.0.1:9801/v1/models/credit/labels. */
  url: string;
  /** Seconds from a prediction to its label. */
  delaySeconds: number;
  /** Largest batch per request. */
  maxBatch: number;
  /** Seconds since the start, on the traffic sender's clock. */
  elapsedSeconds: () => number;
  authToken?: string;
}

/** Labels go out in batches at most this often: enough for a steady flow, few requests. */
const TICK_MS = 200;
const RETRY_AFTER_MS = 1000;
const REQUEST_TIMEOUT_MS = 10_000;

interface QueuedLabel {
  id: string;
  label: CreditClass;
  dueAt: number;
}

export class LabelSender implements LabelSink {
  readonly stats: LabelStats = {
    queued: 0, sent: 0, requests: 0, failedRequests: 0, lost: 0, accepted: 0, joined: 0, pending: 0, rejected: 0, lastError: null,
  };
  /** A fixed delay keeps the queue in due order: a FIFO with a moving head. */
  private queue: QueuedLabel[] = [];
  private head = 0;

  constructor(private readonly options: LabelSenderOptions) {}

  /** Labels queued and not yet sent. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  add(id: string, label: CreditClass, sentAtSeconds: number): void {
    this.queue.push({ id, label, dueAt: sentAtSeconds + this.options.delaySeconds });
    this.stats.queued++;
  }

  /** Sends due labels until `signal` aborts; the request in flight then finishes. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const batch = this.takeDue();
      if (batch.length === 0) {
        await sleep(TICK_MS, signal);
        continue;
      }
      if (!(await this.post(batch))) await sleep(RETRY_AFTER_MS, signal);
    }
  }

  private takeDue(): QueuedLabel[] {
    const now = this.options.elapsedSeconds();
    let end = this.head;
    while (end < this.queue.length && end - this.head < this.options.maxBatch && this.queue[end].dueAt <= now) end++;
    const batch = this.queue.slice(this.head, end);
    this.head = end;
    // Drop the sent prefix now and then, so the array does not grow for the demo's whole run.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  /** Posts one batch and counts the answer; false when the next batch should wait a while. */
  private async post(batch: readonly QueuedLabel[]): Promise<boolean> {
    const { stats } = this;
    stats.requests++;
    stats.sent += batch.length;
    let body = '';
    for (const { id, label } of batch) body += `${JSON.stringify({ id, label })}\n`;
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (this.options.authToken) headers.authorization = `Bearer ${this.options.authToken}`;
    try {
      const response = await fetch(this.options.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const answer = await readLabelAnswer(response);
      if (answer !== null) {
        stats.accepted += answer.accepted;
        stats.joined += answer.joined;
        stats.pending += answer.pending;
        stats.rejected += answer.rejected;
      }
      if (response.ok) return true;
      stats.failedRequests++;
      stats.lastError = `HTTP ${response.status} from ${this.options.url}`;
      if (answer === null) stats.lost += batch.length;
      return response.status === 400;
    } catch (error) {
      stats.failedRequests++;
      stats.lost += batch.length;
      stats.lastError = `cannot reach ${this.options.url}: ${fetchErrorMessage(error)}`;
      return false;
    }
  }
}

interface LabelAnswer {
  accepted: number;
  joined: number;
  pending: number;
  rejected: number;
}

/** The labels answer's counts, or null when the body is not one. */
async function readLabelAnswer(response: Response): Promise<LabelAnswer | null> {
  const record = await readJsonObject(response);
  if (record === null) return null;
  const { accepted, joined, pending, rejected } = record;
  if (typeof accepted !== 'number' || typeof joined !== 'number' || typeof pending !== 'number' || typeof rejected !== 'number') return null;
  return { accepted, joined, pending, rejected };
}
