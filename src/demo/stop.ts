// When the demo stops: SIGINT or SIGTERM, the end of --duration, or (with --stop-with-parent)
// the death of the process that started it. npm forwards SIGINT and SIGTERM to its script,
// but a killed npm forwards nothing and the demo, reparented, would keep its ports; so the
// demo watches its parent id, which changes when it is reparented. Signals stay handled
// until dispose(): the SIGINT a terminal sends to the whole group and the one npm forwards
// arrive together, and the second must not kill the demo while it drains.

/** How often the parent id is read (a cheap getppid call). */
const PARENT_POLL_MS = 250;

export interface StopWatch {
  readonly signal: AbortSignal;
  /** Why the demo stopped, once it has. */
  reason(): string | null;
  dispose(): void;
}

export interface StopOptions {
  /** Stop after this long; null runs until told to stop. */
  durationSeconds: number | null;
  /** The parent's id when the demo started; stop when it changes. Null: do not watch. */
  parentPid: number | null;
}

export function watchStop(options: StopOptions): StopWatch {
  const controller = new AbortController();
  let reason: string | null = null;
  const stop = (why: string): void => {
    if (reason !== null) return;
    reason = why;
    controller.abort();
  };
  const onSigint = (): void => stop('SIGINT');
  const onSigterm = (): void => stop('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const timers: NodeJS.Timeout[] = [];
  if (options.durationSeconds !== null) timers.push(setTimeout(() => stop('--duration'), options.durationSeconds * 1000));
  const { parentPid } = options;
  if (parentPid !== null) {
    const check = (): void => {
      if (process.ppid !== parentPid) stop(`the parent process ${parentPid} exited`);
    };
    check();
    const poll = setInterval(check, PARENT_POLL_MS);
    poll.unref();
    timers.push(poll);
  }
  return {
    signal: controller.signal,
    reason: () => reason,
    dispose() {
      for (const timer of timers) clearTimeout(timer);
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigterm);
    },
  };
}
