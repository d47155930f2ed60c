// The one Redis connection of the process for the fleet's label join (label_store: redis).
// Commands fail at once while it is down — no offline queue, no retries of a written command,
// a timeout for one that gets no answer — so nothing waits on Redis beyond that; it reconnects
// by itself, within 2 s of Redis coming back. The scripts are loaded on every (re)connection
// and called by EVALSHA; a NOSCRIPT answer (Redis restarted or flushed its scripts) loads them
// and sends those calls once more. The URL may hold a password: only its redacted form is ever
// logged.
import type { ChainableCommander, Redis } from 'ioredis';
import { redactUrl } from '../../../config/redact-url.js';
import type { LabelStoreConfig } from '../../../config/types.js';
import type { Logger } from '../../../log.js';
import { SCRIPTS, type Script } from './scripts.js';

/** A pipeline's answers: [error, reply] per call, in order. */
export type Replies = [Error | null, unknown][];

/** A command with no answer after this is failed (a hung Redis must not hold a label request). */
const COMMAND_TIMEOUT_MS = 2000;
const RECONNECT_MAX_MS = 2000;

export class LabelStoreConnection {
  readonly redis: Redis;
  readonly keyPrefix: string;
  private down = false;

  /**
   * The connection, with the client loaded only now: ioredis adds ~24 MB of RSS to a process,
   * which a sidecar on the in-process store (the default) should not carry.
   */
  static async open(config: LabelStoreConfig, log: Logger): Promise<LabelStoreConnection> {
    const { Redis: Client } = await import('ioredis');
    return new LabelStoreConnection(config, log, Client);
  }

  private constructor(config: LabelStoreConfig, log: Logger, Client: typeof Redis) {
    const url = config.url ?? '';
    const where = redactUrl(url);
    this.keyPrefix = config.key_prefix;
    this.redis = new Client(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), RECONNECT_MAX_MS),
    });
    // One line when it goes away and one when it is back, not one per reconnect attempt.
    this.redis.on('error', (error: Error) => {
      if (this.down) return;
      this.down = true;
      log.warn({ label_store: where, error: error.message }, 'label store (Redis) unreachable; predictions are still monitored, labels are refused until it is back');
    });
    this.redis.on('ready', () => {
      log.info({ label_store: where }, this.down ? 'label store (Redis) reachable again' : 'label store (Redis) connected');
      this.down = false;
      // A failure here is retried by the first NOSCRIPT answer.
      this.loadScripts().catch(() => undefined);
    });
  }

  private loadScripts(): Promise<unknown> {
    return Promise.all(Object.values(SCRIPTS).map((s) => this.redis.script('LOAD', s.lua)));
  }

  /**
   * `n` script calls in one pipeline (`add` puts call k on it with evalsha); the calls answered
   * NOSCRIPT are sent again once the scripts are loaded. Rejects when the pipeline cannot be sent.
   */
  async calls(n: number, add: (pipeline: ChainableCommander, k: number) => void): Promise<Replies> {
    const pipeline = this.redis.pipeline();
    for (let k = 0; k < n; k++) add(pipeline, k);
    const replies = (await pipeline.exec()) ?? [];
    const missing: number[] = [];
    replies.forEach(([error], k) => {
      if (error !== null && error.message.startsWith('NOSCRIPT')) missing.push(k);
    });
    if (missing.length === 0) return replies;
    await this.loadScripts();
    const again = this.redis.pipeline();
    for (const k of missing) add(again, k);
    const more = (await again.exec()) ?? [];
    missing.forEach((k, j) => (replies[k] = more[j] ?? [new Error('no reply'), null]));
    return replies;
  }

  /** One script call on its own (the sweep); NOSCRIPT handled as in calls. */
  async call(script: Script, args: (string | number)[]): Promise<unknown> {
    const [[error, reply]] = await this.calls(1, (p) => p.evalsha(script.sha, script.keys, ...args));
    if (error !== null) throw error;
    return reply;
  }

  /** Whether commands can be sent now. */
  get ready(): boolean {
    return this.redis.status === 'ready';
  }

  /** Close the connection (after the last flush); never rejects. */
  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
