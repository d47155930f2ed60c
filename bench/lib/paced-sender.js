// A rate-limited load generator, run in its own process (node bench/lib/paced-sender.js):
// POSTs the NUL-separated bodies of BODIES_FILE to URL, cycling through them, at a fixed
// number of requests per second (scheduled against the clock, so a slow answer does not
// lower the rate while connections are free), with at most CONCURRENCY in flight, for
// SECONDS. Prints one line `PACED_RESULT {json}` at the end (or on SIGINT/SIGTERM).
// Usage: node bench/lib/paced-sender.js URL BODIES_FILE CONTENT_TYPE REQUESTS_PER_SECOND SECONDS [CONCURRENCY]
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [url, bodiesFile, contentType, rateText, secondsText, concurrencyText] = process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
const concurrency = Number(concurrencyText ?? 16);
if (!url || !bodiesFile || !contentType || !(rate > 0) || !(seconds > 0) || !(concurrency > 0)) {
  process.stderr.write('usage: node bench/lib/paced-sender.js URL BODIES_FILE CONTENT_TYPE REQUESTS_PER_SECOND SECONDS [CONCURRENCY]\n');
  process.exit(2);
}
const bodies = readFileSync(bodiesFile, 'utf8').split('\0').map((b) => Buffer.from(b));
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
const stats = { sent: 0, answered: 0, accepted: 0, failed: 0, retried: 0, status: /** @type {Record<string, number>} */ ({}), maxBacklog: 0, maxLatencyMs: 0 };
let inFlight = 0;
let next = 0;
const started = performance.now();

function send() {
  const body = bodies[next++ % bodies.length];
  inFlight++;
  stats.sent++;
  post(body, performance.now(), true);
}

/**
 * One request. A kept-alive socket the server closed just as it was reused fails before any
 * byte of an answer (Node's documented keep-alive race): that one is sent again once, on a new
 * socket, as any HTTP client does; any other failure counts.
 * @param {Buffer} body
 * @param {number} sentAt
 * @param {boolean} mayRetry
 */
function post(body, sentAt, mayRetry) {
  const req = request(
    { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        inFlight--;
        stats.answered++;
        stats.status[String(res.statusCode)] = (stats.status[String(res.statusCode)] ?? 0) + 1;
        stats.maxLatencyMs = Math.max(stats.maxLatencyMs, performance.now() - sentAt);
        if (res.statusCode === 200) stats.accepted += /** @type {{ accepted: number }} */ (JSON.parse(text)).accepted;
      });
    },
  );
  req.on('error', (/** @type {NodeJS.ErrnoException} */ error) => {
    if (mayRetry && req.reusedSocket && error.code === 'ECONNRESET') {
      stats.retried++;
      post(body, sentAt, false);
      return;
    }
    inFlight--;
    stats.failed++;
  });
  req.end(body);
}

// Every millisecond tick sends what the clock says is due; a request that cannot go out
// because CONCURRENCY are in flight waits (the largest such backlog is reported).
const timer = setInterval(() => {
  const elapsed = (performance.now() - started) / 1000;
  if (elapsed >= seconds) return finish();
  const due = Math.floor(elapsed * rate) - stats.sent;
  for (let i = 0; i < due; i++) {
    if (inFlight >= concurrency) {
      stats.maxBacklog = Math.max(stats.maxBacklog, due - i);
      break;
    }
    send();
  }
}, 1);

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  clearInterval(timer);
  const wait = setInterval(() => {
    if (inFlight > 0 && performance.now() - started < (seconds + 10) * 1000) return;
    clearInterval(wait);
    const elapsed = (performance.now() - started) / 1000;
    process.stdout.write(`PACED_RESULT ${JSON.stringify({ ...stats, seconds: elapsed, requestsPerSecond: stats.answered / elapsed })}\n`);
    agent.destroy();
    process.exit(0);
  }, 20);
}
process.once('SIGINT', finish);
process.once('SIGTERM', finish);
