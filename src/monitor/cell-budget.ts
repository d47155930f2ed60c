// How many cells a model's segments and variants make with its reference, and what one costs:
// a cell holds every bin of the layout once cumulatively and once per sub-window, so its size
// is set by the features' bins and the window's sub-windows — not by traffic.
import type { ModelConfig } from '../config/types.js';
import type { Reference } from '../reference/types.js';
import { Cell } from './cell.js';
import { CellIndex } from './cell-index.js';
import { buildLayout } from './layout.js';

export interface CellBudget {
  cells: number;
  bytesPerCell: number;
}

export function cellBudget(model: ModelConfig, reference: Reference, latencyBuckets: readonly number[]): CellBudget {
  const layout = buildLayout(model, reference);
  const cells = new CellIndex(model, layout).count;
  const one = new Cell(layout, { variant: 0, segment: -1, value: -1 }, { latencyBucketCount: latencyBuckets.length, versionCount: model.max_versions + 1, nowMs: 0 });
  return { cells, bytesPerCell: one.bytes };
}

/** Why the model's cells exceed its max_cells, or null. */
export function cellBudgetProblem(model: ModelConfig, budget: CellBudget): string | null {
  if (budget.cells <= model.max_cells) return null;
  return (
    `its variants and segments make ${budget.cells} cells of ${byteSize(budget.bytesPerCell)} each ` +
    `(${byteSize(budget.cells * budget.bytesPerCell)} in all), more than max_cells ${model.max_cells}: ` +
    'slice by fewer or lower-cardinality features (a categorical segment has one cell per reference category, plus __other__ and __missing__), or raise max_cells'
  );
}

/** 1.4 MB, 230 kB, 512 B. */
export function byteSize(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(bytes < 1e4 ? 1 : 0)} kB`;
  return `${bytes} B`;
}
