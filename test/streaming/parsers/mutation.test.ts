import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SensorParserConfig } from '#core';
import { seededRandom } from '#core';
import {
  buildSensor,
  DEFAULT_MAX_RECORD_BYTES,
  findParser,
  knownSensors,
  loadSensorConfig,
  type ParsedRecord,
  type SensorParser,
} from '#streaming';
import { ROOT } from '../../helpers/cli.js';

/**
 * Every registered sensor with sample lines gets its samples damaged — cut short, bits flipped,
 * bytes replaced by garbage, blown past the record-size limit — and must answer each with events
 * (with a numeric timestamp) or errors (with stage, code and message), never an exception and
 * never silence. The list of sensors is built from config/sensors/*.json at run time; which
 * were covered and which were not (and why) is printed. Seeded: a failure names its seed.
 */

const CONFIG_DIR = join(ROOT, 'config');
const LINES_PER_SENSOR = 20;
// Generous: grok bounds each damaged line's search (100 ms), but a sensor has many lines.
const SENSOR_TIMEOUT_MS = 300_000;
const SEED = 0x5eed;

/** Where a sensor's sample lines live. */
const sampleDirs = (sensor: string): string[] => [
  join(ROOT, 'test', 'fixtures', 'metron', sensor, 'raw'),
  join(ROOT, 'test', 'fixtures', 'metron', sensor, 'unit-test'),
  join(ROOT, 'config', 'samples', sensor),
  join(ROOT, 'test', 'fixtures', sensor),
];

/** Files that are inputs, not notes, scripts or expected outputs. */
const isSampleFile = (path: string): boolean =>
  !/\.(md|py|sh|ts|js|mjs)$/i.test(path) && !/parsed|expected|NOTICE|README/i.test(path);

/**
 * The sample files of one sensor. Metron's unit-test folders mix inputs with expected outputs
 * and schemas, so only files named after the sensor (`*.cef`) are taken from them.
 */
function filesUnder(dir: string, sensor: string): string[] {
  if (!existsSync(dir)) return [];
  const unitTest = dir.endsWith('unit-test');
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, sensor));
    else if (isSampleFile(path) && (!unitTest || name.endsWith(`.${sensor}`))) out.push(path);
  }
  return out;
}

/** A file's lines as bytes (without the newline), blank ones included: stateful parsers see headers. */
function linesOf(file: string): Buffer[] {
  const bytes = readFileSync(file);
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (i > start || i < bytes.length) lines.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return lines;
}

const hash = (s: string): number => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
};

interface Variant {
  kind: 'original' | 'truncated' | 'bit-flipped' | 'garbage' | 'oversized';
  bytes: Buffer;
  /** The PRNG seed of the line's variants, to replay a failure. */
  seed: number;
}

/** The damaged versions of one line. */
function variantsOf(line: Buffer, seed: number): Variant[] {
  const random = seededRandom(seed);
  const out: Variant[] = [{ kind: 'original', bytes: line, seed }];
  const n = line.length;
  const cuts = new Set([1, Math.floor(n / 4), Math.floor(n / 2), Math.floor((3 * n) / 4), n - 1]);
  for (const cut of cuts)
    if (cut > 0 && cut < n) out.push({ kind: 'truncated', bytes: line.subarray(0, cut), seed });
  for (let v = 0; v < 4 && n > 0; v++) {
    const copy = Buffer.from(line);
    const flips = 1 + Math.floor(random() * 4);
    for (let f = 0; f < flips; f++) {
      const at = Math.floor(random() * n);
      copy[at] = (copy[at] as number) ^ (1 << Math.floor(random() * 8));
    }
    out.push({ kind: 'bit-flipped', bytes: copy, seed });
  }
  for (let v = 0; v < 2; v++) {
    // A span of the line replaced by random bytes (newlines excluded: one record is one line).
    const copy = Buffer.from(line);
    const from = Math.floor(random() * Math.max(n, 1));
    const to = Math.min(n, from + 1 + Math.floor(random() * 32));
    for (let i = from; i < to; i++) copy[i] = randomByte(random);
    out.push({ kind: 'garbage', bytes: copy, seed });
  }
  return out;
}

function randomByte(random: () => number): number {
  const b = Math.floor(random() * 256);
  return b === 0x0a ? 0x0b : b;
}

/** Pure garbage lines, and a record over the size limit. */
function sensorVariants(first: Buffer, seed: number): Variant[] {
  const random = seededRandom(seed);
  const out: Variant[] = [];
  for (let v = 0; v < 5; v++) {
    const bytes = Buffer.alloc(1 + Math.floor(random() * 300));
    for (let i = 0; i < bytes.length; i++) bytes[i] = randomByte(random);
    out.push({ kind: 'garbage', bytes, seed });
  }
  const base = first.length > 0 ? first : Buffer.from('x');
  const copies = Math.ceil((DEFAULT_MAX_RECORD_BYTES + 1) / base.length);
  out.push({ kind: 'oversized', bytes: Buffer.concat(Array(copies).fill(base)), seed });
  return out;
}

/** Sample files that hold broken lines on purpose (for the demo's `errors` table). */
const deliberatelyBad = (where: string): boolean => /broken|invalid/i.test(where);

interface Plan {
  sensor: string;
  file: string;
  config: SensorParserConfig;
  samples: { file: string; lines: Buffer[] }[];
}

