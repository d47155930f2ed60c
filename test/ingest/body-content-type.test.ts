import { describe, expect, it } from 'vitest';
import { bodyFormatOf } from '../../src/ingest/content-type.js';

describe('bodyFormatOf', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['application/json', 'json'],
    ['Application/JSON', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['application/json;charset=UTF-8', 'json'],
    ['application/json; charset="utf-8"', 'json'],
    ['application/json; charset=utf8', 'json'],
    ['application/json ; foo=bar', 'json'],
    ['application/vnd.api+json', 'json'],
    ['application/problem+json; charset=utf-8', 'json'],
    ['application/x-ndjson', 'ndjson'],
    ['application/ndjson', 'ndjson'],
    ['application/jsonl', 'ndjson'],
    ['application/x-jsonlines', 'ndjson'],
    ['APPLICATION/X-NDJSON; Charset=UTF-8', 'ndjson'],
  ])('%j → %s', (header, format) => {
    expect(bodyFormatOf(header)).toBe(format);
  });

  it.each([
    'text/plain',
    'text/json',
    'application/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/x-ndjson; charset=iso-8859-1',
    'application/+json',
    'application/a b+json',
    'text/vnd.x+json',
    'application/jsonx',
    '; charset=utf-8',
  ])('%j → null (415)', (header) => {
    expect(bodyFormatOf(header)).toBeNull();
  });
});
