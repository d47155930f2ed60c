// Runs the JSON Schema over a parsed file and turns ajv's errors into readable problems,
// each at its path in the user's file.
import { Ajv, type AnySchemaObject, type ErrorObject } from 'ajv';
import { CONFIG_SCHEMA, EXPECTED_KEYWORD, type RawConfigFile } from './schema.js';
import { closest, describeValue, field, isRecord, problem, type PathSegment, type Problem } from './problems.js';

const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
ajv.addKeyword(EXPECTED_KEYWORD);
const validateFile = ajv.compile<RawConfigFile>(CONFIG_SCHEMA);

/** Problems with the file's shape; empty means `doc` is a RawConfigFile. */
export function schemaProblems(doc: unknown): Problem[] {
  if (validateFile(doc)) return [];
  const problems = (validateFile.errors ?? []).map((error) => translate(error, doc));
  return dedupe(problems);
}

export function isRawConfigFile(doc: unknown): doc is RawConfigFile {
  return validateFile(doc);
}

/** JSON pointer → path segments; an index into a list becomes a number. */
function pointerToPath(pointer: string, doc: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      path.push(index);
      node = node[index];
    } else {
      path.push(key);
      node = field(node, key);
    }
  }
  return path;
}

function translate(error: ErrorObject, doc: unknown): Problem {
  const path = pointerToPath(error.instancePath, doc);
  const schema: AnySchemaObject = error.parentSchema ?? {};
  const got = ` (got ${describeValue(error.data)})`;
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'required': {
      const key = String(params.missingProperty);
      const allowed = field(field(schema.properties, key), 'enum');
      const hint = Array.isArray(allowed) ? ` (one of: ${allowed.join(', ')})` : '';
      return problem([...path, key], `is required${hint}`);
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(isRecord(schema.properties) ? schema.properties : {});
      const guess = closest(key, known);
      const suggestion = guess === undefined ? '' : `; did you mean "${guess}"?`;
      return problem([...path, key], `unknown key (expected one of: ${known.join(', ')})${suggestion}`);
    }
    case 'type':
      return problem(path, typeMessage(String(params.type), error.data));
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      return problem(path, `must be one of: ${allowed.join(', ')}${got}`);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return problem(path, `must be ${boundsText(schema)}${got}`);
    case 'minItems':
    case 'maxItems':
      return problem(path, `${itemsText(schema, error.keyword, Number(params.limit))}${got}`);
    case 'minLength':
      return problem(path, 'must not be empty');
    case 'pattern':
      return problem(path, `must be ${expectedText(schema) ?? `text matching ${String(params.pattern)}`}${got}`);
    default:
      return problem(path, `${error.message ?? 'is not valid'}${got}`);
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
};

function typeMessage(expectedType: string, value: unknown): string {
  const wanted = TYPE_NAMES[expectedType] ?? expectedType;
  if ((expectedType === 'number' || expectedType === 'integer') && typeof value === 'number') {
    // ajv's strict numbers reject NaN and infinities as numbers at all.
    return Number.isFinite(value)
      ? `must be ${wanted} (got ${value})`
      : `must be a finite number (got ${describeValue(value)})`;
  }
  const got = typeof value === 'number' ? `the number ${value}` : describeValue(value);
  const base = `must be ${wanted} (got ${got})`;
  if (expectedType === 'string' && (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date)) {
    // YAML reads 2.3, true and 2026-01-01 as a number, a boolean and a date unless quoted.
    const shown = value instanceof Date ? value.toISOString().replace('.000Z', 'Z') : String(value);
    return `${base}; put it in quotes, e.g. "${shown}"`;
  }
  return base;
}

function expectedText(schema: AnySchemaObject): string | undefined {
  const text: unknown = schema[EXPECTED_KEYWORD];
  return typeof text === 'string' ? text : undefined;
}

function boundsText(schema: AnySchemaObject): string {
  const kind = schema.type === 'integer' ? 'a whole number' : 'a number';
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  if (typeof minimum === 'number' && typeof maximum === 'number') return `${kind} from ${minimum} to ${maximum}`;
  if (typeof exclusiveMinimum === 'number' && typeof exclusiveMaximum === 'number') {
    return `${kind} strictly between ${exclusiveMinimum} and ${exclusiveMaximum}`;
  }
  if (typeof minimum === 'number') return `${kind} of at least ${minimum}`;
  if (typeof exclusiveMinimum === 'number') return `${kind} greater than ${exclusiveMinimum}`;
  if (typeof maximum === 'number') return `${kind} of at most ${maximum}`;
  if (typeof exclusiveMaximum === 'number') return `${kind} less than ${exclusiveMaximum}`;
  return kind;
}

function itemsText(schema: AnySchemaObject, keyword: string, limit: number): string {
  const expected = expectedText(schema);
  if (expected !== undefined) return `must be ${expected}`;
  const noun = limit === 1 ? 'item' : 'items';
  return keyword === 'minItems' ? `must list at least ${limit} ${noun}` : `must list at most ${limit} ${noun}`;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${JSON.stringify(p.path)} ${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
