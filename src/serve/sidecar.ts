// The running sidecar: references loaded and checked, the fleet of monitors with its
// timers, the ingest and metrics listeners, and a close() that drains ingest, keeps
// /metrics answering for the shutdown grace (so a last scrape sees every acknowledged
// event), then drains the metrics listener.
import type { Config, ListenAddress } from '../config/types.js';
import { logger as defaultLogger, type Logger } from '../log.js';
import { Fleet, type Clock } from '../monitor/fleet.js';
import { MetricsRegistry, createCollectors } from '../metrics/registry.js';
import { EventLoopDelay } from '../metrics/event-loop.js';
import { ReferenceLoadError, loadReference } from '../reference/io.js';
import { checkReferenceMatchesModel } from '../reference/validate.js';
import { cellBudget, cellBudgetProblem } from '../monitor/cell-budget.js';
import { modelWarnings } from '../config/model-warnings.js';
import type { Reference } from '../reference/types.js';
import { INGEST_ROUTES } from '../ingest/handler.js';
import { createIngestServer } from '../ingest/server.js';
import { InferenceIngest } from '../integrations/inference-ingest.js';
import { integrationRoutes } from '../integrations/http.js';
import { InferenceIntegrationsCollector } from '../metrics/collectors/inference-integrations.js';
import { drain, listen } from './listeners.js';
import { createMetricsApp, type Readiness } from './metrics-app.js';
import type { WebConfig } from './web/config.js';
import { createMetricsServer } from './web/metrics-server.js';
import { Checkpointer } from '../checkpoint/checkpointer.js';
import { CountersSection, fleetCounterTables } from '../checkpoint/counters-section.js';
import { LabelsSection, labelModelsOf } from '../checkpoint/labels-section.js';
import { ModelsSection, modelsOf } from '../checkpoint/model-section.js';
import { CheckpointCollector } from '../metrics/collectors/checkpoint.js';

export interface SidecarOptions {
  ingestListen?: ListenAddress;
  metricsListen?: ListenAddress;
  /** TLS and basic auth of the metrics listener (--web.config.file). */
  webConfig?: WebConfig;
  /** Overrides metrics.shutdown_grace_seconds (the demo, which nobody scrapes at the end, sets 0). */
  shutdownGraceSeconds?: number;
  /** Export the Node.js process metrics (default true; tests running several sidecars in one process turn it off). */
  processMetrics?: boolean;
  logger?: Logger;
  /** The time the drift windows follow (default the system clock); tests move it forward. */
  clock?: Clock;
}

export interface Sidecar {
  ingestUrl: string;
  metricsUrl: string;
  fleet: Fleet;
  inference: InferenceIngest;
  metrics: MetricsRegistry;
  /** The state's checkpoints, when state_dir is set. */
  checkpointer: Checkpointer | null;
  /** Drain ingest, serve /metrics through the shutdown grace, drain /metrics. */
  close(): Promise<void>;
  /** Cut the shutdown grace short (a second SIGTERM or SIGINT); no-op outside it. */
  endGrace(): void;
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
        if (mismatches.length > 0) return;
        const tooMany = cellBudgetProblem(model, cellBudget(model, reference, config.metrics.latency_buckets_seconds));
        if (tooMany !== null) problems.push(`models[${i}]: ${tooMany}`);
        else references.set(model.name, reference);
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
  const fleet = new Fleet(config, references, options.clock);
  const inference = new InferenceIngest(fleet, config);
  const checkpointer = config.state_dir === undefined ? null : startCheckpoints(config, config.state_dir, fleet, inference, log, options.clock);
  const eventLoop = new EventLoopDelay();
  const collectors = [...createCollectors(fleet, eventLoop), new InferenceIntegrationsCollector(fleet, inference)];
  if (checkpointer !== null) collectors.push(new CheckpointCollector(checkpointer, options.clock));
  const metrics = new MetricsRegistry(collectors, log, { processMetrics: options.processMetrics ?? true });
  const readiness: Readiness = { ready: false };

