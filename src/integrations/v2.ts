// Open Inference Protocol v2 bodies → rows of features and per-row outputs.
// Request { id?, parameters?, inputs: [tensor...] } in one of the two layouts users have:
//  - a column per input (MLServer's `"content_type": "pd"` request codec, PandasCodec: each
//    input is a DataFrame column of shape [N] or [N, 1]): row i is { input.name: data[i] };
//  - one 2-D input [N, F] whose F columns are named by the model's kserve.columns.
// Response { model_name, model_version?, id, outputs: [tensor...] }: the configured output
// (else the first), one value (or one vector, e.g. class scores) per row.
import { isObject, mapped, refused, type JsonObject, type Mapped } from './problems.js';
import { maxTensorValues, type PayloadMapping } from './mapping.js';
import { readTensor, type Tensor } from './tensor.js';

export interface RequestRows {
  protocol: 'v1' | 'v2';
  /** One features object per row; null for a row that could not be read (see rowErrors). */
  rows: (JsonObject | null)[];
  rowErrors: { index: number; message: string }[];
  /** The body's own id (v2), if any. */
  id: string | undefined;
}

export interface ResponseOutputs {
  protocol: 'v1' | 'v2';
  /** One raw output per row, before the prediction mapping. */
  outputs: unknown[];
  modelVersion: string | undefined;
  id: string | undefined;
}

export function v2RequestRows(body: JsonObject, mapping: PayloadMapping): Mapped<RequestRows> {
  const inputs = body.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) return refused('invalid_payload', '"inputs" must be a non-empty list of tensors');
  const tensors: Tensor[] = [];
  for (let k = 0; k < inputs.length; k++) {
    const read = readTensor(inputs[k], `input ${k}`, maxTensorValues(mapping));
    if (!read.ok) return read;
    tensors.push(read.value);
  }
  const pandas = isObject(body.parameters) && body.parameters.content_type === 'pd';
  const rows = !pandas && tensors.length === 1 && mapping.columns !== undefined
    ? tensorRows(tensors[0], mapping.columns)
    : columnRows(tensors);
  if (!rows.ok) return rows;
  if (rows.value.length > mapping.maxRows) return tooManyRows(rows.value.length, mapping.maxRows);
  return mapped({ protocol: 'v2', rows: rows.value, rowErrors: [], id: typeof body.id === 'string' ? body.id : undefined });
}

/** One 2-D input [N, F]: row i is { columns[j]: values[i*F + j] }. */
function tensorRows(t: Tensor, columns: readonly string[]): Mapped<JsonObject[]> {
  if (t.shape.length > 2) {
    return refused('shape_mismatch', `input "${t.name}" has shape [${t.shape.join(', ')}]; a feature tensor is [rows, columns]`);
  }
  if (t.rows > 0 && t.width !== columns.length) {
    return refused('shape_mismatch', `input "${t.name}" has ${t.width} columns; kserve.columns lists ${columns.length}`);
  }
  const rows: JsonObject[] = new Array<JsonObject>(t.rows);
  for (let i = 0; i < t.rows; i++) {
    const row: JsonObject = {};
    for (let j = 0; j < columns.length; j++) row[columns[j]] = t.values[i * columns.length + j];
    rows[i] = row;
  }
  return mapped(rows);
}

/** A column per input, each [N] or [N, 1], all with the same N. */
function columnRows(tensors: Tensor[]): Mapped<JsonObject[]> {
  const n = tensors[0].rows;
  for (const t of tensors) {
    if (t.rows > 0 && t.width !== 1) {
      const hint = tensors.length === 1
        ? '; a single [rows, columns] input needs kserve.columns to name its columns'
        : '; as a column (MLServer "pd" layout) an input holds one value per row: shape [N] or [N, 1]';
      return refused(tensors.length === 1 ? 'no_column_order' : 'shape_mismatch', `input "${t.name}" has ${t.width} values per row${hint}`);
    }
    if (t.rows !== n) {
      return refused('shape_mismatch', `input "${t.name}" has ${t.rows} rows but input "${tensors[0].name}" has ${n}; every column needs the same number of rows`);
    }
  }
  const rows: JsonObject[] = new Array<JsonObject>(n);
  for (let i = 0; i < n; i++) {
    const row: JsonObject = {};
    for (const t of tensors) row[t.name] = t.values[i];
    rows[i] = row;
  }
  return mapped(rows);
}

export function v2ResponseOutputs(body: JsonObject, mapping: PayloadMapping): Mapped<ResponseOutputs> {
  const outputs = body.outputs;
  if (!Array.isArray(outputs) || outputs.length === 0) return refused('invalid_payload', '"outputs" must be a non-empty list of tensors');
  let index = 0;
  if (mapping.output !== undefined) {
    index = outputs.findIndex((o: unknown) => isObject(o) && o.name === mapping.output);
    if (index < 0) return refused('invalid_payload', `no output named "${mapping.output}" (kserve.output)`);
  }
  const read = readTensor(outputs[index], `output ${index}`, maxTensorValues(mapping));
  if (!read.ok) return read;
  const t = read.value;
  if (t.rows > mapping.maxRows) return tooManyRows(t.rows, mapping.maxRows);
  const perRow: unknown[] = new Array<unknown>(t.rows);
  for (let i = 0; i < t.rows; i++) perRow[i] = t.width === 1 ? t.values[i] : t.values.slice(i * t.width, (i + 1) * t.width);
  return mapped({
    protocol: 'v2',
    outputs: perRow,
    modelVersion: typeof body.model_version === 'string' && body.model_version !== '' ? body.model_version : undefined,
    id: typeof body.id === 'string' ? body.id : undefined,
  });
}

export function tooManyRows<T>(count: number, limit: number): Mapped<T> {
  return refused('too_many_rows', `${count} rows is more than the limit of ${limit} (ingest.max_batch_events)`);
}
