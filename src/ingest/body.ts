// Request body → events. A parser only: it checks encoding, JSON syntax and the batch size;
// the envelope of each event is the monitor's business. Runs per request on the ingest hot
// path, so the happy path is one decode plus JSON.parse (once per body, or once per line).
// Messages never quote the body: it may hold personal data.
import type { BodyFormat } from './content-type.js';
import { parseJsonTolerant } from './tolerant-json.js';
import { JsonSyntaxError } from './json-syntax.js';
import { firstInvalidUtf8Byte } from './utf8.js';

export interface EventError {
  /** The event's position in the request: array index (JSON) or non-blank line (NDJSON), 0-based. */
  index: number;
  message: string;
}

export type ParsedBody =
  | {
      ok: true;
      events: unknown[];
      /**
       * The request index of each event: events[i] came from request index indexes[i].
       * null when they are the same (events[i] is request index i) — always for JSON, and for
       * NDJSON with no bad line — so the happy path allocates nothing for it.
       */
      indexes: number[] | null;
      /** Events that did not parse (NDJSON lines); they are not in `events`. */
      errors: EventError[];
    }
  | { ok: false; reason: 'invalid_json' | 'batch_too_large' | 'empty_body' | 'invalid_encoding'; message: string };

type Failure = Extract<ParsedBody, { ok: false }>;

// fatal: invalid UTF-8 throws instead of becoming U+FFFD; a leading BOM is dropped.
const utf8 = new TextDecoder('utf-8', { fatal: true });

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

export function parseBody(body: Buffer, format: BodyFormat, maxEvents: number): ParsedBody {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return invalidEncoding(body);
  }
  return format === 'json' ? parseJsonBody(text, maxEvents) : parseNdjsonBody(text, maxEvents);
}

/** One event (any JSON value) or an array of events. */
function parseJsonBody(text: string, maxEvents: number): ParsedBody {
  let value: unknown;
  try {
    value = parseJsonTolerant(text);
  } catch (error) {
    if (isBlank(text, 0, text.length)) {
      return failure('empty_body', 'body is empty; send one event (a JSON object) or a JSON array of events');
    }
    return failure('invalid_json', describeBodyError(error, text));
  }
  if (!Array.isArray(value)) {
    return maxEvents < 1 ? batchTooLarge(1, maxEvents) : { ok: true, events: [value], indexes: null, errors: [] };
  }
  const events: unknown[] = value;
  if (events.length > maxEvents) return batchTooLarge(events.length, maxEvents);
  return { ok: true, events, indexes: null, errors: [] };
}

/** One JSON value per line (LF or CRLF); blank lines are skipped; a bad line is an error at its index. */
function parseNdjsonBody(text: string, maxEvents: number): ParsedBody {
  const count = countNonBlankLines(text);
  if (count === 0) return failure('empty_body', 'body is empty; send one JSON event per line');
  if (count > maxEvents) return batchTooLarge(count, maxEvents);

  const events: unknown[] = [];
  const errors: EventError[] = [];
  let indexes: number[] | null = null;
  let index = 0;
  let lineNumber = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    if (!isBlank(text, start, end)) {
      try {
        events.push(parseJsonTolerant(text.slice(start, end)));
        if (indexes !== null) indexes.push(index);
      } catch (error) {
        // From the first bad line on, events and request indexes part ways.
        if (indexes === null) indexes = Array.from({ length: events.length }, (_, i) => i);
        errors.push({ index, message: describeLineError(error, lineNumber) });
      }
      index++;
    }
    start = end + 1;
  }
  return { ok: true, events, indexes, errors };
}

function countNonBlankLines(text: string): number {
  let count = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (!isBlank(text, start, end)) count++;
    start = end + 1;
  }
  return count;
}

/** Only JSON whitespace between start and end; usually decided by the first character. */
function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== CR && c !== TAB && c !== LF) return false;
  }
  return true;
}

function describeBodyError(error: unknown, text: string): string {
  if (!(error instanceof JsonSyntaxError)) return 'nesting too deep or malformed';
  if (error.position === null) return 'invalid JSON';
  const lineStart = text.lastIndexOf('\n', error.position - 1) + 1;
  const line = countLineBreaks(text, lineStart) + 1;
  const column = error.position - lineStart + 1;
  return `invalid JSON: ${error.problem} at position ${error.position} (line ${line}, column ${column})`;
}

function describeLineError(error: unknown, lineNumber: number): string {
  const where = `line ${lineNumber} of the body`;
  if (!(error instanceof JsonSyntaxError)) return `${where}: nesting too deep or malformed`;
  if (error.position === null) return `invalid JSON on ${where}`;
  return `invalid JSON on ${where}: ${error.problem} at position ${error.position} of the line`;
}

function countLineBreaks(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function invalidEncoding(body: Buffer): Failure {
  const offset = firstInvalidUtf8Byte(body);
  const where = offset < 0 ? '' : ` (first bad byte at offset ${offset})`;
  return failure('invalid_encoding', `body is not valid UTF-8${where}; send the JSON encoded as UTF-8`);
}

function batchTooLarge(count: number, maxEvents: number): Failure {
  return failure(
    'batch_too_large',
    `batch of ${count} events is more than the limit of ${maxEvents} (ingest.max_batch_events); split it into smaller requests`,
  );
}

function failure(reason: Failure['reason'], message: string): Failure {
  return { ok: false, reason, message };
}
