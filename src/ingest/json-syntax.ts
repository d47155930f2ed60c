// Finds the bare NaN, Infinity and -Infinity tokens Python's json.dumps writes, in a string
// that JSON.parse refused, so they can be rewritten; or says where the text is not JSON. It
// runs only after JSON.parse has failed. The grammar is the byte scanner's (json-scan.ts),
// run on the text's UTF-8 bytes; positions come back in UTF-16 units, as JSON.parse counts.
import { JsonScanner } from './json-scan.js';
import { JsonSyntaxError } from './json-error.js';

export { JsonSyntaxError } from './json-error.js';

/** The non-finite tokens, in the order their kind numbers refer to. */
export const NON_FINITE_TOKENS = ['NaN', 'Infinity', '-Infinity'] as const;

/**
 * Checks `text` against JSON plus the three non-finite tokens. Returns the start offsets
 * of those tokens with their kind (pairs: offset, kind), or throws JsonSyntaxError at the
 * first position where the text cannot be JSON.
 */
export function findNonFiniteTokens(text: string): number[] {
  const bytes = Buffer.from(text, 'utf8');
  const ascii = bytes.length === text.length;
  const scanner = new JsonScanner(bytes, 0, bytes.length);
  try {
    scanner.advance();
  } catch (error) {
    if (ascii || !(error instanceof JsonSyntaxError) || error.position === null) throw error;
    throw new JsonSyntaxError(error.problem, utf16Offsets(bytes, [error.position])[0]);
  }
  const tokens = scanner.tokens;
  if (ascii || tokens.length === 0) return tokens;
  const starts = utf16Offsets(bytes, tokens.filter((_, k) => k % 2 === 0));
  return tokens.map((value, k) => (k % 2 === 0 ? starts[k / 2] : value));
}

/** UTF-16 offsets of ascending byte offsets, each at a character boundary. */
export function utf16Offsets(bytes: Buffer, byteOffsets: readonly number[]): number[] {
  const result: number[] = [];
  let bytesDone = 0;
  let units = 0;
  for (const offset of byteOffsets) {
    units += bytes.toString('utf8', bytesDone, offset).length;
    bytesDone = offset;
    result.push(units);
  }
  return result;
}
