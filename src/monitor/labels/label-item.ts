// One ground-truth label as sent: { "id", "label", "timestamp"? }. Checked against the model:
// a classifier's label is one of its classes (a binary model also takes 0/1 and false/true,
// meaning classes[0]/classes[1]); a regression's label is a finite number. The timestamp (ISO
// 8601 or Unix seconds) says when the outcome was known, for the lag; absent: its arrival.
import type { ModelConfig } from '../../config/types.js';
import type { IdHash } from './id-hash.js';
import { NONE, NUMBER, STRING, TRUE, FALSE, type LabelLine, type ValueSpan } from './label-line.js';

type Json = Record<string, unknown>;

/** The label read from an item: class index (classification) or value (regression). */
export interface ReadLabel {
  labelClass: number;
  labelValue: number;
  /** Unix ms, or NaN when the item has no timestamp. */
  timeMs: number;
}

/** The longest integer id read from its bytes: 15 digits are always a safe integer. */
const MAX_ID_DIGITS = 15;

export class LabelReader {
  private readonly classIndex: Map<string, number>;
  /** Each class name's UTF-8 bytes, to look a label read from its bytes up. */
  private readonly classBytes: Uint8Array[];
  private readonly binary: boolean;
  private readonly regression: boolean;
  private readonly expected: string;

  constructor(model: ModelConfig) {
    this.classIndex = new Map(model.classes.map((name, i) => [name, i]));
    this.classBytes = model.classes.map((name) => Uint8Array.from(Buffer.from(name, 'utf8')));
    this.binary = model.task === 'binary_classification';
    this.regression = model.task === 'regression';
    const listed = model.classes.slice(0, 10).map((c) => JSON.stringify(c)).join(', ');
    this.expected = this.regression
      ? 'a finite number'
      : `one of the classes ${listed}${model.classes.length > 10 ? ', …' : ''}${this.binary ? ' (or 0/1, false/true)' : ''}`;
  }

  /** Why the item is not a label (a message that never quotes the value), or null with `out` filled. */
  read(item: unknown, out: ReadLabel): string | null {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'a label must be a JSON object { "id", "label", "timestamp"? }';
    const e = item as Json;
    const id = e.id;
    if (!(typeof id === 'string' && id.length > 0) && !(typeof id === 'number' && Number.isFinite(id))) {
      return '"id" must be a non-empty string or a number (the id of the prediction)';
    }
    const problem = this.regression ? this.readValue(e.label, out) : this.readClass(e.label, out);
    if (problem !== null) return problem;
    return readTimestamp(e.timestamp, out);
  }

  /**
   * A label line read from its bytes (label-line.ts) into `out`, its id hashed into `hash`:
   * true when it is a valid label read exactly as JSON.parse and read() would; false when
   * anything is unusual or wrong, and the line must go through JSON.parse and read() (which
   * then give the answer and the message).
   */
  readLine(line: LabelLine, body: Buffer, hash: IdHash, out: ReadLabel): boolean {
    const { id, label, timestamp } = line;
    if (id.kind === STRING) {
      if (!id.plain || id.end === id.start) return false;
    } else if (id.kind !== NUMBER || !id.plain || id.end - id.start > MAX_ID_DIGITS || isMinusZero(body, id)) return false;
    if (!(this.regression ? this.lineValue(label, body, out) : this.lineClass(label, body, out))) return false;
    if (!lineTimestamp(timestamp, body, out)) return false;
    hash.ofAscii(body, id.start, id.end);
    return true;
  }

  private lineClass(label: ValueSpan, body: Buffer, out: ReadLabel): boolean {
    let index = -1;
    if (label.kind === STRING) index = this.classOfBytes(body, label.start, label.end);
    else if (this.binary && label.kind === NUMBER && label.end === label.start + 1 && (body[label.start] === 0x30 || body[label.start] === 0x31)) index = body[label.start] - 0x30;
    else if (this.binary && (label.kind === TRUE || label.kind === FALSE)) index = label.kind === TRUE ? 1 : 0;
    if (index < 0) return false;
    out.labelClass = index;
    out.labelValue = NaN;
    return true;
  }

  private lineValue(label: ValueSpan, body: Buffer, out: ReadLabel): boolean {
    if (label.kind !== NUMBER) return false;
    const value = Number(body.toString('latin1', label.start, label.end));
    if (value - value !== 0) return false;
    out.labelClass = -1;
    out.labelValue = value;
    return true;
  }

  private classOfBytes(body: Buffer, start: number, end: number): number {
    const length = end - start;
    for (let c = 0; c < this.classBytes.length; c++) {
      const name = this.classBytes[c];
      if (name.length !== length) continue;
      let i = 0;
      while (i < length && body[start + i] === name[i]) i++;
      if (i === length) return c;
    }
    return -1;
  }

  private readClass(label: unknown, out: ReadLabel): string | null {
    let index: number | undefined;
    if (typeof label === 'string') index = this.classIndex.get(label);
    else if (this.binary && (label === 0 || label === 1)) index = label;
    else if (this.binary && typeof label === 'boolean') index = label ? 1 : 0;
    if (index === undefined) return `"label" must be ${this.expected}`;
    out.labelClass = index;
    out.labelValue = NaN;
    return null;
  }

  private readValue(label: unknown, out: ReadLabel): string | null {
    if (typeof label !== 'number' || label - label !== 0) return `"label" must be ${this.expected}`;
    out.labelClass = -1;
    out.labelValue = label;
    return null;
  }
}

/** A line's timestamp as readTimestamp reads the parsed one; false when absent-or-valid does not hold. */
function lineTimestamp(timestamp: ValueSpan, body: Buffer, out: ReadLabel): boolean {
  out.timeMs = NaN;
  if (timestamp.kind === NONE) return true;
  let ms = NaN;
  if (timestamp.kind === NUMBER) ms = Number(body.toString('latin1', timestamp.start, timestamp.end)) * 1000;
  else if (timestamp.kind === STRING && timestamp.plain) ms = Date.parse(body.toString('latin1', timestamp.start, timestamp.end));
  if (!Number.isFinite(ms)) return false;
  out.timeMs = ms;
  return true;
}

/** "-0": JSON.parse makes it 0, whose id string is "0", not the bytes. */
function isMinusZero(body: Buffer, id: ValueSpan): boolean {
  return id.end - id.start === 2 && body[id.start] === 0x2d && body[id.start + 1] === 0x30;
}

function readTimestamp(timestamp: unknown, out: ReadLabel): string | null {
  out.timeMs = NaN;
  if (timestamp === undefined) return null;
  let ms = NaN;
  if (typeof timestamp === 'number') ms = timestamp * 1000;
  else if (typeof timestamp === 'string') ms = Date.parse(timestamp);
  if (!Number.isFinite(ms)) return '"timestamp" must be an ISO 8601 string or Unix seconds';
  out.timeMs = ms;
  return null;
}
