// The ingest bearer token: where it comes from (ingest.auth_token_env or auth_token_file),
// checked once at start so a missing or empty secret refuses to start instead of letting
// every caller in; and the per-request check, in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/loader.js';
import type { Config } from '../config/types.js';

/** A token longer than this is surely a wrong file (a certificate, a key ring), not a bearer token. */
const MAX_TOKEN_BYTES = 4096;
// Visible ASCII: what an Authorization header can carry after "Bearer " (RFC 6750 token68 and more).
const TOKEN_SYNTAX = /^[\x21-\x7e]+$/;

export class BearerAuth {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** True when `header` is "Bearer <token>" (scheme case-insensitive, RFC 9110) with the right token. */
  accepts(header: string | undefined): boolean {
    if (header === undefined || header.length < 8 || header.length > MAX_TOKEN_BYTES + 16) return false;
    if (header.slice(0, 7).toLowerCase() !== 'bearer ') return false;
    // Hashing both sides makes the comparison constant-time whatever the lengths.
    return timingSafeEqual(digest(header.slice(7).trim()), this.expected);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The configured token, or null when ingest is open (neither key set). Throws a ConfigError
 * naming the key when the variable is unset or empty, the file cannot be read or is empty,
 * or the token is not one line of visible ASCII. Leading and trailing whitespace is trimmed
 * (a file written by `echo` ends in a newline; a token never holds whitespace).
 */
export function ingestAuthFrom(config: Config, env: NodeJS.ProcessEnv = process.env): BearerAuth | null {
  const { auth_token_env: variable, auth_token_file: file } = config.ingest;
  const refuse = (key: string, problem: string): never => {
    throw new ConfigError(config.source_path, [`ingest.${key}: ${problem}`]);
  };
  if (variable !== undefined && file !== undefined) {
    refuse('auth_token_file', 'set either auth_token_env or auth_token_file, not both');
  }
  let token: string;
  let key: string;
  if (variable !== undefined) {
    key = 'auth_token_env';
    const value = env[variable];
    if (value === undefined) refuse(key, `the environment variable ${variable} is not set; set it to the bearer token, or remove auth_token_env to accept requests without a token`);
    token = (value as string).trim();
    if (token === '') refuse(key, `the environment variable ${variable} is empty; set it to the bearer token`);
  } else if (file !== undefined) {
    key = 'auth_token_file';
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
      return refuse(key, `cannot read ${file}${code}; it must hold the bearer token`);
    }
    token = text.trim();
    if (token === '') refuse(key, `${file} is empty; it must hold the bearer token`);
  } else {
    return null;
  }
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) refuse(key, `the token is longer than ${MAX_TOKEN_BYTES} bytes`);
  if (!TOKEN_SYNTAX.test(token)) refuse(key, 'the token must be visible ASCII characters with no spaces inside');
  return new BearerAuth(token);
}
