// The version of this mlwatch, from the package.json beside src/ and dist/ (one level up
// from this file in a checkout, in the npm package and in the container image).
import { readFileSync } from 'node:fs';

export function mlwatchVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
