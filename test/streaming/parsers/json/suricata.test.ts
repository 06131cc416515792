import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOUBLE_FIELDS, type Event } from '#core';
import { openLakeWriter, openSql } from '#lake';
import { compile } from '#stellar';
import { addCommunityId, allParsers, buildParser, buildSensor, loadSensorConfig, runFiles } from '#streaming';
import { ROOT } from '../../../helpers/cli.js';
import { tempDir } from '../../../helpers/tmp.js';

/** Suricata EVE JSON: the samples in test/fixtures/suricata/ and what each becomes. */

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'suricata');
const EVE = join(FIXTURES, 'eve.json');
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
const raw = lines(EVE);
const expected = lines(join(FIXTURES, 'eve.parsed.json')).map(
  (l) => JSON.parse(l) as Record<string, unknown>,
);

const parse = buildParser(
  { parser: 'suricata', parserConfig: {}, fieldTransformations: [] },
  'suricata',
  'test',
);

function event(line: string): Event {
  const r = parse(line);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  expect(r.value).toHaveLength(1);
  return r.value[0] as Event;
}

const byType = (type: string) => raw.map(event).filter((e) => e.event_type === type);

describe('suricata EVE samples', () => {
  it('covers the event types the parser is meant for', () => {
    const types = new Set(raw.map((l) => (JSON.parse(l) as { event_type: string }).event_type));
    for (const t of ['alert', 'flow', 'dns', 'http', 'tls', 'fileinfo', 'anomaly', 'stats'])
      expect(types).toContain(t);
    expect(expected).toHaveLength(raw.length);
  });

  raw.forEach((line, i) => {
    const type = (JSON.parse(line) as { event_type: string }).event_type;
    it(`line ${i + 1} (${type}) gives the expected event`, () => {
      const e = event(line);
      expect({ ...e }).toEqual(expected[i]);
      // Every number in the samples is an integer.
      expect(e[DOUBLE_FIELDS]).toBeUndefined();
    });
  });
});

describe('suricata fields', () => {
  it('normalises the 5-tuple, the transport and the time of an alert, and marks it', () => {
    const [http, dns] = byType('alert');
    expect(http).toMatchObject({
      ip_src_addr: '65.8.161.79',
      ip_src_port: 80,
      ip_dst_addr: '192.168.1.102',
      ip_dst_port: 51234,
      protocol: 'tcp',
      proto: 'TCP',
      timestamp: Date.UTC(2024, 2, 5, 14, 22, 31, 612),
      is_alert: 'true',
      event_type: 'alert',
      'alert.signature_id': 2100498,
      'alert.signature': 'GPL ATTACK_RESPONSE id check returned root',
      'alert.metadata.created_at': ['2010_09_23'],
      'http.hostname': 'testmynids.org',
      'flow.src_ip': '192.168.1.102',
    });
    for (const gone of ['src_ip', 'src_port', 'dest_ip', 'dest_port', 'alert', 'http', 'flow']) {
      expect(http).not.toHaveProperty(gone);
    }
    // 15:23:02.004512+0100 is 14:23:02.004 UTC.
    expect(dns?.timestamp).toBe(Date.UTC(2024, 2, 5, 14, 23, 2, 4));
    expect(dns).toMatchObject({ protocol: 'udp', ip_src_addr: '2001:db8:0:1::10' });
    // A list of objects stays a list.
    expect(dns?.['dns.query']).toEqual([
      expect.objectContaining({ rrname: expect.stringMatching(/\.onion$/), rrtype: 'A' }),
    ]);
  });

  it('marks only alerts as alerts', () => {
    for (const e of raw.map(event)) expect(e.is_alert).toBe(e.event_type === 'alert' ? 'true' : undefined);
  });

  it('lower-cases every transport', () => {
    expect(byType('flow').map((e) => e.protocol)).toEqual(['tcp', 'icmp', 'ipv6-icmp']);
  });

  it('keeps event types it has no special handling for, and records without a 5-tuple', () => {
    const [stats] = byType('stats');
    expect(stats).toMatchObject({ 'stats.decoder.pkts': 12345, 'stats.app_layer.flow.dns_udp': 30 });
    expect(stats).not.toHaveProperty('protocol');
    expect(stats).not.toHaveProperty('ip_src_addr');
    expect(byType('anomaly')[0]).toMatchObject({
      'anomaly.event': 'APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION',
    });
  });

  it('marks floating-point numbers as doubles under their dotted names', () => {
    const e = event(
      '{"timestamp":"2024-03-05T14:30:00.000171+0000","event_type":"stats","stats":{"load":1.0,"n":2,"avg":[3.0]}}',
    );
    expect([...(e[DOUBLE_FIELDS] ?? [])].sort()).toEqual(['stats.avg', 'stats.load']);
  });

  it("keeps Suricata's community_id, which matches the 5-tuple's", () => {
    const sensor = buildSensor('suricata', 'test', {
      parser: 'suricata',
      parserConfig: {},
      fieldTransformations: [],
    });
    for (const line of raw) {
      const [e] = sensor.parse(Buffer.from(line)).events;
      const written = (JSON.parse(line) as { community_id?: string }).community_id;
      expect(e?.community_id).toBe(written);
      if (written && typeof e?.ip_src_port === 'number') {
        const recomputed: Event = { ...e, community_id: undefined };
        addCommunityId(recomputed);
        expect(recomputed.community_id).toBe(written);
      }
    }
    // Kept as written, even when it is not what Palisade would compute.
    const [flow] = byType('flow');
    const line = JSON.stringify({ ...JSON.parse(raw[2] as string), community_id: '1:suricata-wrote-this' });
    expect(flow?.community_id).not.toBe('1:suricata-wrote-this');
    expect(sensor.parse(Buffer.from(line)).events[0]?.community_id).toBe('1:suricata-wrote-this');
  });

  it.each([
    ['not JSON', 'alert tcp any any', 'suricata.json'],
    ['a list', '[{"timestamp":"2024-03-05T14:30:00Z"}]', 'suricata.shape'],
    ['no timestamp', '{"event_type":"flow"}', 'suricata.timestamp'],
    ['a timestamp without a zone', '{"timestamp":"2024-03-05T14:30:00.000171"}', 'suricata.timestamp'],
    ['an impossible date', '{"timestamp":"2024-02-30T14:30:00.000171+0000"}', 'suricata.timestamp'],
    ['a numeric timestamp', '{"timestamp":1709649000}', 'suricata.timestamp'],
  ])('rejects %s with a reason', (_name, line, code) => {
    const r = parse(line);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message.length).toBeGreaterThan(10);
    }
  });

  it('makes EVE nested too deeply to walk an error, not a crash', () => {
    const deep = `{"timestamp":"2024-03-05T14:30:00Z","x":${'{"a":'.repeat(100_000)}1.0${'}'.repeat(100_000)}}`;
    const r = parse(deep);
    expect(!r.ok && r.error.code).toBe('suricata.depth');
  });

  it('is registered by name and shipped as config/sensors/suricata.json', () => {
    expect(allParsers.find((p) => p.name === 'suricata')?.metronClasses).toEqual([]);
    const { config, file } = loadSensorConfig(join(ROOT, 'config'), 'suricata');
    expect(buildSensor('suricata', file, config).parse(Buffer.from(raw[0] as string)).events).toHaveLength(1);
  });
});

