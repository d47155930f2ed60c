// Reads back what the demo needs from a /metrics page: a small parser of the Prometheus
// text exposition format (samples only; HELP/TYPE lines and timestamps are skipped).
// Enough for our own exporter's output, not a general-purpose client.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export class ExpositionSyntaxError extends Error {
  constructor(line: number, problem: string) {
    super(`metrics text line ${line}: ${problem}`);
    this.name = 'ExpositionSyntaxError';
  }
}

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    samples.push(parseSampleLine(line, i + 1));
  }
  return samples;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseSampleLine(line: string, lineNumber: number): Sample {
  const name = METRIC_NAME.exec(line)?.[0];
  if (name === undefined) throw new ExpositionSyntaxError(lineNumber, `expected a metric name, found ${JSON.stringify(line.slice(0, 40))}`);
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') at = parseLabels(line, at + 1, labels, lineNumber);
  // After the value an optional timestamp may follow; we don't need it.
  const valueText = line.slice(at).trim().split(/\s+/)[0] ?? '';
  const value = parseValue(valueText);
  if (value === null) throw new ExpositionSyntaxError(lineNumber, `${name} has no numeric value (found ${JSON.stringify(valueText)})`);
  return { name, labels, value };
}

/** Parses `a="x",b="y"}` from `start`; returns the index after the closing brace. */
function parseLabels(line: string, start: number, labels: Record<string, string>, lineNumber: number): number {
  let at = start;
  for (;;) {
    while (line[at] === ' ' || line[at] === ',') at++;
    if (line[at] === '}') return at + 1;
    const labelName = LABEL_NAME.exec(line.slice(at))?.[0];
    if (labelName === undefined || line[at + labelName.length] !== '=' || line[at + labelName.length + 1] !== '"') {
      throw new ExpositionSyntaxError(lineNumber, `malformed label at column ${at + 1}`);
    }
    at += labelName.length + 2;
    let value = '';
    for (;;) {
      const ch = line[at];
      if (ch === undefined) throw new ExpositionSyntaxError(lineNumber, `label ${labelName} has no closing quote`);
      at++;
      if (ch === '"') break;
      if (ch !== '\\') {
        value += ch;
        continue;
      }
      const escaped = line[at++];
      value += escaped === 'n' ? '\n' : (escaped ?? '');
    }
    labels[labelName] = value;
  }
}

function parseValue(text: string): number | null {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === '') return null;
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}

/** Samples of `name` whose labels include every label in `match`. */
export function selectSamples(samples: readonly Sample[], name: string, match: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** The sum of the matching samples' values, or null when there are none (the series is absent). */
export function sumSamples(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number | null {
  const selected = selectSamples(samples, name, match);
  if (selected.length === 0) return null;
  let sum = 0;
  for (const s of selected) sum += s.value;
  return sum;
}
