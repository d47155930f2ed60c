// The fleet's counters kept outside the models' states — events rejected by model and
// reason (unknown models in the __other__ row), and the model-server integrations' counters —
// as a checkpoint section: one part per table, rows and columns written by name, so a
// restart with a model added or removed, or a reason added, still puts each count back
// where it belongs (the rows of a model no longer configured are dropped).
import type { Fleet } from '../monitor/fleet.js';
import { REJECT_REASONS } from '../monitor/rejections.js';
import { SIDES, UNPAIRED_REASONS } from '../integrations/counters.js';
import type { InferenceIngest } from '../integrations/inference-ingest.js';
import { PAYLOAD_REASONS } from '../integrations/problems.js';
import { unpackArrays } from './arrays.js';
import type { Part } from './format.js';
import { emptyReport, type CheckpointSection, type RestoreReport } from './section.js';

export const COUNTERS_SECTION = 'counters';
const OTHER_ROW = '__other__';

/** A flat row-major table: one row per model (then __other__ when `otherRow`), one column per name. */
export interface CounterTable {
  key: string;
  values: Float64Array;
  columns: readonly string[];
  otherRow: boolean;
}

interface TableMeta {
  key: string;
  rows: string[];
  columns: string[];
}

export class CountersSection implements CheckpointSection {
  readonly name = COUNTERS_SECTION;

  constructor(
    private readonly modelNames: () => readonly string[],
    private readonly tables: () => readonly CounterTable[],
  ) {}

  *parts(): Iterable<{ meta: TableMeta; arrays: Float64Array[] }> {
    const names = this.modelNames();
    for (const table of this.tables()) {
      const rows = table.otherRow ? [...names, OTHER_ROW] : [...names];
      yield { meta: { key: table.key, rows, columns: [...table.columns] }, arrays: [table.values] };
    }
  }

  restore(parts: readonly Part[]): RestoreReport {
    const report = emptyReport();
    const names = this.modelNames();
    const tables = new Map(this.tables().map((t) => [t.key, t]));
    for (const part of parts) {
      const meta = part.meta as unknown as TableMeta;
      const table = tables.get(meta.key);
      if (table === undefined) continue;
      if (!Array.isArray(meta.rows) || !Array.isArray(meta.columns)) {
        report.corrupt.push(meta.key);
        continue;
      }
      const saved = new Float64Array(meta.rows.length * meta.columns.length);
      if (!unpackArrays(part.payload, [saved])) {
        report.corrupt.push(meta.key);
        continue;
      }
      const rowOf = new Map(names.map((n, i) => [n, i]));
      if (table.otherRow) rowOf.set(OTHER_ROW, names.length);
      const columnOf = new Map(table.columns.map((c, i) => [c, i]));
      meta.rows.forEach((row, r) => {
        const to = rowOf.get(row);
        if (to === undefined) return;
        meta.columns.forEach((column, c) => {
          const at = columnOf.get(column);
          if (at !== undefined) table.values[to * table.columns.length + at] = saved[r * meta.columns.length + c];
        });
      });
      report.restored.push(meta.key);
    }
    return report;
  }
}

/** The sidecar's counter tables: rejections, and the model-server integrations'. */
export function fleetCounterTables(fleet: Fleet, inference: InferenceIngest): () => CounterTable[] {
  return () => {
    const counters = inference.counters;
    return [
      { key: 'events_rejected', values: fleet.rejections.counts, columns: REJECT_REASONS, otherRow: true },
      { key: 'kserve_cloudevents', values: counters.cloudEvents, columns: SIDES, otherRow: true },
      { key: 'kserve_unpaired', values: counters.unpaired, columns: SIDES.flatMap((s) => UNPAIRED_REASONS.map((r) => `${s}/${r}`)), otherRow: false },
      { key: 'inference_payloads_rejected', values: counters.payloadsRejected, columns: PAYLOAD_REASONS, otherRow: true },
    ];
  };
}
