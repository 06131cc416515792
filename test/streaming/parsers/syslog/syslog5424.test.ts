import { describe, expect, it } from 'vitest';
import { ConfigError } from '#core';
import { allParsers } from '#streaming';
import { classConfig, errorOf, metronConfig, metronGolden, only, parserAt, sensorAt } from './helpers.js';

const CLASS = 'org.apache.metron.parsers.syslog.Syslog5424Parser';
const NOW = Date.UTC(2020, 0, 1);

// Metron's Syslog5424ParserTest lines.
const ALL =
  '<14>1 2014-06-20T09:14:07+00:00 loggregator d0602076-b14a-4c55-852a-981e7afeed38 DEA MSG-01' +
  ' [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]' +
  '[exampleSDID@32480 iut="4" eventSource="Other Application" eventID="2022"] Removing instance';
const MISSING_MSGID = ALL.replace(' MSG-01 ', ' - ');
const MISSING_DATE = MISSING_MSGID.replace('2014-06-20T09:14:07+00:00', '-');

metronGolden({
  title: "syslog5424 against Metron's expected output",
  sensor: sensorAt('syslog5424', metronConfig('parsers-common', 'syslog5424.json'), NOW),
  raw: ['syslog5424', 'raw', 'Syslog5424Output'],
  parsed: ['syslog5424', 'parsed', 'Syslog5424Parsed'],
  lines: 3,
  timestampOf: (expected) => expected.timestamp,
});

describe('syslog5424 details', () => {
  const withPolicy = (nilPolicy?: string) =>
    parserAt(classConfig(CLASS, nilPolicy === undefined ? {} : { nilPolicy }), NOW);

  it('is registered under its Metron class name', () => {
    expect(allParsers.find((p) => p.metronClasses.includes(CLASS))?.name).toBe('syslog5424');
  });

  it('reads every header field and flattens structured data', () => {
    const e = only(withPolicy()(ALL));
    expect(e).toMatchObject({
      'syslog.header.pri': '14',
      'syslog.header.facility': '1',
      'syslog.header.severity': '6',
      'syslog.header.version': '1',
      'syslog.header.timestamp': '2014-06-20T09:14:07+00:00',
      'syslog.header.hostName': 'loggregator',
      'syslog.header.appName': 'd0602076-b14a-4c55-852a-981e7afeed38',
      'syslog.header.procId': 'DEA',
      'syslog.header.msgId': 'MSG-01',
      'syslog.structuredData.exampleSDID@32473.iut': '3',
      'syslog.structuredData.exampleSDID@32473.eventSource': 'Application',
      'syslog.structuredData.exampleSDID@32480.eventSource': 'Other Application',
      'syslog.structuredData.exampleSDID@32480.eventID': '2022',
      'syslog.message': 'Removing instance',
      timestamp: Date.UTC(2014, 5, 20, 9, 14, 7),
    });
  });

  it('leaves nil fields out by default (OMIT)', () => {
    const e = only(withPolicy()(MISSING_MSGID));
    expect('syslog.header.msgId' in e).toBe(false);
  });

  it("writes '-' for nil fields under DASH", () => {
    expect(only(withPolicy('DASH')(MISSING_MSGID))['syslog.header.msgId']).toBe('-');
  });

  it('writes null for nil fields under NULL', () => {
    const e = only(withPolicy('NULL')(MISSING_MSGID));
    expect('syslog.header.msgId' in e).toBe(true);
    expect(e['syslog.header.msgId']).toBeNull();
  });

  it('stamps the clock (in milliseconds) when the header time is nil', () => {
    for (const policy of ['OMIT', 'DASH', 'NULL']) {
      expect(only(withPolicy(policy)(MISSING_DATE)).timestamp).toBe(NOW);
    }
    expect(only(withPolicy('DASH')(MISSING_DATE))['syslog.header.timestamp']).toBe('-');
  });

  it('rejects an unknown nilPolicy at start-up', () => {
    expect(() => withPolicy('SKIP')).toThrow(ConfigError);
  });

  it('keeps escapes in structured-data values as written, as Metron does', () => {
    const e = only(withPolicy()('<14>1 2014-06-20T09:14:07Z h a p m [id@1 q="say \\"hi\\" \\] ok"] text'));
    expect(e['syslog.structuredData.id@1.q']).toBe('say \\"hi\\" \\] ok');
    expect(e['syslog.message']).toBe('text');
  });

  it('accepts a line without PRI and version, and one without a message', () => {
    const e = only(withPolicy()('2014-06-20T09:14:07.123456-02:00 h a p m -'));
    expect(e.timestamp).toBe(Date.UTC(2014, 5, 20, 11, 14, 7, 123));
    expect(e['syslog.header.pri']).toBeUndefined();
    expect(e['syslog.message']).toBeUndefined();
  });

  it('gives one event per line; a bad line fails on its own', () => {
    const good = withPolicy('DASH')([ALL, MISSING_MSGID, ALL].join('\n'));
    expect(good.ok && good.value).toHaveLength(3);
    const mixed = withPolicy('DASH')(['HEREWEGO!!!!', ALL].join('\n'));
    expect(mixed.ok && mixed.value).toHaveLength(1);
    const failed = mixed.ok && 'failed' in mixed ? mixed.failed : [];
    expect(failed.map((f) => f.line)).toEqual(['HEREWEGO!!!!']);
    expect(failed[0]?.error.message).toMatch(/^line 1: /);
    // A record whose only line is bad fails whole.
    expect(errorOf(withPolicy('DASH')('HEREWEGO!!!!\n')).message).toMatch(/^line 1: /);
  });

  it.each([
    ['not syslog', 'not valid', 'syslog.timestamp'],
    ['a 3164 time', '<14>1 Jan  5 08:52:35 h a p m - x', 'syslog.timestamp'],
    ['a header cut short', '<14>1 2014-06-20T09:14:07Z host app', 'syslog.header'],
    ['no structured data', '<14>1 2014-06-20T09:14:07Z h a p m', 'syslog.structured_data'],
    [
      'unclosed structured data',
      '<14>1 2014-06-20T09:14:07Z h a p m [id a="1" msg',
      'syslog.structured_data',
    ],
    [
      'an unterminated SD value',
      '<14>1 2014-06-20T09:14:07Z h a p m [id a="1] msg',
      'syslog.structured_data',
    ],
    [
      'an SD parameter without quotes',
      '<14>1 2014-06-20T09:14:07Z h a p m [id a=1] msg',
      'syslog.structured_data',
    ],
  ])('rejects %s with a reason', (_name, line, code) => {
    const error = errorOf(withPolicy()(line));
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
  });
});
