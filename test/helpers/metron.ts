import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SensorParser } from '#streaming';

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

/** Metron's fields of an event: everything but Palisade's `community_id`. */
export function metronFields(event: object): Record<string, unknown> {
  const { community_id: _cid, ...rest } = event as Record<string, unknown>;
  return rest;
}

/**
 * Metron's golden comparison for one sensor: each raw fixture line through the sensor's parse
 * stage gives one event equal to the parsed fixture line (Metron's rules, `community_id`
 * aside) and the timestamp `timestampOf` names.
 */
export function metronGolden(options: {
  title: string;
  sensor: SensorParser;
  raw: string[];
  parsed: string[];
  lines: number;
  /** The exact timestamp expected, where Metron's own check (length only) is too weak. */
  timestampOf?: (expected: Record<string, unknown>) => unknown;
  /** Further checks of Palisade's own fields on each event. */
  check?: (event: Record<string, unknown>) => void;
}): void {
  describe(options.title, () => {
    const raw = fixtureLines(...options.raw);
    const expected = fixtureLines(...options.parsed).map((l) => JSON.parse(l) as Record<string, unknown>);

    it('has one expected record per raw line', () => {
      expect(raw).toHaveLength(options.lines);
      expect(expected).toHaveLength(raw.length);
    });

    raw.forEach((line, i) => {
      it(`line ${i + 1} matches field for field`, () => {
        const result = options.sensor.parse(Buffer.from(line));
        expect(result.errors).toEqual([]);
        expect(result.events).toHaveLength(1);
        const event = result.events[0] as Record<string, unknown>;
        const want = expected[i] as Record<string, unknown>;
        expect(metronDiff(want, metronFields(event))).toEqual([]);
        if (options.timestampOf) expect(event.timestamp).toBe(options.timestampOf(want));
        options.check?.(event);
      });
    });
  });
}
