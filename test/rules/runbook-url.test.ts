// runbook_base_url: any http(s) URL; {alert}/{anchor} placed where the alert goes, else
// "#<anchor>" appended. Checked through the thresholds loader (every problem by its path)
// and through the generated rules (every alert's runbook_url).
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ALERT_NAMES, ThresholdsError, alertRuleGroups, parseThresholds } from '../../src/rules/alerts.js';
import { runbookUrl } from '../../src/rules/runbook-url.js';
import { THRESHOLDS_FILE, readText } from './alerts-support.js';

function withBase(base: unknown): Record<string, unknown> {
  const doc = load(readText(THRESHOLDS_FILE)) as Record<string, unknown>;
  doc.runbook_base_url = base;
  return doc;
}

function problemsOf(base: unknown): string[] {
  try {
    parseThresholds(withBase(base), 'test.yaml');
  } catch (error) {
    if (error instanceof ThresholdsError) return error.problems;
    throw error;
  }
  return [];
}

describe('runbookUrl', () => {
  it.each([
    ['https://github.com/acme/mlwatch/blob/main/docs/runbook.md', 'https://github.com/acme/mlwatch/blob/main/docs/runbook.md#mlwatchdown'],
    ['https://backstage.acme.io/docs/default/component/mlwatch/runbook/', 'https://backstage.acme.io/docs/default/component/mlwatch/runbook/#mlwatchdown'],
    ['https://wiki.acme.io/runbooks/{alert}', 'https://wiki.acme.io/runbooks/MLWatchDown'],
    ['https://acme.atlassian.net/wiki/spaces/OPS/pages/123/mlwatch#{alert}', 'https://acme.atlassian.net/wiki/spaces/OPS/pages/123/mlwatch#MLWatchDown'],
    ['http://runbooks.internal/ml?alert={anchor}&team=sre', 'http://runbooks.internal/ml?alert=mlwatchdown&team=sre'],
  ])('%s → %s', (base, url) => {
    expect(runbookUrl(base, 'MLWatchDown')).toBe(url);
    expect(problemsOf(base)).toEqual([]);
  });
});

describe('runbook_base_url in the thresholds file', () => {
  it('no longer has to end in /runbook.md: every generated alert links into the base', () => {
    const t = parseThresholds(withBase('https://wiki.acme.io/runbooks/{alert}'), 'test.yaml');
    const urls = alertRuleGroups(t).flatMap((g) => g.rules.map((r) => [r.alert, r.annotations.runbook_url]));
    expect(urls).toHaveLength(ALERT_NAMES.length);
    for (const [alert, url] of urls) expect(url).toBe(`https://wiki.acme.io/runbooks/${alert}`);
  });

  it.each([
    [undefined, /^runbook_base_url: expected an http\(s\) URL, e\.g\. .*, got nothing$/],
    ['docs/runbook.md', /expected an http\(s\) URL.*got "docs\/runbook\.md"/],
    ['ftp://acme.io/runbook.md', /expected an http\(s\) URL.*got "ftp:/],
    ['https://acme.io/run book', /expected an http\(s\) URL/],
    ['https://wiki.acme.io/{alertname}', /unknown placeholder \{alertname\} \(expected \{alert\} or \{anchor\}\)/],
    ['https://wiki.acme.io/runbook#mlwatch', /has a #fragment but no \{alert\} or \{anchor\}.*"https:\/\/wiki\.acme\.io\/runbook#\{anchor\}"/],
  ])('rejects %j, saying what is right', (base, message) => {
    const problems = problemsOf(base);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
