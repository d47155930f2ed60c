// POST /v1/models/{model}/labels — ground truth: one label { "id", "label", "timestamp"? }, a
// JSON array of them, or NDJSON. Parsed like the predictions endpoint (the same body limits,
// sliced parsing for large bodies) and answered per item: how many joined a prediction, how
// many wait for theirs, and the first errors by index — a bad id or label, a class outside
// the model's, a duplicate, a label whose prediction expired. Each refusal is counted in
// mlwatch_labels_unmatched_total by reason; nothing valid beside it is lost.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MonitoredModel } from '../monitor/fleet.js';
import { LABEL_INVALID, type ModelLabels } from '../monitor/labels/model-labels.js';
import { LABEL_DUPLICATE, LABEL_EXPIRED, LABEL_JOINED, LABEL_WAITING } from '../monitor/labels/join-store.js';
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

class LabelRecorder implements BodyVisitor {
  readonly answer: LabelsAnswer = { accepted: 0, joined: 0, pending: 0, rejected: 0, errors: [] };

  constructor(
    private readonly labels: ModelLabels,
    private readonly nowMs: number,
    private readonly maxErrors: number,
  ) {}

  event(value: unknown, index: number, line: number): void {
    const outcome = this.labels.recordLabel(value, this.nowMs);
    if (outcome === LABEL_JOINED || outcome === LABEL_WAITING) {
      this.answer.accepted++;
      if (outcome === LABEL_JOINED) this.answer.joined++;
      else this.answer.pending++;
      return;
    }
    const message = outcome === LABEL_INVALID
      ? this.labels.problem
      : outcome === LABEL_DUPLICATE
        ? 'duplicate: this id already has a label'
        : outcome === LABEL_EXPIRED
          ? 'expired: the prediction with this id is older than label_ttl_seconds'
          : 'not joined';
    this.refuse(index, line, message);
  }

  error(index: number, line: number, message: string): void {
    // A line that did not parse is a label received and refused as invalid.
    this.labels.received++;
    this.labels.store.countInvalid();
    this.refuse(index, line, message);
  }

  private refuse(index: number, line: number, message: string): void {
    this.answer.rejected++;
    if (this.answer.errors.length >= this.maxErrors) return;
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
  const result = recorder.answer;
  if (result.rejected > 0 && ingest.log.isLevelEnabled('debug')) {
    ingest.log.debug({ model: model.monitor.model.name, accepted: result.accepted, rejected: result.rejected, errors: result.errors }, 'labels rejected');
  }
  if (res.destroyed) return;
  sendJson(res, result.accepted === 0 && result.rejected > 0 ? 400 : 200, result);
}
