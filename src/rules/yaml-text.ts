// Writes the rule file as YAML text by hand rather than through js-yaml's dump, so the
// committed file keeps its header comment and multi-line expressions stay readable
// (block scalars). Strings that are not plain words are JSON-quoted, which YAML reads back.
import type { AlertRule, RuleGroup } from './rule.js';

// Plain words and durations; anything YAML could read as a number or boolean is quoted.
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9_.\/-]*$/;
const NOT_PLAIN = /^([-+.0-9eE_]+|0x.*|0o.*|true|false|yes|no|on|off|null|~)$/i;

export function rulesYaml(header: string[], groups: RuleGroup[]): string {
  const lines = header.map((line) => (line === '' ? '#' : `# ${line}`));
  lines.push('groups:');
  for (const group of groups) {
    lines.push(`  - name: ${scalar(group.name)}`, '    rules:');
    for (const rule of group.rules) lines.push(...ruleLines(rule));
  }
  return `${lines.join('\n')}\n`;
}

function ruleLines(rule: AlertRule): string[] {
  const pad = '        ';
  return [
    `      - alert: ${scalar(rule.alert)}`,
    ...exprLines(rule.expr),
    `${pad}for: ${scalar(rule.for)}`,
    `${pad}labels:`,
    ...Object.entries(rule.labels).map(([key, value]) => `${pad}  ${key}: ${scalar(value)}`),
    `${pad}annotations:`,
    ...Object.entries(rule.annotations).map(([key, value]) => `${pad}  ${key}: ${JSON.stringify(value)}`),
  ];
}

function exprLines(expr: string): string[] {
  if (!expr.includes('\n')) return [`        expr: ${JSON.stringify(expr)}`];
  return ['        expr: |-', ...expr.split('\n').map((line) => `          ${line}`)];
}

function scalar(value: string): string {
  return PLAIN.test(value) && !NOT_PLAIN.test(value) ? value : JSON.stringify(value);
}
