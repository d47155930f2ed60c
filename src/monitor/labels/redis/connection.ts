// The one Redis connection of the process for the fleet's label join (label_store: redis).
// Commands fail at once while it is down — no offline queue, no retries of a written command,
// a timeout for one that gets no answer — so nothing waits on Redis beyond that; it reconnects
// by itself, within 2 s of Redis coming back. The URL may hold a password: only its redacted
// form is ever logged.
import { Redis } from 'ioredis';
import { redactUrl } from '../../../config/redact-url.js';
import type { LabelStoreConfig } from '../../../config/types.js';
import type { Logger } from '../../../log.js';
import { JOIN_SCRIPTS } from './scripts.js';

/** A command with no answer after this is failed (a hung Redis must not hold a label request). */
const COMMAND_TIMEOUT_MS = 2000;
const RECONNECT_MAX_MS = 2000;

export class LabelStoreConnection {
  readonly redis: Redis;
  readonly keyPrefix: string;
  private down = false;

  constructor(config: LabelStoreConfig, log: Logger) {
    const url = config.url ?? '';
    const where = redactUrl(url);
    this.keyPrefix = config.key_prefix;
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), RECONNECT_MAX_MS),
      scripts: JOIN_SCRIPTS,
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
    });
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
