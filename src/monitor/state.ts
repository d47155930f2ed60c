// A model's whole state: the layout every cell shares, the cells, the version index, and a
// fingerprint of what the layout was built from — everything a checkpoint needs to be read
// back by a later process, and nothing that points outside it.
import { createHash } from 'node:crypto';
import type { ModelConfig } from '../config/types.js';
import type { Reference } from '../reference/types.js';
import { Cell } from './cell.js';
import type { ModelLayout } from './layout.js';
import { VersionIndex } from './versions.js';

export class ModelState {
  readonly versions: VersionIndex;
  /** Every cell of the model; cells[0] is the whole model (until slices add more). */
  readonly cells: Cell[];
  /** sha256 of the model's config (without the reference's path) and the reference checksum. */
  readonly fingerprint: string;

  constructor(
    readonly layout: ModelLayout,
    latencyBuckets: readonly number[],
    nowMs: number,
  ) {
    const model = layout.model;
    this.versions = new VersionIndex(model.version, model.max_versions);
    const shape = { latencyBucketCount: latencyBuckets.length, versionCount: model.max_versions + 1, nowMs };
    this.cells = [new Cell(layout, shape)];
    this.fingerprint = layoutFingerprint(model, layout.reference, latencyBuckets);
  }

  /** The cell of the whole model. */
  get whole(): Cell {
    return this.cells[0];
  }

  /** Move every cell's window to the time bucket of `nowMs`. */
  advance(nowMs: number): void {
    for (const cell of this.cells) cell.window.advance(nowMs);
  }
}

export function layoutFingerprint(model: ModelConfig, reference: Reference, latencyBuckets: readonly number[]): string {
  // The reference's path may move with the config file; its checksum says what it holds.
  const { reference: _path, ...settings } = model;
  return createHash('sha256')
    .update(JSON.stringify({ settings, reference: reference.checksum, latencyBuckets }))
    .digest('hex');
}
