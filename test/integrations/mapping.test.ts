// The pure mapping from model-server bodies to rows and outputs: KServe v1 (objects and lists)
// and Open Inference Protocol v2 (a column per input, MLServer's "pd" layout, and one 2-D
// tensor), shape checks, the prediction mapping, CloudEvent headers. Property tests: any table
// encoded in any of the layouts reads back as exactly its rows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCloudEventHeaders, rfc3339Ms } from '../../src/integrations/cloudevent.js';
import type { PayloadMapping } from '../../src/integrations/mapping.js';
import { mediaKind, parseJsonDocument, requestRows, responseOutputs } from '../../src/integrations/payload.js';
import { predictionOf } from '../../src/integrations/prediction.js';
import type { Mapped } from '../../src/integrations/problems.js';

const COLUMNS = ['price', 'country', 'returning'];

function mapping(overrides: Partial<PayloadMapping> = {}): PayloadMapping {
  return { columns: COLUMNS, output: undefined, prediction: 'auto', task: 'binary_classification', classes: ['no', 'yes'], maxRows: 100, ...overrides };
}

function value<T>(m: Mapped<T>): T {
  if (!m.ok) throw new Error(`refused: ${m.problem.reason}: ${m.problem.message}`);
  return m.value;
}

function reason<T>(m: Mapped<T>): string {
  return m.ok ? 'ok' : m.problem.reason;
}

type Cell = number | string | boolean | null;
const cell = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null));
const table = fc.integer({ min: 1, max: 6 }).chain((width) =>
  fc.record({
    columns: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), { minLength: width, maxLength: width }),
    rows: fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 0, maxLength: 8 }),
  }),
);

function asObjects(columns: string[], rows: Cell[][]): Record<string, Cell>[] {
  return rows.map((r) => Object.fromEntries(columns.map((c, j) => [c, r[j]])));
}

describe('KServe v1 requests', () => {
  it('reads object rows by name and list rows by kserve.columns', () => {
    const objects = value(requestRows({ instances: [{ price: 1, country: 'DE', returning: true }] }, mapping()));
    expect(objects).toEqual({ protocol: 'v1', rows: [{ price: 1, country: 'DE', returning: true }], rowErrors: [], id: undefined });
    const lists = value(requestRows({ instances: [[2, 'FR', false], [3, 'US', true]] }, mapping()));
    expect(lists.rows).toEqual([{ price: 2, country: 'FR', returning: false }, { price: 3, country: 'US', returning: true }]);
  });

  it('refuses list rows without a column order, and reports a row of the wrong width by its index', () => {
    expect(reason(requestRows({ instances: [[1, 'DE', true]] }, mapping({ columns: undefined })))).toBe('no_column_order');
    const mixed = value(requestRows({ instances: [[1, 'DE', true], [1, 'DE'], { price: 4 }] }, mapping()));
    expect(mixed.rows).toEqual([{ price: 1, country: 'DE', returning: true }, null, { price: 4 }]);
    expect(mixed.rowErrors).toEqual([{ index: 1, message: 'instance 1 has 2 values; kserve.columns lists 3' }]);
  });

  it('refuses more rows than ingest.max_batch_events and bodies of neither protocol', () => {
    expect(reason(requestRows({ instances: [{}, {}, {}] }, mapping({ maxRows: 2 })))).toBe('too_many_rows');
    expect(reason(requestRows({ features: {} }, mapping()))).toBe('invalid_payload');
    expect(reason(requestRows([1, 2], mapping()))).toBe('invalid_payload');
    expect(reason(responseOutputs({ predictions: 'x' }, mapping()))).toBe('invalid_payload');
  });

  it('property: any table as lists or objects reads back as its rows', () => {
    fc.assert(
      fc.property(table, ({ columns, rows }) => {
        const m = mapping({ columns });
        expect(value(requestRows({ instances: rows }, m)).rows).toEqual(asObjects(columns, rows));
        expect(value(requestRows({ instances: asObjects(columns, rows) }, m)).rows).toEqual(asObjects(columns, rows));
      }),
      { numRuns: 60 },
    );
  });
});

