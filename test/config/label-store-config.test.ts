// The label_store: section: memory by default, redis with a URL, and each mistake reported at
// its path without the URL's password.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/loader.js';
import { redactUrl } from '../../src/config/redact-url.js';
import { SOURCE, problemsOf, yamlWith } from './fixtures.js';

describe('label_store config', () => {
  it('defaults to the in-process store', () => {
    const config = parseConfig(yamlWith(() => undefined), SOURCE);
    expect(config.label_store).toStrictEqual({ backend: 'memory', key_prefix: 'mlwatch:' });
  });

  it('takes a redis backend with its URL and prefix', () => {
    const config = parseConfig(yamlWith((file) => (file.label_store = { backend: 'redis', url: 'rediss://:s3cret@redis:6380/2', key_prefix: 'fleet-a:' })), SOURCE);
    expect(config.label_store).toStrictEqual({ backend: 'redis', url: 'rediss://:s3cret@redis:6380/2', key_prefix: 'fleet-a:' });
  });

  it.each([
    ['redis without a url', { backend: 'redis' },
      'label_store.url: backend redis needs a url, e.g. "redis://redis:6379" (or rediss:// for TLS)'],
    ['an http url, its password hidden', { backend: 'redis', url: 'http://user:s3cret@redis:6379' },
      'label_store.url: must be a redis:// or rediss:// URL (got "http://user:***@redis:6379")'],
    ['a url that is not one', { backend: 'redis', url: 'redis:6379' },
      'label_store.url: must be a redis:// or rediss:// URL (got "redis:6379", which is not a URL)'],
    ['an unknown backend', { backend: 'memcached' },
      'label_store.backend: must be one of: memory, redis (got "memcached")'],
  ])('refuses %s', (_name, store, expected) => {
    const problems = problemsOf(yamlWith((file) => (file.label_store = store)));
    expect(problems).toStrictEqual([expected]);
    for (const p of problems) expect(p).not.toContain('s3cret');
  });

  it('refuses a prefix with braces (they would break the Redis Cluster hash tag) and unknown keys', () => {
    const problems = problemsOf(yamlWith((file) => (file.label_store = { backend: 'redis', url: 'redis://r:6379', key_prefix: 'a{b}', host: 'r' })));
    expect(problems).toHaveLength(2);
    expect(problems.some((p) => p.startsWith('label_store.key_prefix: must be up to 64 characters without spaces or braces'))).toBe(true);
    expect(problems.some((p) => p.startsWith('label_store') && p.includes('host'))).toBe(true);
  });

  it('redacts a password, or a lone user name that may be a token', () => {
    expect(redactUrl('redis://:pw@h:1/0')).toBe('redis://:***@h:1/0');
    expect(redactUrl('redis://token@h:1')).toBe('redis://***@h:1');
    expect(redactUrl('redis://h:1')).toBe('redis://h:1');
    expect(redactUrl('not a url //u:p@h')).toBe('not a url //***@h');
  });
});
