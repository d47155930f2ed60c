// The ingest endpoint on a bare node:http handler: express 5 served ~0.17× the requests per
// second of a bare handler (measured, see bench/RESULTS.md), and this path takes every prediction.
// POST /v1/models/{model}/predictions — one event, a JSON array, or NDJSON.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IngestConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Fleet, MonitoredModel } from '../monitor/fleet.js';
import type { RejectReason } from '../monitor/rejections.js';
import { visitBody, type EventError } from './body.js';
import { BatchRecorder } from './batch-recorder.js';
import { bodyFormatOf } from './content-type.js';
import { readBody } from './read-body.js';

const PREFIX = '/v1/models/';
const PREDICTIONS = '/predictions';
const LABELS = '/labels';
const LOGGED_BODY_BYTES = 2048;

export interface IngestAnswer {
  accepted: number;
  rejected: number;
  errors: EventError[];
}

export function createIngestHandler(
  fleet: Fleet,
  config: IngestConfig,
  log: Logger,
  /** logging.log_feature_values: put the start of a rejected body in the debug log (may be personal data). */
  logFeatureValues = false,
): (req: IncomingMessage, res: ServerResponse) => void {
  const token = config.auth_token_env ? process.env[config.auth_token_env] : undefined;
  const expectedAuth = token ? Buffer.from(`Bearer ${token}`) : null;

  const reject = (res: ServerResponse, status: number, model: MonitoredModel | null, reason: RejectReason, message: string): void => {
    fleet.rejections.add(model ? model.index : -1, reason);
    sendJson(res, status, { error: reason, message });
  };

  const recorder = new BatchRecorder(config.max_reported_errors);

  return (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path.startsWith(PREFIX) && path.endsWith(LABELS)) {
      req.resume();
      sendJson(res, 501, { error: 'not_implemented', message: 'ground-truth labels are not joined yet: this endpoint is reserved for it' });
      return;
    }
    if (!path.startsWith(PREFIX) || !path.endsWith(PREDICTIONS)) {
      sendJson(res, 404, { error: 'not_found', message: `no such endpoint; POST events to ${PREFIX}{model}${PREDICTIONS}` });
      req.resume();
      return;
    }
    const name = decodeSegment(path.slice(PREFIX.length, path.length - PREDICTIONS.length));
    const model = name === null ? undefined : fleet.byName.get(name);
    if (model === undefined) {
      req.resume();
      reject(res, 404, null, 'unknown_model', `unknown model; configured models: ${[...fleet.byName.keys()].join(', ')}`);
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('allow', 'POST');
      sendJson(res, 405, { error: 'method_not_allowed', message: 'use POST' });
      return;
    }
    if (expectedAuth && !authorized(req.headers.authorization, expectedAuth)) {
      req.resume();
      reject(res, 401, model, 'unauthorized', 'missing or wrong bearer token');
      return;
    }
    const format = bodyFormatOf(req.headers['content-type']);
    if (format === null) {
      req.resume();
      reject(res, 415, model, 'unsupported_media_type', 'send application/json (an event or an array of events) or application/x-ndjson');
      return;
    }
    readBody(req, config.max_body_bytes).then((read) => {
      if (!read.ok) {
        if (read.reason === 'too_large') {
          res.setHeader('connection', 'close');
          reject(res, 413, model, 'body_too_large', `body larger than ${config.max_body_bytes} bytes (ingest.max_body_bytes)`);
        }
        return;
      }
      // One clock reading per request: every event of it counts in the same window bucket.
      model.monitor.state.advance(fleet.clock());
      recorder.start(model.monitor);
      const visited = visitBody(read.body, format, config.max_batch_events, recorder);
      if (!visited.ok) {
        reject(res, visited.reason === 'batch_too_large' ? 413 : 400, model, visited.reason, visited.message);
        return;
      }
      if (recorder.unparsed > 0) fleet.rejections.add(model.index, 'invalid_json', recorder.unparsed);
      if (recorder.invalid > 0) fleet.rejections.add(model.index, 'invalid_event', recorder.invalid);
      const answer: IngestAnswer = { accepted: recorder.accepted, rejected: recorder.rejected, errors: recorder.errors };
      if (answer.rejected > 0 && log.isLevelEnabled('debug')) {
        // Error messages name the problem and the position, never the content.
        const detail = { model: model.monitor.model.name, accepted: answer.accepted, rejected: answer.rejected, errors: answer.errors };
        if (logFeatureValues) log.debug({ ...detail, body: read.body.subarray(0, LOGGED_BODY_BYTES).toString('utf8') }, 'events rejected');
        else log.debug(detail, 'events rejected');
      }
      sendJson(res, answer.accepted === 0 && answer.rejected > 0 ? 400 : 200, answer);
    }, (error: unknown) => {
      log.error({ err: error }, 'ingest request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: 'internal error' });
    });
  };
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined) return false;
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function decodeSegment(segment: string): string | null {
  if (segment.length === 0 || segment.includes('/')) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
