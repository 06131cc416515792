import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DOUBLE_FIELDS,
  loadJsonConfig,
  type SensorParserConfig,
  sensorParserConfigSchema,
} from '#core';
import { allParsers, buildParser, buildSensor } from '#streaming';

/** A pattern file of our own, written once for these tests. */
const dir = mkdtempSync(join(tmpdir(), 'palisade-grok-parser-'));
const patterns = join(dir, 'test-patterns');
writeFileSync(
  patterns,
  [
    'LOGIN %{TIMESTAMP_ISO8601:when} %{WORD:user} %{IP:ip_src_addr} %{NUMBER:ms:float}',
    'STAMPED %{DATA:stamp}\\|%{WORD:what}',
    'EPOCH %{NUMBER:timestamp} %{WORD:what}',
  ].join('\n'),
);

const config = (parserConfig: Record<string, unknown>): SensorParserConfig => ({
  parserClassName: 'org.apache.metron.parsers.GrokParser',
  parserConfig: { grokPath: patterns, ...parserConfig },
  fieldTransformations: [],
});

const parserFor = (parserConfig: Record<string, unknown>, timezone = 'UTC') =>
  buildParser(config(parserConfig), 'test', 'test.json', { timezone, now: () => Date.UTC(2020, 0, 1) });

describe('grok family registration', () => {
  it.each([
    ['org.apache.metron.parsers.GrokParser', 'grok'],
    ['org.apache.metron.parsers.asa.BasicAsaParser', 'asa'],
    ['org.apache.metron.parsers.websphere.GrokWebSphereParser', 'websphere'],
    ['org.apache.metron.parsers.sourcefire.BasicSourcefireParser', 'sourcefire'],
    ['org.apache.metron.parsers.fireeye.BasicFireEyeParser', 'fireeye'],
  ])('%s is the %s parser', (metronClass, name) => {
    expect(allParsers.find((p) => p.metronClasses.includes(metronClass))?.name).toBe(name);
  });

  it.each(['yaf', 'squid', 'asa', 'websphere', 'sourcefire', 'fireeye'])(
    'the sample config config/sensors/%s.json builds',
    (sensor) => {
      const file = join(import.meta.dirname, '..', '..', '..', '..', 'config', 'sensors', `${sensor}.json`);
      const sensorConfig = loadJsonConfig(sensorParserConfigSchema, file);
      expect(buildSensor(sensor, file, sensorConfig).sensor).toBe(sensor);
    },
  );
});

