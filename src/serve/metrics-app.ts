// The metrics listener, for Prometheus and people: /metrics, a landing page, /healthz
// and /readyz. Express is fine here: a scrape every few seconds, not every prediction.
import express, { type Express } from 'express';
import type { Logger } from '../log.js';
import type { Fleet } from '../monitor/fleet.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import { mlwatchVersion } from '../version.js';
import { landingPage } from './landing.js';
import { landingView } from './landing-view.js';

export interface Readiness {
  ready: boolean;
  /** The ingest listener's URL once it listens (the landing page shows where to post). */
  ingestUrl?: string;
}

/** POST /-/reload (src/serve/reload.ts); `enabled` is --web.enable-lifecycle. */
export interface Lifecycle {
  enabled: boolean;
  /** Reload the config and references; resolves to the problems that refused it (none: reloaded). */
  reload(trigger: string): Promise<readonly string[]>;
}

/** `current()`: the serving core of the moment (a reload swaps it); read on every request. */
export function createMetricsApp(
  current: () => { fleet: Fleet; metrics: MetricsRegistry },
  readiness: Readiness,
  log: Logger,
  lifecycle: Lifecycle = { enabled: false, reload: () => Promise.resolve(['Lifecycle API is not enabled.']) },
): Express {
  const app = express();
  app.disable('x-powered-by');
  // An ETag would hash every 700 KiB scrape answer for nothing: each scrape differs.
  app.set('etag', false);
  app.get('/metrics', async (_req, res) => {
    const { metrics } = current();
    try {
      const text = await metrics.render();
      res.type(metrics.contentType).send(text);
    } catch (error) {
      log.error({ err: error }, 'scrape failed');
      res.status(500).type('text/plain').send('scrape failed; see the mlwatch log\n');
    }
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.get('/readyz', (_req, res) => {
    res.status(readiness.ready ? 200 : 503).type('text/plain').send(readiness.ready ? 'ready\n' : 'not ready\n');
  });
  const version = mlwatchVersion();
  app.get('/', (_req, res) => {
    // Always fresh: the page is a live view, refreshed by the browser.
    res.set('cache-control', 'no-store').type('html').send(landingPage(landingView(current().fleet, readiness), version));
  });
  // As Prometheus's --web.enable-lifecycle: POST or PUT reloads, 403 while the flag is off.
  const reload = async (_req: express.Request, res: express.Response): Promise<void> => {
    if (!lifecycle.enabled) {
      res.status(403).type('text/plain').send('Lifecycle API is not enabled: start mlwatch serve with --web.enable-lifecycle to reload over HTTP (SIGHUP always reloads).\n');
      return;
    }
    const problems = await lifecycle.reload('http');
    if (problems.length === 0) res.type('text/plain').send('reloaded\n');
    else res.status(500).type('text/plain').send(`failed to reload config; the running one keeps serving:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  };
  app.post('/-/reload', (req, res) => void reload(req, res));
  app.put('/-/reload', (req, res) => void reload(req, res));
  app.all('/-/reload', (_req, res) => {
    res.status(405).set('allow', 'POST, PUT').type('text/plain').send('use POST (or PUT) to reload\n');
  });
  return app;
}
