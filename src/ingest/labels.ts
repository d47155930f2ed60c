// POST /v1/models/{model}/labels — ground truth: one label { "id", "label", "timestamp"? }, a
// JSON array of them, or NDJSON. Parsed like the predictions endpoint (the same body limits,
// sliced parsing for large bodies) and answered per item: how many joined a prediction, how
// many wait for theirs, and the first errors by index — a bad id or label, a class outside
// the model's, a duplicate, a label whose prediction expired. Each refusal is counted in
// mlwatch_labels_unmatched_total by reason; nothing valid beside it is lost. With the fleet's
// store (label_store: redis) the valid labels of a request go to Redis in one pipeline, and the
// answer waits for it; a label Redis could not take is refused as such, and a request none of
// whose labels it could take is answered 503.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MonitoredModel } from '../monitor/fleet.js';
import { LABEL_INVALID, LABEL_QUEUED, LINE_NOT_READ, type ModelLabels } from '../monitor/labels/model-labels.js';
import { LabelLine } from '../monitor/labels/label-line.js';
import { LABEL_DUPLICATE, LABEL_EXPIRED, LABEL_JOINED, LABEL_WAITING } from '../monitor/labels/join-store.js';
import { LABEL_STORE_ERROR, type LabelBatch } from '../monitor/labels/redis/fleet-join.js';
import { sendJson } from './answer.js';
import { visitBody, type BodyVisitor, type EventError, type VisitedBody } from './body.js';
import { bodyFormatOf, type BodyFormat } from './content-type.js';
import type { IngestService, ReadBody } from './service.js';
import { isLargeBody, visitLargeBody } from './sliced-body.js';

export interface LabelsAnswer {
  accepted: number;
  /** Accepted labels that joined their prediction now. */
  joined: number;
  /** Accepted labels whose prediction has not come yet: they wait (label_ttl_seconds). */
  pending: number;
  rejected: number;
  errors: EventError[];
}

const STORE_UNAVAILABLE = 'label store unavailable: Redis did not answer; send the label again later';

class LabelRecorder implements BodyVisitor {
  readonly answer: LabelsAnswer = { accepted: 0, joined: 0, pending: 0, rejected: 0, errors: [] };
  /** The fleet's store: labels wait here for one pipeline, with where they were in the body. */
  private readonly batch: LabelBatch | null;
  private readonly at: { index: number; line: number }[] = [];
  private readonly lineReader = new LabelLine();
  /** Labels the fleet's store could not take. */
  storeErrors = 0;

  constructor(
    private readonly labels: ModelLabels,
    private readonly nowMs: number,
    private readonly maxErrors: number,
  ) {
    this.batch = labels.fleet === null ? null : { h1: [], h2: [], labelClass: [], labelValue: [], labelMs: [] };
  }

  /** The usual label line, read from its bytes without a parse (label-line.ts); false: parse it. */
  line(body: Buffer, start: number, end: number, index: number, line: number): boolean {
    if (!this.lineReader.read(body, start, end)) return false;
    if (this.batch !== null) {
      if (this.labels.queueLine(this.lineReader, body, this.nowMs, this.batch) !== LABEL_QUEUED) return false;
      this.at.push({ index, line });
      return true;
    }
    const outcome = this.labels.recordLine(this.lineReader, body, this.nowMs);
    if (outcome === LINE_NOT_READ) return false;
    this.settle(outcome, index, line);
    return true;
  }

  event(value: unknown, index: number, line: number): void {
    if (this.batch !== null) {
      if (this.labels.queueLabel(value, this.nowMs, this.batch) === LABEL_QUEUED) this.at.push({ index, line });
      else this.refuse(index, line, this.labels.problem);
      return;
    }
    this.settle(this.labels.recordLabel(value, this.nowMs), index, line);
  }

  /** The fleet's answers for the queued labels (errors kept in item order); never rejects. */
  async join(): Promise<void> {
    if (this.batch === null || this.at.length === 0) return;
    const outcomes = await this.labels.joinBatch(this.batch, this.nowMs);
    outcomes.forEach((outcome, k) => this.settle(outcome, this.at[k].index, this.at[k].line));
    this.answer.errors.sort((a, b) => a.index - b.index);
    this.answer.errors.length = Math.min(this.answer.errors.length, this.maxErrors);
  }

  /** Whether labels wait for the fleet's store. */
  get queued(): boolean {
    return this.at.length > 0;
  }

