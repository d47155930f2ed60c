// The per-class score calibration of a multiclass model (reference_build.score_columns with
// label_column): in pass 1 each class's score column is summarised and its bins are frozen
// (the fine edges of its quantiles, as the binary prediction's); in pass 2 the labelled rows
// are dealt into folds and counted per (class, score bin) as one-vs-rest positives, and each
// class's isotonic map is kept only when it lowers that class's held-out ECE (calibration.ts,
// the binary gate). Memory: classes × folds × bins, never the rows.
import type { ModelConfig } from '../config/types.js';
import { addToEceTally, decideCalibration, emptyEceTally, type CalibrationFold } from '../stats/calibration.js';
import { binIndex } from '../stats/bins.js';
import { ReferenceBuildError } from './errors.js';
import { NumericAccumulator } from './numeric-accumulator.js';
import { CALIBRATION_FOLDS } from './performance-tally.js';
import type { DataFormat } from './rows.js';
import { seededRandom } from './seeded-random.js';
import type { ReferenceClassCalibration } from './types.js';
import { INVALID, MISSING, numberDecoder, type NaValues } from './values.js';

const SEED = 0x5eed_c1a5;

export class ClassCalibrationTally {
  /** The score columns, in the model's class order. */
  readonly columnNames: string[];
  private readonly scores: NumericAccumulator[];
  private readonly random = seededRandom(SEED);
  /** Per class, its folds; made at freeze(), when the bins are known. */
  private folds: CalibrationFold[][] = [];
  private edges: number[][] = [];
  private readonly row: Float64Array;
  private rows = 0;

  constructor(
    private readonly model: ModelConfig,
    format: DataFormat,
    na: NaValues,
    scoreColumns: Record<string, string>,
  ) {
    this.columnNames = model.classes.map((name) => scoreColumns[name]);
    this.scores = model.classes.map((name, k) => new NumericAccumulator(`score column "${this.columnNames[k]}" (class "${name}")`, numberDecoder(format, na)));
    this.row = new Float64Array(model.classes.length);
  }

  /** Pass 1: the raw score cells, in class order. */
  observe(raw: readonly unknown[]): void {
    for (let k = 0; k < this.scores.length; k++) this.scores[k].observe(raw[k]);
  }

  /** Between the passes: each class's score bins. A column without a valid score stops the build. */
  freeze(bins: number, dataPath: string, rows: number): void {
    const empty = this.scores.filter((s) => s.count === 0);
    if (empty.length > 0) {
      throw new ReferenceBuildError(
        `data file ${dataPath}: no valid numbers in ${rows} rows for ${empty.map((s) => s.name).join(', ')}; check reference_build.score_columns`,
      );
    }
    for (const score of this.scores) score.freeze(bins);
    this.edges = this.scores.map((s) => [...s.frozenFineEdges]);
    this.folds = this.edges.map((edges) =>
      Array.from({ length: CALIBRATION_FOLDS }, () => ({ rows: new Float64Array(edges.length + 1), positives: new Float64Array(edges.length + 1), raw: emptyEceTally() })),
    );
  }

  /** Pass 2: one row's score cells and its decoded label (class index). A row missing any score is left out. */
  add(raw: readonly unknown[], label: number): void {
    for (let k = 0; k < this.scores.length; k++) {
      const value = this.scores[k].decodeValue(raw[k]);
      if (value === MISSING || value === INVALID) return;
      this.row[k] = value;
    }
    this.rows++;
    const fold = Math.floor(this.random() * CALIBRATION_FOLDS);
    for (let k = 0; k < this.scores.length; k++) {
      const into = this.folds[k][fold];
      const bin = binIndex(this.edges[k], this.row[k]);
      const positive = label === k ? 1 : 0;
      into.rows[bin]++;
      into.positives[bin] += positive;
      addToEceTally(into.raw, clip01(this.row[k]), positive, 1);
    }
  }

  calibration(): ReferenceClassCalibration {
    const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return {
      method: 'isotonic',
      folds: CALIBRATION_FOLDS,
      rows: this.rows,
      classes: this.model.classes.map((name, k) => {
        const decision = decideCalibration(this.folds[k]);
        return {
          class: name,
          column: this.columnNames[k],
          edges: this.edges[k],
          used: decision.use,
          raw_ece: finite(decision.rawEce),
          calibrated_ece: finite(decision.calibratedEce),
          map: Array.from(decision.map, (v) => (Number.isFinite(v) ? v : 0)),
        };
      }),
    };
  }
}

/** The raw score as a probability (what CBPE uses without calibration). */
function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
