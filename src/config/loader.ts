// Reads a config file: YAML → every problem at once (shape, then the rules across keys) →
// the defaults-filled Config. Any mistake in the file is a ConfigError listing each problem
// by its path; nothing else is thrown for a bad file.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { load, YAMLException } from 'js-yaml';
import { buildConfig } from './build.js';
import { kserveProblems } from './check-kserve.js';
import { modelsProblems } from './check-models.js';
import { settingsProblems } from './check-settings.js';
import { sortProblems } from './order.js';
import { formatProblem, problem, type Problem } from './problems.js';
import { isRawConfigFile, schemaProblems } from './schema-problems.js';
import type { Config } from './types.js';

export { parseListenAddress } from './listen.js';

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(
    readonly file: string,
    problems: string[],
  ) {
    super(`invalid config ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export async function loadConfig(path: string): Promise<Config> {
  const sourcePath = resolve(path);
  let text: string;
  try {
    text = await readFile(sourcePath, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(sourcePath, [`(file): cannot be read: ${reason}`]);
  }
  return parseConfig(text, sourcePath);
}

export function parseConfig(yamlText: string, sourcePath: string): Config {
  const absolutePath = resolve(sourcePath);
  const parsed = parseYaml(yamlText);
  if ('problem' in parsed) throw new ConfigError(absolutePath, [parsed.problem]);
  const doc = parsed.doc;
  if (doc === undefined || doc === null) {
    throw new ConfigError(absolutePath, ['(top level): the file is empty; it needs at least a `models:` list']);
  }
  const problems: Problem[] = [...schemaProblems(doc), ...settingsProblems(doc), ...modelsProblems(doc), ...kserveProblems(doc)];
  if (problems.length > 0 || !isRawConfigFile(doc)) {
    const lines = sortProblems(problems).map(formatProblem);
    throw new ConfigError(absolutePath, lines.length > 0 ? lines : [formatProblem(problem([], 'is not valid'))]);
  }
  return buildConfig(doc, absolutePath);
}

type Parsed = { doc: unknown } | { problem: string };

function parseYaml(text: string): Parsed {
  try {
    // The default schema; js-yaml rejects duplicate keys by itself.
    return { doc: load(text) };
  } catch (error) {
    if (error instanceof YAMLException) {
      const where = error.mark ? `${error.mark.line + 1}:${error.mark.column + 1}` : '(file)';
      return { problem: `${where}: YAML syntax error: ${error.reason}` };
    }
    // Not a syntax error as such (e.g. nesting too deep for the parser): still the file's fault.
    return { problem: `(file): YAML could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}
