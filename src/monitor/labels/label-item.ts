// One ground-truth label as sent: { "id", "label", "timestamp"? }. Checked against the model:
// a classifier's label is one of its classes (a binary model also takes 0/1 and false/true,
// meaning classes[0]/classes[1]); a regression's label is a finite number. The timestamp (ISO
// 8601 or Unix seconds) says when the outcome was known, for the lag; absent: its arrival.
import type { ModelConfig } from '../../config/types.js';

type Json = Record<string, unknown>;

/** The label read from an item: class index (classification) or value (regression). */
export interface ReadLabel {
  labelClass: number;
  labelValue: number;
  /** Unix ms, or NaN when the item has no timestamp. */
  timeMs: number;
}

export class LabelReader {
  private readonly classIndex: Map<string, number>;
  private readonly binary: boolean;
  private readonly regression: boolean;
  private readonly expected: string;

  constructor(model: ModelConfig) {
    this.classIndex = new Map(model.classes.map((name, i) => [name, i]));
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
