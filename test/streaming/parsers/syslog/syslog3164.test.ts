import { describe, expect, it } from 'vitest';
import { allParsers } from '#streaming';
import { classConfig, errorOf, metronConfig, metronGolden, only, parserAt, sensorAt } from './helpers.js';

const CLASS = 'org.apache.metron.parsers.syslog.Syslog3164Parser';
// The fixture's expected times are in January 2018 ("Jan  5 08:52:35" → 1515142355000).
const NOW = Date.UTC(2018, 0, 10);

metronGolden({
  title: "syslog3164 against Metron's expected output",
  sensor: sensorAt('syslog3164', metronConfig('parsers-common', 'syslog3164.json'), NOW),
  raw: ['syslog3164', 'raw', 'Syslog3164Output'],
  parsed: ['syslog3164', 'parsed', 'Syslog3164Parsed'],
  lines: 100,
  timestampOf: (expected) => expected.timestamp,
});

describe('syslog3164 details', () => {
  const parse = parserAt(classConfig(CLASS), NOW);

  it('is registered under its Metron class name', () => {
    expect(allParsers.find((p) => p.metronClasses.includes(CLASS))?.name).toBe('syslog3164');
  });

  it('splits PRI into facility and severity, as strings', () => {
    const e = only(parse('<181>Jan 10 00:00:00 host app: hello'));
    expect(e).toMatchObject({
      'syslog.header.pri': '181',
      'syslog.header.facility': '22',
      'syslog.header.severity': '5',
      'syslog.header.hostName': 'host',
      'syslog.message': 'app: hello',
    });
  });

  it('accepts a line without PRI (Metron allows the deviation)', () => {
    const e = only(
      parse('Aug  6 17:26:31 10.34.84.145 Aug  7 00:45:43 stage-pdp01 CISE_Profiler 0000024855'),
    );
    expect(e['syslog.header.pri']).toBeUndefined();
    expect(e['syslog.header.timestamp']).toBe('Aug  6 17:26:31');
    expect(e['syslog.header.hostName']).toBe('10.34.84.145');
    expect(e['syslog.message']).toBe('Aug  7 00:45:43 stage-pdp01 CISE_Profiler 0000024855');
  });

  it('reads an RFC 3339 header time with its offset', () => {
    const e = only(
      parse('<181>2018-09-14T00:54:09+10:00 lzpqrst-admin.in.mycompany.com.lg CISE_RADIUS_Accounting x'),
    );
    expect(e['syslog.header.timestamp']).toBe('2018-09-14T00:54:09+10:00');
    expect(e.timestamp).toBe(Date.UTC(2018, 8, 13, 14, 54, 9));
  });

  it('puts a year-less time in the current year unless that is more than four days ahead', () => {
    const at = (now: number, line: string) => only(parserAt(classConfig(CLASS), now)(line)).timestamp;
    const jan3 = Date.UTC(2018, 0, 3);
    expect(at(jan3, '<1>Dec 31 23:00:00 h m')).toBe(Date.UTC(2017, 11, 31, 23));
    expect(at(jan3, '<1>Jan  6 23:59:59 h m')).toBe(Date.UTC(2018, 0, 6, 23, 59, 59));
    expect(at(jan3, '<1>Jan  7 00:00:01 h m')).toBe(Date.UTC(2017, 0, 7, 0, 0, 1));
  });

  it("reads year-less times in the config's deviceTimeZone, and --timezone overrides it", () => {
    const config = classConfig(CLASS, { deviceTimeZone: 'America/New_York' });
    const line = '<14>Jan  5 08:52:35 host msg';
    const ny = sensorAt('s', config, NOW).parse(Buffer.from(line)).events[0];
    expect(ny?.timestamp).toBe(Date.UTC(2018, 0, 5, 13, 52, 35));
    const utc = sensorAt('s', config, NOW, 'UTC').parse(Buffer.from(line)).events[0];
    expect(utc?.timestamp).toBe(Date.UTC(2018, 0, 5, 8, 52, 35));
  });

  it('gives one event per line of a multi-line record, as Metron does', () => {
    const r = parse('<1>Jan  5 08:52:35 a one\n<2>Jan  5 08:52:36 b two\r\n\n<3>Jan  5 08:52:37 c three');
    expect(r.ok && r.value.map((e) => e['syslog.header.hostName'])).toEqual(['a', 'b', 'c']);
  });

  it('keeps the good lines of a multi-line record; a bad line fails on its own, named', () => {
    const r = parse('<1>Jan  5 08:52:35 a one\nBOOM!');
    expect(r.ok && r.value.map((e) => e['syslog.message'])).toEqual(['one']);
    const failed = r.ok && 'failed' in r ? r.failed : [];
    expect(failed.map((f) => [f.line, f.error.code])).toEqual([['BOOM!', 'syslog.timestamp']]);
    expect(failed[0]?.error.message).toMatch(/^line 2: /);
  });

  it.each([
    ['not syslog', 'not valid', 'syslog.timestamp'],
    ['an empty record', '', 'record.empty'],
    ['a time and nothing else', '<1>Jan  5 08:52:35', 'syslog.header'],
    ['an unknown month', '<1>Foo  5 08:52:35 host m', 'syslog.timestamp'],
    ['an impossible date', '<1>Feb 30 08:52:35 host m', 'syslog.timestamp'],
    ['an impossible RFC 3339 time', '<1>2018-13-01T00:00:00Z host m', 'syslog.timestamp'],
  ])('rejects %s with a reason', (_name, line, code) => {
    const error = errorOf(parse(line));
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
  });
});
