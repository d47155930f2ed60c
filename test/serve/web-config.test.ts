// The metrics listener behind a web config (exporter-toolkit's format, --web.config.file):
// the real Prometheus scrapes mlwatch over TLS with a client certificate and basic auth,
// and fails without the password; every page says nosniff; a web config that does not
// load refuses to start. Certificates are made in the test with openssl.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bcryptHash } from '../../src/serve/web/bcrypt.js';
import { createModelFixture, eventGenerator, postJson, type ModelFixture } from '../support/model-fixture.js';
import { PROMETHEUS_BIN, binaryGate, requireBinary, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { runMlwatch, startServe, type ServeProcess } from '../support/serve-cli.js';
import { terminate } from '../support/binary-process.js';

const gate = binaryGate(PROMETHEUS_BIN, 'prometheus');
requireBinary(gate, it);

const PASSWORD = 'correct horse battery staple';
let dir = '';
let fixture: ModelFixture;

function openssl(args: string[]): void {
  execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makeCertificates(): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=mlwatch test CA']);
  for (const [name, ext] of [['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'], ['client', 'extendedKeyUsage=clientAuth']]) {
    writeFileSyncText(join(dir, `${name}.ext`), `${ext}\n`);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=mlwatch ${name}`]);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
  }
}

function writeFileSyncText(path: string, text: string): void {
  execFileSync('/usr/bin/tee', [path], { input: text, stdio: ['pipe', 'ignore', 'inherit'] });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, options: { auth?: string; clientCert?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(join(dir, 'ca.crt')),
        ...(options.clientCert === false ? {} : { cert: readFileSync(join(dir, 'client.crt')), key: readFileSync(join(dir, 'client.key')) }),
        headers: options.auth === undefined ? {} : { authorization: `Basic ${Buffer.from(options.auth).toString('base64')}` },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlwatch-web-config-'));
  makeCertificates();
  const hash = (await bcryptHash(PASSWORD, 10)).replace(/^\$2b\$/, '$2y$'); // as htpasswd writes it
  await writeFile(
    join(dir, 'web.yml'),
    [
      'tls_server_config:',
      '  cert_file: server.crt',
      '  key_file: server.key',
      '  client_ca_file: ca.crt',
      '  client_auth_type: RequireAndVerifyClientCert',
      '  min_version: TLS12',
      'http_server_config:',
      '  headers:',
      '    X-Frame-Options: deny',
      'basic_auth_users:',
      `  prometheus: '${hash}'`,
      '',
    ].join('\n'),
  );
  fixture = await createModelFixture();
  // startServe reads the listeners from the info log line.
  await writeFile(fixture.configPath, readFileSync(fixture.configPath, 'utf8').replace('level: silent', 'level: info'));
}, 60_000);

afterAll(async () => {
  await fixture?.cleanup();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!gate.available)('TLS, client certificates and basic auth on the metrics listener', () => {
  let served: ServeProcess;
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    served = await startServe(['--config', fixture.configPath, '--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--web.config.file', join(dir, 'web.yml')]);
    await postJson(`http://${served.ingest}`, eventGenerator(3).undrifted(25));
    const tls = { ca_file: join(dir, 'ca.crt'), cert_file: join(dir, 'client.crt'), key_file: join(dir, 'client.key') };
    prometheus = await startPrometheus({
      targets: [],
      scrapeConfigs: [
        { job_name: 'with-auth', scheme: 'https', tls_config: tls, basic_auth: { username: 'prometheus', password: PASSWORD }, static_configs: [{ targets: [served.metrics] }] },
        { job_name: 'wrong-password', scheme: 'https', tls_config: tls, basic_auth: { username: 'prometheus', password: 'guess' }, static_configs: [{ targets: [served.metrics] }] },
        { job_name: 'no-auth', scheme: 'https', tls_config: tls, static_configs: [{ targets: [served.metrics] }] },
        { job_name: 'plain-http', static_configs: [{ targets: [served.metrics] }] },
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
    if (served) await terminate(served.child);
  });

  it('Prometheus scrapes over TLS with the password, and fails without it', async () => {
    await prometheus.waitFor('up{job="with-auth"} == 1', (r) => r.length === 1, 30_000);
    const events = await prometheus.waitFor('sum(mlwatch_predictions_total{job="with-auth"})', (r) => r.length === 1 && r[0].value === 25, 15_000);
    expect(events[0].value).toBe(25);
    const down = await prometheus.waitFor('up{job=~"wrong-password|no-auth|plain-http"} == 0', (r) => r.length === 3, 30_000);
    expect(down.map((s) => s.metric.job).sort()).toEqual(['no-auth', 'plain-http', 'wrong-password']);
    const targets = await prometheus.targets();
    const errorOf = (job: string) => targets.find((t) => t.labels.job === job)?.lastError ?? '';
    expect(errorOf('wrong-password')).toContain('401');
    expect(errorOf('no-auth')).toContain('401');
    expect(errorOf('with-auth')).toBe('');
  }, 90_000);

  it('answers 401 with a challenge to a wrong or missing password and to an unknown user; nosniff on every page', async () => {
    const base = `https://${served.metrics}`;
    for (const auth of [undefined, 'prometheus:wrong', 'nobody:wrong', `nobody:${PASSWORD}`]) {
      const answer = await get(`${base}/metrics`, { auth });
      expect(answer.status, String(auth)).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Basic realm="mlwatch"');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.body).not.toContain('mlwatch_');
    }
    for (const path of ['/metrics', '/', '/healthz', '/readyz', '/nowhere']) {
      const answer = await get(`${base}${path}`, { auth: `prometheus:${PASSWORD}` });
      expect(answer.status, path).toBe(path === '/nowhere' ? 404 : 200);
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(answer.headers['x-frame-options'], path).toBe('deny');
    }
    // Probes need no password (they learn only up/ready).
    expect((await get(`${base}/healthz`)).status).toBe(200);
    expect((await get(`${base}/`)).status).toBe(401);
  }, 30_000);

  it('refuses a client without a certificate (RequireAndVerifyClientCert)', async () => {
    await expect(get(`https://${served.metrics}/metrics`, { auth: `prometheus:${PASSWORD}`, clientCert: false })).rejects.toThrow();
  }, 30_000);
});

describe('a web config that does not load refuses to start', () => {
  it.each([
    ['a missing certificate file', 'tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\n', /tls_server_config\.cert_file: cannot read .*missing\.crt \(ENOENT\)/],
    ['a password that is not a bcrypt hash', 'basic_auth_users:\n  alice: secret\n', /basic_auth_users\.alice: expected a bcrypt hash/],
    ['an unknown key', 'basic_auth_user:\n  alice: x\n', /basic_auth_user: unknown key/],
    ['an exporter-toolkit key mlwatch does not implement', 'rate_limit: { interval: 1s, burst: 2 }\n', /rate_limit: not implemented/],
    ['a client CA without a policy that checks it', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n', /client_auth_type is NoClientCert/],
    ['a header that cannot be set', 'http_server_config:\n  headers:\n    X-Frame-Options: allow\n', /X-Frame-Options: expected one of deny, sameorigin/],
    ['YAML that does not parse', 'basic_auth_users: [\n', /--web\.config\.file .*web-bad\.yml: /],
  ])('%s', async (_name, text, message) => {
    const path = join(dir, 'web-bad.yml');
    await writeFile(path, text);
    const run = await runMlwatch(['serve', '--config', fixture.configPath, '--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--web.config.file', path]);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(message);
    expect(run.output).toContain('mlwatch cannot start: --web.config.file');
    expect(run.output).not.toMatch(/\n\s+at /);
    expect(run.output).not.toContain('mlwatch serving');
  }, 30_000);

  it('a web config file that does not exist', async () => {
    const run = await runMlwatch(['serve', '--config', fixture.configPath, '--web.config.file', join(dir, 'absent.yml')]);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/mlwatch cannot start: --web\.config\.file .*absent\.yml: ENOENT/);
  }, 30_000);
});
