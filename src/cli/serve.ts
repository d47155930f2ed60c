// `mlwatch serve --config FILE [--ingest-listen HOST:PORT] [--metrics-listen HOST:PORT] [--web.config.file FILE]`
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, parseListenAddress } from '../config/loader.js';
import type { ListenAddress } from '../config/types.js';
import { logger, setLogLevel } from '../log.js';
import { ListenError } from '../serve/listeners.js';
import { StartupError, startSidecar } from '../serve/sidecar.js';
import { WebConfigError, loadWebConfig } from '../serve/web/config.js';

export const SERVE_USAGE = 'usage: mlwatch serve --config FILE [--ingest-listen HOST:PORT] [--metrics-listen HOST:PORT] [--web.config.file FILE]';

export async function runServe(args: string[]): Promise<number> {
  let options: { config?: string; 'ingest-listen'?: string; 'metrics-listen'?: string; 'web.config.file'?: string };
  let ingestListen: ListenAddress | undefined;
  let metricsListen: ListenAddress | undefined;
  try {
    ({ values: options } = parseArgs({
      args,
      options: { config: { type: 'string' }, 'ingest-listen': { type: 'string' }, 'metrics-listen': { type: 'string' }, 'web.config.file': { type: 'string' } },
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
    const webFile = options['web.config.file'];
    const webConfig = webFile === undefined ? undefined : loadWebConfig(webFile);
    const sidecar = await startSidecar(config, { ingestListen, metricsListen, webConfig });
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string): void => {
        // A second signal cuts the shutdown grace short (Ctrl-C twice).
        if (stopping) return sidecar.endGrace();
        stopping = true;
        logger.info({ signal }, 'draining in-flight requests');
        sidecar.close().then(resolve, resolve);
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError || error instanceof ListenError || error instanceof WebConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
