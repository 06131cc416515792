import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOUBLE_FIELDS, type Event } from '#core';
import { type LakeWriter, openLakeWriter, openSql, readSnapshot } from '#lake';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1, 12);

function events(n: number, extra: (i: number) => Event = () => ({})): Event[] {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: T0 + (i % 3) * DAY,
    guid: `g-${i}`,
    'source.type': 'test',
    ip_src_addr: `10.0.0.${i % 7}`,
    ip_dst_port: 1000 + i,
    ...extra(i),
  }));
}

async function query(lake: string, sql: string) {
  const s = await openSql(lake);
  try {
    return (await s.query(sql)).rows;
  } finally {
    s.close();
  }
}

describe('Delta tables', () => {
  const lake = tempDir();
  let writer: LakeWriter;
  beforeAll(async () => {
    writer = await openLakeWriter(lake);
  });
  afterAll(() => writer.close());

  it('creates a table with protocol, metaData and one add per day partition', async () => {
    const r = await writer.append('t1', events(30));
    expect(r).toMatchObject({ version: 0, rows: 30, files: 3, skipped: false });
    const lines = readFileSync(join(lake, 't1', '_delta_log', '00000000000000000000.json'), 'utf8')
      .trim()
      .split('\n');
    const actions = lines.map((l) => JSON.parse(l));
    expect(actions.filter((a) => a.protocol)).toHaveLength(1);
    const meta = actions.find((a) => a.metaData).metaData;
    expect(meta.partitionColumns).toEqual(['dt']);
    const schema = JSON.parse(meta.schemaString);
    expect(schema.fields.map((f: { name: string }) => f.name)).toContain('source');
    const adds = actions.filter((a) => a.add).map((a) => a.add);
    expect(adds).toHaveLength(3);
    const stats = JSON.parse(adds[0].stats);
    expect(stats.numRecords).toBe(10);
    expect(stats.minValues.ip_dst_port).toBeGreaterThanOrEqual(1000);
    expect(stats.nullCount.source.type).toBe(0);
    expect(readdirSync(join(lake, 't1')).filter((d) => d.startsWith('dt='))).toHaveLength(3);
  });

  it('stores dotted names as nested structs that SQL can address', async () => {
    const rows = await query(lake, 'SELECT source.type AS st, count(*) AS n FROM t1 GROUP BY 1');
    expect(rows).toEqual([{ st: 'test', n: 30 }]);
  });

  it('adds columns when new fields appear and keeps old rows readable', async () => {
    const r = await writer.append(
      't1',
      events(5, () => ({ 'enrichments.geo.ip_dst_addr.country': 'NL' })),
    );
    expect(r.version).toBe(1);
    const snap = await readSnapshot(join(lake, 't1'));
    expect(snap?.schema.fields.map((f) => f.name)).toContain('enrichments');
    const rows = await query(
      lake,
      'SELECT enrichments.geo.ip_dst_addr.country AS c, count(*) AS n FROM t1 GROUP BY 1 ORDER BY 1',
    );
    expect(rows).toEqual([
      { c: 'NL', n: 5 },
      { c: null, n: 30 },
    ]);
  });

  it('keeps a value whose type clashes with its column in _extra', async () => {
    await writer.append(
      't1',
      events(1, () => ({ ip_dst_port: 'not-a-port', guid: 'clash' }) as unknown as Event),
    );
    const rows = await query(lake, "SELECT ip_dst_port, _extra FROM t1 WHERE guid = 'clash'");
    expect(rows).toEqual([{ ip_dst_port: null, _extra: { ip_dst_port: '"not-a-port"' } }]);
  });

  it('types a column double when the parser says so, and widens long to double inside one batch', async () => {
    await writer.append('t2', [
      { timestamp: T0, a: 1, b: 2, [DOUBLE_FIELDS]: new Set(['b']) },
      { timestamp: T0, a: 1.5, b: 3 },
    ]);
    const rows = await query(
      lake,
      'SELECT typeof(a) AS ta, typeof(b) AS tb, sum(a) AS sa FROM t2 GROUP BY 1, 2',
    );
    expect(rows).toEqual([{ ta: 'DOUBLE', tb: 'DOUBLE', sa: 2.5 }]);
  });

  it('types a list column by its first non-empty list, and reads an all-null struct as null', async () => {
    await writer.append('t3', [
      { timestamp: T0, tags: [], guid: 'a' },
      { timestamp: T0, tags: [3, 4], guid: 'b', 'geo.country': 'NL', 'geo.city': 'Delft' },
    ]);
    const rows = await query(lake, 'SELECT guid, tags, typeof(tags) AS t, geo FROM t3 ORDER BY guid');
    expect(rows).toEqual([
      { guid: 'a', tags: [], t: 'BIGINT[]', geo: null },
      { guid: 'b', tags: [3, 4], t: 'BIGINT[]', geo: { country: 'NL', city: 'Delft' } },
    ]);
  });

  it('lets exactly one of two racing writers take each version', async () => {
    const other = await openLakeWriter(lake);
    try {
      const results = await Promise.all([
        writer.append('race', events(10)),
        other.append('race', events(10)),
        writer.append('race', events(10)),
        other.append('race', events(10)),
      ]);
      expect(results.map((r) => r.version).sort()).toEqual([0, 1, 2, 3]);
      const rows = await query(lake, 'SELECT count(*) AS n, count(DISTINCT dt) AS days FROM race');
      expect(rows).toEqual([{ n: 40, days: 3 }]);
    } finally {
      other.close();
    }
  });

  it('skips a stream batch already committed (txn app id + version)', async () => {
    const first = await writer.append('stream', events(4), { txn: { appId: 'bro-0', version: 41 } });
    const replay = await writer.append('stream', events(4), { txn: { appId: 'bro-0', version: 41 } });
    const next = await writer.append('stream', events(4), { txn: { appId: 'bro-0', version: 42 } });
    expect([first.skipped, replay.skipped, next.skipped]).toEqual([false, true, false]);
    expect(await query(lake, 'SELECT count(*) AS n FROM stream')).toEqual([{ n: 8 }]);
  });

  it('reads a table as of an earlier version', async () => {
    const s = await openSql(lake, { asOf: { versions: { t1: 0 } } });
    try {
      expect((await s.query('SELECT count(*) AS n FROM t1')).rows).toEqual([{ n: 30 }]);
      expect(s.tables.get('t1')).toBe(0);
    } finally {
      s.close();
    }
  });
});
