// The ingest endpoints as a table: a path pattern with at most one {model} segment, the method
// it takes, and its handler. Patterns are split once at start-up into a prefix and a suffix,
// so matching a request is two string comparisons per route, no allocation.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MonitoredModel } from '../monitor/fleet.js';
import type { IngestService } from './service.js';

/** Serves one request to a known model, already authenticated; must end in an answer. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, model: MonitoredModel, ingest: IngestService) => void;

export interface Route {
  method: string;
  /** e.g. '/v1/models/{model}/predictions'; a path without {model} names the model elsewhere (modelFrom). */
  path: string;
  handle: RouteHandler;
  /** For a path without {model}: the model's name from the request (e.g. a header), '' when it has none. */
  modelFrom?: (req: IncomingMessage) => string;
}

const PARAMETER = '{model}';

interface CompiledRoute extends Route {
  prefix: string;
  suffix: string;
}

export interface RouteMatch {
  /** The route for this path and method; null when the path exists with other methods only. */
  route: Route | null;
  /** The raw (still percent-encoded) {model} segment. */
  model: string;
  /** The methods this path takes, for a 405's Allow header (only when route is null). */
  allow: string;
}

export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => {
      const at = route.path.indexOf(PARAMETER);
      if (at < 0) {
        if (route.modelFrom === undefined) throw new Error(`route ${route.path} must hold ${PARAMETER} or say where the model comes from`);
        return { ...route, prefix: route.path, suffix: '' };
      }
      if (route.path.indexOf(PARAMETER, at + 1) >= 0) throw new Error(`route ${route.path} must hold ${PARAMETER} once`);
      return { ...route, prefix: route.path.slice(0, at), suffix: route.path.slice(at + PARAMETER.length) };
    });
  }

  /** The route for this path and method; null when no pattern fits the path. */
  match(path: string, method: string | undefined): RouteMatch | null {
    let allow = '';
    let model = '';
    for (const route of this.routes) {
      const { prefix, suffix } = route;
      let segment = '';
      if (route.modelFrom !== undefined) {
        if (path !== prefix) continue;
      } else {
        if (path.length <= prefix.length + suffix.length || !path.startsWith(prefix) || !path.endsWith(suffix)) continue;
        segment = path.slice(prefix.length, path.length - suffix.length);
        if (segment.includes('/')) continue;
      }
      if (route.method === method) return { route, model: segment, allow: '' };
      allow = allow === '' ? route.method : `${allow}, ${route.method}`;
      model = segment;
    }
    return allow === '' ? null : { route: null, model, allow };
  }

  /** Where events go, for the 404 answer. */
  describe(): string {
    return this.routes.map((r) => `${r.method} ${r.path}`).join(', ');
  }
}
