// Builds a model's reference sketch from its training data in two streaming passes:
// pass 1 summarises each column and finds its quantiles and candidate categories, pass 2
// counts exactly into the bins and categories frozen in between. Memory depends on the
// number of columns, never on the number of rows. Then every sketch gets its noise levels,
// simulated from its own bins (noise.ts).
import { basename } from 'node:path';
import type { FeatureConfig, ModelConfig } from '../config/types.js';
import { CategoryCounter } from './category-counter.js';
import { ClassCalibrationTally } from './class-calibration-tally.js';
import { ReferenceBuildError } from './errors.js';
import { NumericAccumulator } from './numeric-accumulator.js';
import { columnList, dataFormatOf, didYouMean, streamRows, type DataFormat, type RowStreamResult } from './rows.js';
import { noiseGrid } from './noise.js';
import { estimateNoise } from './noise-pool.js';
import { segmentNoiseJobs } from './segment-noise.js';
import { SegmentTallies } from './segments.js';
import { seedFromName } from './seeded-random.js';
import { FINE_BINS, REFERENCE_FORMAT, REFERENCE_FORMAT_VERSION, type FeatureSketch, type Reference, type SegmentReference } from './types.js';
import { PerformanceTally } from './performance-tally.js';
import { INVALID, MISSING, booleanDecoder, categoryDecoder, numberDecoder, type NaValues } from './values.js';

export interface BuildProgress {
  pass: 1 | 2 | 3;
  /** 2, or 3 when the model has segments (their references take a pass of their own). */
  passes: 2 | 3;
  bytesRead: number;
  bytesTotal: number;
  rows: number;
}

export interface BuildOptions {
  model: ModelConfig;
  dataPath: string;
  onProgress?: (p: BuildProgress) => void;
  /** The build time written into the reference; default SOURCE_DATE_EPOCH if set, else now. */
  now?: Date;
  /** A malformed row of the data file, skipped (reported in pass 1 only). */
  onMalformedRow?: (line: number, problem: string) => void;
  /** Noise levels estimated for `done` of `total` sketches (features and the prediction). */
  onNoiseProgress?: (done: number, total: number) => void;
}

export interface BuildResult {
  reference: Omit<Reference, 'checksum'>;
  /** Malformed rows skipped. */
  skippedRows: number;
}

type Column = NumericAccumulator | CategoryCounter;

export async function buildReference(options: BuildOptions): Promise<Omit<Reference, 'checksum'>> {
  return (await buildReferenceWithReport(options)).reference;
}

