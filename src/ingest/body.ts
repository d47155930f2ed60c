// Request body → events, for a small body (up to SLICED_BODY_BYTES; larger ones go through
// sliced-body.ts). A parser only: it checks encoding, JSON syntax and the batch size; the
// envelope of each event is the monitor's business. Runs per request on the ingest hot path,
// so the happy path is one decode plus JSON.parse (once per body, or once per line): a body
// this small cannot nest or hold keys enough to cost more than a fraction of a millisecond.
// Messages never quote the body: it may hold personal data.
import type { BodyFormat } from './content-type.js';
import { parseJsonTolerant } from './tolerant-json.js';
import { JsonSyntaxError } from './json-syntax.js';
import { firstInvalidUtf8Byte } from './utf8.js';
import { isUtf8 } from 'node:buffer';

export interface EventError {
  /** The event's position in the request: array index (JSON) or non-blank line (NDJSON), 0-based. */
  index: number;
  /** NDJSON only: the event's line in the body, 1-based (blank lines counted). */
  line?: number;
  message: string;
}

/** Bodies larger than this are checked against the JSON limits and parsed in slices (sliced-body.ts). */
export const SLICED_BODY_BYTES = 64 * 1024;

/** Why a whole body is refused; decided before any of its events is visited. */
export interface BodyFailure {
  ok: false;
  reason: 'invalid_json' | 'batch_too_large' | 'empty_body' | 'invalid_encoding' | 'too_complex';
  message: string;
}

/** Why one event (an NDJSON line) could not be parsed. */
export type LineFailureReason = 'invalid_json' | 'too_complex';

type Failure = BodyFailure;

// A leading BOM is dropped; the body was checked with isUtf8 first.
const utf8 = new TextDecoder('utf-8');

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Receives a body's events one at a time, in request order, as they are parsed: the caller
 * records each event before the next is parsed, so a batch never holds all its parsed events
 * at once (they die young instead of being promoted by the garbage collector).
 */
export interface BodyVisitor {
  /** `line`: the NDJSON line (1-based), 0 for a JSON body. */
  event(value: unknown, index: number, line: number): void;
  /** An event that did not parse (an NDJSON line); message never quotes the body. */
  error(index: number, line: number, message: string, reason: LineFailureReason): void;
  /**
   * A visitor's fast path for an NDJSON line: true when it took the line from its bytes
   * body[start, end) without a parse; false to have the line parsed and visited as usual.
   */
  line?(body: Buffer, start: number, end: number, index: number, line: number): boolean;
}

export type VisitedBody = { ok: true } | Failure;

/**
 * Decode and check the whole body, then hand its events to `visitor`. Body-level failures
 * (encoding, empty, batch too large, unparseable JSON) are decided before any event is visited.
 */
export function visitBody(body: Buffer, format: BodyFormat, maxEvents: number, visitor: BodyVisitor): VisitedBody {
  if (!isUtf8(body)) return invalidEncoding(body);
  if (format === 'ndjson') return visitNdjsonBody(body, maxEvents, visitor);
  // Valid UTF-8 already, so this cannot throw; it drops a leading BOM.
  return visitJsonBody(utf8.decode(body), maxEvents, visitor);
}

/** One event (any JSON value) or an array of events. */
function visitJsonBody(text: string, maxEvents: number, visitor: BodyVisitor): VisitedBody {
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
    if (maxEvents < 1) return batchTooLarge(1, maxEvents);
    visitor.event(value, 0, 0);
    return VISITED;
  }
  const events: unknown[] = value;
  if (events.length === 0) return emptyArray();
  if (events.length > maxEvents) return batchTooLarge(events.length, maxEvents);
  for (let i = 0; i < events.length; i++) visitor.event(events[i], i, 0);
  return VISITED;
}

/**
 * One JSON value per line (LF or CRLF); blank lines are skipped; a bad line is an error at its
 * index. Lines are cut from the bytes and decoded one at a time, so a large batch never becomes
 * one large string (which would live in the old generation until the next full collection).
 */
function visitNdjsonBody(body: Buffer, maxEvents: number, visitor: BodyVisitor): VisitedBody {
  const count = countNonBlankLines(body);
  if (count === 0) return failure('empty_body', 'body is empty; send one JSON event per line');
  if (count > maxEvents) return batchTooLarge(count, maxEvents);

  let index = 0;
  let lineNumber = 0;
  const length = body.length;
  for (let start = hasBom(body) ? 3 : 0; start <= length; ) {
    let end = body.indexOf(LF, start);
    if (end < 0) end = length;
    lineNumber++;
    if (!isBlankBytes(body, start, end)) {
      if (visitor.line?.(body, start, end, index, lineNumber) !== true) parseLine(body, start, end, index, lineNumber, visitor);
      index++;
    }
    start = end + 1;
  }
  return VISITED;
}

/** Parse one NDJSON line and visit its value, or its error. */
export function parseLine(body: Buffer, start: number, end: number, index: number, lineNumber: number, visitor: BodyVisitor): void {
  let value: unknown;
  try {
    value = parseJsonTolerant(body.toString('utf8', start, end));
  } catch (error) {
    visitor.error(index, lineNumber, describeLineError(error, lineNumber), 'invalid_json');
    return;
  }
  visitor.event(value, index, lineNumber);
}

/** A UTF-8 byte order mark, which TextDecoder would drop. */
export function hasBom(body: Buffer): boolean {
  return body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
}

export function countNonBlankLines(body: Buffer): number {
  let count = 0;
  const length = body.length;
  for (let start = hasBom(body) ? 3 : 0; start <= length; ) {
    let end = body.indexOf(LF, start);
    if (end < 0) end = length;
    if (!isBlankBytes(body, start, end)) count++;
    start = end + 1;
  }
  return count;
}

/** Only JSON whitespace bytes between start and end; usually decided by the first byte. */
export function isBlankBytes(body: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = body[i];
    if (c !== SPACE && c !== CR && c !== TAB && c !== LF) return false;
  }
  return true;
}

export const VISITED: VisitedBody = { ok: true };

/** Only JSON whitespace between start and end; usually decided by the first character. */
function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== CR && c !== TAB && c !== LF) return false;
  }
  return true;
}

export function describeBodyError(error: unknown, text: string): string {
  if (!(error instanceof JsonSyntaxError)) return 'nesting too deep or malformed';
  if (error.position === null) return 'invalid JSON';
  const lineStart = text.lastIndexOf('\n', error.position - 1) + 1;
  const line = countLineBreaks(text, lineStart) + 1;
  const column = error.position - lineStart + 1;
  return `invalid JSON: ${error.problem} at position ${error.position} (line ${line}, column ${column})`;
}

export function describeLineError(error: unknown, lineNumber: number): string {
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

export function invalidEncoding(body: Buffer): Failure {
  const offset = firstInvalidUtf8Byte(body);
  const where = offset < 0 ? '' : ` (first bad byte at offset ${offset})`;
  return failure('invalid_encoding', `body is not valid UTF-8${where}; send the JSON encoded as UTF-8`);
}

export function emptyArray(): Failure {
  return failure('empty_body', 'the array holds no events; send at least one event');
}

/** `count` null: counting stopped past the limit. */
export function batchTooLarge(count: number | null, maxEvents: number): Failure {
  const size = count === null ? `batch of more than ${maxEvents} events is` : `batch of ${count} events is more than`;
  return failure('batch_too_large', `${size} the limit of ${maxEvents} (ingest.max_batch_events); split it into smaller requests`);
}

export function failure(reason: Failure['reason'], message: string): Failure {
  return { ok: false, reason, message };
}
