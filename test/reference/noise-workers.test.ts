// The noise levels do not depend on where they were computed: `mlwatch reference build` (the
// built binary, which spreads the sketches over worker threads when there is more than one
// core) writes the same reference, byte for byte, as buildReference in this thread.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReference } from '../../src/reference/build.js';
import { referenceChecksum } from '../../src/reference/io.js';
import type { Reference } from '../../src/reference/types.js';
import { createModelFixture, type ModelFixture } from '../support/model-fixture.js';

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const EPOCH = 1_790_000_000;
let fixture: ModelFixture;

beforeAll(async () => {
  fixture = await createModelFixture();
}, 60_000);
afterAll(() => fixture.cleanup());

function build(out: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [MAIN, 'reference', 'build', '--config', fixture.configPath, '--model', 'shop', '--data', fixture.dataPath, '--out', out],
      { stdio: 'ignore', env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH) } },
    );
    child.once('exit', resolve);
  });
}

describe('noise levels from worker threads', () => {
  it(`the binary's reference (${availableParallelism()} cores) equals the in-process one`, async () => {
    const out = join(fixture.dir, 'from-binary.json');
    expect(await build(out)).toBe(0);
    const fromBinary = JSON.parse(await readFile(out, 'utf8')) as Reference;
    const inProcess = await buildReference({ model: fixture.config.models[0], dataPath: fixture.dataPath, now: new Date(EPOCH * 1000) });
    expect(fromBinary.noise).toEqual(inProcess.noise);
    for (const name of Object.keys(inProcess.features)) expect(fromBinary.features[name].noise, name).toEqual(inProcess.features[name].noise);
    expect(fromBinary.prediction.noise).toEqual(inProcess.prediction.noise);
    expect(fromBinary.checksum).toBe(referenceChecksum(inProcess));
  }, 120_000);
});