/** Which sensors to damage, and why the others are left out. */
function plan(): { covered: Plan[]; left: string[] } {
  const covered: Plan[] = [];
  const left: string[] = [];
  for (const sensor of knownSensors(CONFIG_DIR)) {
    const { file, config } = loadSensorConfig(CONFIG_DIR, sensor);
    try {
      findParser(config, file);
    } catch (e) {
      left.push(`${sensor}: parser not registered (${(e as Error).message.split('(')[0]?.trim()})`);
      continue;
    }
    const files = sampleDirs(sensor).flatMap((dir) => filesUnder(dir, sensor));
    if (files.length === 0) {
      left.push(
        `${sensor}: no sample lines under ${sampleDirs(sensor)
          .map((d) => relative(ROOT, d))
          .join(', ')}`,
      );
      continue;
    }
    // Up to LINES_PER_SENSOR lines, taken from every file in turn so each file contributes.
    const all = files.map((f) => ({ file: f, lines: linesOf(f) }));
    const per = Math.max(1, Math.ceil(LINES_PER_SENSOR / all.length));
    const samples = all.map((s) => ({ file: s.file, lines: s.lines.slice(0, per) }));
    covered.push({ sensor, file, config, samples });
  }
  return { covered, left };
}

const { covered, left } = plan();

/** What went wrong with one result, if anything. */
function problem(result: ParsedRecord, bytes: Buffer, filtering: boolean): string | undefined {
  for (const e of result.events) {
    if (typeof e.timestamp !== 'number' || !Number.isFinite(e.timestamp)) {
      return `event without a numeric timestamp: ${JSON.stringify(e.timestamp)}`;
    }
  }
  for (const e of result.errors) {
    if (!e.stage || !e.code || !e.message) return `error without stage/code/message: ${JSON.stringify(e)}`;
    // The sensor stage turns a parser's exception into this error; the parser must not throw.
    if (e.code === 'parser.crash') return `the parser threw: ${e.message}`;
  }
  if (result.events.length > 0 || result.errors.length > 0) return undefined;
  const text = bytes.toString('utf8').trim();
  // Allowed silence: a blank line, a comment or header line (`#…`: CSV, Zeek TSV), a filtered event.
  if (text === '' || text.startsWith('#') || filtering || result.filtered > 0) return undefined;
  return 'neither events nor errors for a non-blank line';
}

describe('every registered sensor survives damaged input', () => {
  it('covers the sensors that have samples, at least bro and snort', () => {
    const names = covered.map((c) => c.sensor);
    console.log(
      `mutation coverage: ${names.join(', ')}\n` +
        `left out: ${left.length === 0 ? 'none' : `\n  ${left.join('\n  ')}`}`,
    );
    expect(names).toContain('bro');
    expect(names).toContain('snort');
  });

  it.each(covered.map((c) => [c.sensor, c] as const))(
    '%s',
    (sensor, p) => {
      // A registered parser's shipped config must build; if it does not, this fails with why.
      const parser: SensorParser = buildSensor(sensor, p.file, p.config);
      const filtering = p.config.filterClassName !== undefined;
      const failures: string[] = [];
      const counts: Record<string, number> = {};
      let events = 0;
      let errors = 0;
      let originals = 0;
      const run = (variant: Variant, where: string) => {
        counts[variant.kind] = (counts[variant.kind] ?? 0) + 1;
        let result: ParsedRecord;
        try {
          result = parser.parse(variant.bytes);
        } catch (e) {
          failures.push(`${where} ${variant.kind} (seed ${variant.seed}): threw ${(e as Error).message}`);
          return;
        }
        events += result.events.length;
        errors += result.errors.length;
        const wrong = problem(result, variant.bytes, filtering);
        if (wrong) {
          const shown = JSON.stringify(variant.bytes.toString('utf8').slice(0, 120));
          failures.push(`${where} ${variant.kind} (seed ${variant.seed}): ${wrong}: ${shown}`);
        }
        // An undamaged sample line is good input: it must land in the table, not in errors.
        if (variant.kind === 'original' && result.errors.length > 0 && !deliberatelyBad(where)) {
          failures.push(`${where}: a sample line as it is went to errors: ${result.errors[0]?.message}`);
        }
        if (variant.kind === 'original' && result.errors.length === 0) originals += 1;
        if (variant.kind === 'oversized' && !result.errors.some((e) => e.code === 'record.size')) {
          failures.push(`${where}: a record over the size limit was not refused as such`);
        }
      };
      for (const sample of p.samples) {
        parser.reset();
        sample.lines.forEach((line, i) => {
          const where = `${relative(ROOT, sample.file)}:${i + 1}`;
          for (const v of variantsOf(line, hash(`${sensor}:${where}`) ^ SEED)) run(v, where);
        });
      }
      const first = p.samples.flatMap((s) => s.lines).find((l) => l.length > 0) ?? Buffer.alloc(0);
      for (const v of sensorVariants(first, hash(sensor) ^ SEED)) run(v, `${sensor} (whole-sensor)`);
      console.log(
        `${sensor}: ${Object.entries(counts)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')} → ${events} events, ${errors} errors`,
      );
      expect(failures).toEqual([]);
      expect(counts.truncated ?? 0).toBeGreaterThan(0);
      expect(counts['bit-flipped'] ?? 0).toBeGreaterThan(0);
      expect(counts.oversized).toBe(1);
      expect(originals).toBeGreaterThan(0);
      expect(errors).toBeGreaterThan(0);
    },
    SENSOR_TIMEOUT_MS,
  );
});
