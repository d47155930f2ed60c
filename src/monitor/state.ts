// A model's whole state: the layout every cell shares, the cells, the version index, and a
// fingerprint of what the layout was built from — everything a checkpoint needs to be read
// back by a later process, and nothing that points outside it.
import { createHash } from 'node:crypto';
import type { ModelConfig } from '../config/types.js';
import type { Reference } from '../reference/types.js';
import { Cell } from './cell.js';
import { CellIndex } from './cell-index.js';
import type { CellReader } from './cell-reader.js';
import { CellSum } from './cell-sum.js';
import { PairingStore } from './pairing.js';
import { ModelLabels } from './labels/model-labels.js';
import { segmentSlots, type ModelLayout, type Slot } from './layout.js';
import type { CellKey } from './cell-index.js';
import { segmentReferenceOf } from '../reference/segment-match.js';
import { VersionIndex } from './versions.js';

/** Why an event (window_time event) was left out of the drift window. */
export const OUTSIDE_WINDOW_REASONS = ['late', 'early', 'no_timestamp'] as const;
export const LATE = 0;
export const EARLY = 1;
export const NO_TIMESTAMP = 2;

export class ModelState {
  readonly versions: VersionIndex;
  /** Which cell is which: variants, segments and their values. */
  readonly index: CellIndex;
  /** Every cell of the model, in the index's order: each variant's, then each segment value's. */
  readonly cells: Cell[];
  /** sha256 of the model's config (without the reference's path) and the reference checksum. */
  readonly fingerprint: string;
  /** The whole model: the one variant cell, or the sum of the variants' cells. */
  readonly model: CellReader;
  /** Predictions waiting for the same request's prediction by another variant (variants only). */
  readonly pairing: PairingStore | null;
  /** Ground-truth labels: the join store and each cell's realised performance. */
  readonly labels: ModelLabels;
  /** The newest time the windows were advanced to, Unix ms. */
  nowMs: number;
  /** window_time event: events left out of the window, by OUTSIDE_WINDOW_REASONS (cumulative counters still have them). */
  readonly outsideWindow = new Float64Array(OUTSIDE_WINDOW_REASONS.length);
  /** The latency histogram's upper bounds (metrics.latency_buckets_seconds). */
  readonly latencyBounds: readonly number[];

  constructor(
    readonly layout: ModelLayout,
    latencyBuckets: readonly number[],
    nowMs: number,
    /** metrics.max_label_value_bytes: the longest model_version exported as a label. */
    maxLabelValueBytes?: number,
  ) {
    const model = layout.model;
    this.latencyBounds = [...latencyBuckets];
    this.versions = new VersionIndex(model.version, model.max_versions, maxLabelValueBytes);
    const shape = { latencyBucketCount: latencyBuckets.length, versionCount: model.max_versions + 1, nowMs };
    this.index = new CellIndex(model, layout);
    this.cells = this.index.keys.map((key) => new Cell(layout, key, shape, this.referenceSlotsOf(key)));
    this.fingerprint = layoutFingerprint(model, layout.reference, latencyBuckets);
    const variants = this.variantCells;
    this.model = variants.length === 1 ? variants[0] : new CellSum(layout, variants);
    this.nowMs = nowMs;
    this.labels = new ModelLabels(model, layout, this.index, nowMs);
    const pairing = model.variants;
    // Only shadows score the default variant's requests: without them there is nothing to pair.
    this.pairing = this.index.shadows.size > 0
      ? new PairingStore(this.index.defaultVariant, pairing.pairing_ttl_seconds * 1000, pairing.max_pending_pairs, (variant, same, difference) =>
          this.cells[this.index.variantCell(variant)].countPair(same, difference),
        )
      : null;
  }

  /** Every reader whose drift is computed: each cell, and the whole model when it is a sum. */
  get driftSubjects(): CellReader[] {
    return this.model instanceof CellSum ? [...this.cells, this.model] : this.cells;
  }

  /** Bytes held by the cells' arrays (counters, bins, windows). */
  get bytes(): number {
    let total = 0;
    for (const cell of this.cells) total += cell.bytes;
    return total;
  }

  /** A segment value's cell is measured against that value's rows of the reference, when it has them. */
  private referenceSlotsOf(key: CellKey): readonly Slot[] {
    if (key.segment < 0) return this.layout.slots;
    const segment = this.index.segments[key.segment];
    const built = segmentReferenceOf(this.layout.reference, segment.feature)?.values[key.value];
    return built === undefined ? this.layout.slots : segmentSlots(this.layout, built);
  }

  /** Whether a segment value's cell falls back to the whole reference. */
  usesWholeReference(cell: Cell): boolean {
    return cell.key.segment >= 0 && cell.referenceSlots === this.layout.slots;
  }

  /** The default variant's cell: the whole model when no variants are configured. */
  get defaultCell(): Cell {
    return this.cells[this.index.variantCell(this.index.defaultVariant)];
  }

  /** One cell per variant (a single one without variants): together, the whole model. */
  get variantCells(): Cell[] {
    return this.cells.slice(0, this.index.variantNames.length);
  }

  /** Move every cell's window to the time bucket of `nowMs`. */
  advance(nowMs: number): void {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    for (const cell of this.cells) cell.window.advance(nowMs);
    this.labels.advance(nowMs);
  }
}

/**
 * How this code lays a cell's arrays out for a given config and reference; raised when that
 * changes (2: cumulative numeric bins kept coarse, a bin's window count and offset sum side by
 * side), so an older checkpoint is told apart as another layout, never read into wrong offsets.
 */
export const STATE_LAYOUT_VERSION = 2;

export function layoutFingerprint(model: ModelConfig, reference: Reference, latencyBuckets: readonly number[]): string {
  // The reference's path may move with the config file; its checksum says what it holds.
  const { reference: _path, ...settings } = model;
  return createHash('sha256')
    .update(JSON.stringify({ layout: STATE_LAYOUT_VERSION, settings, reference: reference.checksum, latencyBuckets }))
    .digest('hex');
}
