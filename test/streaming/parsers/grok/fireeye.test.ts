import { describe, expect, it } from 'vitest';
import { buildSensor } from '#streaming';
import { fixtureLines } from '../../../helpers/metron.js';

const NOW = Date.UTC(2016, 4, 1);

const sensor = buildSensor(
  'fireeye',
  'fireeye.json',
  {
    parserClassName: 'org.apache.metron.parsers.fireeye.BasicFireEyeParser',
    parserConfig: {},
    fieldTransformations: [],
  },
  { now: () => NOW },
);

const one = (line: string) => {
  const { events, errors } = sensor.parse(Buffer.from(line));
  expect(errors).toEqual([]);
  return events[0] as Record<string, unknown>;
};

describe('FireEye parser on Metron’s samples (raw only: no expected output shipped)', () => {
  const raw = fixtureLines('fireeye', 'raw', 'FireeyeExampleOutput');
  const unit = fixtureLines('fireeye', 'unit-test', 'FireEyeParserTest.txt');

  it('has the sample lines', () => {
    expect(raw.length).toBe(90);
    expect(unit.length).toBe(8);
  });

  it('parses every raw line', () => {
    const errors = raw.flatMap((l) => sensor.parse(Buffer.from(l)).errors);
    expect(errors).toEqual([]);
  });

  unit.forEach((line, i) => {
    it(`unit-test line ${i + 1} parses to a non-empty record of non-null values (Metron's testParse)`, () => {
      const e = one(line);
      expect(Object.keys(e).length).toBeGreaterThan(3);
      for (const [k, v] of Object.entries(e)) expect(v, k).not.toBeNull();
    });
  });

  it('takes the syslog header time in the current year, UTC (Metron’s testTimestampParsing)', () => {
    expect(one(unit[0] as string).timestamp).toBe(Date.UTC(2016, 2, 19, 5, 24, 39));
  });

  it('reads the CEF pairs with Metron’s renames and joins repeated keys', () => {
    const e = one(unit[0] as string);
    expect(e).toMatchObject({
      src_hostname: 'dev001srv02.example.com',
      protocol: 'udp',
      cncHost: 'mfdclk001.org',
      src_port: '54527',
      ip_src_port: 54527,
      src_mac: '00:00:0c:07:ac:00',
      externalId: '851983',
      // dvc appears twice; Metron joined the values with "," (keeping the space before it).
      dvc: '10.201.78.57 ,10.100.25.16',
      ip_src_addr: '10.201.78.57 ,10.100.25.16',
    });
    // Metron dropped the last word of the record, so the last pair (cs1=…) is never read.
    expect('malware' in e).toBe(false);
  });

  it('starts the record at the last syslog priority when text comes before it', () => {
    const line = unit[5] as string;
    expect(line.startsWith('fireeye[-]: <161>')).toBe(true);
    const e = one(line);
    expect(e.original_string).toBe(line.slice('fireeye[-]: '.length));
    expect(e).toMatchObject({
      src_ip: '10.191.193.20',
      ip_src_addr: '10.190.1.16',
      timestamp: Date.UTC(2016, 2, 19, 5, 24, 39),
    });
  });

  it('keeps parts of multi-part alerts whole, with timestamp 0 when there is no header time', () => {
    const e = one('<164>fenotify-3483798.2.alert: act;Trojan.Kuloz;Trojan.Kuluoz ');
    expect(e).toEqual(
      expect.objectContaining({
        original_string: '<164>fenotify-3483798.2.alert: act;Trojan.Kuloz;Trojan.Kuluoz ',
        timestamp: 0,
      }),
    );
    expect(
      Object.keys(e).filter((k) => !['original_string', 'timestamp', 'guid', 'source.type'].includes(k)),
    ).toEqual([]);
  });

  it.each([
    ['fewer than five words', 'not a fireeye line'],
    ['a header time with an unknown month', '<164>Foo 19 05:24:39 10.0.0.1 fenotify-1.alert: CEF:0|a|b'],
    ['an empty record', ''],
  ])('fails, without throwing, on %s', (_name, line) => {
    const { events, errors } = sensor.parse(Buffer.from(line));
    expect(events).toEqual([]);
    expect(errors[0]?.code).toBe('fireeye.shape');
  });
});
