// HOST:PORT from a server's command line (the benchmark only ever passes 127.0.0.1).

/**
 * @param {string | undefined} value
 * @returns {{ host: string, port: number }}
 */
export function parseListen(value) {
  const match = /^([^:]+):(\d+)$/.exec(value ?? '');
  if (!match) {
    process.stderr.write(`expected HOST:PORT as the first argument, got ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return { host: match[1], port: Number(match[2]) };
}
