// `mlwatch serve --config FILE [--ingest-listen HOST:PORT] [--metrics-listen HOST:PORT] [--web.config.file FILE] [--web.enable-lifecycle]`
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/loader.js';
import { listenFlag } from './listen-flag.js';
import type { ListenAddress } from '../config/types.js';
import { logger, setLogLevel } from '../log.js';
import { ListenError } from '../serve/listeners.js';
import { StartupError, startSidecar } from '../serve/sidecar.js';
import { WebConfigError, loadWebConfig } from '../serve/web/config.js';

export const SERVE_USAGE = 'usage: mlwatch serve --config FILE [--ingest-listen HOST:PORT] [--metrics-listen HOST:PORT] [--web.config.file FILE] [--web.enable-lifecycle]';

export const SERVE_HELP = `${SERVE_USAGE}

Runs the sidecar: loads the config and every reference it names, takes prediction events on
the ingest listener and serves /metrics, a landing page (/), /healthz and /readyz on the
metrics listener. SIGTERM or SIGINT stops accepting, lets in-flight requests finish, writes a
last checkpoint (with state_dir set), keeps /metrics answering for
metrics.shutdown_grace_seconds (a second signal ends it), exits 0. With state_dir set, the
state is restored from its checkpoint at start. SIGHUP (or POST /-/reload with
--web.enable-lifecycle) reloads the config and its references without a restart; one that
does not load is refused and the running one keeps serving (see the README, Reload).

options:
  --config FILE               the mlwatch config (YAML); required
  --ingest-listen HOST:PORT   instead of the config's ingest.listen (default 127.0.0.1:9801)
  --metrics-listen HOST:PORT  instead of the config's metrics.listen (default 0.0.0.0:9802)
                              HOST:PORT is e.g. 127.0.0.1:9801, 0.0.0.0:9802 or [::1]:9801
  --web.config.file FILE      TLS and basic auth for the metrics listener, in the format of
                              Prometheus's exporter-toolkit (see the README)
  --web.enable-lifecycle      answer POST /-/reload on the metrics listener (reload the
                              config and references, as SIGHUP does); without it, 403
  -h, --help                  this help

exit status: 0 after a clean stop, 1 when the config or a reference is wrong or a listener
cannot bind, 2 for a usage error.
`;

export async function runServe(args: string[]): Promise<number> {
  let options: { config?: string; 'ingest-listen'?: string; 'metrics-listen'?: string; 'web.config.file'?: string; 'web.enable-lifecycle'?: boolean; help?: boolean };
  let ingestListen: ListenAddress | undefined;
  let metricsListen: ListenAddress | undefined;
  try {
    ({ values: options } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        'ingest-listen': { type: 'string' },
        'metrics-listen': { type: 'string' },
        'web.config.file': { type: 'string' },
        'web.enable-lifecycle': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
    if (options.help === true) {
      process.stdout.write(SERVE_HELP);
      return 0;
    }
    if (!options.config) throw new Error('--config is required');
    if (options['ingest-listen']) ingestListen = listenFlag('--ingest-listen', options['ingest-listen']);
    if (options['metrics-listen']) metricsListen = listenFlag('--metrics-listen', options['metrics-listen']);
  } catch (error) {
    process.stderr.write(`mlwatch serve: ${error instanceof Error ? error.message : String(error)}\n${SERVE_USAGE}\n(mlwatch serve --help for details)\n`);
    return 2;
  }
  try {
    const config = await loadConfig(options.config);
    setLogLevel(config.logging.level);
    const webFile = options['web.config.file'];
    const webConfig = webFile === undefined ? undefined : loadWebConfig(webFile);
    const sidecar = await startSidecar(config, { ingestListen, metricsListen, webConfig, enableLifecycle: options['web.enable-lifecycle'] === true });
    // SIGHUP reloads (serialised in the sidecar); the outcome is logged there.
    process.on('SIGHUP', () => void sidecar.reload('SIGHUP'));
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