describe('suricata fields by their dotted names', () => {
  it('are what Stellar rules address', () => {
    const rule = compile("is_alert == 'true' && alert.signature_id == 2100498 && protocol == 'tcp'", {
      mode: 'predicate',
      missing: 'null',
    });
    const verdicts = raw.map((l) => rule.evaluate(event(l) as Record<string, unknown>));
    expect(verdicts.filter((v) => v === true)).toHaveLength(1);
    expect(verdicts[0]).toBe(true);
  });

  const lake = tempDir();

  it('are nested columns in the lake, queried by the same name in SQL', async () => {
    const writer = await openLakeWriter(lake);
    const parser = buildSensor('suricata', 'test', {
      parser: 'suricata',
      parserConfig: {},
      fieldTransformations: [],
    });
    const summary = await runFiles([EVE], {
      stages: { sensor: 'suricata', parser },
      lake: writer,
      batchSize: 100,
    });
    writer.close();
    expect(summary.events).toBe(raw.length);
    expect(summary.errors).toBe(0);
    const sql = await openSql(lake);
    try {
      const alerts = await sql.query(
        "SELECT alert.signature_id AS sid, alert.metadata.created_at AS created, protocol, ip_src_addr FROM suricata WHERE is_alert = 'true' ORDER BY timestamp",
      );
      expect(alerts.rows).toEqual([
        { sid: 2100498, created: ['2010_09_23'], protocol: 'tcp', ip_src_addr: '65.8.161.79' },
        { sid: 2014939, created: ['2012_06_22'], protocol: 'udp', ip_src_addr: '2001:db8:0:1::10' },
      ]);
      const types = await sql.query('SELECT event_type, count(*) AS n FROM suricata GROUP BY 1 ORDER BY 1');
      expect(types.rows).toContainEqual({ event_type: 'flow', n: 3 });
      const [tls] = (await sql.query("SELECT tls.ja3.hash AS ja3 FROM suricata WHERE event_type = 'tls'"))
        .rows;
      expect(tls).toEqual({ ja3: 'e7d705a3286e19ea42f587b344ee6865' });
    } finally {
      sql.close();
    }
  });
});
