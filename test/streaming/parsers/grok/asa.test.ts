import { describe, expect, it } from 'vitest';
import { buildParser, buildSensor } from '#streaming';
import { facilityOf, severityOf } from '../../../../streaming/parsers/grok/asa/asa.js';

const JAN_2 = Date.UTC(2017, 0, 2, 12, 0, 0);

const asa = (parserConfig: Record<string, unknown> = {}, now = JAN_2, timezone?: string) =>
  buildParser(
    {
      parserClassName: 'org.apache.metron.parsers.asa.BasicAsaParser',
      parserConfig,
      fieldTransformations: [],
    },
    'asa',
    'asa.json',
    { now: () => now, ...(timezone ? { timezone } : {}) },
  );

const one = (line: string, parse = asa()) => {
  const r = parse(line);
  if (!r.ok) throw new Error(`expected a parse, got ${r.error.code}: ${r.error.message}`);
  return r.value[0] as Record<string, unknown>;
};

describe('ASA parser', () => {
  it('reads the header and the 5-tuple of a known message', () => {
    const line =
      '<166>Jan  1 08:52:35 fw01 %ASA-6-302013: Built inbound TCP connection 77 for outside:10.1.1.1/5555 (10.1.1.1/5555) to inside:10.2.2.2/443 (10.2.2.2/443)';
    expect(one(line)).toEqual({
      original_string: line,
      timestamp: Date.UTC(2017, 0, 1, 8, 52, 35),
      ciscotag: 'ASA-6-302013',
      syslog_severity: 'info',
      syslog_facility: 'local4',
      syslog_host: 'fw01',
      ip_src_addr: '10.1.1.1',
      ip_src_port: 5555,
      ip_dst_addr: '10.2.2.2',
      ip_dst_port: 443,
      protocol: 'tcp',
      action: 'built',
    });
  });

  it('keeps the header of a message ID it has no pattern for', () => {
    const e = one('<164>Jan  1 08:52:35 fw01 %ASA-4-999999: Something new happened');
    expect(e).toMatchObject({ ciscotag: 'ASA-4-999999', syslog_severity: 'warn' });
    expect('ip_src_addr' in e).toBe(false);
  });

  it('keeps the header when the message does not fit its pattern', () => {
    const e = one('<166>Jan  1 08:52:35 fw01 %ASA-6-302013: not what the pattern expects');
    expect(e.ciscotag).toBe('ASA-6-302013');
    expect('protocol' in e).toBe(false);
  });

  it('puts a date more than four days ahead in the previous year', () => {
    expect(one('<166>Dec 31 23:00:00 fw %ASA-7-609001: Built local-host inside:10.0.0.1').timestamp).toBe(
      Date.UTC(2016, 11, 31, 23),
    );
    expect(one('<166>Jan  5 23:00:00 fw %ASA-7-609001: Built local-host inside:10.0.0.1').timestamp).toBe(
      Date.UTC(2017, 0, 5, 23),
    );
  });

  it('reads the Cisco form with a year', () => {
    expect(
      one('<166>Mar 09 2015 13:42:11 fw %ASA-7-609001: Built local-host inside:10.0.0.1').timestamp,
    ).toBe(Date.UTC(2015, 2, 9, 13, 42, 11));
  });

  it('reads times in the device time zone', () => {
    const line = '<166>Jul 01 2016 12:00:00 fw %ASA-7-609001: Built local-host inside:10.0.0.1';
    const sensor = buildSensor('asa', 'asa.json', {
      parserClassName: 'org.apache.metron.parsers.asa.BasicAsaParser',
      parserConfig: { deviceTimeZone: 'America/New_York' },
      fieldTransformations: [],
    });
    expect(sensor.parse(Buffer.from(line)).events[0]?.timestamp).toBe(Date.UTC(2016, 6, 1, 16));
    expect(one(line, asa({}, JAN_2, 'Asia/Tokyo')).timestamp).toBe(Date.UTC(2016, 6, 1, 3));
  });

  it('names severities and facilities as Metron does', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(severityOf)).toEqual([
      'emerg',
      'alert',
      'crit',
      'err',
      'warn',
      'notice',
      'info',
      'debug',
    ]);
    expect(facilityOf(20 * 8)).toBe('local4');
    expect(facilityOf(10 * 8 + 3)).toBe('authpriv');
    expect(facilityOf(9 * 8)).toBe('unknown');
  });

  it.each([
    ['not ASA syslog', 'hello world', 'asa.header'],
    ['an empty record', '', 'asa.header'],
    [
      'a full month name',
      '<166>January  1 08:52:35 fw %ASA-7-609001: Built local-host inside:10.0.0.1',
      'asa.timestamp',
    ],
    [
      'a one-digit hour',
      '<166>Jan  1 8:52:35 fw %ASA-7-609001: Built local-host inside:10.0.0.1',
      'asa.timestamp',
    ],
    [
      'fractional seconds',
      '<166>Jan  1 08:52:35.123 fw %ASA-7-609001: Built local-host inside:10.0.0.1',
      'asa.timestamp',
    ],
    [
      '30 February without a year',
      '<166>Feb 30 08:52:35 fw %ASA-7-609001: Built local-host inside:10.0.0.1',
      'asa.timestamp',
    ],
    ['a priority beyond an int', '<99999999999>Jan  1 08:52:35 fw %ASA-7-609001: x', 'asa.priority'],
  ])('fails, without throwing, on %s', (_name, line, code) => {
    const r = asa()(line);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });
});
