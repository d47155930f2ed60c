// The running sidecar: references loaded and checked, the fleet of monitors with its
// timers, the ingest and metrics listeners, and a close() that drains ingest, keeps
// /metrics answering for the shutdown grace (so a last scrape sees every acknowledged
// event), then drains the metrics listener.
import type { Config, ListenAddress } from '../config/types.js';
import { logger as defaultLogger, type Logger } from '../log.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fleet, Clock } from '../monitor/fleet.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { Collector } from '../metrics/collector.js';
import { ReloadCollector, type ReloadStatus } from '../metrics/collectors/reload.js';
import { ingestAuthFrom } from '../ingest/auth.js';
import { BodyBudget } from '../ingest/body-budget.js';
import { CoreHolder, buildCore, type CoreContext, type ServingCore } from './core.js';
import { ReloadQueue, loadForReload, logReloaded, noteReferences } from './reload.js';
import { transferState } from '../checkpoint/transfer.js';
import { EventLoopDelay } from '../metrics/event-loop.js';
import { ReferenceLoadError, loadReference } from '../reference/io.js';
import { checkReferenceMatchesModel } from '../reference/validate.js';
import { cellBudget, cellBudgetProblem } from '../monitor/cell-budget.js';
import { modelWarnings } from '../config/model-warnings.js';
import type { Reference } from '../reference/types.js';
import { createIngestServer } from '../ingest/server.js';
import type { InferenceIngest } from '../integrations/inference-ingest.js';
import { drain, listen } from './listeners.js';
import { createMetricsApp, type Lifecycle, type Readiness } from './metrics-app.js';
import type { WebConfig } from './web/config.js';
import { createMetricsServer } from './web/metrics-server.js';
import { Checkpointer } from '../checkpoint/checkpointer.js';
import { CountersSection, fleetCounterTables } from '../checkpoint/counters-section.js';
import { LabelsSection } from '../checkpoint/labels-section.js';
import { ModelsSection } from '../checkpoint/model-section.js';
import { CheckpointCollector } from '../metrics/collectors/checkpoint.js';
import { LabelStoreConnection } from '../monitor/labels/redis/connection.js';

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
  /** POST /-/reload on the metrics listener (--web.enable-lifecycle); without it, 403. */
  enableLifecycle?: boolean;
}

export interface Sidecar {
  ingestUrl: string;
  metricsUrl: string;
  fleet: Fleet;
  inference: InferenceIngest;
  metrics: MetricsRegistry;
  /** The state's checkpoints, when state_dir is set. */
  checkpointer: Checkpointer | null;
  /** Reload the config file and its references (SIGHUP); resolves to the problems that refused it, none when reloaded. */
  reload(trigger?: string): Promise<readonly string[]>;
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
  const clock = options.clock ?? Date.now;
  const references = await loadReferences(config);
  config.models.forEach((model, i) => {
    for (const warning of modelWarnings(model, i, references.get(model.name) as Reference)) log.warn({ model: model.name }, warning);
  });
  const eventLoop = new EventLoopDelay();
  const reloadStatus: ReloadStatus = { lastSuccessful: true, lastSuccessMs: clock(), references: new Map() };
  noteReferences(reloadStatus, null, config, references, clock());
  const processCollectors: Collector[] = [new ReloadCollector(reloadStatus)];
  const context: CoreContext = {
    log,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    auth: ingestAuthFrom(config),
    budget: new BodyBudget(config.ingest.max_buffered_bytes),
    eventLoop,
    processCollectors,
    processMetrics: options.processMetrics ?? true,
    labelStore: config.label_store.backend === 'redis' ? await LabelStoreConnection.open(config.label_store, log) : null,
  };
  // The checkpointer's sections read the core of the moment, so a reload needs nothing of it.
  let holder: CoreHolder | null = null;
  const now = (): ServingCore => (holder as CoreHolder).current;
  const checkpointer = config.state_dir === undefined ? null : new Checkpointer(config.state_dir, config.checkpoint_interval_seconds, log, options.clock);
  if (checkpointer !== null) processCollectors.push(new CheckpointCollector(checkpointer, options.clock));
  holder = new CoreHolder(buildCore(config, references, context));
  if (checkpointer !== null) restoreCheckpoints(checkpointer, now);
  const readiness: Readiness = { ready: false };

