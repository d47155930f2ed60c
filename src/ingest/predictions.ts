// POST /v1/models/{model}/predictions — one event, a JSON array, or NDJSON. A small body is
// parsed and recorded at once with the service's shared recorder (the hot path: no
// allocation per event); a large one in slices with its own. Either way the request ends in
// an answer: the counts, a counted refusal, or a counted 500.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MonitoredModel } from '../monitor/fleet.js';
import { sendJson } from './answer.js';
import type { BatchRecorder } from './batch-recorder.js';
import { visitBody, type EventError, type VisitedBody } from './body.js';
import { bodyFormatOf, type BodyFormat } from './content-type.js';
import type { IngestService, ReadBody } from './service.js';
import { isLargeBody, visitLargeBody } from './sliced-body.js';

const LOGGED_BODY_BYTES = 2048;

export interface IngestAnswer {
  accepted: number;
  rejected: number;
  errors: EventError[];
}

export function handlePredictions(req: IncomingMessage, res: ServerResponse, model: MonitoredModel, ingest: IngestService): void {
  const format = bodyFormatOf(req.headers['content-type']);
  if (format === null) {
    req.resume();
    ingest.reject(res, 415, model.index, 'unsupported_media_type', 'send application/json (an event or an array of events) or application/x-ndjson');
    return;
  }
  ingest.readBody(req, res, model).then(
    (read) => {
      if (read !== null) recordBody(res, model, ingest, read, format);
    },
    (error: unknown) => ingest.internalError(res, model.index, error),
  );
}

function recordBody(res: ServerResponse, model: MonitoredModel, ingest: IngestService, read: ReadBody, format: BodyFormat): void {
  // One clock reading per request: its events count in the window bucket of their arrival.
  model.monitor.state.advance(ingest.fleet.clock());
  if (isLargeBody(read.body)) {
    const recorder = ingest.newRecorder().start(model.monitor);
    visitLargeBody(read.body, format, ingest.limits, recorder)
      .then((visited) => answer(res, model, ingest, read, recorder, visited))
      .catch((error: unknown) => ingest.internalError(res, model.index, error))
      .finally(read.release);
    return;
  }
  try {
    const recorder = ingest.recorder.start(model.monitor);
    answer(res, model, ingest, read, recorder, visitBody(read.body, format, ingest.config.max_batch_events, recorder));
  } catch (error) {
    ingest.internalError(res, model.index, error);
  } finally {
    read.release();
  }
}

function answer(res: ServerResponse, model: MonitoredModel, ingest: IngestService, read: ReadBody, recorder: BatchRecorder, visited: VisitedBody): void {
  if (!visited.ok) {
    ingest.reject(res, visited.reason === 'batch_too_large' ? 413 : 400, model.index, visited.reason, visited.message);
    return;
  }
  const { rejections } = ingest.fleet;
  if (recorder.unparsed > 0) rejections.add(model.index, 'invalid_json', recorder.unparsed);
  if (recorder.tooComplex > 0) rejections.add(model.index, 'too_complex', recorder.tooComplex);
  if (recorder.invalid > 0) rejections.add(model.index, 'invalid_event', recorder.invalid);
  const result: IngestAnswer = { accepted: recorder.accepted, rejected: recorder.rejected, errors: recorder.errors };
  if (result.rejected > 0 && ingest.log.isLevelEnabled('debug')) {
    // Error messages name the problem and the position, never the content.
    const detail = { model: model.monitor.model.name, accepted: result.accepted, rejected: result.rejected, errors: result.errors };
    if (ingest.logFeatureValues) ingest.log.debug({ ...detail, body: read.body.subarray(0, LOGGED_BODY_BYTES).toString('utf8') }, 'events rejected');
    else ingest.log.debug(detail, 'events rejected');
  }
  if (res.destroyed) return;
  sendJson(res, result.accepted === 0 && result.rejected > 0 ? 400 : 200, result);
}