export async function buildReferenceWithReport(options: BuildOptions): Promise<BuildResult> {
  const { model, dataPath } = options;
  const format = dataFormatOf(dataPath);
  if (format === null) {
    throw new ReferenceBuildError(`data file ${dataPath}: unknown format; the name must end in .csv, .jsonl or .ndjson`);
  }
  const createdAt = buildTime(options.now);
  const { bins, top_categories: topCategories, prediction_column: predictionColumn } = model.reference_build;
  const na: NaValues = new Set(model.reference_build.na_values);
  const features = model.features.map((feature) => featureColumn(feature, format, topCategories, na));
  const prediction = predictionColumnFor(model, format, topCategories, na);
  const columns = [...features, prediction];
  const names = [...model.features.map((f) => f.name), predictionColumn];
  const passes = model.segments.length > 0 ? 3 : 2;
  const classScores = classCalibrationTallyFor(model, format, na);
  const scoreNames = classScores?.columnNames ?? [];
  const read = [...names, ...scoreNames];

  const pass1 = await streamRows({
    path: dataPath,
    format,
    columns: read,
    onRow: (values) => {
      for (let i = 0; i < columns.length; i++) columns[i].observe(values[i]);
      classScores?.observe(values.slice(columns.length));
    },
    onMalformed: options.onMalformedRow,
    onBytes: (bytesRead, bytesTotal, rows) => options.onProgress?.({ pass: 1, passes, bytesRead, bytesTotal, rows }),
  });
  checkEveryColumnHasValues(dataPath, pass1, columns, names);

  for (const column of columns) {
    if (column instanceof NumericAccumulator) column.freeze(bins);
    else column.freeze();
  }
  classScores?.freeze(bins, dataPath, pass1.rows);

  const labels = labelTallyFor(model, format, na, pass1.rows, prediction);
  const labelColumn = model.reference_build.label_column;
  const pass2 = await streamRows({
    path: dataPath,
    format,
    columns: labels === null || labelColumn === undefined ? names : [...names, labelColumn, ...scoreNames],
    onRow: (values) => {
      for (let i = 0; i < columns.length; i++) columns[i].tally(values[i]);
      const label = labels?.add(decodedPrediction(model, prediction, values[columns.length - 1]), values[columns.length]) ?? null;
      if (label !== null && classScores !== null) classScores.add(values.slice(columns.length + 1), label);
    },
    onBytes: (bytesRead, bytesTotal, rows) => options.onProgress?.({ pass: 2, passes, bytesRead, bytesTotal, rows }),
  });
  if (pass2.rows !== pass1.rows || columns.some((column) => column.tallied !== column.count)) {
    throw new ReferenceBuildError(
      `data file ${dataPath} changed while the reference was being built (the two passes read different data); build from a file that is not being written`,
    );
  }

  const sketches = columns.map((column) => column.sketch());
  const segments = await segmentReferences(model, dataPath, format, sketches, columns, pass1.rows, options);
  if (labels !== null && labels.labelled === 0) {
    throw new ReferenceBuildError(
      `data file ${dataPath}: no valid labels in ${pass1.rows} rows of label column "${labelColumn}" (${labelExpectation(model)}); check reference_build.label_column`,
    );
  }
  const calibration = labels?.calibration();
  const errorMap = labels?.errorMap();
  const classCalibration = labels === null ? undefined : classScores?.calibration();
  // Noise levels of every score, per window size: what stationary windows score (noise.ts),
  // for the whole reference's sketches and each segment value's, in one pool.
  const grid = noiseGrid();
  const featureNames = model.features.map((f) => f.name);
  const segmentJobs = segmentNoiseJobs(segments ?? [], featureNames, sketches);
  const jobs = [
    ...sketches.map((sketch, i) => ({ sketch, seed: seedFromName(i < featureNames.length ? `noise feature ${featureNames[i]}` : 'noise prediction') })),
    ...segmentJobs.map((job) => ({ sketch: job.sketch, seed: seedFromName(job.name), coverage: 'thinned' as const })),
  ];
  const noise = await estimateNoise(jobs, grid, options.onNoiseProgress);
  sketches.forEach((sketch, i) => Object.assign(sketch, { noise: noise[i] }));
  segmentJobs.forEach((job, j) => Object.assign(job.target, { noise: noise[sketches.length + j] }));
  const featureSketches: Record<string, FeatureSketch> = {};
  model.features.forEach((feature, i) => {
    featureSketches[feature.name] = sketches[i];
  });
  return {
    reference: {
      format: REFERENCE_FORMAT,
      format_version: REFERENCE_FORMAT_VERSION,
      model: model.name,
      created_at: createdAt,
      source: basename(dataPath),
      rows: pass1.rows,
      bins,
      fine_bins: FINE_BINS,
      top_categories: topCategories,
      features: featureSketches,
      prediction: sketches[sketches.length - 1],
      ...(segments === null ? {} : { segments }),
      noise: grid,
      ...(labels === null ? {} : { performance: labels.performance() }),
      ...(calibration === undefined ? {} : { calibration }),
      ...(classCalibration === undefined ? {} : { class_calibration: classCalibration }),
      ...(errorMap === undefined ? {} : { error_map: errorMap }),
    },
    skippedRows: pass1.malformed,
  };
}

/** Pass 3, with segments only: each segment value's rows counted on the whole reference's bins. */
async function segmentReferences(
  model: ModelConfig,
  dataPath: string,
  format: DataFormat,
  sketches: FeatureSketch[],
  columns: Column[],
  rows: number,
  options: BuildOptions,
): Promise<SegmentReference[] | null> {
  if (model.segments.length === 0) return null;
  const tallies = new SegmentTallies(model, { sketches, decoders: columns.map((column) => column.decodeValue) });
  const pass3 = await streamRows({
    path: dataPath,
    format,
    columns: [...model.features.map((f) => f.name), model.reference_build.prediction_column],
    onRow: (values) => tallies.add(values),
    onBytes: (bytesRead, bytesTotal, read) => options.onProgress?.({ pass: 3, passes: 3, bytesRead, bytesTotal, rows: read }),
  });
  if (pass3.rows !== rows) {
    throw new ReferenceBuildError(
      `data file ${dataPath} changed while the reference was being built (the passes read different data); build from a file that is not being written`,
    );
  }
  return tallies.references();
}

