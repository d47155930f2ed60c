// The running sidecar: references loaded and checked, the fleet of monitors with its
// timers, the ingest and metrics listeners, and a close() that drains in-flight requests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config, ListenAddress } from '../config/types.js';
import { logger as defaultLogger, type Logger } from '../log.js';
import { Fleet } from '../monitor/fleet.js';
import { MetricsRegistry, createCollectors } from '../metrics/registry.js';
import { ReferenceLoadError, loadReference } from '../reference/io.js';
import { checkReferenceMatchesModel } from '../reference/validate.js';
import { modelWarnings } from '../config/model-warnings.js';
import type { Reference } from '../reference/types.js';
import { createIngestHandler } from '../ingest/handler.js';
import { createMetricsApp, type Readiness } from './metrics-app.js';

export interface SidecarOptions {
  ingestListen?: ListenAddress;
  metricsListen?: ListenAddress;
  /** Export the Node.js process metrics (default true; tests running several sidecars in one process turn it off). */
  processMetrics?: boolean;
  logger?: Logger;
}

export interface Sidecar {
  ingestUrl: string;
  metricsUrl: string;
  fleet: Fleet;
  metrics: MetricsRegistry;
  close(): Promise<void>;
}

export class StartupError extends Error {
  constructor(readonly problems: string[]) {
    super(`mlwatch cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StartupError';
  }
}

export async function loadReferences(config: Config): Promise<Map<string, Reference>> {
  const problems: string[] = [];
  const references = new Map<string, Reference>();
  await Promise.all(
    config.models.map(async (model, i) => {
      try {
        const reference = await loadReference(model.reference);
        const mismatches = checkReferenceMatchesModel(reference, model);
        for (const m of mismatches) problems.push(`models[${i}].reference (${model.reference}): ${m}`);
        if (mismatches.length === 0) references.set(model.name, reference);
      } catch (error) {
        const lines = error instanceof ReferenceLoadError ? error.problems : [error instanceof Error ? error.message : String(error)];
        for (const line of lines) problems.push(`models[${i}].reference: ${line}`);
      }
    }),
  );
  if (problems.length > 0) throw new StartupError(problems);
  return references;
}

export async function startSidecar(config: Config, options: SidecarOptions = {}): Promise<Sidecar> {
  const log = options.logger ?? defaultLogger;
  const references = await loadReferences(config);
  config.models.forEach((model, i) => {
    for (const warning of modelWarnings(model, i, references.get(model.name) as Reference)) log.warn({ model: model.name }, warning);
  });
  const fleet = new Fleet(config, references);
  const metrics = new MetricsRegistry(createCollectors(fleet), log, { processMetrics: options.processMetrics ?? true });
  const readiness: Readiness = { ready: false };

  const ingest = createServer(createIngestHandler(fleet, config.ingest, log, config.logging.log_feature_values));
  const metricsServer = createServer(createMetricsApp(fleet, metrics, readiness, log));
  const ingestAddress = await listen(ingest, options.ingestListen ?? config.ingest.listen);
  const metricsAddress = await listen(metricsServer, options.metricsListen ?? config.metrics.listen);
  fleet.start((error, model) => log.error({ err: error, model }, 'drift computation failed'));
  readiness.ready = true;
  log.info(
    { ingest: ingestAddress, metrics: metricsAddress, models: config.models.map((m) => m.name) },
    'mlwatch serving',
  );

  let closing: Promise<void> | null = null;
  return {
    ingestUrl: `http://${ingestAddress}`,
    metricsUrl: `http://${metricsAddress}`,
    fleet,
    metrics,
    close() {
      closing ??= (async () => {
        readiness.ready = false;
        fleet.stop();
        await Promise.all([drain(ingest), drain(metricsServer)]);
        log.info('mlwatch stopped');
      })();
      return closing;
    },
  };
}

function listen(server: Server, address: ListenAddress): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.removeListener('error', reject);
      const bound = server.address() as AddressInfo;
      // A wildcard bind is reached on loopback; the URL is for this host's clients.
      const address = bound.address === '0.0.0.0' ? '127.0.0.1' : bound.address === '::' ? '::1' : bound.address;
      const host = bound.family === 'IPv6' ? `[${address}]` : address;
      resolve(`${host}:${bound.port}`);
    });
  });
}

const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Stop accepting, let in-flight requests finish, and close keep-alive connections as
 * they go idle; after DRAIN_TIMEOUT_MS whatever is left is cut.
 */
function drain(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
