// A fleet of one test model behind the real ingest server on a loopback port, for tests that
// post predictions and labels over HTTP and read the fleet's state or scrape.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { ModelConfig } from '../../src/config/types.js';
import { createIngestServer } from '../../src/ingest/server.js';
import { Fleet } from '../../src/monitor/fleet.js';
import { testConfig, testModel, testReference } from './synthetic-reference.js';

export interface IngestServer {
  fleet: Fleet;
  base: string;
  close(): Promise<void>;
}

/** testModel('shop') with `overrides`, its reference, and `clock` as the fleet's clock. */
export async function startIngestServer(overrides: Partial<ModelConfig>, clock: () => number): Promise<IngestServer> {
  const config = testConfig([testModel(overrides)]);
  const fleet = new Fleet(config, new Map([['shop', testReference()]]), clock);
  const server: Server = createIngestServer(fleet, config, pino({ level: 'silent' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    fleet,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
