// Rules across keys of the process-wide sections (ingest, metrics, defaults) that a JSON
// Schema cannot say. They read the parsed file defensively: a value of the wrong type was
// already reported by the schema and is skipped here, so every problem is reported once.
import { DEFAULT_INGEST, DEFAULT_INGEST_LISTEN, DEFAULT_METRICS_LISTEN } from './defaults.js';
import { isWildcardHost, parseListenAddress } from './listen.js';
import { field, isFiniteNumber, problem, type Problem } from './problems.js';
import { redactUrl } from './redact-url.js';
import type { ListenAddress } from './types.js';
import { DEFAULT_SPLIT, effectiveSplit, subWindowProblem } from './window-split.js';

export function settingsProblems(doc: unknown): Problem[] {
  const problems: Problem[] = [];
  const ingest = listenProblems(doc, 'ingest', DEFAULT_INGEST_LISTEN, problems);
  const metrics = listenProblems(doc, 'metrics', DEFAULT_METRICS_LISTEN, problems);
  if (ingest !== undefined && metrics !== undefined && listenersClash(ingest.address, metrics.address)) {
    const at = metrics.explicit ? 'metrics' : 'ingest';
    problems.push(
      problem([at, 'listen'], `ingest.listen ("${ingest.text}") and metrics.listen ("${metrics.text}") use the same port; give them different ports`),
    );
  }
  problems.push(...bucketProblems(field(field(doc, 'metrics'), 'latency_buckets_seconds')));
  problems.push(...ingestProblems(field(doc, 'ingest')));
  const defaultsDrift = field(field(doc, 'defaults'), 'drift');
  const split = effectiveSplit(DEFAULT_SPLIT, defaultsDrift);
  const splitProblem = split && subWindowProblem(split, defaultsDrift, ['defaults', 'drift']);
  if (splitProblem) problems.push(splitProblem);
  problems.push(...labelStoreProblems(field(doc, 'label_store')));
  return problems;
}

/** A redis backend needs a redis:// or rediss:// URL; the message shows it with its password hidden. */
function labelStoreProblems(store: unknown): Problem[] {
  const url = field(store, 'url');
  if (field(store, 'backend') === 'redis' && url === undefined) {
    return [problem(['label_store', 'url'], 'backend redis needs a url, e.g. "redis://redis:6379" (or rediss:// for TLS)')];
  }
  if (typeof url !== 'string' || url.length === 0) return [];
  let scheme = '';
  try {
    const parsed = new URL(url);
    // "redis:6379" parses, as a scheme with no host.
    scheme = parsed.hostname === '' ? '' : parsed.protocol;
    if (scheme === '') throw new Error('no host');
  } catch {
    return [problem(['label_store', 'url'], `must be a redis:// or rediss:// URL (got "${redactUrl(url)}", which is not a URL)`)];
  }
  if (scheme !== 'redis:' && scheme !== 'rediss:') {
    return [problem(['label_store', 'url'], `must be a redis:// or rediss:// URL (got "${redactUrl(url)}")`)];
  }
  return [];
}

interface ParsedListen {
  text: string;
  address: ListenAddress;
  explicit: boolean;
}

function listenProblems(doc: unknown, section: string, fallback: string, problems: Problem[]): ParsedListen | undefined {
  const value = field(field(doc, section), 'listen');
  if (value !== undefined && typeof value !== 'string') return undefined; // the schema reported it
  const text = value ?? fallback;
  try {
    return { text, address: parseListenAddress(text), explicit: value !== undefined };
  } catch (error) {
    problems.push(problem([section, 'listen'], error instanceof Error ? error.message : String(error)));
    return undefined;
  }
}

function listenersClash(a: ListenAddress, b: ListenAddress): boolean {
  // Port 0 asks the system for a free port: two of them never clash.
  if (a.port === 0 || a.port !== b.port) return false;
  return a.host === b.host || isWildcardHost(a.host) || isWildcardHost(b.host);
}

/** The ingest keys that depend on each other; absent keys take their defaults. */
function ingestProblems(ingest: unknown): Problem[] {
  const problems: Problem[] = [];
  if (field(ingest, 'auth_token_env') !== undefined && field(ingest, 'auth_token_file') !== undefined) {
    problems.push(problem(['ingest', 'auth_token_file'], 'set either auth_token_env or auth_token_file, not both'));
  }
  const value = (key: keyof typeof DEFAULT_INGEST): number | undefined => {
    const v = field(ingest, key);
    if (v === undefined) return DEFAULT_INGEST[key] as number;
    return isFiniteNumber(v) ? v : undefined; // a wrong type was reported by the schema
  };
  const body = value('max_body_bytes');
  const buffered = value('max_buffered_bytes');
  if (body !== undefined && buffered !== undefined && buffered < body) {
    const at = field(ingest, 'max_buffered_bytes') !== undefined ? 'max_buffered_bytes' : 'max_body_bytes';
    problems.push(
      problem(['ingest', at], `max_buffered_bytes (${buffered}) must be at least max_body_bytes (${body}): a body of the largest size could never be read`),
    );
  }
  const headers = value('headers_timeout_seconds');
  const request = value('request_timeout_seconds');
  if (headers !== undefined && request !== undefined && headers > request) {
    const at = field(ingest, 'headers_timeout_seconds') !== undefined ? 'headers_timeout_seconds' : 'request_timeout_seconds';
    problems.push(problem(['ingest', at], `headers_timeout_seconds (${headers}) must not exceed request_timeout_seconds (${request}): the headers are part of the request`));
  }
  return problems;
}

function bucketProblems(buckets: unknown): Problem[] {
  if (!Array.isArray(buckets)) return [];
  const problems: Problem[] = [];
  for (let i = 1; i < buckets.length; i++) {
    const previous: unknown = buckets[i - 1];
    const current: unknown = buckets[i];
    // A bucket at or below 0 was reported by the schema already.
    if (isFiniteNumber(previous) && isFiniteNumber(current) && current > 0 && current <= previous) {
      problems.push(
        problem(
          ['metrics', 'latency_buckets_seconds', i],
          `must be greater than the bucket before it (${previous}); buckets must be strictly increasing (got ${current})`,
        ),
      );
    }
  }
  return problems;
}
