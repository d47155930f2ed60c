// The mlwatch image's Dockerfile, read without Docker: a pinned Node LTS base, a build stage
// and a slim non-root runtime stage, both listeners exposed, the example reference built
// where the example config looks for it, and a build context that keeps what COPY needs.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, argv, flagValue, interpolateString, isPinnedImage, loadCompose, readDockerfile, readYaml } from './stack-files.js';

const mlwatchCommand = argv(loadCompose().services.mlwatch.command);

describe('Dockerfile', () => {
  const instructions = readDockerfile();
  const args = Object.fromEntries(
    instructions.filter((i) => i.keyword === 'ARG' && i.args.includes('=')).map((i) => i.args.split('=', 2) as [string, string]),
  );
  const stages = instructions.filter((i) => i.keyword === 'FROM');

  it('builds in one stage and runs from a pinned Node LTS image in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const names = new Set<string>();
    for (const stage of stages) {
      const [image, as, name] = stage.args.split(/\s+/);
      const resolved = interpolateString(image, args);
      if (!names.has(resolved)) expect(isPinnedImage(resolved), `FROM ${resolved} is not pinned`).toBe(true);
      if (as?.toUpperCase() === 'AS' && name !== undefined) names.add(name);
      expect(resolved).toMatch(/^node:(2[02468])\./);
    }
    const build = instructions.map((i) => `${i.keyword} ${i.args}`).join('\n');
    expect(build).toMatch(/RUN npm ci\b/);
    expect(build).toMatch(/npm run build/);
    expect(build).toMatch(/npm prune --omit=dev/);
  });

  it('runs as a non-root user, exposes both listeners and starts `mlwatch serve`', () => {
    const users = instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users.at(-1));
    const exposed = instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map(Number));
    expect(exposed.sort()).toEqual([9801, 9802]);
    const entrypoint = JSON.parse(instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)?.args ?? '[]') as string[];
    expect(entrypoint).toEqual(['node', '/app/dist/cli/main.js']);
    expect(existsSync(join(REPO, 'src', 'cli', 'main.ts'))).toBe(true);
    const cmd = JSON.parse(instructions.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? '[]') as string[];
    expect(cmd).toEqual(mlwatchCommand);
  });

  it('builds the example reference where the example config expects it', () => {
    const buildRun = instructions.find((i) => i.keyword === 'RUN' && i.args.includes('reference build'));
    expect(buildRun, 'no RUN ... reference build').toBeDefined();
    const runArgs = argv(buildRun?.args);
    const configPath = flagValue(runArgs, '--config') as string;
    const config = readYaml<{ models: { name: string; reference: string }[] }>(configPath);
    const model = config.models.find((m) => m.name === flagValue(runArgs, '--model'));
    expect(model).toBeDefined();
    expect(posix.normalize(flagValue(runArgs, '--out') as string)).toBe(posix.join(posix.dirname(configPath), model?.reference ?? ''));
    expect(existsSync(join(REPO, flagValue(runArgs, '--data') as string))).toBe(true);
  });

  it('copies only what exists and what .dockerignore lets through', () => {
    const ignored = readFileSync(join(REPO, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', 'examples/**/reference.json']));
    const copies = instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'));
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        expect(existsSync(join(REPO, source)), `COPY ${source}: not in the repo`).toBe(true);
        expect(ignored, `COPY ${source} but .dockerignore drops it`).not.toContain(source);
      }
    }
  });
});
