import { beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '#core';
import { EVENT_COLUMNS, openLakeWriter, openSql } from '#lake';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2024, 4, 1, 12);

async function query(lake: string, sql: string) {
  const s = await openSql(lake);
  try {
    return await s.query(sql);
  } finally {
    s.close();
  }
}

const EXPECTED_COLUMNS = [
  ['timestamp', 'BIGINT'],
  ['guid', 'VARCHAR'],
  ['source', 'STRUCT("type" VARCHAR)'],
  ['ip_src_addr', 'VARCHAR'],
  ['ip_src_port', 'BIGINT'],
  ['ip_dst_addr', 'VARCHAR'],
  ['ip_dst_port', 'BIGINT'],
  ['protocol', 'VARCHAR'],
  ['community_id', 'VARCHAR'],
  ['original_string', 'VARCHAR'],
  ['dt', 'DATE'],
  ['sensor', 'VARCHAR'],
];

describe('the events view', () => {
  const lake = tempDir();
  beforeAll(async () => {
    const w = await openLakeWriter(lake);
    try {
      // bro: every normalised column, plus its own fields
      await w.append('bro', [
        {
          timestamp: T0,
          guid: 'bro-1',
          'source.type': 'bro',
          ip_src_addr: '10.0.0.1',
          ip_src_port: 5353,
          ip_dst_addr: '10.0.0.2',
          ip_dst_port: 53,
          protocol: 'dns',
          community_id: '1:eSvOdS5cUVNGWOQn43Xw3V98KlA=',
          original_string: 'DNS | id.orig_h:10.0.0.1',
          query: 'example.com',
        },
        {
          timestamp: T0 + 86_400_000,
          guid: 'bro-2',
          'source.type': 'bro',
          ip_src_addr: '10.0.0.3',
          ip_src_port: 1234,
          ip_dst_addr: '10.0.0.4',
          ip_dst_port: 80,
          protocol: 'http',
          original_string: 'HTTP | id.orig_h:10.0.0.3',
          method: 'GET',
        },
      ]);
      // snort: no protocol, no original_string, ports written as text
      await w.append('snort', [
        {
          timestamp: T0 + 1,
          guid: 'snort-1',
          'source.type': 'snort',
          ip_src_addr: '192.168.1.1',
          ip_src_port: '4444',
          ip_dst_addr: '192.168.1.2',
          ip_dst_port: 'not-a-port',
          sig_id: 1000,
        } as unknown as Event,
      ]);
      // errors and alerts are not sensor tables
      await w.append('errors', [
        {
          timestamp: T0,
          guid: 'err-1',
          'source.type': 'error',
          error_type: 'parser_error',
          raw_message: 'x',
        },
      ]);
      await w.append('alerts', [
        { timestamp: T0, guid: 'alert-1', 'source.type': 'bro', ip_src_addr: '10.0.0.1' },
      ]);
    } finally {
      w.close();
    }
  });

  it('has the normalised columns, their types, and sensor last', async () => {
    const d = await query(lake, 'DESCRIBE events');
    expect(d.rows.map((r) => [r.column_name, r.column_type])).toEqual(EXPECTED_COLUMNS);
    expect([...EVENT_COLUMNS.map((c) => c.name), 'sensor']).toEqual(EXPECTED_COLUMNS.map((c) => c[0]));
  });

  it('spans the sensor tables only, NULL where a table lacks a column, ports cast to numbers', async () => {
    const r = await query(lake, 'SELECT * FROM events ORDER BY guid');
    expect(r.rows).toEqual([
      {
        timestamp: T0,
        guid: 'bro-1',
        source: { type: 'bro' },
        ip_src_addr: '10.0.0.1',
        ip_src_port: 5353,
        ip_dst_addr: '10.0.0.2',
        ip_dst_port: 53,
        protocol: 'dns',
        community_id: '1:eSvOdS5cUVNGWOQn43Xw3V98KlA=',
        original_string: 'DNS | id.orig_h:10.0.0.1',
        dt: '2024-05-01',
        sensor: 'bro',
      },
      {
        timestamp: T0 + 86_400_000,
        guid: 'bro-2',
        source: { type: 'bro' },
        ip_src_addr: '10.0.0.3',
        ip_src_port: 1234,
        ip_dst_addr: '10.0.0.4',
        ip_dst_port: 80,
        protocol: 'http',
        community_id: null,
        original_string: 'HTTP | id.orig_h:10.0.0.3',
        dt: '2024-05-02',
        sensor: 'bro',
      },
      {
        timestamp: T0 + 1,
        guid: 'snort-1',
        source: { type: 'snort' },
        ip_src_addr: '192.168.1.1',
        ip_src_port: 4444,
        ip_dst_addr: '192.168.1.2',
        ip_dst_port: null,
        protocol: null,
        community_id: null,
        original_string: null,
        dt: '2024-05-01',
        sensor: 'snort',
      },
    ]);
  });

  it('answers the cross-sensor questions it is for', async () => {
    const r = await query(
      lake,
      "SELECT source.type AS st, sensor, count(*) AS n FROM events WHERE dt = DATE '2024-05-01' GROUP BY ALL ORDER BY sensor",
    );
    expect(r.rows).toEqual([
      { st: 'bro', sensor: 'bro', n: 1 },
      { st: 'snort', sensor: 'snort', n: 1 },
    ]);
  });

  it('is an empty view with the same columns when the lake has no sensor table', async () => {
    const only = tempDir();
    const w = await openLakeWriter(only);
    await w.append('errors', [{ timestamp: T0, guid: 'e', 'source.type': 'error' }]);
    w.close();
    const d = await query(only, 'DESCRIBE events');
    expect(d.rows.map((r) => [r.column_name, r.column_type])).toEqual(EXPECTED_COLUMNS);
    expect((await query(only, 'SELECT count(*) AS n FROM events')).rows).toEqual([{ n: 0 }]);
    const empty = tempDir();
    expect((await query(empty, 'SELECT count(*) AS n FROM events')).rows).toEqual([{ n: 0 }]);
  });

  it('gives way to a table named events', async () => {
    const own = tempDir();
    const w = await openLakeWriter(own);
    await w.append('events', [{ timestamp: T0, guid: 'mine', custom: 1 }]);
    await w.append('bro', [{ timestamp: T0, guid: 'b' }]);
    w.close();
    expect((await query(own, 'SELECT guid, custom FROM events')).rows).toEqual([{ guid: 'mine', custom: 1 }]);
  });
});
