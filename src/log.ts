// One pino logger for the process. JSON to stdout; the level comes from the config
// once it is loaded. Raw feature values are never passed to it (they may be personal data).
import { pino, type Logger } from 'pino';

export type { Logger };

export const logger: Logger = pino({
  name: 'mlwatch',
  level: process.env.MLWATCH_LOG_LEVEL ?? 'info',
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export function setLogLevel(level: string): void {
  logger.level = level;
}
