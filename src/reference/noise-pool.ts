// Noise levels of every sketch of a reference, spread over worker threads (one per core, at
// most one per sketch): the simulation is CPU-bound and independent per sketch. Each sketch has
// its own seed, so the result does not depend on which worker took it, nor on how many there
// were. Runs in this thread when there is one core, one sketch, or no compiled worker (tests
// run the TypeScript sources, where the worker's .js file does not exist).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sketchNoise, type GridCoverage, type SketchNoise } from './noise.js';
import type { FeatureSketch, NoiseGrid } from './types.js';

export interface NoiseJob {
  index: number;
  sketch: FeatureSketch;
  seed: number;
  grid: NoiseGrid;
  coverage: GridCoverage;
}

export type NoiseAnswer = { index: number; noise: SketchNoise } | { index: number; error: string };

const WORKER = new URL('./noise-worker.js', import.meta.url);

/** Called with the sketches done so far (from 0) and their total. */
export type NoiseProgress = (done: number, total: number) => void;

/** The noise levels of each sketch, in order. */
export async function estimateNoise(
  sketches: { sketch: FeatureSketch; seed: number; coverage?: GridCoverage }[],
  grid: NoiseGrid,
  onProgress: NoiseProgress = () => undefined,
): Promise<SketchNoise[]> {
  const jobs = sketches.map(({ sketch, seed, coverage = 'full' }, index): NoiseJob => ({ index, sketch, seed, grid, coverage }));
  onProgress(0, jobs.length);
  const workers = Math.min(availableParallelism(), jobs.length);
  if (workers <= 1 || !existsSync(fileURLToPath(WORKER))) {
    return jobs.map((job, i) => {
      const noise = sketchNoise(job.sketch, job.seed, job.grid, job.coverage);
      onProgress(i + 1, jobs.length);
      return noise;
    });
  }
  return inWorkers(jobs, workers, onProgress);
}

function inWorkers(jobs: NoiseJob[], count: number, onProgress: NoiseProgress): Promise<SketchNoise[]> {
  const results = new Array<SketchNoise>(jobs.length);
  // Largest first, so a big sketch does not start last and leave the other workers idle.
  const queue = [...jobs].sort((a, b) => binsOf(b.sketch) - binsOf(a.sketch));
  const pool = Array.from({ length: count }, () => new Worker(WORKER));
  return new Promise<SketchNoise[]>((resolve, reject) => {
    let done = 0;
    let failed = false;
    const finish = (error?: Error): void => {
      for (const worker of pool) void worker.terminate();
      if (error) reject(error);
      else resolve(results);
    };
    const next = (worker: Worker): void => {
      const job = queue.shift();
      if (job !== undefined) worker.postMessage(job);
    };
    for (const worker of pool) {
      worker.on('message', (answer: NoiseAnswer) => {
        if (failed) return;
        if ('error' in answer) {
          failed = true;
          finish(new Error(`noise levels of sketch ${answer.index}: ${answer.error}`));
          return;
        }
        results[answer.index] = answer.noise;
        onProgress(++done, jobs.length);
        if (done === jobs.length) finish();
        else next(worker);
      });
      worker.on('error', (error) => {
        if (failed) return;
        failed = true;
        finish(error);
      });
      next(worker);
    }
  });
}

function binsOf(sketch: FeatureSketch): number {
  return sketch.kind === 'numeric' ? sketch.fine_counts.length : sketch.categories.length + 1;
}
