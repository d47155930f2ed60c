// The binary's conventions, as a user meets them: every command and group answers --help
// on stdout with exit 0, --version prints the package version, and a usage error (no
// command, an unknown one, an unknown option, a missing argument) goes to stderr with exit 2.
// Runs the built dist/cli/main.js in its own process, like the shell would.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS, isGroup } from '../../src/cli/commands.js';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

interface Result {
  code: number;
  out: string;
  err: string;
}

async function mlwatch(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], { timeout: 20_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}

const groups = COMMANDS.filter(isGroup);
const commands = COMMANDS.flatMap((entry) => (isGroup(entry) ? entry.commands : [entry])).map((c) => c.name);

describe('mlwatch --help and --version', () => {
  it.each(['--help', '-h', 'help'])('mlwatch %s lists every command, exit 0', async (flag) => {
    const result = await mlwatch(flag);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^usage: mlwatch <command>/);
    for (const name of commands) expect(result.out).toContain(`  ${name}`);
  });

  it.each(['--version', '-V', 'version'])('mlwatch %s prints the package version, exit 0', async (flag) => {
    expect(await mlwatch(flag)).toStrictEqual({ code: 0, out: `mlwatch ${VERSION}\n`, err: '' });
  });

  it.each(commands)('mlwatch %s --help (and -h) prints its usage and options, exit 0', async (name) => {
    const words = name.split(' ');
    const [long, short, viaHelp] = await Promise.all([mlwatch(...words, '--help'), mlwatch(...words, '-h'), mlwatch('help', ...words)]);
    for (const [flag, result] of [['--help', long], ['-h', short]] as const) {
      expect(result, flag).toMatchObject({ code: 0, err: '' });
      expect(result.out).toMatch(new RegExp(`^usage: mlwatch ${name} `));
      expect(result.out).toMatch(/\noptions:\n/);
      expect(result.out).toMatch(/-h, --help/);
      expect(result.out).toMatch(/exit status: 0/);
    }
    // `mlwatch help <command>` is the same page.
    expect(viaHelp.out).toBe(long.out);
  });

  it.each(groups.map((g) => [g.name, g] as const))('mlwatch %s --help lists its commands, exit 0', async (name, group) => {
    const result = await mlwatch(name, '--help');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(new RegExp(`^usage: mlwatch ${name} <command>`));
    for (const command of group.commands) expect(result.out).toContain(`  ${command.name}`);
    expect((await mlwatch('help', name)).out).toBe(result.out);
  });
});

describe('usage errors: stderr, exit 2', () => {
  it('mlwatch alone prints the usage to stderr', async () => {
    const result = await mlwatch();
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toMatch(/^usage: mlwatch <command>/);
  });

  it.each(groups.map((g) => g.name))('mlwatch %s without a command lists the group\'s commands', async (name) => {
    const result = await mlwatch(name);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toContain(`mlwatch ${name}: a command is missing`);
    expect(result.err).toContain(`usage: mlwatch ${name} <command>`);
  });

  it.each([
    [['sevre'], 'unknown command "sevre"; did you mean "serve"?'],
    [['reference', 'biuld'], 'unknown command "reference biuld"; did you mean "reference build"?'],
    [['rules', 'fleet'], 'unknown command "rules fleet"; did you mean "rules fleet-drift"?'],
    [['frobnicate'], 'unknown command "frobnicate"\nusage: mlwatch <command>'],
  ])('mlwatch %j names the unknown command and the closest one', async (args, message) => {
    const result = await mlwatch(...args);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toContain(message);
  });

  it.each(commands)('mlwatch %s with an unknown option prints its usage', async (name) => {
    const result = await mlwatch(...name.split(' '), '--no-such-option');
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toContain("Unknown option '--no-such-option'");
    expect(result.err).toContain(`usage: mlwatch ${name}`);
  });

  it.each([
    [['serve'], '--config is required'],
    [['config', 'check'], '--config is required'],
    [['reference', 'build', '--config', 'x.yaml'], 'missing --data'],
    [['demo'], '--config is required'],
    [['rules', 'generate', '--out', 'x.yml'], '--thresholds is required'],
    [['rules', 'fleet-drift'], '--out is required'],
    [['serve', '--config', 'x.yaml', '--ingest-listen', '9821'], '--ingest-listen "9821" is a port without a host; write HOST:PORT, e.g. "127.0.0.1:9821" (this machine only) or "0.0.0.0:9821" (every interface)'],
    [['demo', '--config', 'x.yaml', '--metrics-listen', ':9822'], '--metrics-listen ":9822" has no host; write HOST:PORT, e.g. "127.0.0.1:9822"'],
  ])('mlwatch %j names the missing or wrong argument', async (args, message) => {
    const result = await mlwatch(...args);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
  });
});

describe('the README\'s usage matches the CLI', () => {
  // Output shown in ```text blocks (an error message) is not an invocation.
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8').replace(/```text\n[\s\S]*?```/g, '');
  // Invocations in code blocks and in `code spans`: "mlwatch <command> [sub] --flag …".
  const invocations = [...readme.matchAll(/(?:^|`)(mlwatch(?: [a-z][a-z-]*){1,2}(?: [^`\n]*)?)/gm)]
    .map((m) => m[1].trim())
    .filter((text) => !/^mlwatch (runs|turns|itself|started|alerts|pipeline|down|has|measured|exports|logs)\b/.test(text));

  it('finds the invocations', () => {
    expect(invocations.length).toBeGreaterThan(6);
  });

  it.each(invocations.map((i) => [i]))('%s: a command the CLI has, with options its --help lists', async (invocation) => {
    const typed = invocation.split(/\s+/).slice(1);
    const words = typed[0] === 'help' ? typed.slice(1) : typed; // `mlwatch help serve` is serve's help
    const name = commands.find((c) => words.join(' ').startsWith(`${c} `) || words.join(' ') === c) ?? (groups.find((g) => g.name === words[0])?.name as string);
    expect(name, `no command for "${invocation}"`).toBeDefined();
    const help = await mlwatch(...name.split(' '), '--help');
    expect(help.code).toBe(0);
    for (const flag of invocation.match(/--[a-z][a-z-]*/g) ?? []) {
      if (flag === '--help') continue;
      expect(help.out, `${flag} of "${invocation}"`).toContain(flag);
    }
  });
});
