// JSON.parse, and only when it fails a second pass that accepts Python's bare NaN, Infinity
// and -Infinity (json.dumps writes them for non-finite floats). Those tokens become marker
// strings, so the quality checks count them as non-finite values instead of the whole event
// being lost as malformed. The happy path is exactly one JSON.parse.
import { findNonFiniteTokens, JsonSyntaxError, NON_FINITE_TOKENS } from './json-syntax.js';

export { JsonSyntaxError } from './json-syntax.js';

/** Marker string (starts with NUL, which no real value does) → the number it stands for. */
export const NON_FINITE_MARKERS: ReadonlyMap<string, number> = new Map([
  ['\u0000NaN', Number.NaN],
  ['\u0000Infinity', Number.POSITIVE_INFINITY],
  ['\u0000-Infinity', Number.NEGATIVE_INFINITY],
]);

/** The JSON text of each token's marker, by token kind. */
const MARKER_JSON = NON_FINITE_TOKENS.map((token) => JSON.stringify(`\u0000${token}`));

/**
 * Parses like JSON.parse, but bare NaN / Infinity / -Infinity values (outside strings)
 * come back as the NON_FINITE_MARKERS strings. Invalid text throws a JsonSyntaxError
 * (a SyntaxError) whose message names the problem and position without quoting the text.
 * Errors other than SyntaxError from JSON.parse (e.g. RangeError) are rethrown as they are.
 */
export function parseJsonTolerant(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return parseWithMarkers(text);
  }
}

function parseWithMarkers(text: string): unknown {
  const tokens = findNonFiniteTokens(text); // throws JsonSyntaxError if it is not JSON even so
  // Valid by our grammar with no tokens to rewrite, yet JSON.parse refused it: should not
  // happen; report it without V8's message, which may quote the text.
  if (tokens.length === 0) throw new JsonSyntaxError('invalid JSON', null);
  let rewritten = '';
  let copiedTo = 0;
  for (let t = 0; t < tokens.length; t += 2) {
    const start = tokens[t];
    const kind = tokens[t + 1];
    rewritten += text.slice(copiedTo, start) + MARKER_JSON[kind];
    copiedTo = start + NON_FINITE_TOKENS[kind].length;
  }
  rewritten += text.slice(copiedTo);
  try {
    return JSON.parse(rewritten) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError) throw new JsonSyntaxError('invalid JSON', null);
    throw error;
  }
}
