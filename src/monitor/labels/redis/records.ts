// What the fleet's join keeps in Redis, as text: the keys of a model's ids and the compact
// records (arrival time first, as the scripts read it). A prediction record holds its cell
// (variant and segment value indexes), predicted class and score or value — never a feature.
// An id is kept as its two 32-bit hashes (IdHash), so keys are short and hold no caller data.
import { createHash } from 'node:crypto';
import type { ModelConfig } from '../../../config/types.js';
import type { CellIndex } from '../../cell-index.js';

/**
 * The key prefix of a model's join: `{prefix}{model:tag}:`. The tag hashes what gives the
 * records' indexes their meaning (task, classes, variants, segments and their values), so only
 * replicas that read a record alike join with each other; the braces are a Cluster hash tag.
 */
export function modelKeyBase(prefix: string, model: ModelConfig, index: CellIndex): string {
  const meaning = JSON.stringify([model.task, model.classes, index.variantNames, index.segments.map((s) => [s.feature, s.values])]);
  const tag = createHash('sha256').update(meaning).digest('hex').slice(0, 8);
  return `${prefix}{${model.name}:${tag}}:`;
}

/** An id's member name in the sorted sets and its keys' suffix: 16 hex digits. */
export function idText(h1: number, h2: number): string {
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

const number = (x: number): string => (Number.isNaN(x) ? '' : String(x));
const parse = (text: string | undefined): number => (text === undefined || text === '' ? NaN : Number(text));

export function predictionRecord(atMs: number, variant: number, predictedClass: number, value: number, segments: ArrayLike<number>): string {
  let text = `${atMs}|${variant}|${predictedClass}|${number(value)}|`;
  for (let s = 0; s < segments.length; s++) text += s === 0 ? String(segments[s]) : `,${segments[s]}`;
  return text;
}

export function labelRecord(atMs: number, labelClass: number, labelValue: number, labelMs: number): string {
  return `${atMs}|${labelClass}|${number(labelValue)}|${labelMs}`;
}

/** A prediction record read back; `segments` is the reader's own (one per model, reused). */
export interface JoinedPrediction {
  atMs: number;
  variant: number;
  predictedClass: number;
  value: number;
  segments: Uint16Array;
}

/** Read a prediction record into `out`; false when it does not fit the model's cells. */
export function readPrediction(text: string, index: CellIndex, out: JoinedPrediction): boolean {
  const parts = text.split('|');
  if (parts.length !== 5) return false;
  out.atMs = parse(parts[0]);
  out.variant = parse(parts[1]);
  out.predictedClass = parse(parts[2]);
  out.value = parse(parts[3]);
  if (!Number.isFinite(out.atMs) || !Number.isInteger(out.variant) || out.variant < 0 || out.variant >= index.variantNames.length) return false;
  if (!Number.isInteger(out.predictedClass)) return false;
  const segments = index.segments;
  const values = parts[4] === '' ? [] : parts[4].split(',');
  if (values.length !== segments.length) return false;
  for (let s = 0; s < segments.length; s++) {
    const v = parse(values[s]);
    if (!Number.isInteger(v) || v < 0 || v >= segments[s].values.length) return false;
    out.segments[s] = v;
  }
  return true;
}

export interface WaitingLabel {
  labelClass: number;
  labelValue: number;
}

/** Read a label record into `out`; false when it is not one. */
export function readLabel(text: string, out: WaitingLabel): boolean {
  const parts = text.split('|');
  if (parts.length !== 4) return false;
  out.labelClass = parse(parts[1]);
  out.labelValue = parse(parts[2]);
  return Number.isInteger(out.labelClass);
}
