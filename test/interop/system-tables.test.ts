// The lake's system tables (alerts, errors, pcap, profiles, alert_actions, threatintel, model_registry) as other engines
// see them: delta-rs (python `deltalake`) and DuckDB (python `duckdb` on the files delta-rs
// lists) must agree with Palisade's SQL on rows, columns, types and partitions, at the latest
// and an older version, and after compaction and vacuum. pcap is partitioned by day and hour.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '#core';
import {
  compactTable,
  openDuckDb,
  openLakeWriter,
  openSql,
  readSnapshot,
  SYSTEM_TABLES,
  vacuumTable,
} from '#lake';
import { python } from '../helpers/python.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2024, 4, 1, 22, 30);
const MIN = 60_000;

/** Rows for each system table: `n` of them, `batch` making keys unique. */
const ROWS: Record<string, (batch: number, n: number) => Event[]> = {
  alerts: (b, n) =>
    Array.from({ length: n }, (_, i) => ({
      timestamp: T0 + i * MIN,
      guid: `a${b}-${i}`,
      'source.type': 'bro',
      ip_src_addr: `10.0.0.${i}`,
      is_alert: 'true',
      'threat.triage.score': 50 + i,
    })),
  errors: (b, n) =>
    Array.from({ length: n }, (_, i) => ({
      timestamp: T0 + i * MIN,
      guid: `e${b}-${i}`,
      'source.type': 'error',
      failed_sensor_type: 'bro',
      error_type: 'parse',
      message: 'bad line',
      raw_message: `line ${i}`,
      raw_message_bytes: new Uint8Array([0xff, b, i % 256, 0x00]),
      source_line: i + 1,
    })),
  pcap: (b, n) =>
    Array.from({ length: n }, (_, i) => ({
      // Every 7 minutes from 22:30: rows span two hours and two days.
      timestamp: T0 + i * 7 * MIN,
      ts_sec: (T0 + i * 7 * MIN) / 1000,
      ts_nsec: 123_456_789,
      ip_src_addr: '192.168.1.2',
      ip_src_port: 40_000 + i,
      ip_dst_addr: '10.1.1.1',
      ip_dst_port: 443,
      protocol: 6,
      caplen: 4,
      len: 60,
      linktype: 1,
      community_id: `1:c${b}-${i}`,
      packet: new Uint8Array([b, i % 256, 0xde, 0xad]),
      // The pcap table's protocol is the IP protocol number, not Metron's protocol name.
    })) as unknown as Event[],
  profiles: (b, n) =>
    Array.from({ length: n }, (_, i) => ({
      profile: 'bytes-out',
      entity: `10.0.0.${i}`,
      groups: [],
      period_start: T0 + b * 15 * MIN,
      period_ms: 15 * MIN,
      value: String(i * 10),
      value_num: i * 10,
    })),
  alert_actions: (b, n) =>
    Array.from({ length: n }, (_, i) => ({
      timestamp: T0 + i * MIN,
      action_id: `x${b}-${i}`,
      alert_guid: `a0-${i}`,
      actor: 'analyst1',
      action: 'status',
      status: 'open',
    })),
  threatintel: (b, n) =>
    Array.from({ length: n }, (_, i) => ({
      timestamp: T0 + i * MIN,
      type: 'malicious_ip',
      indicator: `192.0.${b}.${i}`,
      kind: 'ip',
      source: 'feed.csv',
      valid_until: i % 2 === 0 ? null : T0 + 30 * 86_400_000,
    })),
  model_registry: (b, n) =>
    Array.from({ length: n }, (_, i) => ({
      timestamp: T0 + i * MIN,
      seq: b * n + i + 1,
      name: `model-${b}-${i}`,
      version: 1,
      action: 'register',
      actor: 'analyst1',
      kind: 'isolation-forest',
      features: ['bytes_in', 'bytes_out'],
      sha256: '0'.repeat(64),
      detail: '{}',
    })),
};

const TABLES = Object.keys(SYSTEM_TABLES).sort();

interface EngineView {
  rows: number;
  columns: Record<string, string>;
  partitions: string[];
  keys: string[];
}

