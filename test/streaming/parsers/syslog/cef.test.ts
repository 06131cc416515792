import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allParsers } from '#streaming';
import { fixtureLines, METRON_FIXTURES } from '../../../helpers/metron.js';
import { classConfig, errorOf, only, parserAt, schemaProblems, sensorAt } from './helpers.js';

const CLASS = 'org.apache.metron.parsers.cef.CEFParser';
const NOW = Date.UTC(2020, 0, 10);
const parse = parserAt(classConfig(CLASS), NOW);
/** 2016-05-01T09:29:11.356-0400, the instant of Metron's testTimestampPriority. */
const CORRECT_TIME = Date.UTC(2016, 4, 1, 13, 29, 11, 356);
const BASIC =
  'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232';

describe("CEF against Metron's unit-test samples and schemas", () => {
  it.each(['adallom', 'cyberark', 'palo', 'waf'])('%s.cef parses and satisfies %s.schema', (name) => {
    const sensor = sensorAt(name, classConfig(CLASS), NOW);
    const lines = fixtureLines('cef', 'unit-test', `${name}.cef`);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const result = sensor.parse(Buffer.from(line));
      expect(result.errors).toEqual([]);
      expect(result.events).toHaveLength(1);
      const event = result.events[0] as Record<string, unknown>;
      expect(event.timestamp).toBeGreaterThan(0);
      expect(schemaProblems(`cef/unit-test/${name}.schema`, event)).toEqual([]);
    }
  });

  it('agrees with cyberark.json on the fields named alike (Metron never compared the rest)', () => {
    // cyberark.json uses another parser's names (device_vendor, fileName, …); Metron's test
    // loaded it but only checked the schema. Where the names coincide, the values must too.
    const expected = JSON.parse(readFileSync(join(METRON_FIXTURES, 'cef/unit-test/cyberark.json'), 'utf8'));
    const sensor = sensorAt('cyberark', classConfig(CLASS), Date.UTC(2016, 3, 1));
    const [line] = fixtureLines('cef', 'unit-test', 'cyberark.cef');
    const event = sensor.parse(Buffer.from(line as string)).events[0] as Record<string, unknown>;
    for (const key of [
      '"Other info"',
      '"Safe Name"',
      'deviceAction',
      'original_string',
      'timestamp',
      'source.type',
    ]) {
      expect([key, event[key]]).toEqual([key, expected[key]]);
    }
    expect(event).toMatchObject({
      fname: expected.fileName,
      suser: expected.src_username,
      msg: expected.message,
    });
    expect(event).toMatchObject({
      DeviceVendor: 'Cyber-Ark',
      DeviceEvent: '295',
      Severity: 5,
      host: 'HHHPVATN1',
    });
  });

  it('reads the Palo Alto CEF sample: relabels, renames, rt and the syslog host', () => {
    const [line] = fixtureLines('cef', 'unit-test', 'palo.cef');
    const e = only(parse(line as string));
    expect(e).toMatchObject({
      DeviceVendor: 'Palo Alto Networks',
      Name: 'THREAT',
      Severity: 1,
      ip_src_addr: '10.10.10.10',
      ip_dst_addr: '20.20.20.20',
      ip_src_port: 18371,
      ip_dst_port: 443,
      protocol: 'ssl',
      deviceAction: 'alert',
      Rule: 'Trusted-to-Untrusted',
      'Virtual Sys': 'vsys2',
      'URL Cat': 'gambling',
      Flags: '0x8000',
      suser: '',
      host: 'hostname',
      timestamp: Date.UTC(2017, 3, 7, 0, 10, 10),
    });
    for (const gone of ['cs1', 'cs1Label', 'src', 'spt', 'act', 'app', 'flexString1'])
      expect(gone in e).toBe(false);
  });
});

