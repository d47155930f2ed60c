// What every ingest endpoint shares: the fleet, the limits, the body budget, and the ways a
// request ends — an answer, a counted refusal, or a counted internal error (500), so that no
// request is left without an answer and no failure reaches the process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IngestConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Fleet, MonitoredModel } from '../monitor/fleet.js';
import type { RejectReason } from '../monitor/rejections.js';
import { sendJson } from './answer.js';
import { BatchRecorder } from './batch-recorder.js';
import { BodyBudget } from './body-budget.js';
import { bodyEncodingOf, readBody } from './read-body.js';
import type { BodyLimits } from './sliced-body.js';

/** A body read within the limits; release() gives its bytes back to the budget (idempotent). */
export interface ReadBody {
  body: Buffer;
  release(): void;
}

/** Seconds a client should wait before retrying after a 503 (the budget frees as bodies are answered). */
const RETRY_AFTER_SECONDS = '1';

/** Model index for rejections not charged to a configured model. */
export const NO_MODEL = -1;

export class IngestService {
  readonly limits: BodyLimits;
  /** Shared by small bodies, which are parsed and recorded synchronously. */
  readonly recorder: BatchRecorder;

  constructor(
    readonly fleet: Fleet,
    readonly config: IngestConfig,
    readonly log: Logger,
    readonly budget: BodyBudget = new BodyBudget(config.max_buffered_bytes),
    /** logging.log_feature_values: put the start of a rejected body in the debug log (may be personal data). */
    readonly logFeatureValues = false,
  ) {
    this.limits = {
      maxEvents: config.max_batch_events,
      maxDepth: config.max_json_depth,
      maxKeys: config.max_object_keys,
      maxValues: config.max_event_values,
    };
    this.recorder = new BatchRecorder(config.max_reported_errors);
  }

  /** A new recorder, for a body handled across several turns of the event loop. */
  newRecorder(): BatchRecorder {
    return new BatchRecorder(this.config.max_reported_errors);
  }

  /** Answer a refusal and count it (under `modelIndex`, or __other__ for NO_MODEL). */
  reject(res: ServerResponse, status: number, modelIndex: number, reason: RejectReason, message: string, headers?: Record<string, string>): void {
    this.fleet.rejections.add(modelIndex, reason);
    if (res.headersSent || res.destroyed) return;
    sendJson(res, status, { error: reason, message }, headers);
  }

  /** An exception while serving: logged, counted, answered 500 if an answer can still be sent. */
  internalError(res: ServerResponse, modelIndex: number, error: unknown): void {
    this.log.error({ err: error }, 'ingest request failed');
    this.fleet.rejections.add(modelIndex, 'internal_error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (res.destroyed) return;
    sendJson(res, 500, { error: 'internal_error', message: 'internal error while handling the request; it is in the mlwatch log' }, { connection: 'close' });
  }

  /**
   * Read the body within max_body_bytes and the shared budget, inflating gzip. On failure the
   * refusal is answered and counted here and null comes back (nothing to answer for an abort).
   */
  async readBody(req: IncomingMessage, res: ServerResponse, model: MonitoredModel): Promise<ReadBody | null> {
    const contentEncoding = req.headers['content-encoding'];
    const encoding = bodyEncodingOf(contentEncoding);
    if (encoding === null) {
      req.resume();
      this.reject(res, 415, model.index, 'unsupported_media_type', `Content-Encoding ${boundedEcho(contentEncoding ?? '')} is not supported; send the body uncompressed or as gzip`);
      return null;
    }
    const { max_body_bytes: maxBytes } = this.config;
    const read = await readBody(req, { maxBytes, budget: this.budget }, encoding);
    if (read.ok) return read;
    const close = { connection: 'close' };
    switch (read.reason) {
      case 'too_large': {
        const inflated = encoding === 'gzip' ? ' once inflated' : '';
        this.reject(res, 413, model.index, 'body_too_large', `body larger than ${maxBytes} bytes${inflated} (ingest.max_body_bytes)`, close);
        break;
      }
      case 'overloaded':
        this.reject(res, 503, model.index, 'overloaded', `mlwatch is buffering ${this.budget.maxBytes} bytes of requests already (ingest.max_buffered_bytes); retry shortly`, {
          ...close,
          'retry-after': RETRY_AFTER_SECONDS,
        });
        break;
      case 'invalid_gzip':
        this.reject(res, 400, model.index, 'invalid_encoding', 'Content-Encoding is gzip but the body is not valid gzip data', close);
        break;
      case 'aborted':
        // The client went away: nobody to answer.
        break;
    }
    return null;
  }
}

/** A client-sent string fit to quote in a message: at most 64 characters, quoted and escaped by JSON rules. */
export function boundedEcho(text: string): string {
  const bounded = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  return JSON.stringify(bounded);
}