  /** Whether the fleet's store took none of the valid labels it was sent. */
  get storeUnavailable(): boolean {
    return this.storeErrors > 0 && this.storeErrors === this.at.length;
  }

  private settle(outcome: number, index: number, line: number): void {
    if (outcome === LABEL_JOINED || outcome === LABEL_WAITING) {
      this.answer.accepted++;
      if (outcome === LABEL_JOINED) this.answer.joined++;
      else this.answer.pending++;
      return;
    }
    if (outcome === LABEL_STORE_ERROR) this.storeErrors++;
    const message = outcome === LABEL_INVALID
      ? this.labels.problem
      : outcome === LABEL_DUPLICATE
        ? 'duplicate: this id already has a label'
        : outcome === LABEL_EXPIRED
          ? 'expired: the prediction with this id is older than label_ttl_seconds'
          : outcome === LABEL_STORE_ERROR
            ? STORE_UNAVAILABLE
            : 'not joined';
    this.refuse(index, line, message);
  }

  error(index: number, line: number, message: string): void {
    // A line that did not parse is a label received and refused as invalid.
    this.labels.received++;
    this.labels.countInvalid();
    this.refuse(index, line, message);
  }

  private refuse(index: number, line: number, message: string): void {
    this.answer.rejected++;
    // With the fleet's store, later answers may come before these in item order: cut after sorting.
    if (this.batch === null && this.answer.errors.length >= this.maxErrors) return;
    this.answer.errors.push(line > 0 ? { index, line, message: `line ${line}: ${message}` } : { index, message });
  }
}

export function handleLabels(req: IncomingMessage, res: ServerResponse, model: MonitoredModel, ingest: IngestService): void {
  const format = bodyFormatOf(req.headers['content-type']);
  if (format === null) {
    req.resume();
    ingest.reject(res, 415, model.index, 'unsupported_media_type', 'send application/json (a label or an array of labels) or application/x-ndjson');
    return;
  }
  ingest.readBody(req, res, model).then(
    (read) => {
      if (read !== null) recordLabels(res, model, ingest, read, format);
    },
    (error: unknown) => ingest.internalError(res, model.index, error),
  );
}

function recordLabels(res: ServerResponse, model: MonitoredModel, ingest: IngestService, read: ReadBody, format: BodyFormat): void {
  const now = ingest.fleet.clock();
  const state = model.monitor.state;
  state.advance(now);
  const recorder = new LabelRecorder(state.labels, state.nowMs, ingest.config.max_reported_errors);
  if (isLargeBody(read.body)) {
    visitLargeBody(read.body, format, ingest.limits, recorder)
      .then((visited) => answer(res, model, ingest, recorder, visited))
      .catch((error: unknown) => ingest.internalError(res, model.index, error))
      .finally(read.release);
    return;
  }
  try {
    answer(res, model, ingest, recorder, visitBody(read.body, format, ingest.config.max_batch_events, recorder));
  } catch (error) {
    ingest.internalError(res, model.index, error);
  } finally {
    read.release();
  }
}

function answer(res: ServerResponse, model: MonitoredModel, ingest: IngestService, recorder: LabelRecorder, visited: VisitedBody): void {
  if (!visited.ok) {
    ingest.reject(res, visited.reason === 'batch_too_large' ? 413 : 400, model.index, visited.reason, visited.message.replace(/events?\b/g, (w) => (w === 'event' ? 'label' : 'labels')));
    return;
  }
  if (!recorder.queued) {
    send(res, model, ingest, recorder);
    return;
  }
  // The fleet's store answers the queued labels first (join never rejects).
  void recorder.join().then(() => {
    try {
      send(res, model, ingest, recorder);
    } catch (error) {
      ingest.internalError(res, model.index, error);
    }
  });
}

function send(res: ServerResponse, model: MonitoredModel, ingest: IngestService, recorder: LabelRecorder): void {
  const result = recorder.answer;
  if (result.rejected > 0 && ingest.log.isLevelEnabled('debug')) {
    ingest.log.debug({ model: model.monitor.model.name, accepted: result.accepted, rejected: result.rejected, errors: result.errors }, 'labels rejected');
  }
  if (res.destroyed) return;
  const status = recorder.storeUnavailable && result.accepted === 0 ? 503 : result.accepted === 0 && result.rejected > 0 ? 400 : 200;
  sendJson(res, status, result);
}