  // KServe's logger and Open Inference Protocol pairs are ingest routes too (src/integrations/http.ts).
  const ingest = createIngestServer(fleet, config, log, { routes: [...INGEST_ROUTES, ...integrationRoutes(inference)] });
  const metricsServer = await createMetricsServer(createMetricsApp(fleet, metrics, readiness, log), options.webConfig, log);
  let ingestAddress: string;
  let metricsAddress: string;
  try {
    ingestAddress = await listen(ingest, options.ingestListen ?? config.ingest.listen, 'ingest');
    readiness.ingestUrl = `http://${ingestAddress}`;
    metricsAddress = await listen(metricsServer, options.metricsListen ?? config.metrics.listen, 'metrics');
  } catch (error) {
    // The one that did bind must not keep the process alive.
    await Promise.all([drain(ingest), drain(metricsServer)]);
    throw error;
  }
  fleet.start((error, model) => log.error({ err: error, model }, 'drift computation failed'));
  inference.start();
  checkpointer?.start();
  eventLoop.start();
  readiness.ready = true;
  log.info(
    { ingest: ingestAddress, metrics: metricsAddress, tls: options.webConfig?.tls !== undefined, basic_auth: (options.webConfig?.users.size ?? 0) > 0, models: config.models.map((m) => m.name) },
    'mlwatch serving',
  );

  const graceSeconds = options.shutdownGraceSeconds ?? config.metrics.shutdown_grace_seconds;
  const grace = shutdownGrace();
  let closing: Promise<void> | null = null;
  return {
    ingestUrl: `http://${ingestAddress}`,
    metricsUrl: `${options.webConfig?.tls ? 'https' : 'http'}://${metricsAddress}`,
    fleet,
    inference,
    metrics,
    checkpointer,
    close() {
      closing ??= (async () => {
        readiness.ready = false;
        fleet.stop();
        await drain(ingest);
        // After the last request: requests still waiting for a response are recorded without one.
        inference.stop();
        // Every acknowledged event is recorded; the last drift scores include them too.
        try {
          fleet.computeAllDrift();
        } catch (error) {
          log.error({ err: error }, 'final drift computation failed');
        }
        // The last checkpoint holds every acknowledged event (a write failure is logged and counted).
        if (checkpointer !== null) {
          checkpointer.stop();
          await checkpointer.write();
        }
        if (graceSeconds > 0) {
          log.info({ grace_seconds: graceSeconds }, 'ingest drained; /metrics answers for the shutdown grace (metrics.shutdown_grace_seconds)');
          await grace.wait(graceSeconds * 1000);
        }
        await drain(metricsServer);
        eventLoop.stop();
        log.info('mlwatch stopped');
      })();
      return closing;
    },
    endGrace: grace.end,
  };
}

/**
 * The checkpoint sections (the models' states, the fleet's counters), restored from state_dir
 * before anything is served. Another store registers its section here, before the restore.
 */
function startCheckpoints(config: Config, dir: string, fleet: Fleet, inference: InferenceIngest, log: Logger, clock?: Clock): Checkpointer {
  const checkpointer = new Checkpointer(dir, config.checkpoint_interval_seconds, log, clock);
  const modelNames = (): string[] => fleet.models.map((m) => m.monitor.model.name);
  checkpointer.sections.register(new ModelsSection(modelsOf(fleet)));
  checkpointer.sections.register(new CountersSection(modelNames, fleetCounterTables(fleet, inference)));
  checkpointer.sections.register(new LabelsSection(labelModelsOf(fleet)));
  checkpointer.restore(modelNames());
  return checkpointer;
}

/** A wait that can be cut short, once it has started or before. */
function shutdownGrace(): { wait(ms: number): Promise<void>; end(): void } {
  let ended = false;
  let finish: (() => void) | null = null;
  return {
    wait(ms) {
      if (ended) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        finish = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
    end() {
      ended = true;
      finish?.();
    },
  };
}
