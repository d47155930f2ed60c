// A large body (over SLICED_BODY_BYTES) → events, without freezing the process or building
// more than one event at a time. First the bytes are checked against the JSON limits (depth,
// keys, values per event, events per batch) by a scanner that builds nothing; then each event
// (an element of the top-level array, or an NDJSON line) is decoded, parsed and handed over
// alone. Both passes work in slices and yield to the event loop between them, so no request
// blocks the others for more than a few milliseconds. A JSON body stays all or nothing: it is
// checked whole before its first event is visited.
import { isUtf8 } from 'node:buffer';
import {
  SLICED_BODY_BYTES,
  VISITED,
  batchTooLarge,
  emptyArray,
  failure,
  hasBom,
  invalidEncoding,
  isBlankBytes,
  parseLine,
  visitBody,
  type BodyFailure,
  type BodyVisitor,
  type VisitedBody,
} from './body.js';
import type { BodyFormat } from './content-type.js';
import { JsonSyntaxError } from './json-error.js';
import { JsonLimitError, JsonScanner, type JsonLimits } from './json-scan.js';
import { utf16Offsets } from './json-syntax.js';
import { parseJsonTolerant } from './tolerant-json.js';

/** The limits a body is parsed under (ingest.max_batch_events, max_json_depth, max_object_keys, max_event_values). */
export interface BodyLimits {
  maxEvents: number;
  maxDepth: number;
  maxKeys: number;
  maxValues: number;
}

// Slices are sized for ~1 ms of work on a quiet core, so that even unoptimised (the first
// large body after start) or on a loaded machine a slice stays well under 50 ms.
/** Bytes the scanner checks between two yields. */
const SCAN_SLICE_BYTES = 256 * 1024;
/** Bytes of events parsed and recorded between two yields. */
const PARSE_SLICE_BYTES = 128 * 1024;
/** NDJSON lines (blank ones included) walked between two yields. */
const LINES_PER_SLICE = 2048;

const LF = 0x0a;

/** Let the event loop run whatever is waiting (I/O included) before going on. */
function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether a body takes the sliced path; smaller ones go through visitBody at once. */
export function isLargeBody(body: Buffer): boolean {
  return body.length > SLICED_BODY_BYTES;
}

/** Decode, check and visit a large body in slices. The visitor must belong to this request alone. */
export async function visitLargeBody(body: Buffer, format: BodyFormat, limits: BodyLimits, visitor: BodyVisitor): Promise<VisitedBody> {
  if (!isUtf8(body)) return invalidEncoding(body);
  return format === 'ndjson' ? visitNdjson(body, limits, visitor) : visitJson(body, limits, visitor);
}

async function visitJson(body: Buffer, limits: BodyLimits, visitor: BodyVisitor): Promise<VisitedBody> {
  const start = hasBom(body) ? 3 : 0;
  if (isBlankBytes(body, start, body.length)) {
    return failure('empty_body', 'body is empty; send one event (a JSON object) or a JSON array of events');
  }
  const scanner = new JsonScanner(body, start, body.length, scanLimits(limits, limits.maxEvents), true);
  try {
    while (!scanner.advance(SCAN_SLICE_BYTES)) await yieldToLoop();
  } catch (error) {
    return bodyFailure(error, body, start, limits);
  }
  if (!scanner.topLevelArray) {
    visitor.event(parseJsonTolerant(body.toString('utf8', start, body.length)), 0, 0);
    return VISITED;
  }
  const elements = scanner.elements;
  if (elements.length === 0) return emptyArray();
  let sliceBytes = 0;
  for (let k = 0; k < elements.length; k += 2) {
    const from = elements[k];
    const to = elements[k + 1];
    // Checked whole already: each element parses (NaN tokens become markers).
    visitor.event(parseJsonTolerant(body.toString('utf8', from, to)), k / 2, 0);
    sliceBytes += to - from;
    if (sliceBytes >= PARSE_SLICE_BYTES) {
      sliceBytes = 0;
      await yieldToLoop();
    }
  }
  return VISITED;
}

async function visitNdjson(body: Buffer, limits: BodyLimits, visitor: BodyVisitor): Promise<VisitedBody> {
  const counted = await countEvents(body, limits.maxEvents);
  if (counted === 0) return failure('empty_body', 'body is empty; send one JSON event per line');
  if (counted > limits.maxEvents) return batchTooLarge(null, limits.maxEvents);

  // One line is one event: values count over the whole line, and a top-level array is one value.
  const lineLimits = scanLimits(limits, Infinity);
  let index = 0;
  let lineNumber = 0;
  let sliceBytes = 0;
  let sliceLines = 0;
  const length = body.length;
  for (let start = hasBom(body) ? 3 : 0; start <= length; ) {
    let end = body.indexOf(LF, start);
    if (end < 0) end = length;
    lineNumber++;
    if (!isBlankBytes(body, start, end)) {
      const problem = end - start > SLICED_BODY_BYTES ? await checkLine(body, start, end, lineLimits) : null;
      if (problem !== null) {
        visitor.error(index, lineNumber, describeLineProblem(problem, body, start, lineNumber), problem instanceof JsonLimitError ? 'too_complex' : 'invalid_json');
      } else {
        visitLine(body, start, end, index, lineNumber, visitor);
      }
      index++;
      sliceBytes += end - start;
    }
    start = end + 1;
    if (++sliceLines >= LINES_PER_SLICE || sliceBytes >= PARSE_SLICE_BYTES) {
      sliceLines = 0;
      sliceBytes = 0;
      await yieldToLoop();
    }
  }
  return VISITED;
}

