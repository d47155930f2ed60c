// The sidecar's checkpoints: restore once at start, then a write every
// checkpoint_interval_seconds and one more on SIGTERM after the drain. Writes never overlap
// and never throw: a full or read-only disk is logged and counted while serving goes on.
import type { Logger } from '../log.js';
import { restoreCheckpoint, type RestoreOutcome, type SetAsideReason } from './restore.js';
import { SectionRegistry } from './section.js';
import { WRITE_FAILURE_REASONS, writeCheckpoint, writeFailureReason, type WriteFailureReason } from './write.js';

/** What the checkpoint collector exports. */
export interface CheckpointStatus {
  /** When the newest checkpoint on disk was taken (written, or restored from), Unix ms; null: none. */
  lastSuccessMs: number | null;
  lastWriteDurationSeconds: number;
  lastWriteBytes: number;
  lastWriteLongestStepSeconds: number;
  writes: number;
  failures: Record<WriteFailureReason, number>;
  setAside: Record<SetAsideReason, number>;
  /** Per model name: whether its state came from the checkpoint at start. */
  restoredModels: Map<string, boolean>;
}

export class Checkpointer {
  readonly sections = new SectionRegistry();
  readonly status: CheckpointStatus = {
    lastSuccessMs: null,
    lastWriteDurationSeconds: 0,
    lastWriteBytes: 0,
    lastWriteLongestStepSeconds: 0,
    writes: 0,
    failures: Object.fromEntries(WRITE_FAILURE_REASONS.map((r) => [r, 0])) as Record<WriteFailureReason, number>,
    setAside: { corrupt: 0, foreign: 0 },
    restoredModels: new Map(),
  };
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    private readonly intervalSeconds: number,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Restore every registered section from the checkpoint in the folder, if there is one. */
  restore(modelNames: readonly string[]): RestoreOutcome {
    const outcome = restoreCheckpoint(this.dir, this.sections.all, this.clock(), this.log);
    if (outcome.setAside !== null) this.status.setAside[outcome.setAside.reason]++;
    this.status.lastSuccessMs = outcome.writtenAtMs;
    const restored = new Set(outcome.restored);
    for (const name of modelNames) this.status.restoredModels.set(name, restored.has(`models/${name}`));
    return outcome;
  }

  /** Write every interval; the timer never keeps the process alive. */
  start(): void {
    this.timer = setInterval(() => {
      // A write still running (a slow disk) is not queued behind: the next tick writes fresher state.
      if (this.writing === null) void this.write();
    }, this.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Write a checkpoint now (after any write in progress); resolves once it is on disk or has failed. */
  async write(): Promise<void> {
    while (this.writing !== null) await this.writing;
    this.writing = this.writeOnce();
    try {
      await this.writing;
    } finally {
      this.writing = null;
    }
  }

  private async writeOnce(): Promise<void> {
    const nowMs = this.clock();
    try {
      const result = await writeCheckpoint(this.dir, this.sections.all, nowMs);
      const s = this.status;
      s.lastSuccessMs = nowMs;
      s.lastWriteDurationSeconds = result.durationSeconds;
      s.lastWriteBytes = result.bytes;
      s.lastWriteLongestStepSeconds = result.longestStepSeconds;
      s.writes++;
      this.log.debug({ bytes: result.bytes, duration_seconds: result.durationSeconds, longest_step_seconds: result.longestStepSeconds }, 'checkpoint written');
    } catch (error) {
      const reason = writeFailureReason(error);
      this.status.failures[reason]++;
      this.log.error({ err: error, state_dir: this.dir, reason }, 'checkpoint write failed; serving continues with the state in memory');
    }
  }
}
