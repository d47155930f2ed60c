// `mlwatch serve --config FILE [--ingest-listen HOST:PORT] [--metrics-listen HOST:PORT]`
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, parseListenAddress } from '../config/loader.js';
import type { ListenAddress } from '../config/types.js';
import { logger, setLogLevel } from '../log.js';
import { StartupError, startSidecar } from '../serve/sidecar.js';

export const SERVE_USAGE = 'usage: mlwatch serve --config FILE [--ingest-listen HOST:PORT] [--metrics-listen HOST:PORT]';

export async function runServe(args: string[]): Promise<number> {
  let options: { config?: string; 'ingest-listen'?: string; 'metrics-listen'?: string };
  let ingestListen: ListenAddress | undefined;
  let metricsListen: ListenAddress | undefined;
  try {
    ({ values: options } = parseArgs({
      args,
      options: { config: { type: 'string' }, 'ingest-listen': { type: 'string' }, 'metrics-listen': { type: 'string' } },
      strict: true,
    }));
    if (!options.config) throw new Error('--config is required');
    if (options['ingest-listen']) ingestListen = parseListenAddress(options['ingest-listen']);
    if (options['metrics-listen']) metricsListen = parseListenAddress(options['metrics-listen']);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${SERVE_USAGE}\n`);
    return 2;
  }
  try {
    const config = await loadConfig(options.config);
    setLogLevel(config.logging.level);
    const sidecar = await startSidecar(config, { ingestListen, metricsListen });
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        logger.info({ signal }, 'draining in-flight requests');
        sidecar.close().then(resolve, resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      process.stderr.write(`mlwatch cannot listen: ${(error as Error).message}\n`);
      return 1;
    }
    // Anything else failing at start-up is still one line for the operator, not a stack trace.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mlwatch cannot start: ${message.split('\n').join('; ')}\n`);
    return 1;
  }
}
