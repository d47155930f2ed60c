// Reloading the config and the references it names without a restart (SIGHUP, or POST
// /-/reload with --web.enable-lifecycle). Everything is loaded and checked before anything
// changes: a config or a reference that does not load refuses the reload (one log line per
// problem, mlwatch_config_last_reload_successful 0) and the running core keeps serving.
// Otherwise a new core is built, ingest is held while the old core's last requests record
// their events, the state moves across (checkpoint/transfer.ts), and the new core serves.
// Reloads run one at a time; a request during one queues one more (later ones share it).
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, loadConfig } from '../config/loader.js';
import type { Config } from '../config/types.js';
import { modelWarnings } from '../config/model-warnings.js';
import { setLogLevel, type Logger } from '../log.js';
import type { Reference } from '../reference/types.js';
import type { TransferOutcome } from '../checkpoint/transfer.js';
import type { ReloadStatus } from '../metrics/collectors/reload.js';
import { layoutFingerprint } from '../monitor/state.js';
import type { ServingCore } from './core.js';

/** Settings a reload cannot change: they belong to listeners and files opened at start. */
const RESTART_ONLY: readonly { key: string; of: (c: Config) => unknown }[] = [
  { key: 'ingest', of: (c) => c.ingest },
  { key: 'metrics.listen', of: (c) => c.metrics.listen },
  { key: 'state_dir', of: (c) => c.state_dir },
  { key: 'checkpoint_interval_seconds', of: (c) => c.checkpoint_interval_seconds },
  { key: 'label_store', of: (c) => c.label_store },
];

export function restartOnlyChanges(running: Config, next: Config): string[] {
  return RESTART_ONLY.filter(({ of }) => !isDeepStrictEqual(of(running), of(next))).map(
    ({ key }) => `${key}: changed, and it is read only at start (listeners, ingest auth and limits, state_dir, label_store); restart mlwatch to change it`,
  );
}

/** The config file and its references, loaded and checked; the problems when they do not load. */
export async function loadForReload(
  path: string,
  running: Config,
  loadReferences: (config: Config) => Promise<Map<string, Reference>>,
): Promise<{ config: Config; references: Map<string, Reference> } | { problems: string[] }> {
  let config: Config;
  try {
    config = await loadConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems.map((p) => `${path}: ${p}`) };
    return { problems: [`${path}: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const problems = restartOnlyChanges(running, config);
  if (problems.length > 0) return { problems };
  try {
    return { config, references: await loadReferences(config) };
  } catch (error) {
    const listed = (error as { problems?: unknown }).problems;
    return { problems: Array.isArray(listed) ? listed.map(String) : [error instanceof Error ? error.message : String(error)] };
  }
}

export function logReloaded(log: Logger, trigger: string, config: Config, references: ReadonlyMap<string, Reference>, moved: TransferOutcome): void {
  setLogLevel(config.logging.level);
  config.models.forEach((model, i) => {
    const reference = references.get(model.name);
    if (reference !== undefined) for (const warning of modelWarnings(model, i, reference)) log.warn({ model: model.name }, warning);
  });
  log.info({ trigger, kept: moved.kept, fresh_window: moved.fresh, added: moved.added, removed: moved.removed }, 'config reloaded');
}

/** One reload at a time; a request while one runs queues one more, and requests meanwhile share it. */
export class ReloadQueue {
  private running: Promise<readonly string[]> | null = null;
  private queued: Promise<readonly string[]> | null = null;

  constructor(private readonly run: (trigger: string) => Promise<readonly string[]>) {}

  reload(trigger: string): Promise<readonly string[]> {
    if (this.running === null) return this.start(trigger);
    this.queued ??= this.running.then(() => {
      this.queued = null;
      return this.start(trigger);
    });
    return this.queued;
  }

  /** Resolves once no reload runs or waits. */
  async idle(): Promise<void> {
    while (this.running !== null || this.queued !== null) await (this.queued ?? this.running);
  }

  private start(trigger: string): Promise<readonly string[]> {
    const run = this.run(trigger).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}

/** Each model's reference checksum, and since when: kept from `previous` for a model whose fingerprint is unchanged. */
export function noteReferences(status: ReloadStatus, previous: ServingCore | null, config: Config, references: ReadonlyMap<string, Reference>, nowMs: number): void {
  const before = new Map(status.references);
  status.references.clear();
  for (const model of config.models) {
    const reference = references.get(model.name) as Reference;
    const old = before.get(model.name);
    const oldModel = previous?.fleet.byName.get(model.name);
    const fingerprint = oldModel === undefined ? null : layoutFingerprint(model, reference, config.metrics.latency_buckets_seconds);
    const unchanged = old !== undefined && oldModel !== undefined && fingerprint === oldModel.monitor.state.fingerprint;
    status.references.set(model.name, { checksum: reference.checksum, loadedAtMs: unchanged ? old.loadedAtMs : nowMs });
  }
  if (previous !== null) {
    status.lastSuccessful = true;
    status.lastSuccessMs = nowMs;
  }
}
