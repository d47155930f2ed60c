// The web config of the metrics listener, in the format of Prometheus's exporter-toolkit
// (--web.config.file): TLS with optional client certificates, basic auth users with bcrypt
// hashes, and extra response headers. Loaded once at start-up and checked whole: anything
// wrong, unknown or unreadable refuses to start (fails closed), with the key it concerns.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { load } from 'js-yaml';
import { bcryptCost } from './bcrypt.js';

export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface WebTls {
  cert: string;
  key: string;
  clientCa?: string;
  clientAuth: ClientAuthType;
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
}

export interface WebConfig {
  source: string;
  tls?: WebTls;
  /** username → bcrypt hash; empty: no basic auth. */
  users: Map<string, string>;
  headers: Record<string, string>;
}

export class WebConfigError extends Error {
  constructor(source: string, problems: string[]) {
    super(`mlwatch cannot start: --web.config.file ${source}: ${problems.join('; ')}`);
    this.name = 'WebConfigError';
  }
}

const CLIENT_AUTH_TYPES: readonly ClientAuthType[] = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'];
const TLS_VERSIONS: Record<string, TlsVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
const TLS_KEYS = ['cert', 'key', 'client_ca', 'cert_file', 'key_file', 'client_ca_file', 'client_auth_type', 'min_version', 'max_version'];
/** exporter-toolkit keys mlwatch does not implement: refused rather than silently ignored. */
const UNSUPPORTED: Record<string, string> = {
  'tls_server_config.cipher_suites': "Node's default cipher suites are used",
  'tls_server_config.curve_preferences': "Node's default curves are used",
  'tls_server_config.prefer_server_cipher_suites': 'not configurable here',
  'tls_server_config.client_allowed_sans': 'not implemented; use a client CA that signs only the allowed clients',
  rate_limit: 'not implemented',
};
/** Headers exporter-toolkit lets a web config set, with their allowed values (null: any). */
const HEADERS: Record<string, readonly string[] | null> = {
  'Strict-Transport-Security': null,
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': null,
  'Content-Security-Policy': null,
};

export function loadWebConfig(path: string): WebConfig {
  const source = resolve(path);
  let doc: unknown;
  try {
    doc = load(readFileSync(source, 'utf8'), { filename: source }) ?? {};
  } catch (error) {
    throw new WebConfigError(source, [error instanceof Error ? error.message.split('\n')[0] : String(error)]);
  }
  const problems: string[] = [];
  const config = parseWebConfig(doc, dirname(source), source, problems);
  if (problems.length > 0) throw new WebConfigError(source, problems);
  return config;
}

function parseWebConfig(doc: unknown, folder: string, source: string, problems: string[]): WebConfig {
  const config: WebConfig = { source, users: new Map(), headers: {} };
  if (!isRecord(doc)) {
    problems.push('expected a mapping with tls_server_config, http_server_config and/or basic_auth_users');
    return config;
  }
  for (const key of Object.keys(doc)) {
    if (key in UNSUPPORTED) problems.push(`${key}: ${UNSUPPORTED[key]}`);
    else if (!['tls_server_config', 'http_server_config', 'basic_auth_users'].includes(key)) problems.push(`${key}: unknown key`);
  }
  if (doc.tls_server_config !== undefined && doc.tls_server_config !== null) {
    const tls = parseTls(doc.tls_server_config, folder, problems);
    if (tls) config.tls = tls;
  }
  parseHttp(doc.http_server_config, config, problems);
  parseUsers(doc.basic_auth_users, config, problems);
  return config;
}

function parseTls(raw: unknown, folder: string, problems: string[]): WebTls | undefined {
  if (!isRecord(raw)) {
    problems.push('tls_server_config: expected a mapping with cert_file and key_file');
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    const path = `tls_server_config.${key}`;
    if (path in UNSUPPORTED) problems.push(`${path}: ${UNSUPPORTED[path]}`);
    else if (!TLS_KEYS.includes(key)) problems.push(`${path}: unknown key (expected one of ${TLS_KEYS.join(', ')})`);
  }
  const cert = pem(raw, 'cert', folder, problems);
  const key = pem(raw, 'key', folder, problems);
  const clientCa = pem(raw, 'client_ca', folder, problems);
  if (cert === undefined) problems.push('tls_server_config: cert_file (or cert) is required');
  if (key === undefined) problems.push('tls_server_config: key_file (or key) is required');
  const clientAuth = (raw.client_auth_type ?? 'NoClientCert') as ClientAuthType;
  if (!CLIENT_AUTH_TYPES.includes(clientAuth)) {
    problems.push(`tls_server_config.client_auth_type: expected one of ${CLIENT_AUTH_TYPES.join(', ')}, got ${JSON.stringify(raw.client_auth_type)}`);
  }
  const verifies = clientAuth === 'VerifyClientCertIfGiven' || clientAuth === 'RequireAndVerifyClientCert';
  if (verifies && clientCa === undefined) problems.push(`tls_server_config: client_auth_type ${clientAuth} needs client_ca_file`);
  // As exporter-toolkit: a client CA without a policy that checks it is a mistake, not a default.
  if (clientCa !== undefined && clientAuth === 'NoClientCert') {
    problems.push('tls_server_config: client_ca_file is set but client_auth_type is NoClientCert (use RequireAndVerifyClientCert)');
  }
  const minVersion = tlsVersion(raw, 'min_version', 'TLS12', problems);
  const maxVersion = tlsVersion(raw, 'max_version', 'TLS13', problems);
  if (cert === undefined || key === undefined || minVersion === undefined || maxVersion === undefined) return undefined;
  if (minVersion > maxVersion) problems.push('tls_server_config: min_version is above max_version');
  return { cert, key, ...(clientCa === undefined ? {} : { clientCa }), clientAuth, minVersion, maxVersion };
}

