import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Folder of the Metron fixtures copied into the repo. */
export const METRON_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'metron');

/** Lines of a fixture file, without the empty last line. */
export function fixtureLines(...path: string[]): string[] {
  return readFileSync(join(METRON_FIXTURES, ...path), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

/**
 * Metron's comparison of parser output (`ValidationUtils.assertJsonEqual` as used by its
 * sample-data tests): same key set; `guid` and `timestamp` by string length; the rest equal
 * as parsed JSON. Returns the differences, empty when equal.
 */
export function metronDiff(expected: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const want = Object.keys(expected).sort();
  const got = Object.keys(actual).sort();
  for (const k of want) if (!(k in actual)) problems.push(`missing key ${k}`);
  for (const k of got) if (!(k in expected)) problems.push(`unexpected key ${k}`);
  for (const k of want) {
    if (!(k in actual)) continue;
    const e = expected[k];
    const a = actual[k];
    if (k === 'guid' || k === 'timestamp') {
      if (String(e).length !== String(a).length)
        problems.push(`${k}: length ${String(a).length} != ${String(e).length}`);
    } else if (JSON.stringify(e) !== JSON.stringify(a)) {
      problems.push(`${k}: ${JSON.stringify(a)} != expected ${JSON.stringify(e)}`);
    }
  }
  return problems;
}
