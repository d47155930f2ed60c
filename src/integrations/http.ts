// The HTTP side of the integrations, kept thin: route, check method and token, read the body
// with ingest's byte limit, hand it to InferenceIngest, answer at once (KServe's logger blocks
// its queue while we are slow and never retries). On the ingest listener:
//   POST /v1/cloudevents                   KServe logger CloudEvents; model from ce-inferenceservicename
//   POST /v1/models/{model}/cloudevents    the same, for a named model
//   POST /v1/models/{model}/inferences     Open Inference Protocol { request, response } pairs (JSON, array, NDJSON)
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IngestConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Fleet, MonitoredModel } from '../monitor/fleet.js';
import type { RejectReason } from '../monitor/rejections.js';
import { visitBody, type BodyVisitor } from '../ingest/body.js';
import { bodyFormatOf } from '../ingest/content-type.js';
import { readBody } from '../ingest/read-body.js';
import { parseCloudEventHeaders } from './cloudevent.js';
import { problemResult, type InferenceIngest, type IngestResult } from './inference-ingest.js';
import type { RowError } from './problems.js';

export const CLOUDEVENTS_PATH = '/v1/cloudevents';
const MODELS = '/v1/models/';
const MODEL_CLOUDEVENTS = '/cloudevents';
const MODEL_INFERENCES = '/inferences';

/** Answers the integration routes; false for any other path (the caller's handler takes it). */
export type IntegrationRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createIntegrationRoutes(ingest: InferenceIngest, fleet: Fleet, config: IngestConfig, log: Logger): IntegrationRoutes {
  const token = config.auth_token_env ? process.env[config.auth_token_env] : undefined;
  const expectedAuth = token ? Buffer.from(`Bearer ${token}`) : null;

  const refuse = (res: ServerResponse, status: number, model: MonitoredModel | null, reason: RejectReason, message: string): void => {
    fleet.rejections.add(model ? model.index : -1, reason);
    send(res, { status, body: { error: reason, message } });
  };

  /** Method, token and body; calls `use` with the body, or answers itself. */
  const withBody = (req: IncomingMessage, res: ServerResponse, model: MonitoredModel | null, use: (body: Buffer) => IngestResult): void => {
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('allow', 'POST');
      send(res, { status: 405, body: { error: 'method_not_allowed', message: 'use POST' } });
      return;
    }
    if (expectedAuth && !authorized(req.headers.authorization, expectedAuth)) {
      req.resume();
      refuse(res, 401, model, 'unauthorized', 'missing or wrong bearer token');
      return;
    }
    readBody(req, config.max_body_bytes).then((read) => {
      if (!read.ok) {
        if (read.reason === 'too_large') {
          res.setHeader('connection', 'close');
          refuse(res, 413, model, 'body_too_large', `body larger than ${config.max_body_bytes} bytes (ingest.max_body_bytes)`);
        }
        return;
      }
      send(res, use(read.body));
    }).catch((error: unknown) => {
      log.error({ err: error }, 'inference payload failed');
      if (!res.headersSent) send(res, { status: 500, body: { error: 'internal', message: 'internal error' } });
    });
  };

  const cloudEvent = (req: IncomingMessage, res: ServerResponse, named: MonitoredModel | null): void => {
    const parsed = parseCloudEventHeaders(req.headers);
    if (!parsed.ok) {
      req.resume();
      ingest.counters.rejectedPayload(named ? named.index : -1, 'invalid_cloudevent');
      send(res, problemResult({ reason: 'invalid_cloudevent', message: parsed.message }));
      return;
    }
    const event = parsed.event;
    const model = named ?? ingest.modelForInferenceService(event.inferenceService) ?? null;
    if (model === null) {
      req.resume();
      fleet.rejections.add(-1, 'unknown_model');
      send(res, ingest.cloudEvent(null, event, undefined, Buffer.alloc(0)));
      return;
    }
    withBody(req, res, model, (body) => ingest.cloudEvent(model, event, req.headers['content-type'], body));
  };

  const pairs = (req: IncomingMessage, res: ServerResponse, model: MonitoredModel): void => {
    const format = bodyFormatOf(req.headers['content-type']);
    if (format === null) {
      req.resume();
      refuse(res, 415, model, 'unsupported_media_type', 'send application/json (a pair or an array of pairs) or application/x-ndjson');
      return;
    }
    withBody(req, res, model, (body) => {
      const visitor = new PairVisitor(ingest, model, config);
      const visited = visitBody(body, format, config.max_batch_events, visitor);
      if (!visited.ok) {
        fleet.rejections.add(model.index, visited.reason);
        return { status: visited.reason === 'batch_too_large' ? 413 : 400, body: { error: visited.reason, message: visited.message } };
      }
      const { accepted, rejected, errors } = visitor;
      return { status: accepted === 0 && rejected > 0 ? 400 : 200, body: { accepted, rejected, pending: 0, errors } };
    });
  };

  return (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path === CLOUDEVENTS_PATH) {
      cloudEvent(req, res, null);
      return true;
    }
    if (!path.startsWith(MODELS)) return false;
    const suffix = path.endsWith(MODEL_CLOUDEVENTS) ? MODEL_CLOUDEVENTS : path.endsWith(MODEL_INFERENCES) ? MODEL_INFERENCES : null;
    if (suffix === null) return false;
    const name = decodeSegment(path.slice(MODELS.length, path.length - suffix.length));
    if (name === null) return false;
    const model = fleet.byName.get(name);
    if (model === undefined) {
      req.resume();
      refuse(res, 404, null, 'unknown_model', `unknown model; configured models: ${[...fleet.byName.keys()].join(', ')}`);
      return true;
    }
    if (suffix === MODEL_CLOUDEVENTS) cloudEvent(req, res, model);
    else pairs(req, res, model);
    return true;
  };
}

/** Each pair as the body parser hands it over; errors carry the pair's index. */
class PairVisitor implements BodyVisitor {
  accepted = 0;
  rejected = 0;
  rows = 0;
  readonly errors: RowError[] = [];

  constructor(
    private readonly ingest: InferenceIngest,
    private readonly model: MonitoredModel,
    private readonly config: IngestConfig,
  ) {}

  event(value: unknown, index: number): void {
    if (this.rows >= this.config.max_batch_events) {
      this.ingest.counters.rejectedPayload(this.model.index, 'too_many_rows');
      this.fail(index, `the body already held ${this.rows} rows, the limit (ingest.max_batch_events)`);
      return;
    }
    const result = this.ingest.pair(this.model, value, this.config.max_reported_errors);
    if (!result.ok) {
      this.fail(index, `${result.problem.reason}: ${result.problem.message}`);
      return;
    }
    const recorded = result.value;
    this.rows += recorded.accepted + recorded.rejected;
    this.accepted += recorded.accepted;
    this.rejected += recorded.rejected;
    for (const e of recorded.errors) this.note(index, `row ${e.index}: ${e.message}`);
  }

  error(index: number, message: string): void {
    this.ingest.counters.rejectedPayload(this.model.index, 'invalid_json');
    this.fail(index, message);
  }

  private fail(index: number, message: string): void {
    this.rejected++;
    this.note(index, message);
  }

  private note(index: number, message: string): void {
    if (this.errors.length < this.config.max_reported_errors) this.errors.push({ index, message });
  }
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

function send(res: ServerResponse, result: IngestResult): void {
  const text = JSON.stringify(result.body);
  res.writeHead(result.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