describe('Open Inference Protocol v2 requests', () => {
  it('reads a column per input (MLServer "pd", shapes [N] and [N, 1])', () => {
    const body = {
      parameters: { content_type: 'pd' },
      inputs: [
        { name: 'price', shape: [2, 1], datatype: 'FP64', data: [1.5, 2.5] },
        { name: 'country', shape: [2], datatype: 'BYTES', parameters: { content_type: 'str' }, data: ['DE', 'FR'] },
      ],
    };
    expect(value(requestRows(body, mapping())).rows).toEqual([{ price: 1.5, country: 'DE' }, { price: 2.5, country: 'FR' }]);
  });

  it('reads one 2-D input [N, F] by kserve.columns, flat or nested', () => {
    const flat = { id: 'r1', inputs: [{ name: 'x', shape: [2, 3], datatype: 'BYTES', data: [1, 'DE', true, 2, 'US', false] }] };
    const nested = { inputs: [{ name: 'x', shape: [2, 3], datatype: 'BYTES', data: [[1, 'DE', true], [2, 'US', false]] }] };
    const rows = [{ price: 1, country: 'DE', returning: true }, { price: 2, country: 'US', returning: false }];
    expect(value(requestRows(flat, mapping()))).toEqual({ protocol: 'v2', rows, rowErrors: [], id: 'r1' });
    expect(value(requestRows(nested, mapping())).rows).toEqual(rows);
  });

  it('checks the shape against the data and the columns, naming the input', () => {
    const short = requestRows({ inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5] }] }, mapping());
    expect(short).toEqual({ ok: false, problem: { reason: 'shape_mismatch', message: 'input 0 ("x"): shape [2, 3] holds 6 values, but "data" holds 5' } });
    const wide = requestRows({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, mapping());
    expect(wide).toEqual({ ok: false, problem: { reason: 'shape_mismatch', message: 'input "x" has 4 columns; kserve.columns lists 3' } });
    const ragged = requestRows(
      { inputs: [{ name: 'a', shape: [2], datatype: 'FP32', data: [1, 2] }, { name: 'b', shape: [3], datatype: 'FP32', data: [1, 2, 3] }] },
      mapping(),
    );
    expect(reason(ragged)).toBe('shape_mismatch');
    expect(reason(requestRows({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, mapping({ columns: undefined })))).toBe('no_column_order');
    expect(reason(requestRows({ inputs: [{ name: 'x', shape: [1], datatype: 'FLOAT', data: [1] }] }, mapping()))).toBe('invalid_payload');
    expect(reason(requestRows({ inputs: [{ name: 'x', shape: [-1], datatype: 'FP32', data: [1] }] }, mapping()))).toBe('invalid_payload');
    expect(reason(requestRows({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', parameters: { binary_data_size: 4 } }] }, mapping()))).toBe('binary_tensor');
    expect(reason(requestRows({ inputs: [] }, mapping()))).toBe('invalid_payload');
  });

  it('property: any table as a 2-D tensor (flat or nested) or as columns reads back as its rows', () => {
    fc.assert(
      fc.property(table, fc.boolean(), fc.boolean(), ({ columns, rows }, nested, batchDimension) => {
        const n = rows.length;
        const tensor = { inputs: [{ name: 't', shape: [n, columns.length], datatype: 'BYTES', data: nested ? rows : rows.flat() }] };
        expect(value(requestRows(tensor, mapping({ columns }))).rows).toEqual(asObjects(columns, rows));
        const pd = {
          parameters: { content_type: 'pd' },
          inputs: columns.map((name, j) => ({ name, shape: batchDimension ? [n, 1] : [n], datatype: 'BYTES', data: rows.map((r) => r[j]) })),
        };
        expect(value(requestRows(pd, mapping({ columns }))).rows).toEqual(asObjects(columns, rows));
      }),
      { numRuns: 60 },
    );
  });

  it('property: a shape whose size differs from the data is always a shape mismatch', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 40 }), (shape, count) => {
        fc.pre(shape.reduce((a, b) => a * b, 1) !== count);
        const body = { parameters: { content_type: 'pd' }, inputs: [{ name: 'x', shape, datatype: 'FP64', data: Array.from({ length: count }, (_, i) => i) }] };
        expect(reason(requestRows(body, mapping()))).toBe('shape_mismatch');
      }),
    );
  });
});

describe('responses and the prediction mapping', () => {
  it('takes the configured output (else the first), a vector per row when it is wider than one', () => {
    const body = {
      model_name: 'shop',
      model_version: '1.1.0',
      id: 'c1',
      outputs: [
        { name: 'predict', shape: [2, 1], datatype: 'INT64', data: [0, 1] },
        { name: 'predict_proba', shape: [2, 2], datatype: 'FP64', data: [0.8, 0.2, 0.1, 0.9] },
      ],
    };
    expect(value(responseOutputs(body, mapping()))).toEqual({ protocol: 'v2', outputs: [0, 1], modelVersion: '1.1.0', id: 'c1' });
    expect(value(responseOutputs(body, mapping({ output: 'predict_proba' }))).outputs).toEqual([[0.8, 0.2], [0.1, 0.9]]);
    expect(reason(responseOutputs(body, mapping({ output: 'nope' })))).toBe('invalid_payload');
    expect(value(responseOutputs({ predictions: [0.3, 'yes'] }, mapping())).outputs).toEqual([0.3, 'yes']);
  });

  it('reads outputs by the task and kserve.prediction, never coercing', () => {
    const binary = mapping();
    expect(predictionOf(0.7, binary)).toBe(0.7);
    expect(predictionOf([0.3, 0.7], binary)).toEqual({ scores: [0.3, 0.7] });
    expect(predictionOf([0.7], binary)).toBe(0.7);
    expect(predictionOf('yes', binary)).toEqual({ label: 'yes' });
    expect(predictionOf(true, binary)).toEqual({ label: 'yes' });
    expect(predictionOf({ label: 'no', score: 0.1 }, binary)).toEqual({ label: 'no', score: 0.1 });
    expect(predictionOf(1, mapping({ prediction: 'class_index' }))).toEqual({ label: 'yes' });
    expect(predictionOf(2, mapping({ prediction: 'class_index' }))).toEqual({ label: 2 });
    expect(predictionOf('0.7', mapping({ prediction: 'score' }))).toBe('0.7');
    const multi = mapping({ task: 'multiclass_classification', classes: ['setosa', 'versicolor', 'virginica'] });
    expect(predictionOf(1, multi)).toEqual({ label: 'versicolor' });
    expect(predictionOf(1.5, multi)).toBe(1.5);
    expect(predictionOf('virginica', multi)).toBe('virginica');
    expect(predictionOf([0.1, 0.2, 0.7], multi)).toEqual({ scores: [0.1, 0.2, 0.7] });
    expect(predictionOf([4.2], mapping({ task: 'regression', classes: [] }))).toBe(4.2);
  });
});

