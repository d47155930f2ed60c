// Reading the deployable stack's files the way their tools do: compose's `${VAR:-default}`
// interpolation, short-syntax ports and volumes, container paths mapped back to repo files
// through the bind mounts, Dockerfile instructions, and simple file globs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ComposeHealthcheck {
  test?: string | string[];
  disable?: boolean;
}

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  expose?: (string | number)[];
  volumes?: (string | { type?: string; source?: string; target: string; read_only?: boolean })[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: ComposeHealthcheck;
  depends_on?: string[] | Record<string, { condition?: string }>;
  network_mode?: string;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function readYaml<T>(relativePath: string): T {
  return load(readFileSync(join(REPO, relativePath), 'utf8')) as T;
}

const VARIABLE = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Compose's interpolation of one string: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`. */
export function interpolateString(text: string, env: Record<string, string | undefined>): string {
  return text.replace(VARIABLE, (_match, dollar: string | undefined, name: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (dollar !== undefined) return '$';
    const variable = (name ?? bare) as string;
    const value = env[variable];
    if (op === ':-') return value === undefined || value === '' ? (arg ?? '') : value;
    if (op === '-') return value === undefined ? (arg ?? '') : value;
    if (op === ':?' || op === '?') {
      if (value === undefined || (op === ':?' && value === '')) throw new Error(`${variable}: ${arg ?? 'required'}`);
      return value;
    }
    return value ?? '';
  });
}

/** Interpolates every string inside a parsed YAML value (compose interpolates values, not keys). */
export function interpolate<T>(value: T, env: Record<string, string | undefined> = {}): T {
  if (typeof value === 'string') return interpolateString(value, env) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => interpolate(item, env)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item, env)])) as T;
  }
  return value;
}

/** The compose file with every variable at its default, as `docker compose up` sees it in an empty environment. */
export function loadCompose(env: Record<string, string | undefined> = {}): ComposeFile {
  return interpolate(readYaml<ComposeFile>('docker-compose.yml'), env);
}

export interface PortMapping {
  hostIp: string | null;
  published: number | null;
  target: number;
}

export function portsOf(service: ComposeService): PortMapping[] {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry === 'object') {
      return { hostIp: entry.host_ip ?? null, published: entry.published === undefined ? null : Number(entry.published), target: entry.target };
    }
    const parts = String(entry).replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts.at(-1));
    if (parts.length === 3) return { hostIp: parts[0], published: Number(parts[1]), target };
    if (parts.length === 2) return { hostIp: null, published: Number(parts[0]), target };
    return { hostIp: null, published: null, target };
  });
}

export interface Mount {
  /** A repo path for a bind mount, a volume name otherwise. */
  source: string;
  target: string;
  bind: boolean;
  readOnly: boolean;
}

export function mountsOf(service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((entry) => {
    if (typeof entry === 'object') {
      const source = entry.source ?? '';
      return { source, target: entry.target, bind: entry.type === 'bind', readOnly: entry.read_only === true };
    }
    const [source, target, mode] = entry.split(':');
    const bind = source.startsWith('.') || source.startsWith('/');
    return { source, target, bind, readOnly: (mode ?? '').split(',').includes('ro') };
  });
}

/** The repo path a container path of `service` shows, through its bind mounts; null when no bind mount covers it. */
export function hostPathOf(service: ComposeService, containerPath: string): string | null {
  const covering = mountsOf(service)
    .filter((m) => m.bind && (containerPath === m.target || containerPath.startsWith(`${m.target}/`)))
    .sort((a, b) => b.target.length - a.target.length)[0];
  if (covering === undefined) return null;
  return join(resolve(REPO, covering.source), containerPath.slice(covering.target.length));
}

export function argv(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : value.split(/\s+/).filter((word) => word !== '');
}

/** The value of `--flag VALUE` or `--flag=VALUE` in an argument list. */
export function flagValue(args: string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) return args[i + 1];
    if (args[i].startsWith(`${flag}=`)) return args[i].slice(flag.length + 1);
  }
  return undefined;
}

export function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

export function dependenciesOf(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? [];
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition ?? 'service_started']));
}

/** Files matching a glob whose wildcards (`*`, `?`) are in the last path segment only, as in rule_files here. */
export function globFiles(pattern: string): string[] {
  const dir = dirname(pattern);
  if (/[*?[]/.test(dir)) throw new Error(`globFiles: wildcards only in the file name, not in ${dir}`);
  if (!existsSync(dir)) return [];
  const name = new RegExp(`^${basename(pattern).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return readdirSync(dir)
    .filter((entry) => name.test(entry))
    .map((entry) => join(dir, entry))
    .sort();
}

export function containerGlobToHost(service: ComposeService, configPath: string, pattern: string): string | null {
  const containerPattern = posix.resolve(posix.dirname(configPath), pattern);
  const hostDir = hostPathOf(service, posix.dirname(containerPattern));
  return hostDir === null ? null : join(hostDir, posix.basename(containerPattern));
}

export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined, comments and the parser directive dropped. */
export function readDockerfile(relativePath = 'Dockerfile'): DockerInstruction[] {
  const joined = readFileSync(join(REPO, relativePath), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const space = line.search(/\s/);
      return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

/** A tag naming one exact release (x.y.z, optionally v-prefixed and suffixed), or a digest. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon <= slash) return false;
  return /^v?\d+\.\d+\.\d+([-.][A-Za-z0-9.-]+)?$/.test(image.slice(colon + 1));
}
