import { copyFileSync, existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '#core';
import {
  compactLake,
  compactTable,
  type DuckDb,
  type LakeWriter,
  openDuckDb,
  openLakeWriter,
  openSql,
  readSnapshot,
  vacuumTable,
} from '#lake';
import { compact, parseDuration, parseSize, vacuum } from '../../cli/commands/batch.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1, 12);
const MiB = 1024 * 1024;

/** `n` events over three days, guids unique per batch. */
function events(batch: string, n: number, extra: (i: number) => Event = () => ({})): Event[] {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: T0 + (i % 3) * DAY,
    guid: `${batch}-${String(i).padStart(4, '0')}`,
    'source.type': 'test',
    ip_src_addr: `10.0.0.${i % 7}`,
    ip_dst_port: 1000 + i,
    ...extra(i),
  }));
}

async function query(lake: string, sql: string, versions?: Record<string, number>) {
  const s = await openSql(lake, versions ? { asOf: { versions } } : {});
  try {
    return (await s.query(sql)).rows;
  } finally {
    s.close();
  }
}

/** Every row of a table, every column, in guid order: what "the same rows" means. */
const allRows = (lake: string, table: string, version?: number) =>
  query(
    lake,
    `SELECT * FROM ${table} ORDER BY guid`,
    version === undefined ? undefined : { [table]: version },
  );

const summary = (lake: string, table: string, version?: number) =>
  query(
    lake,
    `SELECT count(*) AS n, sum(ip_dst_port) AS ports, count(DISTINCT guid) AS guids FROM ${table}`,
    version === undefined ? undefined : { [table]: version },
  );

