// HTTP basic auth against bcrypt hashes, as exporter-toolkit does it: an unknown user is
// compared against a dummy hash of the same cost (so timing does not tell which users
// exist), a verdict is cached per (user, hash, password) digest so a scrape every few
// seconds does not pay bcrypt's ~50-100 ms each time, and comparisons run one at a time.
// Beyond MAX_WAITING queued comparisons, callers are told to come back (a flood of wrong
// passwords cannot queue without bound).
import { createHash, randomBytes } from 'node:crypto';
import { bcryptCompare, bcryptCost, bcryptHash } from './bcrypt.js';

const CACHE_SIZE = 100;
const MAX_WAITING = 16;

export type AuthVerdict = 'ok' | 'denied' | 'busy';

export class BasicAuth {
  private readonly cache = new Map<string, boolean>();
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  private constructor(
    private readonly users: Map<string, string>,
    private readonly dummyHash: string,
  ) {}

  /** Null when there are no users (no auth). */
  static async create(users: Map<string, string>): Promise<BasicAuth | null> {
    if (users.size === 0) return null;
    // The dummy costs what most users' hashes cost.
    const costs = [...users.values()].map((h) => bcryptCost(h) as number).sort((a, b) => a - b);
    const dummy = await bcryptHash(randomBytes(18).toString('base64'), costs[Math.floor(costs.length / 2)]);
    return new BasicAuth(users, dummy);
  }

  /** The verdict on an Authorization header value. */
  async check(authorization: string | undefined): Promise<AuthVerdict> {
    const credentials = parseBasic(authorization);
    if (credentials === null) return 'denied';
    const known = this.users.get(credentials.user);
    const hash = known ?? this.dummyHash;
    const key = createHash('sha256').update(credentials.user).update('\0').update(hash).update('\0').update(credentials.password).digest('base64');
    let verdict = this.cache.get(key);
    if (verdict === undefined) {
      if (this.waiting >= MAX_WAITING) return 'busy';
      verdict = await this.serialised(() => bcryptCompare(credentials.password, hash));
      this.remember(key, verdict);
    }
    // bcrypt compares its digests in constant time; an unknown user took the same path.
    return verdict && known !== undefined ? 'ok' : 'denied';
  }

  private serialised(compare: () => Promise<boolean>): Promise<boolean> {
    this.waiting++;
    const run = this.queue.then(compare, compare);
    this.queue = run.catch(() => false);
    return run.catch(() => false).finally(() => this.waiting--);
  }

  private remember(key: string, verdict: boolean): void {
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, verdict);
  }
}

function parseBasic(header: string | undefined): { user: string; password: string } | null {
  if (header === undefined) return null;
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
