// Raw-socket fuzzing of a live `mlwatch serve`: many lanes, each one keep-alive connection
// at a time, send the seeded cases of ingest-cases.ts and judge every outcome. Afterwards the
// scrape must count exactly the events the answers accepted, and the process must still serve.
import { readFile, writeFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { createModelFixture } from '../support/model-fixture.js';
import { RawConnection, type RawOutcome } from '../support/raw-http.js';
import { sampleValue, scrape, startServe } from '../support/serve-process.js';
import { fuzzCase, type FuzzCase } from './ingest-cases.js';

export interface FuzzReport {
  requests: number;
  cases: number;
  seconds: number;
  byKind: Record<string, number>;
  byStatus: Record<string, number>;
  closes: number;
  accepted: number;
  scraped: number;
  failures: string[];
}

const LANES = 8;
const MAX_FAILURES = 20;

export async function runIngestFuzz(caseCount: number, seed: number): Promise<FuzzReport> {
  const fixture = await createModelFixture();
  const yaml = await readFile(fixture.configPath, 'utf8');
  await writeFile(fixture.configPath, yaml.replace('level: silent', 'level: info'));
  const server = await startServe(fixture.configPath);
  const report: FuzzReport = { requests: 0, cases: 0, seconds: 0, byKind: {}, byStatus: {}, closes: 0, accepted: 0, scraped: 0, failures: [] };
  const started = Date.now();
  let next = 0;
  const fail = (index: number, c: FuzzCase, problem: string): void => {
    if (report.failures.length < MAX_FAILURES) report.failures.push(`case ${index} (${c.kind}): ${problem}`);
  };
  try {
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        let connection: RawConnection | null = null;
        let previous = 'none';
        while (next < caseCount) {
          const index = next++;
          const c = fuzzCase(seed, index);
          if (connection === null || !connection.isOpen) {
            connection = new RawConnection(server.ingestPort);
            previous = 'none (new connection)';
          }
          const outcomes: RawOutcome[] = [await connection.exchange(c.pieces, { endAfter: c.endAfter ?? false, timeoutMs: 15_000 })];
          for (let k = 1; k < (c.responses ?? 1) && outcomes[k - 1].kind === 'response'; k++) outcomes.push(await connection.next(15_000));
          report.cases++;
          report.byKind[c.kind] = (report.byKind[c.kind] ?? 0) + 1;
          let accepted = 0;
          for (const outcome of outcomes) {
            report.requests++;
            accepted += judge(outcome, c, index, report, (i, k, p) => fail(i, k, `${p} [after ${previous} on this connection]`));
          }
          if (c.accepted !== undefined && accepted !== c.accepted && outcomes.every((o) => o.kind === 'response')) {
            fail(index, c, `accepted ${accepted}, expected ${c.accepted}`);
          }
          report.accepted += accepted;
          previous = `case ${index} (${c.kind})`;
          const closing = outcomes.some((o) => o.kind !== 'response' || o.response.headers.connection === 'close');
          if (c.fresh || closing) {
            connection.destroy();
            connection = null;
          }
        }
        connection?.destroy();
      }),
    );
    report.seconds = (Date.now() - started) / 1000;
    expect(server.child.exitCode, `mlwatch serve died:\n${server.output().slice(-4000)}`).toBeNull();
    expect((await fetch(`${server.metricsUrl}/healthz`)).status).toBe(200);
    const exposition = await scrape(server);
    report.scraped = exposition
      .split('\n')
      .filter((l) => l.startsWith('mlwatch_predictions_total{model="shop"'))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sampleValue(exposition, 'mlwatch_events_rejected_total{model="shop",reason="internal_error"}')).toBe(0);
    expect(server.output()).not.toContain('ingest request failed');
  } finally {
    const code = await server.stop();
    await fixture.cleanup();
    if (code !== 0) report.failures.push(`mlwatch serve exited ${code} on SIGTERM`);
  }
  return report;
}

/** Checks one outcome against the case; returns the events it accepted. */
function judge(outcome: RawOutcome, c: FuzzCase, index: number, report: FuzzReport, fail: (i: number, c: FuzzCase, p: string) => void): number {
  if (outcome.kind === 'timeout') {
    fail(index, c, 'no answer within 15 s (a stall)');
    return 0;
  }
  if (outcome.kind === 'closed') {
    report.closes++;
    if (!c.mayClose) fail(index, c, 'connection closed without an answer');
    return 0;
  }
  const { status, headers, body } = outcome.response;
  report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
  if (!c.statuses.includes(status)) fail(index, c, `status ${status}, expected one of ${c.statuses.join(', ')}: ${body.toString('utf8').slice(0, 200)}`);
  if (headers['content-type'] !== 'application/json') fail(index, c, `content-type ${headers['content-type']}`);
  if (headers['x-content-type-options'] !== 'nosniff') fail(index, c, 'no X-Content-Type-Options: nosniff');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    fail(index, c, `answer is not JSON: ${body.toString('utf8').slice(0, 200)}`);
    return 0;
  }
  if (status < 300) {
    if (typeof json.accepted !== 'number' || typeof json.rejected !== 'number' || !Array.isArray(json.errors)) fail(index, c, `2xx without counts: ${JSON.stringify(json)}`);
    return typeof json.accepted === 'number' ? json.accepted : 0;
  }
  if (typeof json.error !== 'string' || typeof json.message !== 'string' || json.message === '') {
    // A 400 for "nothing accepted" carries the counts instead of a single reason.
    if (!(status === 400 && typeof json.accepted === 'number' && json.accepted === 0)) fail(index, c, `refusal without a reason: ${JSON.stringify(json)}`);
  }
  return 0;
}

export function describeReport(report: FuzzReport): string {
  const kinds = Object.entries(report.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
  const statuses = Object.entries(report.byStatus).map(([s, n]) => `${s}: ${n}`).join(', ');
  return [
    `${report.cases} cases, ${report.requests} requests in ${report.seconds.toFixed(1)} s`,
    `statuses ${statuses}; documented closes ${report.closes}`,
    `events accepted by the answers ${report.accepted}, counted by the scrape ${report.scraped}`,
    `cases: ${kinds}`,
  ].join('\n  ');
}