/** delta-rs and DuckDB on each table: rows, column types, partitions and a key column. */
async function engines(
  lake: string,
  version?: number,
): Promise<Record<string, { deltaRs: EngineView; duckdb: EngineView }>> {
  const script = `
import sys, json, deltalake, duckdb
lake, version, tables = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
KEYS = {'alerts': 'guid', 'errors': 'guid', 'pcap': 'community_id', 'profiles': 'entity', 'alert_actions': 'action_id', 'threatintel': 'indicator', 'model_registry': 'name'}
out = {}
for name in tables:
    dt = deltalake.DeltaTable(f'{lake}/{name}', version=int(version)) if version else deltalake.DeltaTable(f'{lake}/{name}')
    t = dt.to_pyarrow_table()
    parts = dt.metadata().partition_columns
    def part_of(row):
        return '/'.join(f'{c}={row[c]}' for c in parts)
    prow = t.select(parts).to_pylist()
    rs = {'rows': t.num_rows, 'columns': {f.name: str(f.type) for f in t.schema},
          'partitions': sorted(set(part_of(r) for r in prow)),
          'keys': sorted(t.column(KEYS[name]).to_pylist())}
    files = dt.file_uris()
    con = duckdb.connect()
    rel = con.sql('SELECT * FROM read_parquet($files, hive_partitioning = true)', params={'files': files})
    cols = dict(zip(rel.columns, [str(t) for t in rel.types]))
    rows = con.execute('SELECT count(*) FROM read_parquet($files, hive_partitioning = true)', {'files': files}).fetchone()[0]
    keys = [r[0] for r in con.execute(f'SELECT {KEYS[name]} FROM read_parquet($files) ORDER BY 1', {'files': files}).fetchall()]
    dparts = [r[0] for r in con.execute("SELECT DISTINCT " + " || '/' || ".join(f"'{c}=' || {c}" for c in parts) + " AS p FROM read_parquet($files, hive_partitioning = true) ORDER BY 1", {'files': files}).fetchall()]
    out[name] = {'deltaRs': rs, 'duckdb': {'rows': rows, 'columns': cols, 'partitions': dparts, 'keys': keys}}
print(json.dumps(out))
`;
  return JSON.parse(
    await python(script, lake, version === undefined ? '' : String(version), TABLES.join(',')),
  );
}