/** A PEM given inline (`name`) or by file (`name_file`, relative to the web config). */
function pem(raw: Record<string, unknown>, name: string, folder: string, problems: string[]): string | undefined {
  const inline = raw[name];
  const file = raw[`${name}_file`];
  if (inline !== undefined && file !== undefined) {
    problems.push(`tls_server_config: give ${name} or ${name}_file, not both`);
    return undefined;
  }
  if (inline !== undefined) {
    if (typeof inline === 'string' && inline.includes('-----BEGIN')) return inline;
    problems.push(`tls_server_config.${name}: expected a PEM text`);
    return undefined;
  }
  if (file === undefined || file === null || file === '') return undefined;
  if (typeof file !== 'string') {
    problems.push(`tls_server_config.${name}_file: expected a file name`);
    return undefined;
  }
  const path = resolve(folder, file);
  try {
    const text = readFileSync(path, 'utf8');
    if (!text.includes('-----BEGIN')) throw new Error('not a PEM file');
    return text;
  } catch (error) {
    const why = error instanceof Error && 'code' in error ? String(error.code) : error instanceof Error ? error.message : String(error);
    problems.push(`tls_server_config.${name}_file: cannot read ${path} (${why})`);
    return undefined;
  }
}

function tlsVersion(raw: Record<string, unknown>, key: string, fallback: string, problems: string[]): TlsVersion | undefined {
  const value = raw[key] ?? fallback;
  const version = typeof value === 'string' ? TLS_VERSIONS[value] : undefined;
  if (version === undefined) problems.push(`tls_server_config.${key}: expected one of ${Object.keys(TLS_VERSIONS).join(', ')}, got ${JSON.stringify(value)}`);
  return version;
}

function parseHttp(raw: unknown, config: WebConfig, problems: string[]): void {
  if (raw === undefined || raw === null) return;
  if (!isRecord(raw)) {
    problems.push('http_server_config: expected a mapping');
    return;
  }
  for (const key of Object.keys(raw)) if (key !== 'headers' && key !== 'http2') problems.push(`http_server_config.${key}: unknown key`);
  // HTTP/2 is not served (Prometheus scrapes over HTTP/1.1); `http2: true` is the toolkit's default, so it is accepted.
  if (raw.http2 !== undefined && typeof raw.http2 !== 'boolean') problems.push('http_server_config.http2: expected true or false');
  const headers = raw.headers;
  if (headers === undefined || headers === null) return;
  if (!isRecord(headers)) {
    problems.push('http_server_config.headers: expected a mapping of header names to values');
    return;
  }
  for (const [name, value] of Object.entries(headers)) {
    const allowed = HEADERS[name];
    if (allowed === undefined) {
      problems.push(`http_server_config.headers.${name}: cannot be set (allowed: ${Object.keys(HEADERS).join(', ')})`);
    } else if (typeof value !== 'string' || (allowed !== null && !allowed.includes(value))) {
      problems.push(`http_server_config.headers.${name}: expected ${allowed === null ? 'a string' : `one of ${allowed.join(', ')}`}, got ${JSON.stringify(value)}`);
    } else if (value !== '') {
      config.headers[name] = value;
    }
  }
}

function parseUsers(raw: unknown, config: WebConfig, problems: string[]): void {
  if (raw === undefined || raw === null) return;
  if (!isRecord(raw)) {
    problems.push('basic_auth_users: expected a mapping of user names to bcrypt hashes');
    return;
  }
  for (const [user, hash] of Object.entries(raw)) {
    if (user === '' || user.includes(':')) problems.push(`basic_auth_users: ${JSON.stringify(user)} is not a valid user name (non-empty, no ":")`);
    else if (typeof hash !== 'string' || bcryptCost(hash) === null) {
      problems.push(`basic_auth_users.${user}: expected a bcrypt hash such as $2y$10$... (htpasswd -nBC 10 "" | tr -d ':\\n')`);
    } else config.users.set(user, hash);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
