// Streams the rows of a CSV or JSON Lines file as the values of the columns the build
// needs, one row at a time, so memory stays bounded whatever the file's size. Malformed
// rows are reported and skipped, up to a limit past which the file is rejected.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { CsvParser, CsvSyntaxError } from './csv.js';
import { closest } from '../config/problems.js';
import { ReferenceBuildError } from './errors.js';
import { JsonlParser, JsonlSyntaxError } from './jsonl.js';

export type DataFormat = 'csv' | 'jsonl';

/** More malformed rows than this and the file is rejected: it is probably not the right file. */
export const MAX_MALFORMED_ROWS = 100;

const READ_CHUNK_BYTES = 1024 * 1024;

export function dataFormatOf(path: string): DataFormat | null {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  return null;
}

export interface RowStreamOptions {
  path: string;
  format: DataFormat;
  /** The columns to read; `onRow` gets their values in this order. */
  columns: readonly string[];
  /**
   * One well-formed row: CSV values are strings (undefined for an empty cell), JSON Lines
   * values are JSON values (undefined when absent). The array is reused between rows.
   */
  onRow: (values: unknown[], line: number) => void;
  /** A malformed row, skipped. */
  onMalformed?: (line: number, problem: string) => void;
  onBytes?: (bytesRead: number, bytesTotal: number, rows: number) => void;
  maxMalformed?: number;
}

export interface RowStreamResult {
  rows: number;
  malformed: number;
  bytes: number;
  /** JSON Lines: the keys of the first well-formed row, to name the columns a file has. */
  firstRowKeys?: string[];
}

export async function streamRows(options: RowStreamOptions): Promise<RowStreamResult> {
  const { path, columns } = options;
  const bytesTotal = await fileSize(path);
  const maxMalformed = options.maxMalformed ?? MAX_MALFORMED_ROWS;
  const values: unknown[] = new Array<unknown>(columns.length).fill(undefined);
  const result: RowStreamResult = { rows: 0, malformed: 0, bytes: 0 };
  const malformedLines: number[] = [];

  const accept = (line: number): void => {
    result.rows++;
    options.onRow(values, line);
  };
  const reject = (line: number, problem: string): void => {
    result.malformed++;
    if (malformedLines.length < 5) malformedLines.push(line);
    options.onMalformed?.(line, problem);
    if (result.malformed > maxMalformed) {
      throw new ReferenceBuildError(
        `${path}: more than ${maxMalformed} malformed rows (lines ${malformedLines.join(', ')}, …); is this the right file, in ${options.format === 'csv' ? 'CSV' : 'JSON Lines'} format?`,
      );
    }
  };

  const parser = options.format === 'csv' ? csvRows(path, columns, values, accept, reject) : jsonlRows(columns, values, accept, reject, result);
  try {
    const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      parser.write(bytes);
      result.bytes += bytes.length;
      options.onBytes?.(result.bytes, bytesTotal, result.rows);
    }
    parser.end();
  } catch (error) {
    if (error instanceof CsvSyntaxError || error instanceof JsonlSyntaxError) {
      throw new ReferenceBuildError(`${path}: ${error.message}`);
    }
    if (isNodeError(error)) throw new ReferenceBuildError(`cannot read data file ${path}: ${error.message}`);
    throw error;
  }
  return result;
}

interface ChunkParser {
  write(chunk: Buffer): void;
  end(): void;
}
type RowSink = (line: number) => void;
type RejectSink = (line: number, problem: string) => void;

function csvRows(path: string, columns: readonly string[], values: unknown[], accept: RowSink, reject: RejectSink): ChunkParser {
  let positions: number[] | null = null;
  let width = 0;
  const parser = new CsvParser((fields, line, problem) => {
    if (positions === null) {
      if (problem !== null) throw new ReferenceBuildError(`${path}: header row (line ${line}): ${problem}`);
      positions = headerPositions(path, fields, columns);
      width = fields.length;
      return;
    }
    if (problem !== null) return reject(line, problem);
    if (fields.length !== width) return reject(line, `expected ${width} fields (as in the header), found ${fields.length}`);
    for (let i = 0; i < positions.length; i++) {
      const text = fields[positions[i]];
      values[i] = text === '' ? undefined : text;
    }
    accept(line);
  });
  return {
    write: (chunk) => parser.write(chunk),
    end: () => {
      parser.end();
      if (positions === null) throw new ReferenceBuildError(`${path} is empty: a CSV data file needs a header row naming its columns`);
    },
  };
}

function headerPositions(path: string, header: string[], columns: readonly string[]): number[] {
  const absent = columns.filter((column) => !header.includes(column));
  if (absent.length > 0) {
    const named = absent.map((name) => `${JSON.stringify(name)}${didYouMean(name, header, columns)}`).join(', ');
    throw new ReferenceBuildError(
      `${path}: no column ${named} in the header row (it has ${columnList(header)}); the column names must match the feature names and the prediction_column of the config`,
    );
  }
  const repeated = columns.filter((column) => header.indexOf(column) !== header.lastIndexOf(column));
  if (repeated.length > 0) {
    throw new ReferenceBuildError(`${path}: the header names column ${JSON.stringify(repeated[0])} more than once; which one is meant is ambiguous`);
  }
  return columns.map((column) => header.indexOf(column));
}

/** Up to 30 column names, quoted, for a message. */
export function columnList(names: readonly string[]): string {
  return `${names.slice(0, 30).map((name) => JSON.stringify(name)).join(', ')}${names.length > 30 ? ', …' : ''}`;
}

/** ` (did you mean "x"?)` when a column of the file is a likely typo of `name` and not itself wanted. */
export function didYouMean(name: string, found: readonly string[], wanted: readonly string[]): string {
  const candidates = found.filter((column) => !wanted.includes(column));
  const exactButCase = candidates.find((column) => column.toLowerCase() === name.toLowerCase());
  const guess = exactButCase ?? closest(name, candidates);
  return guess === undefined ? '' : ` (did you mean ${JSON.stringify(guess)}?)`;
}

function jsonlRows(columns: readonly string[], values: unknown[], accept: RowSink, reject: RejectSink, result: RowStreamResult): ChunkParser {
  return new JsonlParser((row, line, problem) => {
    if (row === null) return reject(line, problem ?? 'not a JSON object');
    result.firstRowKeys ??= Object.keys(row);
    for (let i = 0; i < columns.length; i++) {
      // hasOwn: a column named like an Object.prototype member ("constructor") is absent, not a function.
      values[i] = Object.hasOwn(row, columns[i]) ? row[columns[i]] : undefined;
    }
    accept(line);
  });
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ReferenceBuildError(`data file ${path} is not a regular file`);
    return info.size;
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT') throw new ReferenceBuildError(`data file ${path} does not exist`);
    if (isNodeError(error)) throw new ReferenceBuildError(`cannot read data file ${path}: ${error.message}`);
    throw error;
  }
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