describe('any input', () => {
  it('property: never throws, and every refusal has a reason and a message', () => {
    const json = fc.jsonValue({ maxDepth: 5 });
    const body = fc.oneof(
      json,
      fc.record({ instances: json }),
      fc.record({ inputs: fc.array(fc.record({ name: fc.string(), shape: json, datatype: fc.constantFrom('FP32', 'BYTES', 'X'), data: json }, { requiredKeys: [] })) }),
      fc.record({ outputs: fc.array(json), model_version: json }),
    );
    fc.assert(
      fc.property(body, fc.constantFrom(undefined, ['a', 'b']), (value, columns) => {
        for (const read of [requestRows(value, mapping({ columns })), responseOutputs(value, mapping({ columns }))]) {
          if (!read.ok) {
            expect(read.problem.reason.length).toBeGreaterThan(0);
            expect(read.problem.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: headers of any content parse or are refused with a message', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('ce-specversion', 'ce-id', 'ce-type', 'ce-time', 'ce-endpoint', 'x'), fc.string()), (headers) => {
        const parsed = parseCloudEventHeaders(headers);
        if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('CloudEvent headers and bodies', () => {
  const headers = {
    'ce-specversion': '1.0',
    'ce-id': 'abc',
    'ce-type': 'org.kubeflow.serving.inference.response',
    'ce-time': '2021-04-10T00:23:26.080736102Z',
    'ce-inferenceservicename': 'sklearn-iris',
    'ce-endpoint': 'canary',
  };

  it('reads the attributes KServe sends, percent-decoded, with sub-millisecond times', () => {
    const parsed = parseCloudEventHeaders({ ...headers, 'ce-id': 'req%2081' });
    expect(parsed).toEqual({
      ok: true,
      event: {
        id: 'req 81',
        side: 'response',
        inferenceService: 'sklearn-iris',
        namespace: '',
        component: '',
        endpoint: 'canary',
        timeMs: Date.UTC(2021, 3, 10, 0, 23, 26) + 80.736102,
        time: '2021-04-10T00:23:26.080736102Z',
      },
    });
    expect(rfc3339Ms('2021-04-10T02:23:26.5+02:00')).toBe(Date.UTC(2021, 3, 10, 0, 23, 26, 500));
    expect(rfc3339Ms('yesterday')).toBeNaN();
  });

  it('refuses events without the binary-mode attributes, never quoting them', () => {
    expect(parseCloudEventHeaders({ ...headers, 'ce-specversion': undefined })).toMatchObject({ ok: false });
    expect(parseCloudEventHeaders({ ...headers, 'ce-type': 'com.example.secret' })).toEqual({
      ok: false,
      message: 'ce-type must be org.kubeflow.serving.inference.request or org.kubeflow.serving.inference.response',
    });
    expect(parseCloudEventHeaders({ ...headers, 'ce-id': '' })).toMatchObject({ ok: false });
  });

  it('tells JSON bodies from binary tensors and other media', () => {
    expect(['application/json', 'application/json; charset=utf-8', undefined, 'application/x-www-form-urlencoded', 'text/plain'].map(mediaKind)).toEqual(['json', 'json', 'json', 'json', 'json']);
    expect(mediaKind('application/octet-stream')).toBe('binary');
    expect(mediaKind('image/png')).toBe('unsupported');
    expect(reason(parseJsonDocument(Buffer.from([0xff, 0xfe])))).toBe('invalid_json');
    expect(value(parseJsonDocument(Buffer.from('{"a": NaN}')))).toEqual({ a: '\u0000NaN' });
  });
});
