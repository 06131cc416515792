import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Grok pattern files: `NAME regex` lines, as java-grok reads them. Metron's configs say
 * `grokPath: "/patterns/<name>"`, a classpath resource; here that is `config/grok/<name>` in the
 * Palisade package. As in Metron, a file that exists at the given path (Metron looked in HDFS
 * first) wins over the bundled one.
 */

/** Pattern name → definition. A later file's definition replaces an earlier one. */
export type PatternLibrary = Map<string, string>;

/** java-grok's line rule: a name, whitespace, then the definition to the end of the line (kept verbatim). */
const PATTERN_LINE = /^([A-z0-9_]+)[\t-\r ]+([^\n\r\u0085\u2028\u2029]*)$/;

/** Add the definitions in a pattern file's text to `into`; other lines (comments, blanks) are skipped. */
export function addPatterns(text: string, into: PatternLibrary): PatternLibrary {
  for (const line of text.split(/\r\n|\r|\n/)) {
    const m = PATTERN_LINE.exec(line);
    if (m) into.set(m[1] as string, m[2] as string);
  }
  return into;
}

let grokDir: string | undefined;

/** `config/grok` of the Palisade package (found from this file, so it works from `dist/` too). */
export function bundledPatternDir(): string {
  if (grokDir) return grokDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'palisade'
    ) {
      grokDir = join(dir, 'config', 'grok');
      return grokDir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the palisade package root holding config/grok');
    dir = up;
  }
}

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * Where a `grokPath` points: the file at that path if there is one, else for `/patterns/<name>`
 * the bundled `config/grok/<name>`. Throws with the list of bundled files when neither exists.
 */
export function resolvePatternPath(grokPath: string): string {
  if (isFile(grokPath)) return grokPath;
  const m = /^\/?patterns\/(.+)$/.exec(grokPath);
  if (m) {
    const rest = m[1] as string;
    if (!rest.split('/').some((part) => part === '..' || part === '')) {
      const bundled = join(bundledPatternDir(), ...rest.split('/'));
      if (isFile(bundled)) return bundled;
    }
  }
  throw new Error(
    `grokPath '${grokPath}': no such file, and not one of the bundled pattern files ` +
      `(${bundledNames().join(', ')}, from config${sep}grok)`,
  );
}

/** The bundled pattern files, for error messages. */
function bundledNames(): string[] {
  try {
    return readdirSync(bundledPatternDir())
      .filter((n) => !n.includes('.'))
      .sort()
      .map((n) => `/patterns/${n}`);
  } catch {
    return [];
  }
}

/** Read the pattern files at these grok paths, in order, into one library. */
export function loadPatternLibrary(grokPaths: readonly string[]): PatternLibrary {
  const library: PatternLibrary = new Map();
  for (const path of grokPaths) addPatterns(readFileSync(resolvePatternPath(path), 'utf8'), library);
  return library;
}

/** A pattern file shipped in config/grok (what Metron's parsers read from their own jar). */
export function loadBundledPatterns(name: string): PatternLibrary {
  return addPatterns(readFileSync(join(bundledPatternDir(), name), 'utf8'), new Map());
}
