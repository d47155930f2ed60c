// The ingest endpoints on a bare node:http handler: express 5 served ~0.17× the requests per
// second of a bare handler (measured, see bench/RESULTS.md), and this path takes every
// prediction. Order matters: authentication first (nothing about the config is revealed, and
// no model's counters move, before it), then the route, the model, the method, the endpoint.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IngestConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Fleet } from '../monitor/fleet.js';
import type { BearerAuth } from './auth.js';
import { sendJson } from './answer.js';
import { BodyBudget } from './body-budget.js';
import { handleLabels } from './labels.js';
import { handlePredictions } from './predictions.js';
import { Router, type Route } from './router.js';
import { IngestService, NO_MODEL, boundedEcho } from './service.js';

export type { IngestAnswer } from './predictions.js';

/** The endpoints; another one is one more line. */
export const INGEST_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/v1/models/{model}/predictions', handle: handlePredictions },
  { method: 'POST', path: '/v1/models/{model}/labels', handle: handleLabels },
];

/** Models named in a 404 answer at most. */
const LISTED_MODELS = 20;

export interface IngestHandlerOptions {
  /** The bearer token check; null or absent: no token needed. */
  auth?: BearerAuth | null;
  logFeatureValues?: boolean;
  budget?: BodyBudget;
  routes?: readonly Route[];
}

export function createIngestHandler(
  fleet: Fleet,
  config: IngestConfig,
  log: Logger,
  options: IngestHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const auth = options.auth ?? null;
  const ingest = new IngestService(fleet, config, log, options.budget ?? new BodyBudget(config.max_buffered_bytes), options.logFeatureValues ?? false);
  const router = new Router(options.routes ?? INGEST_ROUTES);
  const modelList = describeModels(fleet);

  return (req, res) => {
    try {
      // Served as plain HTTP (server.ts), but Node's parser cannot read another request after an
      // Upgrade one on the same connection: close it after the answer, saying so.
      if (req.headers.upgrade !== undefined) res.shouldKeepAlive = false;
      if (auth !== null && !auth.accepts(req.headers.authorization)) {
        req.resume();
        ingest.reject(res, 401, NO_MODEL, 'unauthorized', 'missing or wrong bearer token (Authorization: Bearer <token>)', {
          'www-authenticate': 'Bearer realm="mlwatch"',
        });
        return;
      }
      const url = req.url ?? '';
      const query = url.indexOf('?');
      const match = router.match(query < 0 ? url : url.slice(0, query), req.method);
      if (match === null) {
        req.resume();
        ingest.reject(res, 404, NO_MODEL, 'not_found', `no such endpoint; the endpoints are ${router.describe()}`);
        return;
      }
      if (match.route === null && match.model === '') {
        // A path that names no model (the model comes from the request), asked with another method.
        req.resume();
        ingest.reject(res, 405, NO_MODEL, 'method_not_allowed', `use ${match.allow}`, { allow: match.allow });
        return;
      }
      const modelFrom = match.route?.modelFrom;
      const name = modelFrom !== undefined ? modelFrom(req) : decodeSegment(match.model);
      const model = name === null ? undefined : fleet.byName.get(name);
      if (model === undefined) {
        req.resume();
        const sent = boundedEcho(name ?? match.model);
        ingest.reject(res, 404, NO_MODEL, 'unknown_model', `unknown model ${sent}; configured models: ${modelList}`);
        return;
      }
      if (match.route === null) {
        req.resume();
        ingest.reject(res, 405, model.index, 'method_not_allowed', `use ${match.allow}`, { allow: match.allow });
        return;
      }
      match.route.handle(req, res, model, ingest);
    } catch (error) {
      ingest.internalError(res, NO_MODEL, error);
    }
  };
}

function describeModels(fleet: Fleet): string {
  const names = [...fleet.byName.keys()];
  const listed = names.slice(0, LISTED_MODELS).join(', ');
  return names.length > LISTED_MODELS ? `${listed} and ${names.length - LISTED_MODELS} more` : listed;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