function logActions(lake: string, table: string, version: number): Record<string, Record<string, unknown>>[] {
  const name = `${String(version).padStart(20, '0')}.json`;
  return readFileSync(join(lake, table, '_delta_log', name), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

async function liveFiles(lake: string, table: string) {
  const snap = await readSnapshot(join(lake, table));
  if (!snap) throw new Error(`no table ${table}`);
  return snap;
}

describe('compaction', () => {
  const lake = tempDir();
  let writer: LakeWriter;
  let db: DuckDb;
  let before: Awaited<ReturnType<typeof allRows>>;
  let preVersion = -1;
  let preFiles = 0;

  beforeAll(async () => {
    writer = await openLakeWriter(lake);
    db = await openDuckDb();
    // Five small appends; the schema grows on the way: a nested struct, then a new field
    // inside it (older files lack geo.city), then a type clash kept in _extra.
    await writer.append('t', events('a', 30));
    await writer.append(
      't',
      events('b', 30, (i) => (i % 2 ? { 'geo.country': 'NL' } : {})),
    );
    await writer.append(
      't',
      events('c', 30, (i) => ({ 'geo.country': 'BE', 'geo.city': `city-${i}` })),
    );
    await writer.append(
      't',
      events('d', 30, (i) => ({ tags: [i, i + 1] })),
    );
    await writer.append(
      't',
      events('e', 3, () => ({ ip_dst_port: 'not-a-port' }) as unknown as Event),
    );
    before = await allRows(lake, 't');
    const snap = await liveFiles(lake, 't');
    preVersion = snap.version;
    preFiles = snap.files.size;
  });
  afterAll(() => {
    writer.close();
    db.close();
  });

  it('rewrites each partition into one file and keeps every row as it was', async () => {
    expect(preFiles).toBe(15);
    const sums = await summary(lake, 't');
    const r = await compactTable(db, lake, 't', { targetBytes: 8 * MiB });
    expect(r).toMatchObject({
      table: 't',
      version: preVersion + 1,
      partitions: 3,
      filesBefore: 15,
      filesAfter: 3,
      filesRemoved: 15,
      filesAdded: 3,
      rows: 123,
    });
    expect(r.bytesAfter).toBeGreaterThan(0);
    expect((await liveFiles(lake, 't')).files.size).toBe(3);
    expect(await summary(lake, 't')).toEqual(sums);
    const after = await allRows(lake, 't');
    expect(after.map((row) => row.guid)).toEqual(before.map((row) => row.guid));
    expect(after).toEqual(before);
  });

  it('keeps nested columns an older file lacked, and null structs null', async () => {
    const rows = await query(
      lake,
      `SELECT count(*) FILTER (WHERE geo IS NULL) AS no_geo,
              count(*) FILTER (WHERE geo.country = 'NL' AND geo.city IS NULL) AS nl_without_city,
              count(geo.city) AS cities, typeof(any_value(geo)) AS geo_type,
              count(*) FILTER (WHERE _extra IS NOT NULL) AS extras
       FROM t`,
    );
    expect(rows).toEqual([
      {
        no_geo: 30 + 15 + 30 + 3,
        nl_without_city: 15,
        cities: 30,
        geo_type: 'STRUCT(country VARCHAR, city VARCHAR)',
        extras: 3,
      },
    ]);
  });

  it('commits removes and adds with dataChange false, stats and an OPTIMIZE commitInfo', async () => {
    const actions = logActions(lake, 't', preVersion + 1);
    const info = actions.find((a) => a.commitInfo)?.commitInfo;
    expect(info).toMatchObject({ operation: 'OPTIMIZE', readVersion: preVersion, isBlindAppend: false });
    const removes = actions.filter((a) => a.remove).map((a) => a.remove as Record<string, unknown>);
    const adds = actions.filter((a) => a.add).map((a) => a.add as Record<string, unknown>);
    expect(removes).toHaveLength(15);
    expect(adds).toHaveLength(3);
    for (const rm of removes) {
      expect(rm).toMatchObject({ dataChange: false, extendedFileMetadata: true });
      expect(rm.deletionTimestamp).toBeGreaterThan(Date.now() - 60_000);
      expect(rm.size).toBeGreaterThan(0);
      expect(rm.partitionValues).toHaveProperty('dt');
    }
    const pre = await readSnapshot(join(lake, 't'), preVersion);
    expect(new Set(removes.map((rm) => rm.path))).toEqual(new Set(pre?.files.keys()));
    for (const add of adds) {
      expect(add.dataChange).toBe(false);
      expect(add.path).toMatch(/^dt=\d{4}-\d{2}-\d{2}\/part-00000-[0-9a-f-]{36}\.c000\.zstd\.parquet$/);
      expect(existsSync(join(lake, 't', add.path as string))).toBe(true);
    }
    // Stats as the writer makes them: nested like the schema, per-file counts that add up.
    const stats = adds.map((a) => JSON.parse(a.stats as string));
    expect(stats.reduce((n, s) => n + s.numRecords, 0)).toBe(123);
    const [range] = await query(
      lake,
      `SELECT min(ip_dst_port) AS lo, max(ip_dst_port) AS hi, min(guid) AS g FROM t WHERE dt = DATE '2024-05-01'`,
    );
    const day1 = stats[adds.findIndex((a) => (a.partitionValues as { dt: string }).dt === '2024-05-01')];
    expect(day1.minValues.ip_dst_port).toBe(range?.lo);
    expect(day1.maxValues.ip_dst_port).toBe(range?.hi);
    expect(day1.minValues.guid).toBe(range?.g);
    expect(day1.minValues.source.type).toBe('test');
    expect(day1.nullCount.source.type).toBe(0);
    expect(day1.nullCount.geo.city).toBe(day1.numRecords - 10);
    expect(day1.minValues.tags).toBeUndefined();
  });

  it('writes the stats the writer would write for the same rows', async () => {
    const long = (i: number) => `${'x'.repeat(40)}-${i}`;
    const batches = [
      events('s1', 12, (i) => ({ note: `n${i}` })),
      events('s2', 12, (i) => ({ 'geo.country': i % 2 ? 'NL' : null, score: i / 4 })),
      events('s3', 12, (i) => ({ note: long(i), 'geo.city': 'Delft', tags: ['a'] })),
    ];
    for (const b of batches) await writer.append('stats_parts', b);
    await writer.append('stats_whole', batches.flat());
    await compactTable(db, lake, 'stats_parts', { targetBytes: 8 * MiB });
    const byDay = async (table: string) => {
      const files = [...(await liveFiles(lake, table)).files.values()];
      return Object.fromEntries(files.map((f) => [f.partitionValues.dt, JSON.parse(f.stats as string)]));
    };
    const compacted = await byDay('stats_parts');
    const written = await byDay('stats_whole');
    expect(Object.keys(compacted)).toHaveLength(3);
    expect(compacted).toEqual(written);
    // The long strings: a 32-character prefix as min, no max.
    expect(compacted['2024-05-01'].minValues.note).toBe('n0');
    expect(compacted['2024-05-01'].maxValues.note).toBeUndefined();
  });

  it('still reads the pre-compaction version, from the old files', async () => {
    expect(await allRows(lake, 't', preVersion)).toEqual(before);
  });

  it('does nothing the second time', async () => {
    const r = await compactTable(db, lake, 't', { targetBytes: 8 * MiB });
    expect(r).toMatchObject({ version: undefined, partitions: 0, filesBefore: 3, filesAfter: 3 });
    expect((await liveFiles(lake, 't')).version).toBe(preVersion + 1);
  });

  it('packs files into several near the target when a partition outgrows it', async () => {
    // One partition of ten similar files.
    for (let i = 0; i < 10; i++)
      await writer.append(
        'big',
        events(`b${i}`, 100).map((e) => ({ ...e, timestamp: T0 })),
      );
    const snap = await liveFiles(lake, 'big');
    const sizes = [...snap.files.values()].map((f) => f.size);
    expect(snap.files.size).toBe(10);
    const target = Math.max(...sizes) * 3;
    const r = await compactTable(db, lake, 'big', { targetBytes: target });
    expect(r.filesAdded).toBeGreaterThan(1);
    expect(r.filesAdded).toBeLessThan(10);
    const added = [...(await liveFiles(lake, 'big')).files.values()].filter((f) => !f.dataChange);
    expect(added).toHaveLength(r.filesAdded);
    for (const f of added) expect(f.size).toBeLessThanOrEqual(target);
    expect(await query(lake, 'SELECT count(*) AS n, count(DISTINCT guid) AS g FROM big')).toEqual([
      { n: 1000, g: 1000 },
    ]);
  });

  it('leaves a partition alone below minFiles, and refuses bad options', async () => {
    await writer.append('few', events('f', 3));
    await writer.append('few', events('g', 3));
    const r = await compactTable(db, lake, 'few', { minFiles: 3 });
    expect(r.version).toBeUndefined();
    await expect(compactTable(db, lake, 'few', { minFiles: 1 })).rejects.toThrow(/at least 2/);
    await expect(compactTable(db, lake, 'few', { targetBytes: 0 })).rejects.toThrow(/positive/);
    await expect(compactTable(db, lake, 'nosuch')).rejects.toThrow(/no table 'nosuch'/);
  });

  it('gives exactly the union when appends race the compaction', async () => {
    for (let i = 0; i < 6; i++) await writer.append('race', events(`r${i}`, 60));
    const other = await openLakeWriter(lake);
    try {
      const compaction = compactTable(db, lake, 'race', { targetBytes: 8 * MiB });
      let done = false;
      const finish = () => {
        done = true;
      };
      compaction.then(finish, finish);
      let appended = 0;
      while (!done || appended < 3) {
        await other.append('race', events(`late${appended}`, 9));
        appended++;
      }
      const r = await compaction;
      // Appends (versions 0-5 before it) landed while it worked: it committed on a later version.
      expect(r.version).toBeGreaterThan(6);
      const guids = (await query(lake, 'SELECT guid FROM race ORDER BY guid')).map((row) => row.guid);
      const expected = [
        ...Array.from({ length: 6 }, (_, i) => events(`r${i}`, 60)),
        ...Array.from({ length: appended }, (_, i) => events(`late${i}`, 9)),
      ]
        .flat()
        .map((e) => e.guid as string)
        .sort();
      expect(guids).toEqual(expected);
    } finally {
      other.close();
    }
  });

  it('gives the same rows when two compactions race for the same files', async () => {
    for (let i = 0; i < 6; i++) await writer.append('twice', events(`t${i}`, 30));
    const rows = await allRows(lake, 'twice');
    const db2 = await openDuckDb();
    try {
      const [a, b] = await Promise.all([
        compactTable(db, lake, 'twice', { targetBytes: 8 * MiB }),
        compactTable(db2, lake, 'twice', { targetBytes: 8 * MiB }),
      ]);
      expect([a.version, b.version].filter((v) => v !== undefined).length).toBeGreaterThanOrEqual(1);
    } finally {
      db2.close();
    }
    expect(await allRows(lake, 'twice')).toEqual(rows);
    expect((await liveFiles(lake, 'twice')).files.size).toBe(3);
    // The loser's files were deleted, not left behind: on disk, only live and replaced files.
    const snap = await liveFiles(lake, 'twice');
    const onDisk = readdirSync(join(lake, 'twice'))
      .filter((d) => d.startsWith('dt='))
      .flatMap((d) => readdirSync(join(lake, 'twice', d)));
    expect(onDisk).toHaveLength(18 + snap.files.size);
  });

  it('compacts every table of the lake', async () => {
    await writer.append('few', events('h', 3));
    const reports = await compactLake(db, lake, { targetBytes: 8 * MiB });
    expect(reports.map((r) => r.table)).toEqual([
      'big',
      'few',
      'race',
      'stats_parts',
      'stats_whole',
      't',
      'twice',
    ]);
    expect(reports.find((r) => r.table === 'few')).toMatchObject({ filesBefore: 9, filesAfter: 3 });
  });

  it('sorts rewritten files by source IP then time, so a lookup by IP skips row groups', async () => {
    const lake2 = join(tempDir(), 'lake');
    const w = await openLakeWriter(lake2);
    // 4 appends of 40,000 rows on one day, source IPs shuffled (i * 7919 mod 1000).
    for (let b = 0; b < 4; b++) {
      await w.append(
        'sorted',
        Array.from({ length: 40_000 }, (_, i) => ({
          timestamp: T0 + b * 40_000 + i,
          guid: `s${b}-${i}`,
          ip_src_addr: `10.1.${Math.floor(((i * 7919) % 1000) / 250)}.${(i * 7919) % 250}`,
        })),
      );
    }
    w.close();
    await compactTable(db, lake2, 'sorted', { minFiles: 2 });
    const snapshot = await readSnapshot(join(lake2, 'sorted'));
    const [file] = [...(snapshot?.files.keys() ?? [])];
    const path = join(lake2, 'sorted', String(file));
    const c = db.connection;
    const unordered = await c.runAndReadAll(
      'SELECT count(*) AS n FROM (SELECT ip_src_addr, timestamp, lag(ip_src_addr) OVER w AS pi, ' +
        `lag(timestamp) OVER w AS pt FROM read_parquet('${path}', file_row_number = true) ` +
        'WINDOW w AS (ORDER BY file_row_number)) WHERE pi > ip_src_addr OR (pi = ip_src_addr AND pt > timestamp)',
    );
    expect(Number(unordered.getRowObjectsJS()[0]?.n)).toBe(0);
    const groups = await c.runAndReadAll(
      `SELECT count(*) AS n, count(*) FILTER (WHERE stats_min_value <= '10.1.2.77' AND stats_max_value >= '10.1.2.77') AS hit ` +
        `FROM parquet_metadata('${path}') WHERE path_in_schema = 'ip_src_addr'`,
    );
    const { n, hit } = groups.getRowObjectsJS()[0] as { n: bigint; hit: bigint };
    expect(Number(n)).toBeGreaterThanOrEqual(4);
    expect(Number(hit)).toBe(1);
    expect(await query(lake2, "SELECT count(*) AS n FROM sorted WHERE ip_src_addr = '10.1.2.77'")).toEqual([
      { n: 160 },
    ]);
  });
});

describe('vacuum', () => {
  const lake = tempDir();
  const NOW = Date.UTC(2024, 4, 3, 12);
  const OLD = new Date(Date.now() - 30 * DAY);
  let writer: LakeWriter;
  let v0 = -1;

  beforeAll(async () => {
    writer = await openLakeWriter(lake);
    await writer.append('t', events('a', 30));
    await writer.append('t', events('b', 30));
    v0 = (await liveFiles(lake, 't')).version;
  });
  afterAll(() => writer.close());

  const logFiles = () => readdirSync(join(lake, 't', '_delta_log')).sort();

  it('dry run reports the partition drop without committing', async () => {
    const r = await vacuumTable(lake, 't', { retainMs: 1.5 * DAY, now: NOW, dryRun: true });
    expect(r).toMatchObject({ keepFrom: '2024-05-02', partitionsDropped: ['2024-05-01'], rowsDropped: 20 });
    expect(r.version).toBeUndefined();
    expect((await liveFiles(lake, 't')).version).toBe(v0);
  });

  it('leaves threat intel and the audit trail out of retention: their age says nothing of their use', async () => {
    const old = (i: number): Event => ({
      timestamp: T0,
      type: 'malicious_ip',
      indicator: `10.9.9.${i}`,
      kind: 'ip',
    });
    await writer.append('threatintel', [old(1), old(2)]);
    const r = await vacuumTable(lake, 'threatintel', { retainMs: 1.5 * DAY, now: NOW });
    expect(r.partitionsDropped).toEqual([]);
    expect(r.keepFrom).toBeUndefined();
    expect(await query(lake, 'SELECT count(*) AS n FROM threatintel')).toEqual([{ n: 2 }]);
  });

  it('drops partitions older than the retention in one DELETE commit', async () => {
    const logBefore = logFiles();
    const r = await vacuumTable(lake, 't', { retainMs: 1.5 * DAY, now: NOW });
    expect(r).toMatchObject({
      partitionsDropped: ['2024-05-01'],
      filesDropped: 2,
      rowsDropped: 20,
      version: v0 + 1,
      filesDeleted: 0,
      filesKept: 2,
    });
    const actions = logActions(lake, 't', v0 + 1);
    expect(actions[0]?.commitInfo).toMatchObject({ operation: 'DELETE' });
    expect(
      String((actions[0]?.commitInfo?.operationParameters as { predicate?: string })?.predicate),
    ).toContain("dt < '2024-05-02'");
    const removes = actions.filter((a) => a.remove).map((a) => a.remove);
    expect(removes).toHaveLength(2);
    for (const rm of removes)
      expect(rm).toMatchObject({ dataChange: true, partitionValues: { dt: '2024-05-01' } });
    expect(logFiles()).toEqual([...logBefore, `${String(v0 + 1).padStart(20, '0')}.json`]);
    expect(await query(lake, 'SELECT count(*) AS n, min(dt) AS d FROM t')).toEqual([
      { n: 40, d: '2024-05-02' },
    ]);
    // The files are still on disk: the previous version still reads them.
    expect(await summary(lake, 't', v0)).toEqual([{ n: 60, ports: expect.any(Number), guids: 60 }]);
  });

  it('deletes old unreferenced files, keeps young ones and recently removed ones', async () => {
    const snap = await liveFiles(lake, 't');
    const live = [...snap.files.keys()];
    const partDir = join(lake, 't', 'dt=2024-05-02');
    copyFileSync(join(lake, 't', live[0] as string), join(partDir, 'orphan-old.parquet'));
    copyFileSync(join(lake, 't', live[0] as string), join(partDir, 'orphan-young.parquet'));
    utimesSync(join(partDir, 'orphan-old.parquet'), OLD, OLD);
    // Live files and the dropped partition's files look old too: age alone must not doom them.
    for (const key of live) utimesSync(join(lake, 't', key), OLD, OLD);
    const dropped = (await readSnapshot(join(lake, 't'), v0))?.files;
    for (const key of dropped?.keys() ?? [])
      if (!snap.files.has(key)) utimesSync(join(lake, 't', key), OLD, OLD);

    const dry = await vacuumTable(lake, 't', { minAgeMs: DAY, dryRun: true });
    expect(dry).toMatchObject({ filesDeleted: 1, filesKept: 3 });
    expect(existsSync(join(partDir, 'orphan-old.parquet'))).toBe(true);

    const r = await vacuumTable(lake, 't', { minAgeMs: DAY });
    expect(r).toMatchObject({ filesDeleted: 1, filesKept: 3, partitionsDropped: [] });
    expect(r.bytesFreed).toBeGreaterThan(0);
    expect(existsSync(join(partDir, 'orphan-old.parquet'))).toBe(false);
    expect(existsSync(join(partDir, 'orphan-young.parquet'))).toBe(true);
    for (const key of live) expect(existsSync(join(lake, 't', key))).toBe(true);
    expect(await summary(lake, 't', v0)).toEqual([{ n: 60, ports: expect.any(Number), guids: 60 }]);
  });

  it('deletes removed files once their removal is older than the minimum age, never live ones', async () => {
    const logBefore = logFiles();
    const later = Date.now() + 8 * DAY;
    const r = await vacuumTable(lake, 't', { now: later, minAgeMs: 7 * DAY });
    expect(r).toMatchObject({ filesDeleted: 3, filesKept: 0, dirsRemoved: 1 });
    expect(existsSync(join(lake, 't', 'dt=2024-05-01'))).toBe(false);
    const snap = await liveFiles(lake, 't');
    for (const key of snap.files.keys()) expect(existsSync(join(lake, 't', key))).toBe(true);
    expect(logFiles()).toEqual(logBefore);
    expect(await summary(lake, 't')).toEqual([{ n: 40, ports: expect.any(Number), guids: 40 }]);
    await expect(summary(lake, 't', v0)).rejects.toThrow();
    // Nothing is left to delete, even with no minimum age at all.
    expect(await vacuumTable(lake, 't', { now: later, minAgeMs: 0 })).toMatchObject({ filesDeleted: 0 });
    expect(await summary(lake, 't')).toEqual([{ n: 40, ports: expect.any(Number), guids: 40 }]);
  });

  it('cleans up after a compaction once the old files age out', async () => {
    const db = await openDuckDb();
    try {
      await writer.append('t', events('c', 30));
      const rows = await allRows(lake, 't');
      const r = await compactTable(db, lake, 't', { targetBytes: 8 * MiB });
      expect(r.filesRemoved).toBe(6);
      expect((await vacuumTable(lake, 't', { minAgeMs: DAY })).filesDeleted).toBe(0);
      const v = await vacuumTable(lake, 't', { now: Date.now() + 2 * DAY, minAgeMs: DAY });
      expect(v.filesDeleted).toBe(6);
      expect(await allRows(lake, 't')).toEqual(rows);
    } finally {
      db.close();
    }
  });

  it('with no minimum age, deletes the files of the partitions it just dropped', async () => {
    await writer.append('gone', events('g', 9));
    const r = await vacuumTable(lake, 'gone', { retainMs: 0, minAgeMs: 0 });
    expect(r).toMatchObject({
      filesDropped: 3,
      rowsDropped: 9,
      filesDeleted: 3,
      filesKept: 0,
      dirsRemoved: 3,
    });
    expect(readdirSync(join(lake, 'gone'))).toEqual(['_delta_log']);
    expect(await query(lake, 'SELECT count(*) AS n FROM gone')).toEqual([{ n: 0 }]);
  });

  it('refuses a missing table and bad options', async () => {
    await expect(vacuumTable(lake, 'nosuch', {})).rejects.toThrow(/no table 'nosuch'/);
    await expect(vacuumTable(lake, 't', { retainMs: -1 })).rejects.toThrow(/non-negative/);
    await expect(vacuumTable(lake, '../etc', {})).rejects.toThrow(/invalid table name/);
  });
});

describe('palisade batch compact / vacuum (command functions)', () => {
  const lake = tempDir();

  beforeAll(async () => {
    const w = await openLakeWriter(lake);
    try {
      for (let i = 0; i < 4; i++) await w.append('bro', events(`x${i}`, 12));
      await w.append('errors', events('e', 3));
    } finally {
      w.close();
    }
  });

  it.each([
    ['128MiB', 128 * MiB],
    ['512KiB', 512 * 1024],
    ['128MB', 128_000_000],
    ['1.5gb', 1_500_000_000],
    ['1048576', 1_048_576],
    ['10 B', 10],
  ])('parses size %s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', '0', '12XB', '-5MB', 'MB', '1.2.3KB', '0.1B'])('refuses size %j', (text) => {
    expect(() => parseSize(text)).toThrow(/--target-size: invalid size/);
  });

  it.each([
    ['30d', 30 * DAY],
    ['12h', 12 * 3_600_000],
    ['90m', 90 * 60_000],
    ['0s', 0],
    ['2w', 14 * DAY],
  ])('parses duration %s', (text, ms) => {
    expect(parseDuration(text, '--retain')).toBe(ms);
  });

  it.each(['30', '1.5d', '3y', 'd', '-1d', '1d12h'])('refuses duration %j', (text) => {
    expect(() => parseDuration(text, '--min-age')).toThrow(/--min-age: invalid duration/);
  });

  it('compacts and prints one line per table plus totals', async () => {
    let text = '';
    const reports = await compact({ lake, targetSize: '64MiB' }, { write: (s: string) => (text += s) });
    expect(reports.map((r) => r.table)).toEqual(['bro', 'errors']);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^bro: 3 partitions compacted, 12 → 3 files, .+ (B|KB) → .+ \(48 rows rewritten, version 4\)$/,
    );
    expect(lines[1]).toMatch(/^errors: nothing to compact \(3 files, /);
    expect(lines[2]).toMatch(/^total: 2 tables, 3 partitions compacted, 15 → 6 files, /);
  });

  it('vacuums with a dry run first, then for real, one table', async () => {
    let text = '';
    const write = { write: (s: string) => (text += s) };
    const args = { lake, table: 'bro', retain: '0d', minAge: '7d' };
    await vacuum({ ...args, dryRun: true }, write);
    expect(text).toMatch(
      /^bro \(dry run\): would drop 3 partitions before \d{4}-\d{2}-\d{2} \(2024-05-01 to 2024-05-03: 48 rows, 3 files\); would delete 0 unreferenced files/,
    );
    expect(await query(lake, 'SELECT count(*) AS n FROM bro')).toEqual([{ n: 48 }]);
    text = '';
    await vacuum(args, write);
    expect(text).toMatch(
      /^bro: dropped 3 partitions before .*48 rows, 3 files, version 5\); deleted 0 unreferenced files \(0 B\); kept 15 written or removed within 7d\n$/,
    );
    expect(await query(lake, 'SELECT count(*) AS n FROM bro')).toEqual([{ n: 0 }]);
  });

  it('rejects bad sizes and durations before touching the lake', async () => {
    await expect(compact({ lake, targetSize: 'huge' })).rejects.toThrow(/invalid size 'huge'/);
    await expect(vacuum({ lake, retain: '30', minAge: '7d' })).rejects.toThrow(
      /--retain: invalid duration '30'/,
    );
    await expect(vacuum({ lake, table: 'nosuch', minAge: '7d' })).rejects.toThrow(/no table 'nosuch'/);
  });
});
