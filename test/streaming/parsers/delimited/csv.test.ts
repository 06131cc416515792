import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type Event } from '#core';
import { allParsers, buildParser, buildSensor, loadSensorConfig } from '#streaming';
import { splitCsvLine } from '../../../../streaming/parsers/delimited/opencsv.js';
import { ROOT } from '../../../helpers/cli.js';

const NOW = 1_700_000_000_000;

const csvConfig = (parserConfig: Record<string, unknown>) => ({
  parserClassName: 'org.apache.metron.parsers.csv.CSVParser',
  parserConfig,
  fieldTransformations: [],
});

const csv = (parserConfig: Record<string, unknown>, timezone = 'UTC') =>
  buildParser(csvConfig(parserConfig), 'dummy', 'csv.json', { now: () => NOW, timezone });

/** The events of one line, failing the test on an error. */
const events = (parse: ReturnType<typeof csv>, line: string): Event[] => {
  const r = parse(line);
  if (!r.ok) throw new Error(`unexpected error: ${r.error.message}`);
  return r.value;
};

const configProblems = (parserConfig: Record<string, unknown>): string => {
  try {
    csv(parserConfig);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path} ${p.message}`).join('\n');
    throw e;
  }
  return 'no problem';
};

describe("csv parser: Metron's CSVParserTest", () => {
  // Column names with spaces around them are trimmed, as CSVConverter does.
  const parse = csv({ columns: { col1: 0, ' col2': 1, 'col3 ': 2 } });

  it('skips comment and empty lines', () => {
    expect(events(parse, '#foo,bar,grok')).toEqual([]);
    expect(events(parse, '')).toEqual([]);
    expect(events(parse, '   # indented comment')).toEqual([]);
  });

  it.each([
    ['plain', 'foo,bar,grok'],
    ['quoted, with a space before a quote', '"foo", "bar","grok"'],
    ['spaces after the commas', 'foo, bar, grok'],
    ['spaces around every value', ' foo , bar , grok '],
  ])('reads %s columns as trimmed strings', (_name, line) => {
    const out = events(parse, line);
    expect(out).toHaveLength(1);
    expect(out[0]).toEqual({ col1: 'foo', col2: 'bar', col3: 'grok', original_string: line, timestamp: NOW });
    expect(out[0]).not.toHaveProperty(' col2');
    expect(out[0]).not.toHaveProperty('col3 ');
  });

  it('fails a line with fewer columns than configured, with a reason', () => {
    const r = parse('foo');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ stage: 'parser_error', code: 'csv.columns', field: 'col2' });
      expect(r.error.message).toContain('1 columns');
    }
  });
});

describe('csv parser: opencsv 3.7 quoting, as Metron splits lines', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,c,', ['a', '', 'c', '']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['"a\\"b",c', ['a"b', 'c']],
    ['a\\b,c', ['ab', 'c']], // a lone backslash disappears
    ['a,bc"d"ef,g', ['a', 'bc"d"ef', 'g']], // quotes inside a field's text are kept
    ['a,  "b",c', ['a', 'b', 'c']], // spaces before an opening quote are dropped
    ['a,"b"  ,c', ['a', 'b"  ', 'c']], // opencsv keeps a closing quote that a space follows
    ['x,"multi\nline"', ['x', 'multi\nline']],
  ])('splits %j', (line, fields) => {
    expect(splitCsvLine(line, ',')).toEqual(fields);
  });

  it('reports an unclosed quote', () => {
    expect(splitCsvLine('a,"b,c', ',')).toBeUndefined();
    const r = csv({ columns: ['a', 'b'] })('a,"b,c');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('csv.quote');
  });

  it('uses the first character of the separator', () => {
    const parse = csv({ columns: ['a', 'b', 'c'], separator: '|;' });
    expect(events(parse, 'x|"y|z"|w')[0]).toMatchObject({ a: 'x', b: 'y|z', c: 'w' });
    expect(events(csv({ columns: ['a', 'b'], separator: '\t' }), 'x\ty z')[0]).toMatchObject({
      a: 'x',
      b: 'y z',
    });
  });
});

describe('csv parser: columns, timestamps, config', () => {
  it('accepts the column list and string forms, with name:index', () => {
    expect(events(csv({ columns: ['a', 'b:3'] }), '0,1,2,3')[0]).toMatchObject({ a: '0', b: '3' });
    expect(events(csv({ columns: 'a, b ,c:0' }), '0,1,2')[0]).toMatchObject({ a: '0', b: '1', c: '0' });
    expect(events(csv({ columns: { a: '2' } }), '0,1,2')[0]).toMatchObject({ a: '2' });
  });

  it('reads a timestamp column as epoch ms', () => {
    const parse = csv({ columns: ['timestamp', 'x'] });
    expect(events(parse, '1453928464877,a')[0]?.timestamp).toBe(1453928464877);
    expect(events(parse, ' +42 ,a')[0]?.timestamp).toBe(42);
  });

  it('reads a timestamp column with timestampFormat (SimpleDateFormat) in the zone Palisade runs in', () => {
    const columns = ['timestamp', 'x'];
    const line = '2016-01-27 16:01:04.877,a';
    const format = 'yyyy-MM-dd HH:mm:ss.SSS';
    expect(events(csv({ columns, timestampFormat: format }), line)[0]?.timestamp).toBe(1453910464877);
    expect(events(csv({ columns, timestampFormat: format }, 'America/New_York'), line)[0]?.timestamp).toBe(
      1453928464877,
    );
  });

  it('leaves an unreadable timestamp as text, so the sensor reports the event invalid', () => {
    const parse = csv({ columns: ['timestamp', 'x'] });
    expect(events(parse, 'yesterday,a')[0]?.timestamp).toBe('yesterday');
    expect(events(parse, '99999999999999999999,a')[0]?.timestamp).toBe('99999999999999999999');
    const sensor = buildSensor('dummy', 'csv.json', csvConfig({ columns: ['timestamp', 'x'] }));
    const r = sensor.parse(Buffer.from('yesterday,a'));
    expect(r.events).toEqual([]);
    expect(r.errors).toEqual([
      expect.objectContaining({ stage: 'parser_invalid', code: 'event.timestamp', field: 'timestamp' }),
    ]);
  });

  it('lets a field transformation repair a textual timestamp, as in Metron', () => {
    const sensor = buildSensor('dummy', 'csv.json', {
      ...csvConfig({ columns: ['when', 'x'] }),
      fieldTransformations: [
        {
          transformation: 'STELLAR',
          output: ['timestamp'],
          config: { timestamp: "TO_EPOCH_TIMESTAMP(when, 'yyyy-MM-dd', 'UTC')" },
        },
      ],
    });
    const r = sensor.parse(Buffer.from('2020-01-02,a'));
    expect(r.errors).toEqual([]);
    expect(r.events[0]?.timestamp).toBe(Date.UTC(2020, 0, 2));
  });

  it.each([
    [{}, '$.columns'],
    [{ columns: { a: -1 } }, 'negative'],
    [{ columns: { a: 'one' } }, 'not an integer'],
    [{ columns: ['a:x'] }, 'must be an integer'],
    [{ columns: ['a'], separator: '"' }, '$.separator'],
    [{ columns: ['a'], separator: '' }, 'one character'],
    [{ columns: ['a'], timestampFormat: 'yyyy-MM-dd ee' }, '$.timestampFormat'],
  ])('refuses the config %j at start-up', (parserConfig, problem) => {
    expect(configProblems(parserConfig)).toContain(problem);
  });

  it('is registered under its Metron class name', () => {
    expect(
      allParsers.find((p) => p.metronClasses.includes('org.apache.metron.parsers.csv.CSVParser'))?.name,
    ).toBe('csv');
  });

  it('parses a line with the example config/sensors/csv.json', () => {
    const { config } = loadSensorConfig(join(ROOT, 'config'), 'csv');
    const sensor = buildSensor('csv', 'config/sensors/csv.json', config);
    const line = '2024-05-01 12:00:00.250,10.0.0.1,51515,10.0.0.2,443,6,ALLOW';
    const r = sensor.parse(Buffer.from(line));
    expect(r.errors).toEqual([]);
    expect(r.events[0]).toMatchObject({
      timestamp: Date.UTC(2024, 4, 1, 12, 0, 0, 250),
      ip_src_addr: '10.0.0.1',
      ip_src_port: '51515',
      protocol: 'TCP',
      action: 'ALLOW',
      original_string: line,
      'source.type': 'csv',
    });
    expect(r.events[0]?.community_id).toMatch(/^1:/);
  });
});
