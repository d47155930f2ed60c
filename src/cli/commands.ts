// The command tree of the one mlwatch binary: top-level commands and groups of
// subcommands, each with a one-line summary for the listings. Each command's own runner
// answers its --help and its usage errors; this file answers for the binary and the groups.
// A command's module is loaded only when it runs: --version and the listings stay instant.

export interface Command {
  /** As typed: "serve", "reference build". */
  name: string;
  summary: string;
  run(args: string[]): Promise<number> | number;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: Command[];
}

export const COMMANDS: readonly (Command | CommandGroup)[] = [
  { name: 'serve', summary: 'run the sidecar', run: async (args) => (await import('./serve.js')).runServe(args) },
  {
    name: 'reference',
    summary: 'reference sketches of the training data',
    commands: [
      {
        name: 'reference build',
        summary: "build a model's reference sketch from its training data (CSV or JSON Lines)",
        run: async (args) => (await import('./reference-build.js')).runReferenceBuild(args),
      },
    ],
  },
  {
    name: 'config',
    summary: 'the mlwatch config file',
    commands: [
      {
        name: 'config check',
        summary: 'validate the config and every reference it names',
        run: async (args) => (await import('./config-check.js')).runConfigCheck(args),
      },
    ],
  },
  {
    name: 'demo',
    summary: 'run the sidecar with generated traffic whose inputs drift',
    run: async (args) => (await import('./demo.js')).runDemo(args),
  },
  {
    name: 'rules',
    summary: 'Prometheus rules generated from code',
    commands: [
      {
        name: 'rules generate',
        summary: 'write the alert rules from a thresholds file',
        run: async (args) => (await import('./rules.js')).runRulesGenerate(args),
      },
      {
        name: 'rules fleet-drift',
        summary: 'write the recording rules for fleet-wide PSI and JS drift',
        run: async (args) => (await import('./rules-fleet-drift.js')).runRulesFleetDrift(args),
      },
      {
        name: 'rules performance',
        summary: 'write the recording rules for realised performance from joined labels',
        run: async (args) => (await import('./rules-performance.js')).runRulesPerformance(args),
      },
    ],
  },
  {
    name: 'kubernetes',
    summary: 'Kubernetes manifests and Prometheus Operator objects generated from code',
    commands: [
      {
        name: 'kubernetes generate',
        summary: 'write the manifests, ServiceMonitor/PodMonitor, PrometheusRules and dashboard ConfigMaps',
        run: async (args) => (await import('./kubernetes.js')).runKubernetesGenerate(args),
      },
    ],
  },
];

export function isGroup(entry: Command | CommandGroup): entry is CommandGroup {
  return 'commands' in entry;
}

const COLUMN = 24;

function listing(entries: readonly (Command | CommandGroup)[]): string {
  return entries
    .flatMap((entry) => (isGroup(entry) ? entry.commands : [entry]))
    .map((command) => {
      const name = `  ${command.name}`;
      return name.length < COLUMN ? `${name.padEnd(COLUMN)}${command.summary}` : `${name}\n${' '.repeat(COLUMN)}${command.summary}`;
    })
    .join('\n');
}

export const MAIN_USAGE = `usage: mlwatch <command> [options]
       mlwatch --help | --version

commands:
${listing(COMMANDS)}

Every command and group answers --help (e.g. mlwatch serve --help, mlwatch reference --help).
Exit status: 0 on success and for --help, 1 when the input (config, data, reference) is
wrong, 2 for a usage error (an unknown command or option, a missing argument).
`;

export function groupUsage(group: CommandGroup): string {
  return `usage: mlwatch ${group.name} <command> [options]

commands (${group.summary}):
${listing(group.commands)}

mlwatch ${group.commands[0].name} --help shows a command's options.
`;
}
