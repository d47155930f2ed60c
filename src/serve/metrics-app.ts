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

export function createMetricsApp(fleet: Fleet, metrics: MetricsRegistry, readiness: Readiness, log: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  // An ETag would hash every 700 KiB scrape answer for nothing: each scrape differs.
  app.set('etag', false);
  app.get('/metrics', async (_req, res) => {
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
    res.set('cache-control', 'no-store').type('html').send(landingPage(landingView(fleet, readiness), version));
  });
  return app;
}
