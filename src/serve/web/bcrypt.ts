// bcrypt through the `bcrypt` package (native, run on libuv's thread pool: a comparison
// never blocks the event loop). htpasswd writes $2y$ hashes, the same algorithm as $2b$,
// which the package reads only under the $2b$ name.
import bcrypt from 'bcrypt';

const HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** The cost of a bcrypt hash, or null when it is not one. */
export function bcryptCost(hash: string): number | null {
  const match = HASH.exec(hash);
  if (!match) return null;
  const cost = Number(match[1]);
  return cost >= 4 && cost <= 31 ? cost : null;
}

export function bcryptCompare(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash.startsWith('$2y$') ? `$2b$${hash.slice(4)}` : hash);
}

export function bcryptHash(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}
