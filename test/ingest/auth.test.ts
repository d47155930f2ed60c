// The ingest bearer token fails closed: a config that names a token the process cannot find
// (an unset or empty variable, a missing or empty file) refuses to start with one clear line,
// where it used to start open and accept every caller. A token file (a Kubernetes secret)
// works like the variable; whitespace around either is trimmed.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/loader.js';
import { BearerAuth, ingestAuthFrom } from '../../src/ingest/auth.js';
import { createModelFixture, eventGenerator, type ModelFixture } from '../support/model-fixture.js';
import { MLWATCH_CLI, startServe } from '../support/serve-process.js';
import { testConfig } from '../support/synthetic-reference.js';

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'mlwatch-auth-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

function configWith(ingest: { auth_token_env?: string; auth_token_file?: string }) {
  const config = testConfig();
  Object.assign(config.ingest, ingest);
  return config;
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('ingestAuthFrom', () => {
  it('is open only when neither key is set', () => {
    expect(ingestAuthFrom(testConfig(), {})).toBeNull();
  });

  it('refuses an unset or empty variable', () => {
    expect(refusal(() => ingestAuthFrom(configWith({ auth_token_env: 'TOKEN' }), {}))).toBe(
      'ingest.auth_token_env: the environment variable TOKEN is not set; set it to the bearer token, or remove auth_token_env to accept requests without a token',
    );
    expect(refusal(() => ingestAuthFrom(configWith({ auth_token_env: 'TOKEN' }), { TOKEN: ' \n' }))).toBe(
      'ingest.auth_token_env: the environment variable TOKEN is empty; set it to the bearer token',
    );
  });

  it('reads a token file, trimmed, and refuses a missing or empty one', async () => {
    const file = join(dir, 'token');
    await writeFile(file, 's3cret-from-file\n');
    const auth = ingestAuthFrom(configWith({ auth_token_file: file }), {}) as BearerAuth;
    expect(auth.accepts('Bearer s3cret-from-file')).toBe(true);
    expect(auth.accepts('Bearer s3cret-from-file\n')).toBe(true);
    expect(auth.accepts('Bearer s3cret')).toBe(false);
    expect(refusal(() => ingestAuthFrom(configWith({ auth_token_file: join(dir, 'absent') }), {}))).toBe(
      `ingest.auth_token_file: cannot read ${join(dir, 'absent')} (ENOENT); it must hold the bearer token`,
    );
    await writeFile(join(dir, 'empty'), '\n');
    expect(refusal(() => ingestAuthFrom(configWith({ auth_token_file: join(dir, 'empty') }), {}))).toBe(`ingest.auth_token_file: ${join(dir, 'empty')} is empty; it must hold the bearer token`);
  });

  it('refuses both keys at once, and a token an Authorization header cannot carry', () => {
    expect(refusal(() => ingestAuthFrom(configWith({ auth_token_env: 'T', auth_token_file: '/x' }), { T: 'a' }))).toMatch(/not both/);
    expect(refusal(() => ingestAuthFrom(configWith({ auth_token_env: 'T' }), { T: 'two words' }))).toMatch(/visible ASCII/);
    expect(refusal(() => ingestAuthFrom(configWith({ auth_token_env: 'T' }), { T: 'x'.repeat(5000) }))).toMatch(/longer than 4096/);
  });

  it('compares the token whatever its length, and only after "Bearer "', () => {
    const auth = new BearerAuth('abc');
    for (const header of [undefined, '', 'abc', 'Bearer', 'Bearer ', 'Bearer ab', 'Bearer abcd', 'Token abc', `Bearer ${'a'.repeat(10_000)}`]) {
      expect(auth.accepts(header)).toBe(false);
    }
    expect(auth.accepts('Bearer abc')).toBe(true);
    expect(auth.accepts('BEARER abc')).toBe(true);
  });
});

describe('mlwatch serve with a bearer token', () => {
  let fixture: ModelFixture;

  beforeAll(async () => {
    fixture = await createModelFixture();
    const yaml = await readFile(fixture.configPath, 'utf8');
    await writeFile(fixture.configPath, yaml.replace('level: silent', 'level: info'));
  }, 30_000);
  afterAll(() => fixture?.cleanup());

  const withIngest = async (ingest: string): Promise<string> => {
    const yaml = await readFile(fixture.configPath, 'utf8');
    const path = join(fixture.dir, `auth-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(path, yaml.replace('ingest: { listen: "127.0.0.1:0" }', `ingest: { listen: "127.0.0.1:0", ${ingest} }`));
    return path;
  };

  it('refuses to start when the variable is unset: exit 1, one clear line, no stack trace', async () => {
    const config = await withIngest('auth_token_env: MLWATCH_UNSET_TOKEN_FOR_TEST');
    const env = { ...process.env };
    delete env.MLWATCH_UNSET_TOKEN_FOR_TEST;
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, [MLWATCH_CLI, 'serve', '--config', config, '--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'], { env });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.once('exit', (exit) => resolve({ code: exit, output: out }));
    });
    expect(code).toBe(1);
    expect(output).toContain('ingest.auth_token_env: the environment variable MLWATCH_UNSET_TOKEN_FOR_TEST is not set');
    expect(output).not.toContain('mlwatch serving');
    expect(output).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('serves with a token file, refusing callers without it', async () => {
    const tokenFile = join(fixture.dir, 'ingest-token');
    await writeFile(tokenFile, 'k8s-secret-token\n');
    const served = await startServe(await withIngest('auth_token_file: ingest-token'));
    try {
      const url = `${served.ingestUrl}/v1/models/shop/predictions`;
      const body = JSON.stringify(eventGenerator(5).undrifted(1)[0]);
      const headers = { 'content-type': 'application/json' };
      expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(401);
      const ok = await fetch(url, { method: 'POST', headers: { ...headers, authorization: 'Bearer k8s-secret-token' }, body });
      expect(ok.status).toBe(200);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  }, 30_000);
});
