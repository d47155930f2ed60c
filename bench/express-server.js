// The second reference point: express 5 with express.json() on the same single-event
// bodies — the per-request overhead the ingest path must not pay.
// usage: node bench/express-server.js HOST:PORT
import express from 'express';
import { parseListen } from './lib/listen.js';

const { host, port } = parseListen(process.argv[2]);

const app = express();
app.post('/v1/models/:model/predictions', express.json({ limit: '10mb' }), (req, res) => {
  const accepted = Array.isArray(req.body) ? req.body.length : 1;
  res.json({ accepted, rejected: 0, errors: [] });
});
const server = app.listen(port, host);
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
