import { describe, expect, it } from 'vitest';
import { allParsers } from '#streaming';
import { fixtureLines } from '../../../helpers/metron.js';
import {
  classConfig,
  errorOf,
  metronConfig,
  metronGolden,
  only,
  parserAt,
  schemaProblems,
  sensorAt,
} from './helpers.js';

const CLASS = 'org.apache.metron.parsers.leef.LEEFParser';
const NOW = Date.UTC(2019, 4, 17, 23, 48, 9, 428);
const parse = parserAt(classConfig(CLASS), NOW);

const leefSensor = sensorAt('leef', metronConfig('leef.json'), NOW);

metronGolden({
  title: "LEEF against Metron's expected output",
  sensor: leefSensor,
  raw: ['leef', 'raw', 'leefOutput'],
  parsed: ['leef', 'parsed', 'leefParsed'],
  lines: 4,
  // No devTime and no syslog header: the clock.
  timestampOf: () => NOW,
});

describe("LEEF against Metron's sample schema", () => {
  const sensor = leefSensor;

  it("sample.leef satisfies Metron's sample.schema", () => {
    for (const line of fixtureLines('leef', 'unit-test', 'sample.leef')) {
      const result = sensor.parse(Buffer.from(line));
      expect(result.errors).toEqual([]);
      expect(
        schemaProblems('leef/unit-test/sample.schema', result.events[0] as Record<string, unknown>),
      ).toEqual([]);
    }
  });
});

describe('LEEF details', () => {
  it('is registered under its Metron class name', () => {
    expect(allParsers.find((p) => p.metronClasses.includes(CLASS))?.name).toBe('leef');
  });

  it('reads LEEF 1.0: tab-separated attributes, 5-tuple renames, ports as numbers', () => {
    const e = only(
      parse(
        'LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tdst=172.50.123.1\tsrcPort=81\tdstPort=443\tsev=5',
      ),
    );
    expect(e).toMatchObject({
      DeviceVendor: 'Microsoft',
      DeviceProduct: 'MSExchange',
      DeviceVersion: '4.0 SP1',
      DeviceEvent: '15345',
      ip_src_addr: '192.0.2.0',
      ip_dst_addr: '172.50.123.1',
      ip_src_port: 81,
      ip_dst_port: 443,
      sev: '5',
    });
    expect('src' in e || 'srcPort' in e).toBe(false);
  });

  it('does not take LEEF 1.0 attribute text up to a | as a delimiter field (Metron did)', () => {
    const e = only(parse('LEEF:1.0|V|P|1|E|cmd=a | b\tsev=1'));
    expect(e).toMatchObject({ cmd: 'a | b', sev: '1' });
  });

  it('reads the LEEF 2.0 delimiter, as a character or in hex, and not at an escaped one', () => {
    expect(only(parse('LEEF:2.0|V|P|1|E|^|src=1.1.1.1^dst=2.2.2.2^msg=a\\^b'))).toMatchObject({
      ip_src_addr: '1.1.1.1',
      ip_dst_addr: '2.2.2.2',
      msg: 'a\\^b',
    });
    expect(only(parse('LEEF:2.0|V|P|1|E|x5E|a=1^b=2'))).toMatchObject({ a: '1', b: '2' });
    expect(only(parse('LEEF:2.0|V|P|1|E|0x7C|a=1|b=2'))).toMatchObject({ a: '1', b: '2' });
    expect(only(parse('LEEF:2.0|V|P|1|E||a=1\tb=2'))).toMatchObject({ a: '1', b: '2' });
  });

  it("ends a value at a second '=', as Metron's split does", () => {
    expect(only(parse('LEEF:2.0|V|P|1|E|sev=8 cn1=37 cn1Label=Host ID\tx=y')).sev).toBe('8 cn1');
  });

  it('reads LEEF 0 extensions with the CEF rules', () => {
    const e = only(parse('LEEF:0|V|P|1|E|src=10.0.0.1 cs1=blue sky cs1Label=Colour'));
    expect(e).toMatchObject({ ip_src_addr: '10.0.0.1', Colour: 'blue sky' });
  });

  it('takes timestamp from devTime: epoch, Metron formats, devTimeFormat', () => {
    const at = (attrs: string) => only(parse(`LEEF:1.0|V|P|1|E|${attrs}`)).timestamp;
    expect(at('devTime=1558136889000')).toBe(1558136889000);
    expect(at('devTime=Apr 01 2019 10:11:12.123 UTC')).toBe(Date.UTC(2019, 3, 1, 10, 11, 12, 123));
    expect(at('devTime=Apr 01 2019 10:11:12')).toBe(Date.UTC(2019, 3, 1, 10, 11, 12));
    expect(at('devTime=2019-04-01 10:11\tdevTimeFormat=yyyy-MM-dd HH:mm')).toBe(Date.UTC(2019, 3, 1, 10, 11));
  });

  it('falls back to the syslog header time and keeps its host', () => {
    const e = only(parse('<13>May 17 10:00:00 qradar-01 LEEF:2.0|V|P|1|E|a=b'));
    expect(e).toMatchObject({ host: 'qradar-01', timestamp: Date.UTC(2019, 4, 17, 10) });
  });

  it('sets original_string to the line, one event per line of a record', () => {
    const r = parse('LEEF:1.0|V|P|1|E|a=1\nLEEF:1.0|V|P|1|E|a=2');
    expect(r.ok && r.value.map((e) => [e.a, e.original_string])).toEqual([
      ['1', 'LEEF:1.0|V|P|1|E|a=1'],
      ['2', 'LEEF:1.0|V|P|1|E|a=2'],
    ]);
  });

  it.each([
    ['no LEEF header', 'test test test nonsense', 'leef.header'],
    ['a header cut short', 'LEEF:2.0|Vendor|Product', 'leef.header'],
    ['an unknown version', 'LEEF:3.0|V|P|1|E|a=b', 'leef.version'],
    ['an attribute without =', 'LEEF:1.0|V|P|1|E|a=b\tjunk', 'leef.attribute'],
    ['a port that is not a number', 'LEEF:1.0|V|P|1|E|srcPort=http', 'leef.port'],
    ['a devTime that is not a date', 'LEEF:1.0|V|P|1|E|devTime=yesterday', 'leef.devTime'],
    [
      'a devTimeFormat that is not a pattern',
      'LEEF:1.0|V|P|1|E|devTime=x\tdevTimeFormat=qqq',
      'leef.devTime',
    ],
  ])('rejects %s with a reason', (_name, line, code) => {
    const error = errorOf(parse(line));
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
  });
});
