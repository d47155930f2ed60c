// Open Inference Protocol v2 tensors in JSON: { name, shape, datatype, parameters?, data },
// data row-major, flat or nested (kserve/open-inference-protocol, inference_rest.md: "Tensor
// data ... flattened to a one-dimensional, row-major order"; nested arrays matching the shape
// are allowed in JSON). A tensor is checked (datatype known, shape non-negative integers, as
// many values as the shape holds) and read as rows: shape[0] rows of the remaining size each.
import { isObject, mapped, refused, type Mapped } from './problems.js';

export const DATATYPES = new Set([
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES',
]);

/** Deeper nesting than any tensor a model takes: guards the recursion. */
const MAX_NESTING = 32;

export interface Tensor {
  name: string;
  shape: number[];
  /** Row-major, flattened. */
  values: unknown[];
  /** shape[0] (1 for a scalar, shape []). */
  rows: number;
  /** Values per row: the product of shape[1:]. */
  width: number;
  parameters: Record<string, unknown>;
}

/** `what` names the tensor in messages: 'input 2 ("age")' or 'output 0'. */
export function readTensor(value: unknown, what: string, maxValues: number): Mapped<Tensor> {
  if (!isObject(value)) return refused('invalid_payload', `${what} must be an object { name, shape, datatype, data }`);
  const { name, shape, datatype, data } = value;
  const parameters = isObject(value.parameters) ? value.parameters : {};
  if (typeof name !== 'string' || name === '') return refused('invalid_payload', `${what} needs a "name" string`);
  const label = `${what} ("${name.slice(0, 64)}")`;
  if (parameters.binary_data_size !== undefined) {
    return refused('binary_tensor', `${label} is sent with the binary tensor data extension; mlwatch reads JSON tensor data only`);
  }
  if (typeof datatype !== 'string' || !DATATYPES.has(datatype)) {
    return refused('invalid_payload', `${label}: "datatype" must be one of ${[...DATATYPES].join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    return refused('invalid_payload', `${label}: "shape" must be a list of non-negative integers`);
  }
  const dims = shape as number[];
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected > maxValues) return refused('too_many_rows', `${label}: shape [${dims.join(', ')}] holds ${expected} values, more than the limit of ${maxValues}`);
  if (!Array.isArray(data)) return refused('invalid_payload', `${label}: "data" must be a list (flat or nested, row-major)`);
  const values: unknown[] = [];
  if (!flatten(data, values, 0, expected)) {
    return refused('shape_mismatch', `${label}: shape [${dims.join(', ')}] holds ${expected} values, but "data" holds more (or nests too deep)`);
  }
  if (values.length !== expected) {
    return refused('shape_mismatch', `${label}: shape [${dims.join(', ')}] holds ${expected} values, but "data" holds ${values.length}`);
  }
  const rows = dims.length === 0 ? 1 : dims[0];
  return mapped({ name, shape: dims, values, rows, width: rows === 0 ? 0 : expected / rows, parameters });
}

/** Depth-first into `out`; false once it holds more than `limit` values or nests too deep. */
function flatten(data: unknown[], out: unknown[], depth: number, limit: number): boolean {
  if (depth > MAX_NESTING) return false;
  for (const item of data) {
    if (Array.isArray(item)) {
      if (!flatten(item, out, depth + 1, limit)) return false;
    } else {
      if (out.length >= limit) return false;
      out.push(item);
    }
  }
  return true;
}
