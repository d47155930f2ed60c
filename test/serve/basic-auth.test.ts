// Basic auth's promises that a scrape cannot show: an unknown user costs one bcrypt
// comparison like a known one (timing does not tell which users exist), a verdict is
// cached so repeated scrapes do not pay bcrypt, and comparisons run one at a time.
import bcrypt from 'bcrypt';
import { describe, expect, it, vi } from 'vitest';
import { BasicAuth } from '../../src/serve/web/basic-auth.js';

const header = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('BasicAuth', async () => {
  const hash = (await bcrypt.hash('s3cret', 4)).replace(/^\$2b\$/, '$2y$');
  const auth = (await BasicAuth.create(new Map([['alice', hash]]))) as BasicAuth;

  it('no users means no basic auth', async () => {
    expect(await BasicAuth.create(new Map())).toBeNull();
  });

  it('accepts the password of an htpasswd ($2y$) hash, and nothing else', async () => {
    expect(await auth.check(header('alice', 's3cret'))).toBe('ok');
    for (const value of [undefined, '', 'Bearer x', 'Basic !!!', header('alice', 's3cre'), header('alice', 's3cret '), header('bob', 's3cret'), header('', '')]) {
      expect(await auth.check(value), String(value)).toBe('denied');
    }
  });

  it('an unknown user costs one bcrypt comparison, as a wrong password does; a verdict seen before costs none', async () => {
    const compare = vi.spyOn(bcrypt, 'compare');
    await auth.check(header('mallory', 'guess-1'));
    expect(compare).toHaveBeenCalledTimes(1);
    // The dummy hash has the users' cost.
    expect(bcrypt.getRounds(compare.mock.calls[0][1] as string)).toBe(4);
    await auth.check(header('alice', 'guess-1'));
    expect(compare).toHaveBeenCalledTimes(2);
    await auth.check(header('alice', 's3cret'));
    await auth.check(header('alice', 's3cret'));
    await auth.check(header('mallory', 'guess-1'));
    expect(compare).toHaveBeenCalledTimes(2);
    compare.mockRestore();
  });

  it('runs one comparison at a time and turns callers away beyond 16 waiting', async () => {
    let running = 0;
    let most = 0;
    const real = bcrypt.compare.bind(bcrypt) as (a: string, b: string) => Promise<boolean>;
    const compare = vi.spyOn(bcrypt, 'compare').mockImplementation((async (a: string, b: string) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      const verdict = await real(a, b);
      running--;
      return verdict;
    }) as never);
    const verdicts = await Promise.all(Array.from({ length: 20 }, (_, i) => auth.check(header('alice', `flood-${i}`))));
    expect(most).toBe(1);
    expect(verdicts.filter((v) => v === 'busy')).toHaveLength(4);
    expect(verdicts.filter((v) => v === 'denied')).toHaveLength(16);
    compare.mockRestore();
  });
});
