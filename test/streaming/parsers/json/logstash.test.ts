import { describe, expect, it } from 'vitest';
import { DOUBLE_FIELDS } from '#core';
import { allParsers, buildParser, buildSensor } from '#streaming';

/**
 * Metron's BasicLogstashParser. Metron ships no sample data for it, so these cases follow its
 * Java: Logstash's own fields go, five fields take Metron's names, `@timestamp` becomes epoch ms.
 */

const CLASS = 'org.apache.metron.parsers.logstash.BasicLogstashParser';
const config = { parserClassName: CLASS, parserConfig: {}, fieldTransformations: [] };
const parse = buildParser(config, 'logstash', 'test');

const EVENT = JSON.stringify({
  message: 'Jul 17 15:56:05 fw01 kernel: DROP IN=eth0 SRC=10.0.0.1 DST=10.0.0.2 PROTO=TCP SPT=51234 DPT=22',
  '@version': '1',
  '@timestamp': '2014-07-17T15:56:05.992Z',
  type: 'syslog',
  host: 'logstash-01',
  tags: ['firewall', '_grokparsefailure'],
  src_ip: '10.0.0.1',
  dst_ip: '10.0.0.2',
  src_port: 51234,
  dst_port: 22,
  action: 'DROP',
  geoip: { country_code2: 'US', latitude: 37.751, longitude: -97.822 },
  bytes: 60,
}).replace('"bytes":60', '"bytes":60.0');

describe('logstash', () => {
  it('is registered under its Metron class name', () => {
    expect(allParsers.find((p) => p.metronClasses.includes(CLASS))?.name).toBe('logstash');
  });

  it("drops Logstash's fields, renames Metron's, converts @timestamp and keeps the rest", () => {
    const r = parse(EVENT);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual([
      {
        original_string:
          'Jul 17 15:56:05 fw01 kernel: DROP IN=eth0 SRC=10.0.0.1 DST=10.0.0.2 PROTO=TCP SPT=51234 DPT=22',
        ip_src_addr: '10.0.0.1',
        ip_dst_addr: '10.0.0.2',
        ip_src_port: 51234,
        ip_dst_port: 22,
        action: 'DROP',
        // Nested objects stay values, as in Metron (MAP_GET reads them in Stellar).
        geoip: { country_code2: 'US', latitude: 37.751, longitude: -97.822 },
        bytes: 60,
        timestamp: Date.UTC(2014, 6, 17, 15, 56, 5, 992),
        [DOUBLE_FIELDS]: new Set(['bytes']),
      },
    ]);
  });

  it('leaves original_string to the sensor stage when there is no message', () => {
    const raw = '{"@timestamp":"2014-07-17T15:56:05.992Z","src_ip":"10.0.0.1"}';
    const [event] = buildSensor('logstash', 'test', config).parse(Buffer.from(raw)).events;
    expect(event).toMatchObject({ original_string: raw, ip_src_addr: '10.0.0.1', 'source.type': 'logstash' });
  });

  it('lets a renamed field win over one already of its name, as Metron does', () => {
    const r = parse(
      '{"@timestamp":"2014-07-17T15:56:05.992Z","ip_src_addr":"old","src_ip":"new","timestamp":5}',
    );
    expect(r.ok && r.value[0]).toEqual({
      ip_src_addr: 'new',
      timestamp: Date.UTC(2014, 6, 17, 15, 56, 5, 992),
    });
  });

  it.each([
    ['2014-07-17T15:56:05.992Z', Date.UTC(2014, 6, 17, 15, 56, 5, 992)],
    // Logstash 8 writes finer fractions; Metron's pattern would misread them as milliseconds.
    ['2014-07-17T15:56:05.992123456Z', Date.UTC(2014, 6, 17, 15, 56, 5, 992)],
    ['2014-07-17T15:56:05Z', Date.UTC(2014, 6, 17, 15, 56, 5)],
    ['2014-07-17T17:56:05.992+02:00', Date.UTC(2014, 6, 17, 15, 56, 5, 992)],
  ])('reads @timestamp %s', (stamp, ms) => {
    const r = parse(JSON.stringify({ '@timestamp': stamp }));
    expect(r.ok && r.value[0]?.timestamp).toBe(ms);
  });

  it.each([
    ['not JSON', 'hello', 'logstash.json'],
    ['a list', '[]', 'logstash.shape'],
    ['no @timestamp', '{"message":"x"}', 'logstash.timestamp'],
    ['a numeric @timestamp', '{"@timestamp":1405612565992}', 'logstash.timestamp'],
    ['a @timestamp without a zone', '{"@timestamp":"2014-07-17T15:56:05.992"}', 'logstash.timestamp'],
  ])('rejects %s with a reason (Metron dropped it silently)', (_name, raw, code) => {
    const r = parse(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message.length).toBeGreaterThan(10);
    }
  });
});