/** Palisade's own answer for a table. */
async function ours(lake: string, table: string, key: string, version?: number) {
  const s = await openSql(lake, version === undefined ? {} : { asOf: { versions: { [table]: version } } });
  try {
    const parts =
      SYSTEM_TABLES[table]?.partitioning === 'day-hour' ? `'dt=' || dt || '/hour=' || hour` : `'dt=' || dt`;
    const rows = Number((await s.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
    const partitions = (await s.query(`SELECT DISTINCT ${parts} AS p FROM ${table} ORDER BY 1`)).rows.map(
      (r) => r.p,
    );
    const keys = (await s.query(`SELECT ${key} AS k FROM ${table} ORDER BY 1`)).rows.map((r) => r.k);
    return { rows, partitions, keys };
  } finally {
    s.close();
  }
}

const KEYS: Record<string, string> = {
  alerts: 'guid',
  errors: 'guid',
  pcap: 'community_id',
  profiles: 'entity',
  alert_actions: 'action_id',
  threatintel: 'indicator',
  model_registry: 'name',
};

describe('system tables read by delta-rs and DuckDB', () => {
  const lake = join(tempDir(), 'lake');

  beforeAll(async () => {
    const w = await openLakeWriter(lake);
    try {
      for (const table of TABLES) {
        await w.append(table, (ROWS[table] as (b: number, n: number) => Event[])(0, 20));
        await w.append(table, (ROWS[table] as (b: number, n: number) => Event[])(1, 20));
      }
    } finally {
      w.close();
    }
  });

  it('agree with palisade sql on rows, partitions and keys, now and at version 0', async () => {
    for (const version of [undefined, 0]) {
      const seen = await engines(lake, version);
      for (const table of TABLES) {
        const mine = await ours(lake, table, KEYS[table] as string, version);
        const { deltaRs, duckdb } = seen[table] as { deltaRs: EngineView; duckdb: EngineView };
        expect(mine.rows, `${table} v${version ?? 'latest'}`).toBe(version === 0 ? 20 : 40);
        for (const other of [deltaRs, duckdb]) {
          expect(other.rows, table).toBe(mine.rows);
          expect(other.partitions, table).toEqual(mine.partitions);
          expect(other.keys, table).toEqual(mine.keys);
        }
      }
    }
  });

  it('partitions pcap by day and hour, and keeps the packet bytes', async () => {
    const mine = await ours(lake, 'pcap', 'community_id');
    expect(mine.partitions).toEqual([
      'dt=2024-05-01/hour=22',
      'dt=2024-05-01/hour=23',
      'dt=2024-05-02/hour=0',
    ]);
    const bytes = await python(
      `
import sys, json, deltalake
t = deltalake.DeltaTable(sys.argv[1]).to_pyarrow_table().sort_by('community_id')
print(json.dumps([[r['community_id'], r['packet'].hex(), r['ts_sec'], r['ts_nsec']] for r in t.select(['community_id', 'packet', 'ts_sec', 'ts_nsec']).to_pylist()][:3]))
`,
      join(lake, 'pcap'),
    );
    const first = ROWS.pcap?.(0, 20) as Event[];
    const expected = ['1:c0-0', '1:c0-1', '1:c0-10'].map((id) => {
      const row = first.find((r) => r.community_id === id) as Event;
      return [id, Buffer.from(row.packet as Uint8Array).toString('hex'), row.ts_sec, row.ts_nsec];
    });
    expect(JSON.parse(bytes)).toEqual(expected);
  });

  it('declares each table’s columns and types up front', async () => {
    const seen = await engines(lake);
    const types = (t: string) => (seen[t] as { deltaRs: EngineView }).deltaRs.columns;
    expect(types('profiles')).toMatchObject({
      groups: expect.stringMatching(/^list<.*string>$/),
      value_num: 'double',
      period_start: 'int64',
    });
    expect(types('pcap')).toMatchObject({ packet: 'binary', ts_nsec: 'int64', protocol: 'int64' });
    expect(types('errors')).toMatchObject({ raw_message_bytes: 'binary', source_line: 'int64' });
    // Declared but never given: still a column, all null.
    expect(types('alert_actions')).toHaveProperty('comment', 'string');
    expect(types('alerts')).toHaveProperty('threat');
    for (const table of TABLES) {
      const { deltaRs, duckdb } = seen[table] as { deltaRs: EngineView; duckdb: EngineView };
      expect(Object.keys(duckdb.columns).sort(), table).toEqual(Object.keys(deltaRs.columns).sort());
    }
  });

  it('agree after compaction (pcap sorted by time) and a vacuum that drops a day, and still read version 0', async () => {
    const db = await openDuckDb();
    try {
      for (const table of TABLES) {
        const report = await compactTable(db, lake, table, { minFiles: 2 });
        expect(report.filesAfter, table).toBeLessThan(report.filesBefore);
      }
    } finally {
      db.close();
    }
    // As if it were noon on 2024-05-02 keeping 12 hours: the whole of 2024-05-01 goes. The
    // files stay (they are younger than the safety window), so version 0 still reads.
    const report = await vacuumTable(lake, 'pcap', {
      retainMs: 12 * 3_600_000,
      now: Date.UTC(2024, 4, 2, 12),
    });
    expect(report.keepFrom).toBe('2024-05-02');
    const expected: Record<string, number> = { pcap: 14 };
    for (const [version, rowsOf] of [
      [undefined, (t: string) => expected[t] ?? 40],
      [0, () => 20],
    ] as const) {
      const seen = await engines(lake, version);
      for (const table of TABLES) {
        const mine = await ours(lake, table, KEYS[table] as string, version);
        const { deltaRs, duckdb } = seen[table] as { deltaRs: EngineView; duckdb: EngineView };
        expect(mine.rows, `${table} v${version ?? 'latest'}`).toBe(rowsOf(table));
        for (const other of [deltaRs, duckdb]) {
          expect(other.rows, table).toBe(mine.rows);
          expect(other.keys, table).toEqual(mine.keys);
          expect(other.partitions, table).toEqual(mine.partitions);
        }
      }
    }
    const live = [...((await readSnapshot(join(lake, 'pcap')))?.files.keys() ?? [])].map((f) =>
      join(lake, 'pcap', f),
    );
    const s = await openSql(lake);
    try {
      const list = live.map((f) => `'${f}'`).join(', ');
      const order = await s.query(
        'SELECT count(*) AS n FROM (SELECT timestamp, lag(timestamp) OVER (PARTITION BY filename ORDER BY file_row_number) AS prev ' +
          `FROM read_parquet([${list}], filename = true, file_row_number = true)) WHERE prev > timestamp`,
      );
      expect(order.rows).toEqual([{ n: 0 }]);
    } finally {
      s.close();
    }
  });
});