function featureColumn(feature: FeatureConfig, format: DataFormat, topCategories: number, na: NaValues): Column {
  const label = `feature "${feature.name}"`;
  switch (feature.type) {
    case 'numeric':
      return new NumericAccumulator(label, numberDecoder(format, na));
    case 'categorical':
      return new CategoryCounter(label, categoryDecoder(format, { na }), { topCategories });
    case 'boolean':
      return new CategoryCounter(label, booleanDecoder(format, na), { topCategories, domain: ['false', 'true'] });
  }
}

/** Regression and binary classification: the value or positive-class score; multiclass: the class. */
function predictionColumnFor(model: ModelConfig, format: DataFormat, topCategories: number, na: NaValues): Column {
  const label = `prediction column "${model.reference_build.prediction_column}"`;
  if (model.task === 'multiclass_classification') {
    return new CategoryCounter(label, categoryDecoder(format, { allowed: new Set(model.classes), na }), { topCategories, domain: model.classes });
  }
  return new NumericAccumulator(label, numberDecoder(format, na));
}

/** Multiclass with score_columns and a label column: the per-class calibration's pass-1 and pass-2 tallies. */
function classCalibrationTallyFor(model: ModelConfig, format: DataFormat, na: NaValues): ClassCalibrationTally | null {
  const { score_columns: scoreColumns, label_column: labelColumn } = model.reference_build;
  if (model.task !== 'multiclass_classification' || scoreColumns === undefined || labelColumn === undefined) return null;
  return new ClassCalibrationTally(model, format, na, scoreColumns);
}

function labelTallyFor(model: ModelConfig, format: DataFormat, na: NaValues, rows: number, prediction: Column): PerformanceTally | null {
  if (model.reference_build.label_column === undefined) return null;
  const fineEdges = prediction instanceof NumericAccumulator ? prediction.frozenFineEdges : [];
  return new PerformanceTally(model, format, na, rows, fineEdges);
}

/** The row's prediction as the label pass takes it: the number, or the class index (multiclass); null when missing or invalid. */
function decodedPrediction(model: ModelConfig, prediction: Column, raw: unknown): number | null {
  const value = prediction.decodeValue(raw);
  if (value === MISSING || value === INVALID) return null;
  if (typeof value === 'number') return value;
  const index = model.classes.indexOf(value);
  return index < 0 ? null : index;
}

function labelExpectation(model: ModelConfig): string {
  if (model.task === 'regression') return 'numbers';
  const classes = model.classes.map((c) => JSON.stringify(c)).join(', ');
  return model.task === 'binary_classification' ? `one of the classes ${classes}, or 0/1, false/true` : `one of the classes ${classes}`;
}

function checkEveryColumnHasValues(dataPath: string, pass: RowStreamResult, columns: Column[], names: readonly string[]): void {
  const { rows } = pass;
  if (rows === 0) throw new ReferenceBuildError(`data file ${dataPath} has no data rows; a reference needs the training data`);
  const empty = columns.flatMap((column, i) => (column.count === 0 ? [{ column, name: names[i] }] : []));
  if (empty.length === 0) return;
  // A JSON Lines column absent from the first row is probably misspelt: say which keys there are.
  const keys = pass.firstRowKeys;
  const described = empty.map(({ column, name }) => {
    const absent = keys !== undefined && !keys.includes(name) ? `; not a key of the first row${didYouMean(name, keys, names)}` : '';
    return `${column.name} (${column.missing} missing, ${column.invalid} invalid${absent})`;
  });
  const found = keys === undefined ? '' : ` (the first row has ${columnList(keys)})`;
  throw new ReferenceBuildError(
    `data file ${dataPath}: no valid values in ${rows} rows for ${described.join(', ')}${found}; ` +
      'check the column names and types against the config (numbers must be plain decimals like -12.5e3; booleans true/false; JSON categories strings; ' +
      'cells in reference_build.na_values count as missing)',
  );
}

/** `now`, else SOURCE_DATE_EPOCH (reproducible builds), else the clock. */
function buildTime(now: Date | undefined): string {
  if (now !== undefined) return now.toISOString();
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch)) throw new ReferenceBuildError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not ${JSON.stringify(epoch)}`);
    return new Date(Number(epoch) * 1000).toISOString();
  }
  return new Date().toISOString();
}