describe("CEF: Metron's CEFParserTest cases", () => {
  it('is registered under its Metron class name', () => {
    expect(allParsers.find((p) => p.metronClasses.includes(CLASS))?.name).toBe('cef');
  });

  it('testInvalid: a line that is not CEF is an error (Metron returned nothing)', () => {
    expect(errorOf(parse('test test test nonsense')).code).toBe('cef.header');
  });

  it('testEscaping: a backslash before a space stays', () => {
    const e = only(
      parse(
        'Sep 19 08:26:10 host CEF:0|security|threatmanager|1.0|100|detected a \\ in packet|10|src=10.0.0.1 act=blocked a \\ dst=1.1.1.1',
      ),
    );
    expect(e).toMatchObject({
      ip_src_addr: '10.0.0.1',
      deviceAction: 'blocked a \\',
      ip_dst_addr: '1.1.1.1',
    });
    expect(e.Name).toBe('detected a \\ in packet');
  });

  it('testBasicHeader', () => {
    expect(only(parse(BASIC))).toMatchObject({
      DeviceVendor: 'Security',
      DeviceProduct: 'threatmanager',
      DeviceVersion: '1.0',
      DeviceEvent: '100',
      Name: 'worm successfully stopped',
      Severity: 10,
    });
  });

  it('testBasicExtensions', () => {
    expect(only(parse(BASIC))).toMatchObject({
      ip_src_addr: '10.0.0.1',
      ip_dst_addr: '2.1.2.2',
      ip_src_port: 1232,
    });
  });

  it('testCustomLabelWithSpace', () => {
    const e = only(parse(`${BASIC} custom=Text with space customLabel=Label with space`));
    expect(e['Label with space']).toBe('Text with space');
    expect('custom' in e).toBe(false);
  });

  it('testTimestampPriority: rt first, then the syslog time, then the clock', () => {
    const rt = 'rt=May 1 2016 09:29:11.356 -0400';
    const tail = '|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1';
    expect(only(parse(`CEF:0${tail} ${rt} dst=2.1.2.2 spt=1232`)).timestamp).toBe(CORRECT_TIME);
    expect(only(parse(`2016-06-01T09:29:11.356-04:00 host CEF:0${tail} ${rt} dst=2.1.2.2`)).timestamp).toBe(
      CORRECT_TIME,
    );
    expect(only(parse(`2016-05-01T09:29:11.356-04:00 host CEF:0${tail} dst=2.1.2.2`)).timestamp).toBe(
      CORRECT_TIME,
    );
    expect(only(parse(`CEF:0${tail} dst=2.1.2.2`)).timestamp).toBe(NOW);
  });

  it('testRtValueAsEpochTimestamp', () => {
    expect(only(parse(`${BASIC} rt=${CORRECT_TIME}`)).timestamp).toBe(CORRECT_TIME);
  });

  it('testMissingYearFromDate: a year-less rt is this year', () => {
    expect(only(parse(`${BASIC} rt=Jan 10 00:00:00.000`)).timestamp).toBe(NOW);
  });

  it('testFourDayFutureBecomesPast', () => {
    expect(only(parse(`${BASIC} rt=Jan 15 00:00:00.000`)).timestamp).toBe(Date.UTC(2019, 0, 15));
  });

  it('testSuccessfulWhenCEFContainsJSON (the NiFi sample)', () => {
    const sample =
      'CEF:0|TestVendor|TestProduct|TestVersion|TestEventClassID|TestName|Low|' +
      'rt=Feb 09 2015 00:27:43 UTC cn3Label=Test Long cn3=9223372036854775807 ' +
      'cfp1=1.234 cfp1Label=Test FP Number smac=00:00:0c:07:ac:00 ' +
      'c6a3=2001:cdba::3257:9652 c6a3Label=Test IPv6 cs1Label=Test String cs1=test test test chocolate ' +
      'destinationTranslatedAddress=123.123.123.123 ' +
      'deviceCustomDate1=Feb 06 2015 13:27:43 ' +
      'dpt=1234 agt=123.123.0.124 dlat=40.366633 ' +
      'cs2Label=JSON payload ' +
      'cs2={"test_test_test": "chocolate!", "what?!?": "Simple! test test test chocolate!"}';
    const e = only(parse(sample));
    expect(e).toMatchObject({
      DeviceVendor: 'TestVendor',
      Severity: 2,
      timestamp: 1423441663000,
      'Test Long': '9223372036854775807',
      'Test FP Number': '1.234',
      smac: '00:00:0c:07:ac:00',
      'Test IPv6': '2001:cdba::3257:9652',
      'Test String': 'test test test chocolate',
      destinationTranslatedAddress: '123.123.123.123',
      ip_dst_port: 1234,
    });
    expect(JSON.parse(e['JSON payload'] as string).test_test_test).toBe('chocolate!');
  });
});

