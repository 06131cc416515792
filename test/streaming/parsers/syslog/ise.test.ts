import { describe, expect, it } from 'vitest';
import { allParsers } from '#streaming';
import { fixtureLines } from '../../../helpers/metron.js';
import { classConfig, errorOf, only, parserAt, schemaProblems, sensorAt } from './helpers.js';

const CLASS = 'org.apache.metron.parsers.ise.BasicIseParser';
const NOW = Date.UTC(2020, 0, 1);
const parse = parserAt(classConfig(CLASS), NOW);

describe('ISE: every raw sample line parses', () => {
  const sensor = sensorAt('ise', classConfig(CLASS), NOW);

  it.each([
    ['raw/ISESampleOutput', 308],
    ['unit-test/IseParserTest.txt', 308],
  ])('%s: all %i lines, without errors, satisfying IseSchema.json', (file, count) => {
    const lines = fixtureLines('ise', ...file.split('/'));
    expect(lines).toHaveLength(count);
    for (const line of lines) {
      const result = sensor.parse(Buffer.from(line));
      expect(result.errors).toEqual([]);
      expect(result.events).toHaveLength(1);
      const event = result.events[0] as Record<string, unknown>;
      expect(schemaProblems('ise/unit-test/IseSchema.json', event)).toEqual([]);
      expect(typeof event.header).toBe('string');
      // The ISE time in the header, not the clock.
      expect(event.timestamp).not.toBe(NOW);
    }
  });
});

describe('ISE details', () => {
  const [profiler] = fixtureLines('ise', 'raw', 'ISESampleOutput');

  it('is registered under its Metron class name', () => {
    expect(allParsers.find((p) => p.metronClasses.includes(CLASS))?.name).toBe('ise');
  });

  it('keeps the header, trims keys and values, reads \\, as a comma', () => {
    const e = only(parse(profiler as string));
    expect(e.header).toBe(
      'Aug  6 17:26:31 10.34.84.145 Aug  7 00:45:43 stage-pdp01 CISE_Profiler 0000024855 1 0 2014-08-07 00:45:43.741 -07:00 0000288542 80002 INFO  Profiler: Profiler EndPoint profiling event occurred',
    );
    expect(e).toMatchObject({
      ConfigVersionId: '113',
      EndpointMacAddress: '3C:97:0E:C3:F8:F1',
      EndpointOUI: 'Wistron InfoComm(Kunshan)Co.,Ltd.',
      EndpointSourceEvent: 'SNMPQuery Probe',
      ProfilerServer: 'stage-pdp01.cisco.com',
    });
  });

  it('flattens k=v\\,k=v values to dotted keys; empty values are null', () => {
    const e = only(parse(profiler as string));
    expect(e).toMatchObject({
      'EndpointProperty.StaticAssignment': 'false',
      'EndpointProperty.Total Certainty Factor': '10',
      'EndpointProperty.PortalUser': null,
    });
    expect('EndpointProperty' in e).toBe(false);
  });

  it('continues a value across \\, pieces without =', () => {
    const e = only(
      parse(
        'Aug  6 22:22:50 h x, EndpointProperty=ciaddr=0.0.0.0\\,dhcp-parameter-request-list=1\\, 3\\, 6\\,FeedService=false',
      ),
    );
    expect(e['EndpointProperty.dhcp-parameter-request-list']).toBe('1, 3, 6');
    expect(e['EndpointProperty.FeedService']).toBe('false');
  });

  it('takes timestamp from the ISE time with its offset', () => {
    expect(only(parse(profiler as string)).timestamp).toBe(Date.UTC(2014, 7, 7, 7, 45, 43, 741));
  });

  it('falls back to the syslog time when the ISE time is missing', () => {
    expect(only(parse('Aug  6 17:26:31 10.34.84.145 message, a=b')).timestamp).toBe(
      Date.UTC(2019, 7, 6, 17, 26, 31),
    );
  });

  it('copies the device and destination addresses to the 5-tuple, as strings', () => {
    const e = only(
      parse(
        'Aug  6 17:26:31 h CISE_RADIUS x, Device IP Address=10.1.1.1, Device Port=1645, DestinationIPAddress=10.2.2.2, DestinationPort=1812',
      ),
    );
    expect(e).toMatchObject({
      ip_src_addr: '10.1.1.1',
      ip_src_port: '1645',
      ip_dst_addr: '10.2.2.2',
      ip_dst_port: '1812',
      'Device IP Address': '10.1.1.1',
    });
  });

  it('lets a later duplicate key win, as Metron does', () => {
    expect(only(parse('Aug  6 17:26:31 h x, Step=11004, Step=11017')).Step).toBe('11017');
  });

  it.each([
    ['text with neither header time nor attributes', 'test test test nonsense'],
    ['an empty record', ''],
  ])('rejects %s', (_name, line) => {
    expect(errorOf(parse(line)).message.length).toBeGreaterThan(10);
  });
});
