// The integrations as ingest routes (src/ingest/router.ts), so they go through the same
// pipeline as posted events — authentication first, the model, the method, then the body read
// within max_body_bytes and the shared body budget (gzip inflated) — and answer at once
// (KServe's logger blocks its queue while we are slow and never retries):
//   POST /v1/cloudevents                   KServe logger CloudEvents; model from ce-inferenceservicename
//   POST /v1/models/{model}/cloudevents    the same, for a named model
//   POST /v1/models/{model}/inferences     Open Inference Protocol { request, response } pairs (JSON, array, NDJSON)
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IngestConfig } from '../config/types.js';
import type { MonitoredModel } from '../monitor/fleet.js';
import { sendJson } from '../ingest/answer.js';
import type { BodyVisitor } from '../ingest/body.js';
import { bodyFormatOf } from '../ingest/content-type.js';
import type { Route } from '../ingest/router.js';
import type { IngestService } from '../ingest/service.js';
import { visitBodyWithLimits } from '../ingest/sliced-body.js';
import { parseCloudEventHeaders } from './cloudevent.js';
import { problemResult, type InferenceIngest, type IngestResult } from './inference-ingest.js';
import type { RowError } from './problems.js';

export const CLOUDEVENTS_PATH = '/v1/cloudevents';

export function integrationRoutes(inference: InferenceIngest): Route[] {
  const cloudEvent = (req: IncomingMessage, res: ServerResponse, model: MonitoredModel, ingest: IngestService): void => {
    const parsed = parseCloudEventHeaders(req.headers);
    if (!parsed.ok) {
      req.resume();
      inference.counters.rejectedPayload(model.index, 'invalid_cloudevent');
      send(res, problemResult({ reason: 'invalid_cloudevent', message: parsed.message }));
      return;
    }
    withBody(req, res, model, ingest, (body) => inference.cloudEvent(model, parsed.event, req.headers['content-type'], body));
  };

  const pairs = (req: IncomingMessage, res: ServerResponse, model: MonitoredModel, ingest: IngestService): void => {
    const format = bodyFormatOf(req.headers['content-type']);
    if (format === null) {
      req.resume();
      ingest.reject(res, 415, model.index, 'unsupported_media_type', 'send application/json (a pair or an array of pairs) or application/x-ndjson');
      return;
    }
    withBody(req, res, model, ingest, async (body) => {
      const visitor = new PairVisitor(inference, model, ingest.config);
      const visited = await visitBodyWithLimits(body, format, ingest.limits, visitor);
      if (!visited.ok) {
        ingest.fleet.rejections.add(model.index, visited.reason);
        return { status: visited.reason === 'batch_too_large' ? 413 : 400, body: { error: visited.reason, message: visited.message } };
      }
      const { accepted, rejected, errors } = visitor;
      return { status: accepted === 0 && rejected > 0 ? 400 : 200, body: { accepted, rejected, pending: 0, errors } };
    });
  };

  return [
    {
      method: 'POST',
      path: CLOUDEVENTS_PATH,
      // The model whose kserve.inference_service sent it; an unmapped name is answered as an unknown model.
      modelFrom: (req) => {
        const header = req.headers['ce-inferenceservicename'];
        const service = typeof header === 'string' ? header : '';
        return inference.modelForInferenceService(service)?.monitor.model.name ?? service;
      },
      handle: cloudEvent,
    },
    { method: 'POST', path: '/v1/models/{model}/cloudevents', handle: cloudEvent },
    { method: 'POST', path: '/v1/models/{model}/inferences', handle: pairs },
  ];
}

/** Read the body within the ingest limits, hand it over, answer; any failure is answered and counted by `ingest`. */
function withBody(
  req: IncomingMessage,
  res: ServerResponse,
  model: MonitoredModel,
  ingest: IngestService,
  use: (body: Buffer) => IngestResult | Promise<IngestResult>,
): void {
  const run = async (): Promise<void> => {
    const read = await ingest.readBody(req, res, model);
    if (read === null) return;
    try {
      send(res, await use(read.body));
    } finally {
      read.release();
    }
  };
  run().catch((error: unknown) => ingest.internalError(res, model.index, error));
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

  error(index: number, _line: number, message: string): void {
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

function send(res: ServerResponse, result: IngestResult): void {
  sendJson(res, result.status, result.body);
}
