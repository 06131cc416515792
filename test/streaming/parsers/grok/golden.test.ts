import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { globalConfigSchema, loadJsonConfig, sensorParserConfigSchema } from '#core';
import { buildSensor } from '#streaming';
import { fixtureLines, METRON_FIXTURES, metronGolden } from '../../../helpers/metron.js';

/**
 * Metron's own sample data through the whole parse stage, with Metron's own sensor configs and
 * the global config of its parser integration tests, compared the way Metron compares
 * (`metronGolden`). Palisade's `community_id` is left out of the comparison.
 */

const globals = loadJsonConfig(globalConfigSchema, join(METRON_FIXTURES, 'configs', 'global.json'));

// Year-less syslog times were parsed in 2016; a fixed clock in the same year keeps them stable.
const NOW = Date.UTC(2016, 4, 1, 12, 0, 0);

function sensorFor(name: string) {
  const file = join(METRON_FIXTURES, 'configs', 'parsers', `${name}.json`);
  return buildSensor(name, `${name}.json`, loadJsonConfig(sensorParserConfigSchema, file), {
    globals,
    now: () => NOW,
  });
}

const cases = [
  {
    sensor: 'yaf',
    raw: ['yaf', 'raw', 'YafExampleOutput'],
    parsed: ['yaf', 'parsed', 'YafExampleParsed'],
    count: 10,
  },
  {
    sensor: 'squid',
    raw: ['squid', 'raw', 'SquidExampleOutput'],
    parsed: ['squid', 'parsed', 'SquidExampleParsed'],
    count: 2,
  },
  {
    sensor: 'websphere',
    raw: ['websphere', 'raw', 'WebsphereOutput.txt'],
    parsed: ['websphere', 'parsed', 'WebsphereParsed'],
    count: 5,
  },
  { sensor: 'asa', raw: ['asa', 'raw', 'asa_raw'], parsed: ['asa', 'parsed', 'asa_parsed'], count: 128 },
];

for (const { sensor, raw, parsed, count } of cases) {
  metronGolden({
    title: `${sensor} against Metron's expected output`,
    sensor: sensorFor(sensor),
    raw,
    parsed,
    lines: count,
  });
}

describe('exact timestamps where Metron wrote them with a year', () => {
  it('yaf: start_time, end_time and timestamp are the epoch ms of the text (UTC)', () => {
    const line = fixtureLines('yaf', 'raw', 'YafExampleOutput')[0] as string;
    const [event] = sensorFor('yaf').parse(Buffer.from(line)).events;
    expect(event?.timestamp).toBe(1453994988512);
    expect(event?.start_time).toBe(1453994988512);
    expect(event?.end_time).toBe(1453994988512);
  });

  it('squid: the dotted seconds become milliseconds', () => {
    const [event] = sensorFor('squid').parse(
      Buffer.from(fixtureLines('squid', 'raw', 'SquidExampleOutput')[0] as string),
    ).events;
    expect(event?.timestamp).toBe(1461576382642);
  });

  it('asa and websphere: with the clock in 2016 the year-less times equal Metron’s', () => {
    const asaLines = fixtureLines('asa', 'raw', 'asa_raw');
    const asaExpected = fixtureLines('asa', 'parsed', 'asa_parsed').map(
      (l) => JSON.parse(l) as { timestamp: number },
    );
    const asa = sensorFor('asa');
    asaLines.forEach((line, i) => {
      expect(asa.parse(Buffer.from(line)).events[0]?.timestamp).toBe(asaExpected[i]?.timestamp);
    });
    const wsLines = fixtureLines('websphere', 'raw', 'WebsphereOutput.txt');
    const wsExpected = fixtureLines('websphere', 'parsed', 'WebsphereParsed').map(
      (l) => JSON.parse(l) as { timestamp: number },
    );
    const ws = sensorFor('websphere');
    wsLines.forEach((line, i) => {
      expect(ws.parse(Buffer.from(line)).events[0]?.timestamp).toBe(wsExpected[i]?.timestamp);
    });
  });
});

describe('asa sample without expectations (AsaOutput)', () => {
  it('parses every line', () => {
    const asa = sensorFor('asa');
    const lines = fixtureLines('asa', 'raw', 'AsaOutput');
    expect(lines.length).toBeGreaterThan(90);
    const errors = lines.flatMap((l) => asa.parse(Buffer.from(l)).errors);
    expect(errors).toEqual([]);
  });
});
