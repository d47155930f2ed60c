// The command line of mlwatch: dispatches to the commands (src/cli/commands.ts). Help goes
// to stdout with exit 0; a usage error to stderr with exit 2.
import { editDistance } from '../config/problems.js';
import { COMMANDS, MAIN_USAGE, groupUsage, isGroup, type Command, type CommandGroup } from './commands.js';
import { processOutput, type CliOutput } from './output.js';
import { mlwatchVersion } from '../version.js';

const HELP = new Set(['--help', '-h', 'help']);
const VERSION = new Set(['--version', '-V', 'version']);

export async function runCli(argv: string[], output: CliOutput = processOutput): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined) {
    output.stderr(MAIN_USAGE);
    return 2;
  }
  if (VERSION.has(first)) {
    output.stdout(`mlwatch ${mlwatchVersion()}\n`);
    return 0;
  }
  if (HELP.has(first)) {
    // `mlwatch help serve` is `mlwatch serve --help`.
    if (second === undefined) {
      output.stdout(MAIN_USAGE);
      return 0;
    }
    return runCli([second, ...(rest[0] === undefined || rest[0].startsWith('-') ? [] : [rest[0]]), '--help'], output);
  }
  const entry = COMMANDS.find((c) => c.name === first);
  if (entry === undefined) return unknown(output, first, COMMANDS.map((c) => c.name), MAIN_USAGE);
  if (!isGroup(entry)) return entry.run(argv.slice(1));
  return runGroup(entry, second, rest, output);
}

function runGroup(group: CommandGroup, sub: string | undefined, args: string[], output: CliOutput): Promise<number> | number {
  if (sub === undefined) {
    output.stderr(`mlwatch ${group.name}: a command is missing\n${groupUsage(group)}`);
    return 2;
  }
  if (HELP.has(sub)) {
    output.stdout(groupUsage(group));
    return 0;
  }
  const command: Command | undefined = group.commands.find((c) => c.name === `${group.name} ${sub}`);
  if (command === undefined) {
    const names = group.commands.map((c) => c.name.slice(group.name.length + 1));
    return unknown(output, `${group.name} ${sub}`, names.map((n) => `${group.name} ${n}`), groupUsage(group), sub, names);
  }
  return command.run(args);
}

function unknown(output: CliOutput, typed: string, known: string[], usage: string, word = typed, words = known): number {
  const guess = likelyMeant(word, words);
  const hint = guess === undefined ? '' : `; did you mean "${known[words.indexOf(guess)]}"?`;
  output.stderr(`mlwatch: unknown command "${typed}"${hint}\n${usage}`);
  return 2;
}

/** A command name the user probably meant: the only one the word begins, or one or two edits away (a swap is two). */
function likelyMeant(word: string, names: readonly string[]): string | undefined {
  const prefixed = names.filter((name) => word.length >= 2 && name.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const name of names) {
    const distance = editDistance(word, name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}
