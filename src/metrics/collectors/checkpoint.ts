// The checkpoints' health: how old the state on disk is, what the last write cost, the
// writes that failed, the checkpoints set aside and which models were restored at start.
import type { Checkpointer } from '../../checkpoint/checkpointer.js';
import { SET_ASIDE_REASONS } from '../../checkpoint/restore.js';
import { WRITE_FAILURE_REASONS } from '../../checkpoint/write.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';

export class CheckpointCollector implements Collector {
  readonly name = 'checkpoint';
  private readonly f = families({
    age: METRICS.checkpointAge,
    lastSuccess: METRICS.checkpointLastSuccess,
    duration: METRICS.checkpointWriteDuration,
    bytes: METRICS.checkpointWriteBytes,
    longestStep: METRICS.checkpointWriteLongestStep,
    writes: METRICS.checkpointWrites,
    failures: METRICS.checkpointWriteFailures,
    setAside: METRICS.checkpointSetAside,
    restored: METRICS.checkpointRestored,
  });
  readonly families = Object.values(this.f);

  constructor(
    private readonly checkpointer: Checkpointer,
    private readonly clock: () => number = Date.now,
  ) {}

  update(): void {
    const { f } = this;
    const s = this.checkpointer.status;
    const taken = s.lastSuccessMs;
    f.age.samples = taken === null ? [] : [{ labels: {}, value: Math.max(0, (this.clock() - taken) / 1000) }];
    f.lastSuccess.samples = taken === null ? [] : [{ labels: {}, value: taken / 1000 }];
    f.duration.samples = [{ labels: {}, value: s.lastWriteDurationSeconds }];
    f.bytes.samples = [{ labels: {}, value: s.lastWriteBytes }];
    f.longestStep.samples = [{ labels: {}, value: s.lastWriteLongestStepSeconds }];
    f.writes.samples = [{ labels: {}, value: s.writes }];
    f.failures.samples = WRITE_FAILURE_REASONS.map((reason) => ({ labels: { reason }, value: s.failures[reason] }));
    f.setAside.samples = SET_ASIDE_REASONS.map((reason) => ({ labels: { reason }, value: s.setAside[reason] }));
    f.restored.samples = [...s.restoredModels].map(([model, restored]) => ({ labels: { model }, value: restored ? 1 : 0 }));
  }
}