function visitLine(body: Buffer, start: number, end: number, index: number, lineNumber: number, visitor: BodyVisitor): void {
  if (visitor.line?.(body, start, end, index, lineNumber) !== true) parseLine(body, start, end, index, lineNumber, visitor);
}

/** A long line checked against the limits before it is parsed; the problem, or null. */
async function checkLine(body: Buffer, start: number, end: number, limits: JsonLimits): Promise<Error | null> {
  const scanner = new JsonScanner(body, start, end, limits);
  try {
    while (!scanner.advance(SCAN_SLICE_BYTES)) await yieldToLoop();
    return null;
  } catch (error) {
    if (error instanceof JsonLimitError || error instanceof JsonSyntaxError) return error;
    throw error;
  }
}

/** Non-blank lines, counting no further than one past maxEvents; walks the bytes in slices. */
async function countEvents(body: Buffer, maxEvents: number): Promise<number> {
  let count = 0;
  let blank = true;
  const length = body.length;
  let sliceEnd = SCAN_SLICE_BYTES;
  for (let i = hasBom(body) ? 3 : 0; i < length; i++) {
    const c = body[i];
    if (c === LF) {
      if (!blank && ++count > maxEvents) return count;
      blank = true;
    } else if (blank && c !== 0x20 && c !== 0x0d && c !== 0x09) {
      blank = false;
    }
    if (i >= sliceEnd) {
      sliceEnd += SCAN_SLICE_BYTES;
      await yieldToLoop();
    }
  }
  return blank ? count : count + 1;
}

function scanLimits(limits: BodyLimits, maxElements: number): JsonLimits {
  return { maxDepth: limits.maxDepth, maxKeys: limits.maxKeys, maxValues: limits.maxValues, maxElements };
}

function bodyFailure(error: unknown, body: Buffer, start: number, limits: BodyLimits): BodyFailure {
  if (error instanceof JsonLimitError) {
    if (error.limit === 'elements') return batchTooLarge(null, limits.maxEvents);
    return failure('too_complex', limitMessage(error, positionIn(body, start, error.offset)));
  }
  if (error instanceof JsonSyntaxError && error.position !== null) {
    const where = positionIn(body, start, error.position);
    return failure('invalid_json', `invalid JSON: ${error.problem} at position ${where.position} (line ${where.line}, column ${where.column})`);
  }
  throw error;
}

function describeLineProblem(problem: Error, body: Buffer, start: number, lineNumber: number): string {
  const where = problem instanceof JsonLimitError ? problem.offset : (problem as JsonSyntaxError).position ?? start;
  const position = positionIn(body, start, where).position;
  if (problem instanceof JsonLimitError) return `line ${lineNumber} of the body: ${limitMessage(problem, { position })}`;
  return `invalid JSON on line ${lineNumber} of the body: ${(problem as JsonSyntaxError).problem} at position ${position} of the line`;
}

function limitMessage(error: JsonLimitError, where: { position: number; line?: number; column?: number }): string {
  const at = where.line === undefined ? `at position ${where.position}` : `at position ${where.position} (line ${where.line}, column ${where.column})`;
  switch (error.limit) {
    case 'depth':
      return `JSON nested deeper than ${error.max} levels ${at} (ingest.max_json_depth)`;
    case 'keys':
      return `a JSON object with more than ${error.max} keys ${at} (ingest.max_object_keys)`;
    case 'values':
      return `an event with more than ${error.max} JSON values ${at} (ingest.max_event_values)`;
    case 'elements':
      return `more than ${error.max} events ${at} (ingest.max_batch_events)`;
  }
}

/** Where a byte offset is, as JSON.parse would count it: UTF-16 position, 1-based line and column. Error path only. */
function positionIn(body: Buffer, start: number, offset: number): { position: number; line: number; column: number } {
  let line = 1;
  let lineStart = start;
  for (let i = body.indexOf(LF, start); i >= 0 && i < offset; i = body.indexOf(LF, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const [toLine, toOffset] = utf16Offsets(body.subarray(start), [lineStart - start, offset - start]);
  return { position: toOffset, line, column: toOffset - toLine + 1 };
}

/**
 * Any body, under the limits: a small one at once (a VisitedBody), a large one in slices (a
 * Promise). For another endpoint (e.g. a model-server integration) that parses bodies of
 * events; a visitor shared between requests must only be used when the result is not a Promise.
 */
export function visitBodyWithLimits(
  body: Buffer,
  format: BodyFormat,
  limits: BodyLimits,
  visitor: BodyVisitor,
): VisitedBody | Promise<VisitedBody> {
  return isLargeBody(body) ? visitLargeBody(body, format, limits, visitor) : visitBody(body, format, limits.maxEvents, visitor);
}
