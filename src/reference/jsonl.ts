// A streaming JSON Lines parser: one JSON object per line, fed chunks of bytes (a line
// and a UTF-8 character may span chunks). Blank lines are skipped; a line that is not a
// JSON object is passed on with a problem so the caller can report and skip it.
import { StringDecoder } from 'node:string_decoder';

export class JsonlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'JsonlSyntaxError';
  }
}

export type JsonlRowHandler = (row: Record<string, unknown> | null, line: number, problem: string | null) => void;

/** Longest line accepted, in characters: keeps memory bounded on a file that is not JSON Lines. */
export const DEFAULT_MAX_LINE_CHARS = 16 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

export class JsonlParser {
  private readonly decoder = new StringDecoder('utf8');
  /** The start of a line whose end has not arrived yet, in pieces (no quadratic re-concatenation). */
  private pending: string[] = [];
  private pendingChars = 0;
  private line = 1;
  private atStart = true;

  constructor(
    private readonly onRow: JsonlRowHandler,
    private readonly maxLineChars = DEFAULT_MAX_LINE_CHARS,
  ) {}

  write(chunk: Buffer | string): void {
    this.parse(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  /** Parses the last line (a missing final newline is fine). */
  end(): void {
    this.parse(this.decoder.end());
    if (this.pending.length > 0) {
      const text = this.pending.join('');
      this.pending = [];
      this.pendingChars = 0;
      this.parseLine(text);
    }
  }

  private parse(text: string): void {
    let start = 0;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === BOM) start = 1;
    }
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      let lineText = text.slice(start, newline);
      if (this.pending.length > 0) {
        this.pending.push(lineText);
        lineText = this.pending.join('');
        this.pending = [];
        this.pendingChars = 0;
      }
      this.checkLength(lineText.length);
      this.parseLine(lineText);
      this.line++;
      start = newline + 1;
    }
    if (start < text.length) {
      this.pending.push(text.slice(start));
      this.pendingChars += text.length - start;
      this.checkLength(this.pendingChars);
    }
  }

  private checkLength(chars: number): void {
    if (chars > this.maxLineChars) {
      throw new JsonlSyntaxError(
        `line ${this.line} is longer than ${this.maxLineChars} characters (is this really JSON Lines, one object per line?)`,
        this.line,
      );
    }
  }

  private parseLine(raw: string): void {
    const text = raw.length > 0 && raw.charCodeAt(raw.length - 1) === CR ? raw.slice(0, -1) : raw;
    if (isBlank(text)) return;
    const value = parseJsonLine(text);
    if (value === INVALID_JSON) {
      this.onRow(null, this.line, 'not valid JSON');
    } else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.onRow(null, this.line, `expected a JSON object, found ${describeJson(value)}`);
    } else {
      this.onRow(value as Record<string, unknown>, this.line, null);
    }
  }
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== CR && c !== LF) return false;
  }
  return true;
}

const INVALID_JSON = Symbol('invalid JSON');

/**
 * JSON.parse, and on failure a second try that accepts the bare NaN, Infinity and
 * -Infinity Python's json module writes for non-finite floats: they come back as the
 * non-finite numbers, so they count as invalid values rather than malformed lines.
 */
function parseJsonLine(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const marked = markNonFiniteTokens(text);
    if (marked === null) return INVALID_JSON;
    try {
      return JSON.parse(marked, (_key, value: unknown) => (typeof value === 'string' && NON_FINITE.has(value) ? NON_FINITE.get(value) : value)) as unknown;
    } catch {
      return INVALID_JSON;
    }
  }
}

const NON_FINITE_TOKENS: [string, number][] = [
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['NaN', Number.NaN],
];
/** Marker string (starts with NUL, which no sane value does) → the number it stands for. */
const NON_FINITE = new Map(NON_FINITE_TOKENS.map(([token, value]) => [`\u0000${token}`, value]));

/** Replaces non-finite tokens outside strings by marker strings; null if there are none. */
function markNonFiniteTokens(text: string): string | null {
  let out = '';
  let copiedTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c !== 'N' && c !== 'I' && c !== '-') continue;
    const match = NON_FINITE_TOKENS.find(([token]) => text.startsWith(token, i));
    if (match === undefined) continue;
    out += text.slice(copiedTo, i) + JSON.stringify(`\u0000${match[0]}`);
    i += match[0].length - 1;
    copiedTo = i + 1;
  }
  return copiedTo === 0 ? null : out + text.slice(copiedTo);
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
