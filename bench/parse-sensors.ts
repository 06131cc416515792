import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadJsonConfig, sensorParserConfigSchema } from '#core';
import { buildSensor } from '#streaming';
import { repoRoot } from './data.js';
import { type Check, measure, type ResultRow, rate, ratio } from './report.js';

/**
 * Case 6, parse throughput per sensor: each sensor's sample lines, repeated to a fixed count,
 * through the sensor's whole parse stage (`buildSensor(...).parse`: parser, Metron's field
 * transformations, guid, Community ID) with the sensor's own config, in events/s and MB/s.
 * For JSON sensors the baseline is `JSON.parse` of the same lines (decoded from the same
 * Buffers), the physical floor; the
 * parsers issue asks JSON parsers for ≥ 0.6 of its speed.
 */

interface SensorSample {
  sensor: string;
  /** Config, relative to the repo. */
  config: string;
  /** Sample lines, relative to the repo. */
  sample: string;
  json: boolean;
}

const FIXTURES = 'test/fixtures/metron';

export const PARSE_SAMPLES: readonly SensorSample[] = [
  {
    sensor: 'bro',
    config: 'config/sensors/bro.json',
    sample: `${FIXTURES}/bro/raw/BroExampleOutput`,
    json: true,
  },
  {
    sensor: 'jsonMap',
    config: `${FIXTURES}/configs/parsers/jsonMap.json`,
    sample: `${FIXTURES}/jsonMap/raw/jsonMapExampleOutput`,
    json: true,
  },
  {
    sensor: 'suricata',
    config: 'config/sensors/suricata.json',
    sample: 'test/fixtures/suricata/eve.json',
    json: true,
  },
  {
    sensor: 'snort',
    config: `${FIXTURES}/configs/parsers/snort.json`,
    sample: `${FIXTURES}/snort/raw/SnortOutput`,
    json: false,
  },
  {
    sensor: 'yaf',
    config: `${FIXTURES}/configs/parsers/yaf.json`,
    sample: `${FIXTURES}/yaf/raw/YafExampleOutput`,
    json: false,
  },
  {
    sensor: 'squid',
    config: `${FIXTURES}/configs/parsers/squid.json`,
    sample: `${FIXTURES}/squid/raw/SquidExampleOutput`,
    json: false,
  },
  {
    sensor: 'asa',
    config: `${FIXTURES}/configs/parsers/asa.json`,
    sample: `${FIXTURES}/asa/raw/asa_raw`,
    json: false,
  },
  {
    sensor: 'syslog5424',
    config: `${FIXTURES}/configs/parsers/parsers-common/syslog5424.json`,
    sample: `${FIXTURES}/syslog5424/raw/Syslog5424Output`,
    json: false,
  },
  {
    sensor: 'leef',
    config: `${FIXTURES}/configs/parsers/leef.json`,
    sample: `${FIXTURES}/leef/raw/leefOutput`,
    json: false,
  },
];

/** The fixed clock the parsers read (a constant: the clock's own cost is not parsing). */
const CLOCK = Date.UTC(2026, 10, 28);

/** The bar for JSON sensors: events/s of ours ÷ lines/s of JSON.parse. */
export const JSON_PARSE_TARGET = 0.6;

export interface ParseFigures {
  sensor: string;
  json: boolean;
  lines: number;
  events: number;
  bytes: number;
  oursMs: number;
  /** JSON.parse of the same lines; JSON sensors only. */
  jsonMs?: number;
}

/** Run case 6 with `count` lines per sensor. Sensors whose config or sample is absent are reported, not skipped silently. */
export async function benchParseSensors(
  count: number,
  runs: number,
): Promise<{ rows: ResultRow[]; checks: Check[]; figures: ParseFigures[] }> {
  const root = repoRoot();
  const rows: ResultRow[] = [];
  const checks: Check[] = [];
  const figures: ParseFigures[] = [];
  for (const s of PARSE_SAMPLES) {
    const configFile = join(root, s.config);
    const sampleFile = join(root, s.sample);
    if (!existsSync(configFile) || !existsSync(sampleFile)) {
      checks.push({
        name: `parse ${s.sensor}: config and sample present`,
        ok: false,
        detail: `${s.config} / ${s.sample}`,
      });
      continue;
    }
    const samples = readFileSync(sampleFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));
    const lines = Array.from({ length: count }, (_, i) => Buffer.from(samples[i % samples.length] as string));
    const bytes = lines.reduce((n, l) => n + l.length + 1, 0);
    const parser = buildSensor(s.sensor, configFile, loadJsonConfig(sensorParserConfigSchema, configFile), {
      now: () => CLOCK,
    });
    // The warm-up is a full pass: the parsers' JIT needs tens of thousands of lines to settle.
    const warmUp = lines;
    const input = (run: number) => (run < 0 ? warmUp : lines);
    const ours = await measure({
      runs,
      run: (i) => {
        let events = 0;
        for (const line of input(i)) events += parser.parse(line).events.length;
        return events;
      },
    });
    const events = Math.min(...ours.values);
    checks.push({
      name: `parse ${s.sensor}: every sample line gives events`,
      ok: events >= count,
      detail: `${events.toLocaleString('en-US')} events from ${count.toLocaleString('en-US')} lines`,
    });
    const label = `parse ${s.sensor}, ${count.toLocaleString('en-US')} lines`;
    const figure: ParseFigures = {
      sensor: s.sensor,
      json: s.json,
      lines: count,
      events,
      bytes,
      oursMs: ours.median,
    };
    let baselineMs: number | undefined;
    if (s.json) {
      // The floor takes the same Buffers the parse stage takes: UTF-8 decoding is part of
      // reading JSON bytes in JavaScript, for JSON.parse as for us.
      const baseline = await measure({
        runs,
        run: (i) => {
          let n = 0;
          for (const l of input(i)) n += JSON.parse(l.toString('utf8')) === null ? 0 : 1;
          return n;
        },
      });
      baselineMs = baseline.median;
      figure.jsonMs = baselineMs;
      rows.push({
        case: label,
        variant: 'baseline: UTF-8 decode + JSON.parse of the same lines',
        medianMs: baseline.median,
        runsMs: baseline.runs,
        rate: `${rate(count, baseline.median, 'lines')}, ${rate(bytes / 1e6, baseline.median, 'MB')}`,
        ratio: '1.00x (baseline)',
        notes: 'the floor for a JSON sensor',
      });
    }
    rows.push({
      case: label,
      variant: `ours: buildSensor('${s.sensor}').parse`,
      medianMs: ours.median,
      runsMs: ours.runs,
      rate: `${rate(events, ours.median, 'events')}, ${rate(bytes / 1e6, ours.median, 'MB')}`,
      ratio: baselineMs === undefined ? 'n/a (text format)' : ratio(ours.median, baselineMs),
      notes: `${samples.length} distinct sample lines; parser, transformations, guid, Community ID`,
    });
    figures.push(figure);
  }
  return { rows, checks, figures };
}
