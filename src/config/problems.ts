// A problem in a config file, located by its path in the user's file, and the helpers
// that turn paths and values into the words a user reads: `models[0].features[3].range`.

export type PathSegment = string | number;

export interface Problem {
  /** Where in the file: keys and list indexes from the top; empty for the file as a whole. */
  path: PathSegment[];
  message: string;
}

export function problem(path: PathSegment[], message: string): Problem {
  return { path, message };
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `models[0].features[3].range`; keys that are not identifiers are quoted: `ingest["my key"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(top level)';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export function formatProblem(p: Problem): string {
  return `${formatPath(p.path)}: ${p.message}`;
}

const MAX_SHOWN_STRING = 60;

/** A value as a user would recognise it from the file, short. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value (null)';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN_STRING ? `${value.slice(0, MAX_SHOWN_STRING)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'infinity' : '-infinity';
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return 'a YAML timestamp';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `value[key]` when value is a mapping that has it as its own key; undefined otherwise. */
export function field(value: unknown, key: string): unknown {
  return isRecord(value) && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Edit distance, for "did you mean" on misspelt keys. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest of `candidates` to `word`, if close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // About one edit per three letters; short words have too many near neighbours to guess.
  let best: string | undefined;
  let bestDistance = Math.floor(word.length / 3) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
