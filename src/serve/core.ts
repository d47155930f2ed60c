// The serving core: everything built from one config and its references — the fleet of
// monitors, the model-server integrations, the ingest handler and the scrape's collectors.
// The listeners, the checkpointer and the process metrics outlive it: they read the core of
// the moment through one mutable reference (CoreHolder), which a reload swaps. The core also
// counts its ingest requests in flight, so a reload moves the state only once the last
// request into the old core has recorded its events.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import { Fleet, type Clock } from '../monitor/fleet.js';
import { MetricsRegistry, createCollectors } from '../metrics/registry.js';
import type { Collector } from '../metrics/collector.js';
import type { EventLoopDelay } from '../metrics/event-loop.js';
import type { Reference } from '../reference/types.js';
import { INGEST_ROUTES, createIngestHandler } from '../ingest/handler.js';
import type { BearerAuth } from '../ingest/auth.js';
import type { BodyBudget } from '../ingest/body-budget.js';
import { InferenceIngest } from '../integrations/inference-ingest.js';
import type { LabelStoreConnection } from '../monitor/labels/redis/connection.js';
import { integrationRoutes } from '../integrations/http.js';
import { InferenceIntegrationsCollector } from '../metrics/collectors/inference-integrations.js';

/** What every core of the process shares (none of it is reloaded). */
export interface CoreContext {
  log: Logger;
  clock?: Clock;
  /** The ingest bearer token, read once at start. */
  auth: BearerAuth | null;
  /** One memory budget for request bodies, whichever core reads them. */
  budget: BodyBudget;
  eventLoop: EventLoopDelay;
  /** Collectors of the process, not of a config (checkpoints, reloads). */
  processCollectors: readonly Collector[];
  processMetrics: boolean;
  /** label_store redis: the one connection every core's label joins use. */
  labelStore: LabelStoreConnection | null;
}

export interface ServingCore {
  config: Config;
  references: ReadonlyMap<string, Reference>;
  fleet: Fleet;
  inference: InferenceIngest;
  metrics: MetricsRegistry;
  /** The ingest handler, counting the requests it is serving. */
  handler: RequestListener;
  /** Resolves once no ingest request is in flight in this core. */
  idle(): Promise<void>;
}

/** The process metrics of the first core's registry are reused by every later one (collected once). */
export function buildCore(config: Config, references: ReadonlyMap<string, Reference>, context: CoreContext, processRegistry?: Registry): ServingCore {
  const fleet = new Fleet(config, references, context.clock, context.labelStore);
  const inference = new InferenceIngest(fleet, config);
  const collectors = [...createCollectors(fleet, context.eventLoop), new InferenceIntegrationsCollector(fleet, inference), ...context.processCollectors];
  const metrics = new MetricsRegistry(collectors, context.log, {
    processMetrics: context.processMetrics,
    ...(processRegistry === undefined ? {} : { processRegistry }),
  });
  const handle = createIngestHandler(fleet, config.ingest, context.log, {
    auth: context.auth,
    logFeatureValues: config.logging.log_feature_values,
    budget: context.budget,
    routes: [...INGEST_ROUTES, ...integrationRoutes(inference)],
  });
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const done = (): void => {
    if (--inFlight > 0) return;
    for (const wake of waiters) wake();
    waiters = [];
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    // 'close' comes for every response, answered or cut; the events are recorded before the answer.
    res.once('close', done);
    handle(req, res);
  };
  const idle = (): Promise<void> => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)));
  return { config, references, fleet, inference, metrics, handler, idle };
}

/** The core of the moment; `swap` is the only way it changes. */
export class CoreHolder {
  constructor(private core: ServingCore) {}

  get current(): ServingCore {
    return this.core;
  }

  swap(next: ServingCore): ServingCore {
    const previous = this.core;
    this.core = next;
    return previous;
  }
}
