// Steady prediction traffic for end-to-end tests: a batch from the fixture's generator every
// tick, passed through the current transform (undrifted, a unit change, a null surge...),
// so a test changes what the model server sends without stopping the stream.
import { postInBatches, type EventGenerator, type PredictionEvent } from './model-fixture.js';

export type EventTransform = (event: PredictionEvent, index: number) => PredictionEvent;

export const UNCHANGED: EventTransform = (event) => event;

/** One numeric feature's values in a unit 1000× larger: milliseconds sent as seconds. */
export function unitChange(feature: string): EventTransform {
  return (event) => ({ ...event, features: { ...event.features, [feature]: (event.features[feature] as number) / 1000 } });
}

/** `feature` null in `share` of the events (evenly spread, not random: the counts are exact). */
export function nullSurge(feature: string, share: number): EventTransform {
  const every = Math.round(1 / share);
  return (event, index) => (index % every === 0 ? { ...event, features: { ...event.features, [feature]: null } } : event);
}

export interface Traffic {
  /** What every later batch goes through; resolves once a whole batch went out with it. */
  set(transform: EventTransform): Promise<void>;
  /** Events accepted so far. */
  readonly accepted: number;
  /** Stops after the batch in flight; rejects if a batch failed. */
  stop(): Promise<void>;
}

export interface TrafficOptions {
  eventsPerTick?: number;
  tickMs?: number;
}

/** Posts to the fixture model (postInBatches), `eventsPerTick` (40) every `tickMs` (200 ms). */
export function startTraffic(ingestUrl: string, generator: EventGenerator, options: TrafficOptions = {}): Traffic {
  const perTick = options.eventsPerTick ?? 40;
  const tickMs = options.tickMs ?? 200;
  let transform = UNCHANGED;
  let generation = 0;
  let accepted = 0;
  let running = true;
  let failure: unknown = null;
  const waiters: { generation: number; resolve: () => void; reject: (error: unknown) => void }[] = [];

  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const sentWith = generation;
      const current = transform;
      try {
        accepted += await postInBatches(ingestUrl, generator.undrifted(perTick).map((e, i) => current(e, i)));
      } catch (error) {
        failure = error;
        running = false;
        break;
      }
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].generation > sentWith) continue;
        waiters[i].resolve();
        waiters.splice(i, 1);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, tickMs - (Date.now() - started))));
    }
    for (const w of waiters.splice(0)) w.reject(failure ?? new Error('traffic stopped'));
  })();

  return {
    set(next) {
      transform = next;
      generation += 1;
      if (!running) return Promise.reject(failure ?? new Error('traffic stopped'));
      return new Promise((resolve, reject) => waiters.push({ generation, resolve, reject }));
    },
    get accepted() {
      return accepted;
    },
    async stop() {
      running = false;
      await loop;
      if (failure !== null) throw failure instanceof Error ? failure : new Error(String(failure));
    },
  };
}
