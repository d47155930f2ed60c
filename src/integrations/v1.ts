// KServe v1 protocol bodies → rows and per-row outputs. Request { "instances": [row...] },
// each row an object (features by name) or a list (named by kserve.columns, in order);
// response { "predictions": [value...] }, one per instance.
import { isObject, mapped, refused, type JsonObject, type Mapped, type RowError } from './problems.js';
import type { PayloadMapping } from './mapping.js';
import { tooManyRows, type RequestRows, type ResponseOutputs } from './v2.js';

export function v1RequestRows(body: JsonObject, mapping: PayloadMapping): Mapped<RequestRows> {
  const instances = body.instances;
  if (!Array.isArray(instances)) return refused('invalid_payload', '"instances" must be a list of rows');
  if (instances.length > mapping.maxRows) return tooManyRows(instances.length, mapping.maxRows);
  const { columns } = mapping;
  const rows: (JsonObject | null)[] = new Array<JsonObject | null>(instances.length);
  const rowErrors: RowError[] = [];
  for (let i = 0; i < instances.length; i++) {
    const instance: unknown = instances[i];
    if (isObject(instance)) {
      rows[i] = instance;
      continue;
    }
    if (columns === undefined) {
      // The whole body, not one row: without a column order no list row can be read.
      if (Array.isArray(instance)) return refused('no_column_order', `instance ${i} is a list; set kserve.columns to name its values in order`);
      return refused('invalid_payload', `instance ${i} must be an object of feature name to value, or a list`);
    }
    const values = Array.isArray(instance) ? instance : columns.length === 1 ? [instance] : null;
    if (values === null || values.length !== columns.length) {
      rows[i] = null;
      const got = values === null ? 'a single value' : `${values.length} values`;
      rowErrors.push({ index: i, message: `instance ${i} has ${got}; kserve.columns lists ${columns.length}` });
      continue;
    }
    const row: JsonObject = {};
    for (let j = 0; j < columns.length; j++) row[columns[j]] = values[j];
    rows[i] = row;
  }
  return mapped({ protocol: 'v1', rows, rowErrors, id: undefined });
}

export function v1ResponseOutputs(body: JsonObject, mapping: PayloadMapping): Mapped<ResponseOutputs> {
  const predictions = body.predictions;
  if (!Array.isArray(predictions)) return refused('invalid_payload', '"predictions" must be a list, one per instance');
  if (predictions.length > mapping.maxRows) return tooManyRows(predictions.length, mapping.maxRows);
  return mapped({ protocol: 'v1', outputs: predictions, modelVersion: undefined, id: undefined });
}
