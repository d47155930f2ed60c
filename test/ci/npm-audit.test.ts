// CI's audit verdict: a high or critical advisory fails, a registry that does not answer
// the audit endpoint is skipped with the reason, a clean report passes.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types.
import { auditVerdict } from '../../scripts/npm-audit.mjs';

const verdict = auditVerdict as (stdout: string) => { outcome: string; message: string };

const report = (counts: Record<string, number>, vulnerabilities: Record<string, { severity: string }> = {}) =>
  JSON.stringify({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...counts } } });

describe('auditVerdict', () => {
  it('fails on a high or a critical advisory, naming the package', () => {
    expect(verdict(report({ high: 1, total: 1 }, { 'left-pad': { severity: 'high' } }))).toEqual({
      outcome: 'fail',
      message: '0 critical and 1 high advisories: left-pad (high); run npm audit --omit=dev',
    });
    expect(verdict(report({ critical: 2, total: 2 })).outcome).toBe('fail');
  });

  it('passes with only lower advisories', () => {
    expect(verdict(report({ moderate: 3, total: 3 }))).toEqual({ outcome: 'pass', message: 'no high or critical advisory for the production dependencies (3 lower)' });
  });

  it('skips, saying why, when the endpoint refuses or does not answer', () => {
    const refused = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '' } });
    expect(verdict(refused)).toEqual({
      outcome: 'skipped',
      message: 'the registry did not answer the audit endpoint (HTTP 405: 405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk)',
    });
    expect(verdict(JSON.stringify({ error: { code: 'ENOTFOUND', summary: 'getaddrinfo ENOTFOUND' } })).message).toContain('ENOTFOUND');
    expect(verdict('').outcome).toBe('skipped');
  });
});
