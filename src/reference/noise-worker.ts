// A worker thread of the reference build: estimates the noise levels of the sketches it is
// sent, one message per sketch (src/reference/noise-pool.ts hands them out).
import { parentPort } from 'node:worker_threads';
import { sketchNoise } from './noise.js';
import type { NoiseJob, NoiseAnswer } from './noise-pool.js';

parentPort?.on('message', (job: NoiseJob) => {
  let answer: NoiseAnswer;
  try {
    answer = { index: job.index, noise: sketchNoise(job.sketch, job.seed, job.grid, job.coverage) };
  } catch (error) {
    answer = { index: job.index, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(answer);
});
