// The baseline: a bare node:http handler that only reads the body and JSON.parses it
// (NDJSON: each line), then answers a tiny JSON. What mlwatch's ingest is measured against.
// usage: node bench/bare-server.js HOST:PORT
import { createServer } from 'node:http';
import { parseListen } from './lib/listen.js';

const { host, port } = parseListen(process.argv[2]);

/** @param {Buffer} body @param {string} contentType */
function countEvents(body, contentType) {
  const text = body.toString('utf8');
  if (contentType.startsWith('application/x-ndjson')) {
    let count = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      JSON.parse(line);
      count++;
    }
    return count;
  }
  const parsed = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.length : 1;
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    chunks.push(chunk);
    size += chunk.length;
  });
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    try {
      const accepted = countEvents(body, req.headers['content-type'] ?? '');
      send(res, 200, { accepted, rejected: 0, errors: [] });
    } catch {
      send(res, 400, { error: 'invalid_json' });
    }
  });
});
server.listen(port, host);
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
