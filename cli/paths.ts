import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding Palisade's package.json, found by walking up from this file (works from dist/ and source). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'palisade')
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the palisade package root');
    dir = up;
  }
}

/** The sample configs shipped with Palisade (Metron's shapes). */
export const defaultConfigDir = () => join(packageRoot(), 'config');

/** Palisade's version, from package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
}