describe('GrokParser', () => {
  it('turns captures into fields, keeps the record as original_string and drops the label', () => {
    const parse = parserFor({
      patternLabel: 'LOGIN',
      timestampField: 'when',
      timeFields: ['when'],
      dateFormat: "yyyy-MM-dd'T'HH:mm:ss",
    });
    const r = parse('2020-03-04T05:06:07 alice 10.0.0.1 12.0');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const event = r.value[0];
    expect(event).toMatchObject({
      when: Date.UTC(2020, 2, 4, 5, 6, 7),
      timestamp: Date.UTC(2020, 2, 4, 5, 6, 7),
      user: 'alice',
      ip_src_addr: '10.0.0.1',
      ms: 12,
      original_string: '2020-03-04T05:06:07 alice 10.0.0.1 12.0',
    });
    expect('LOGIN' in (event ?? {})).toBe(false);
    // As in java-grok, references without a field name are captured under the pattern's name;
    // TIMESTAMP_ISO8601 refers to HOUR twice (the second inside the zone), and the later wins.
    expect(event).toMatchObject({ YEAR: 2020, MONTHNUM: 3, MONTHDAY: 4, SECOND: 7, HOUR: null });
    // `:float` fields stay floating point in the lake even when integral.
    expect([...(event?.[DOUBLE_FIELDS] ?? [])]).toEqual(['ms']);
  });

  it('reads time fields in timeZone (Metron key), else the sensor zone, else UTC', () => {
    const base = {
      patternLabel: 'STAMPED',
      timestampField: 'stamp',
      timeFields: ['stamp'],
      dateFormat: 'yyyy-MM-dd HH:mm',
    };
    const line = '2020-07-01 12:00|x';
    const at = (r: ReturnType<ReturnType<typeof parserFor>>) =>
      r.ok ? r.value[0]?.timestamp : r.error.message;
    expect(at(parserFor(base)(line))).toBe(Date.UTC(2020, 6, 1, 12));
    expect(at(parserFor({ ...base, timeZone: 'America/New_York' })(line))).toBe(Date.UTC(2020, 6, 1, 16));
    expect(at(parserFor(base, 'Europe/Amsterdam')(line))).toBe(Date.UTC(2020, 6, 1, 10));
  });

  it("uses Metron's default dateFormat, yyyy-MM-dd HH:mm:ss.S z", () => {
    const parse = parserFor({ patternLabel: 'STAMPED', timestampField: 'stamp', timeFields: ['stamp'] });
    const r = parse('2020-07-01 12:00:00.5 UTC|x');
    expect(r.ok && r.value[0]?.timestamp).toBe(Date.UTC(2020, 6, 1, 12, 0, 0, 5));
  });

  it('copies a numeric or dotted timestampField to timestamp', () => {
    const parse = parserFor({ patternLabel: 'EPOCH', timestampField: 'timestamp' });
    const dotted = parse('1461576382.642 hit');
    expect(dotted.ok && dotted.value[0]?.timestamp).toBe(1461576382642);
    const whole = parse('1461576382642 hit');
    expect(whole.ok && whole.value[0]?.timestamp).toBe(1461576382642);
  });

  it.each([
    ['the pattern does not match', { patternLabel: 'LOGIN' }, 'nothing to see', 'grok.no_match'],
    ['an empty record', { patternLabel: 'LOGIN' }, '', 'grok.no_match'],
    [
      'a time field not in dateFormat',
      { patternLabel: 'STAMPED', timeFields: ['stamp'], dateFormat: 'yyyy-MM-dd' },
      'yesterday|x',
      'grok.time_field',
    ],
    [
      'a missing timestampField',
      { patternLabel: 'STAMPED', timestampField: 'nope' },
      'a|b',
      'grok.timestamp',
    ],
    [
      'a timestampField that is not a number',
      { patternLabel: 'STAMPED', timestampField: 'stamp' },
      'soon|b',
      'grok.timestamp',
    ],
  ])('fails, without throwing, when %s', (_name, parserConfig, line, code) => {
    const r = parserFor(parserConfig)(line);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.stage).toBe('parser_error');
    }
  });

  it('names the field at fault for time problems', () => {
    const r = parserFor({ patternLabel: 'STAMPED', timeFields: ['stamp'], dateFormat: 'yyyy' })('x|y');
    expect(!r.ok && r.error.field).toBe('stamp');
  });

  it('parses each line on its own with multiLine ("true" as Metron writes it, or true)', () => {
    for (const multiLine of ['true', true, 'TRUE']) {
      const parse = parserFor({ patternLabel: 'EPOCH', timestampField: 'timestamp', multiLine });
      const r = parse('1.000 a\r\n2.000 b\n3.000 c\n');
      expect(r.ok && r.value.map((e) => [e.what, e.timestamp, e.original_string])).toEqual([
        ['a', 1000, '1.000 a'],
        ['b', 2000, '2.000 b'],
        ['c', 3000, '3.000 c'],
      ]);
    }
  });

  it('without multiLine a record with a line break is one record', () => {
    const r = parserFor({ patternLabel: 'EPOCH', timestampField: 'timestamp', multiLine: 'false' })(
      '1.000 a\n2.000 b',
    );
    expect(r.ok && r.value.length).toBe(1);
  });

  it('keeps the good lines of a multi-line record and fails each bad line on its own', () => {
    const parse = parserFor({ patternLabel: 'EPOCH', timestampField: 'timestamp', multiLine: 'true' });
    const r = parse('1.000 a\nbroken\n\n3.000 c');
    expect(r.ok && r.value.map((e) => e.what)).toEqual(['a', 'c']);
    expect(r.ok && 'failed' in r && r.failed.map((f) => [f.line, f.error.message.split(':')[0]])).toEqual([
      ['broken', 'line 2'],
      ['', 'line 3'],
    ]);
    // Through the sensor stage, each bad line reaches errors with its own bytes.
    const sensor = buildSensor(
      'test',
      'test.json',
      config({ patternLabel: 'EPOCH', timestampField: 'timestamp', multiLine: 'true' }),
    );
    const out = sensor.parse(Buffer.from('1.000 a\nbroken\n3.000 c'));
    expect(out.events).toHaveLength(2);
    expect(out.errors.map((e) => e.raw?.toString())).toEqual(['broken']);
  });

  it('goes through the sensor stage: errors are reported, never thrown', () => {
    const sensor = buildSensor(
      'test',
      'test.json',
      config({ patternLabel: 'EPOCH', timestampField: 'timestamp' }),
    );
    expect(sensor.parse(Buffer.from('12.5 ok')).events[0]).toMatchObject({ timestamp: 125, what: 'ok' });
    const bad = sensor.parse(Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    expect(bad.events).toEqual([]);
    expect(bad.errors[0]?.code).toBe('grok.no_match');
  });

  it.each([
    ['an unknown grokPath', { grokPath: '/patterns/nope', patternLabel: 'X' }, 'grokPath'],
    ['an unknown patternLabel', { patternLabel: 'NOPE' }, 'unknown pattern %{NOPE}'],
    ['a bad dateFormat', { patternLabel: 'LOGIN', dateFormat: 'yyyy-qq' }, 'dateFormat'],
    ['a bad timeZone', { patternLabel: 'LOGIN', timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['no patternLabel', { patternLabel: undefined }, 'patternLabel'],
    ['a patternLabel that is not a pattern name', { patternLabel: 'LOG-IN' }, 'pattern name'],
  ])('refuses at start-up %s', (_name, parserConfig, hint) => {
    const build = () => buildSensor('test', 'test.json', config(parserConfig));
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(hint);
  });
});