describe('CEF: escapes, as the CEF specification writes them (a deliberate fix over Metron)', () => {
  it('reads \\| and \\\\ in header fields', () => {
    const e = only(parse('CEF:0|Vendor \\| Inc|Prod\\\\uct|1|100|a \\| b|5|x=1'));
    expect(e).toMatchObject({
      DeviceVendor: 'Vendor | Inc',
      DeviceProduct: 'Prod\\uct',
      Name: 'a | b',
      Severity: 5,
    });
  });

  it('ends a header field at a | that follows an escaped backslash', () => {
    const e = only(parse('CEF:0|Ven\\\\|Prod|1|100|n|5|x=\\\\'));
    expect(e).toMatchObject({ DeviceVendor: 'Ven\\', DeviceProduct: 'Prod', x: '\\' });
  });

  it('reads \\=, \\\\ and \\| in extension values, and does not split at an escaped =', () => {
    const e = only(parse('CEF:0|V|P|1|100|n|5|request=http://x/?a\\=b msg=C:\\\\temp\\\\file a \\| b cs1=1'));
    expect(e.request).toBe('http://x/?a=b');
    expect(e.msg).toBe('C:\\temp\\file a | b');
    expect(e.cs1).toBe('1');
  });

  it('keeps an unescaped = inside a value word with the value', () => {
    const e = only(parse('CEF:0|V|P|1|100|n|5|request=http://x/?a=b&c=d dst=1.2.3.4'));
    expect(e).toMatchObject({ request: 'http://x/?a=b&c=d', ip_dst_addr: '1.2.3.4' });
  });

  it('gives empty values as empty strings instead of running into the next pair', () => {
    const e = only(parse('CEF:0|V|P|1|100|n|5|dhost= duser= shost=a cs1Label="Affected User" cs1= cs2=x'));
    expect(e).toMatchObject({ dhost: '', duser: '', shost: 'a', '"Affected User"': '', cs2: 'x' });
  });
});

describe('CEF details', () => {
  it('maps severity words as Metron does', () => {
    const severity = (s: string) => only(parse(`CEF:0|V|P|1|100|n|${s}|x=1`)).Severity;
    expect([
      severity('Low'),
      severity('Medium'),
      severity('High'),
      severity('Very-High'),
      severity('Unknown'),
    ]).toEqual([2, 5, 8, 10, 0]);
  });

  it('accepts "CEF: 0|", an empty extension and CEF version 1', () => {
    expect(only(parse('<14>Apr  7 10:10:10 hostname CEF: 0|V|P|1|100|n|3|')).Severity).toBe(3);
    expect(only(parse('CEF:1|V|P|1|100|n|3|a=b')).a).toBe('b');
  });

  it('reads the syslog time in the device zone and keeps the host', () => {
    const e = only(
      parserAt(
        classConfig(CLASS),
        NOW,
        'Europe/Amsterdam',
      )('<14>Jan  5 10:10:10 fw-01 CEF:0|V|P|1|1|n|3|a=b'),
    );
    expect(e).toMatchObject({ host: 'fw-01', timestamp: Date.UTC(2020, 0, 5, 9, 10, 10) });
  });

  it('adds a community_id when the 5-tuple and protocol are known', () => {
    const sensor = sensorAt('cef', classConfig(CLASS), NOW);
    const event = sensor.parse(
      Buffer.from('CEF:0|V|P|1|1|n|3|src=10.0.0.1 spt=1234 dst=10.0.0.2 dpt=80 proto=TCP'),
    ).events[0];
    expect(event?.community_id).toMatch(/^1:/);
  });

  it.each([
    ['no CEF header', 'test test test nonsense', 'cef.header'],
    ['a header cut short', 'CEF:0|Vendor|Product|1.0', 'cef.header'],
    ['a severity that is not a number', 'CEF:0|V|P|1|100|n|x|a=b', 'cef.severity'],
    ['a port that is not a number', 'CEF:0|V|P|1|100|n|5|spt=http', 'cef.port'],
    ['an rt that is not a date', 'CEF:0|V|P|1|100|n|5|rt=yesterday', 'cef.rt'],
    ['an impossible syslog time', 'Feb 31 10:10:10 host CEF:0|V|P|1|100|n|5|a=b', 'cef.timestamp'],
    ['an empty record', '', 'record.empty'],
  ])('rejects %s with a reason', (_name, line, code) => {
    const error = errorOf(parse(line));
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
  });
});