  // During a reload's state move, ingest requests wait here (and are then served by the new core).
  let held: [IncomingMessage, ServerResponse][] | null = null;
  const dispatch = (req: IncomingMessage, res: ServerResponse): void => {
    if (held !== null) held.push([req, res]);
    else now().handler(req, res);
  };
  const ingest = createIngestServer(now().fleet, config, log, { current: () => ({ fleet: now().fleet, handler: dispatch }) });
  const reloads = new ReloadQueue((trigger) => reloadOnce(trigger));
  const lifecycle: Lifecycle = { enabled: options.enableLifecycle ?? false, reload: (trigger) => reloads.reload(trigger) };
  const metricsServer = await createMetricsServer(createMetricsApp(now, readiness, log, lifecycle), options.webConfig, log);
  let ingestAddress: string;
  let metricsAddress: string;
  try {
    ingestAddress = await listen(ingest, options.ingestListen ?? config.ingest.listen, 'ingest');
    readiness.ingestUrl = `http://${ingestAddress}`;
    metricsAddress = await listen(metricsServer, options.metricsListen ?? config.metrics.listen, 'metrics');
  } catch (error) {
    // The one that did bind must not keep the process alive.
    await Promise.all([drain(ingest), drain(metricsServer), context.labelStore?.close()]);
    throw error;
  }
  const onDriftError = (error: unknown, model: string): void => log.error({ err: error, model }, 'drift computation failed');
  now().fleet.start(onDriftError);
  now().inference.start();
  checkpointer?.start();
  eventLoop.start();
  readiness.ready = true;
  log.info(
    { ingest: ingestAddress, metrics: metricsAddress, tls: options.webConfig?.tls !== undefined, basic_auth: (options.webConfig?.users.size ?? 0) > 0, models: config.models.map((m) => m.name) },
    'mlwatch serving',
  );

  let closing: Promise<void> | null = null;

  async function reloadOnce(trigger: string): Promise<readonly string[]> {
    if (closing !== null) return ['mlwatch is stopping; nothing is reloaded'];
    const running = now();
    const loaded = await loadForReload(config.source_path, running.config, loadReferences);
    let next: ServingCore | null = null;
    let problems: string[] = 'problems' in loaded ? loaded.problems : [];
    if (!('problems' in loaded)) {
      try {
        next = buildCore(loaded.config, loaded.references, context, running.metrics.registry);
      } catch (error) {
        problems = [error instanceof Error ? error.message : String(error)];
      }
    }
    if (next === null || closing !== null) {
      if (closing !== null) problems = ['mlwatch is stopping; nothing is reloaded'];
      reloadStatus.lastSuccessful = false;
      for (const problem of problems) log.error({ trigger, problem }, 'reload refused; the running config keeps serving');
      return problems;
    }
    // Hold new requests while the old core's last ones record (bounded by the request timeout).
    held = [];
    await Promise.race([running.idle(), new Promise((r) => setTimeout(r, (running.config.ingest.request_timeout_seconds + 1) * 1000).unref())]);
    // From here to the swap: synchronous, so no event falls between the two cores.
    running.fleet.stop();
    running.inference.stop();
    const nowMs = clock();
    const moved = transferState(running, next, nowMs, log);
    holder?.swap(next);
    // The old core's label joins send what waits (a join they complete counts in the old core).
    void running.fleet.stopLabelJoins();
    noteReferences(reloadStatus, running, next.config, next.references, nowMs);
    if (checkpointer !== null) {
      for (const name of moved.removed) checkpointer.status.restoredModels.delete(name);
      for (const name of moved.added) checkpointer.status.restoredModels.set(name, false);
    }
    next.fleet.start(onDriftError);
    next.inference.start();
    const waiting = held;
    held = null;
    for (const [req, res] of waiting) next.handler(req, res);
    logReloaded(log, trigger, next.config, next.references, moved);
    return [];
  }

  const graceSeconds = options.shutdownGraceSeconds ?? config.metrics.shutdown_grace_seconds;
  const grace = shutdownGrace();
  return {
    ingestUrl: `http://${ingestAddress}`,
    metricsUrl: `${options.webConfig?.tls ? 'https' : 'http'}://${metricsAddress}`,
    get fleet() {
      return now().fleet;
    },
    get inference() {
      return now().inference;
    },
    get metrics() {
      return now().metrics;
    },
    checkpointer,
    reload: (trigger = 'api') => reloads.reload(trigger),
    close() {
      closing ??= (async () => {
        readiness.ready = false;
        // A reload under way finishes first (it may hold requests); none starts after.
        await reloads.idle();
        const { fleet, inference } = now();
        fleet.stop();
        await drain(ingest);
        // After the last request: requests still waiting for a response are recorded without one.
        inference.stop();
        // The predictions waiting for Redis go before the last checkpoint.
        await fleet.stopLabelJoins();
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
        await context.labelStore?.close();
        eventLoop.stop();
        log.info('mlwatch stopped');
      })();
      return closing;
    },
    endGrace: grace.end,
  };
}

/**
 * The checkpoint sections (the models' states, the fleet's counters) over the core of the
 * moment, restored from state_dir before anything is served. Another store registers its
 * section here, before the restore.
 */
function restoreCheckpoints(checkpointer: Checkpointer, now: () => ServingCore): void {
  const fleet = (): Fleet => now().fleet;
  const modelNames = (): string[] => fleet().models.map((m) => m.monitor.model.name);
  checkpointer.sections.register(new ModelsSection(() => fleet().models));
  checkpointer.sections.register(new CountersSection(modelNames, () => fleetCounterTables(fleet(), now().inference)()));
  checkpointer.sections.register(new LabelsSection(() => fleet().models));
  checkpointer.restore(modelNames());
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
