// Compaction and vacuum seen by another Delta implementation: delta-rs (python `deltalake`) must
// read the same rows as Palisade after an OPTIMIZE commit and after a vacuum, still read the
// pre-compaction version, and agree on which files are live and which are garbage.
import { copyFileSync, existsSync, utimesSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '#core';
import {
  compactTable,
  type DuckDb,
  openDuckDb,
  openLakeWriter,
  openSql,
  readSnapshot,
  vacuumTable,
} from '#lake';
import { python } from '../helpers/python.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1, 12);

function events(batch: string, n: number, extra: (i: number) => Event = () => ({})): Event[] {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: T0 + (i % 3) * DAY,
    guid: `${batch}-${i}`,
    ip_dst_port: 1000 + i,
    ...extra(i),
  }));
}

interface DeltaRsView {
  version: number;
  rows: number;
  cities: number;
  files: string[];
  /** Paths (relative to the table) delta-rs's own vacuum would delete; tombstoned files stay listed after they are gone. */
  garbage: string[];
  operation: string;
  /** Rows by the add actions' stats as delta-rs parses them, and the nested null count of geo.city. */
  statsRows: number;
  statsCityNulls: number;
  /** Rows with ip_dst_port >= 1020, read with delta-rs's stats-based file skipping. */
  filtered: number;
}

/** What delta-rs sees of the table: at `version` (default latest) rows and nested values; at latest, live files, vacuum candidates, last operation. */
async function deltaRs(tableDir: string, version?: number): Promise<DeltaRsView> {
  const script = [
    'import sys, json, os, deltalake',
    'path, version = sys.argv[1], sys.argv[2]',
    'dt = deltalake.DeltaTable(path, version=int(version)) if version else deltalake.DeltaTable(path)',
    't = dt.to_pyarrow_table()',
    'geo = t.column("geo").combine_chunks()',
    'city = geo.field("city")',
    'head = deltalake.DeltaTable(path)',
    'garbage = head.vacuum(retention_hours=0, dry_run=True, enforce_retention_duration=False, full=True)',
    'import pyarrow as pa, pyarrow.compute as pc',
    'adds = pa.table(dt.get_add_actions(flatten=True))',
    'filtered = dt.to_pyarrow_table(filters=[("ip_dst_port", ">=", 1020)]).num_rows',
    'print(json.dumps({"version": dt.version(), "rows": t.num_rows, "filtered": filtered,',
    '  "statsRows": pc.sum(adds.column("num_records")).as_py(),',
    '  "statsCityNulls": pc.sum(adds.column("null_count.geo.city")).as_py(),',
    '  "cities": len(city) - city.null_count,',
    '  "files": sorted(os.path.basename(u) for u in head.file_uris()),',
    '  "garbage": sorted(garbage),',
    '  "operation": head.history(1)[0]["operation"]}))',
  ].join('\n');
  return JSON.parse(await python(script, tableDir, version === undefined ? '' : String(version)));
}

async function palisadeView(lake: string, version?: number) {
  const s = await openSql(lake, version === undefined ? {} : { asOf: { versions: { t: version } } });
  try {
    const [row] = (await s.query('SELECT count(*) AS rows, count(geo.city) AS cities FROM t')).rows;
    return row as { rows: number; cities: number };
  } finally {
    s.close();
  }
}

const liveNames = async (tableDir: string) =>
  [...((await readSnapshot(tableDir))?.files.keys() ?? [])].map((p) => basename(p)).sort();

describe('delta-rs reads compacted and vacuumed Palisade tables', () => {
  const lake = tempDir();
  const tableDir = join(lake, 't');
  let db: DuckDb;
  let pre = -1;
  let preFiles: string[] = [];

  beforeAll(async () => {
    db = await openDuckDb();
    const w = await openLakeWriter(lake);
    try {
      await w.append(
        't',
        events('a', 30, (i) => (i % 2 ? { 'geo.country': 'NL' } : {})),
      );
      await w.append('t', events('b', 30));
      // A nested field the first two files lack.
      await w.append(
        't',
        events('c', 30, (i) => ({ 'geo.country': 'BE', 'geo.city': `c${i}` })),
      );
      await w.append('t', events('d', 30));
    } finally {
      w.close();
    }
    pre = (await readSnapshot(tableDir))?.version ?? -1;
    preFiles = await liveNames(tableDir);
  });
  afterAll(() => db.close());

  it('reads the same rows after compaction, and the pre-compaction version too', async () => {
    const before = await palisadeView(lake);
    expect(before).toEqual({ rows: 120, cities: 30 });
    const r = await compactTable(db, lake, 't', { targetBytes: 8 * 1024 * 1024 });
    expect(r).toMatchObject({ version: pre + 1, filesBefore: 12, filesAfter: 3 });

    const head = await deltaRs(tableDir);
    expect(head).toMatchObject({ version: pre + 1, operation: 'OPTIMIZE', ...(await palisadeView(lake)) });
    expect(head.rows).toBe(before.rows);
    expect(head.cities).toBe(before.cities);
    // Our stats of the rewritten files, as delta-rs reads them.
    expect(head.statsRows).toBe(before.rows);
    expect(head.statsCityNulls).toBe(before.rows - before.cities);
    expect(head.filtered).toBe(40);
    expect(head.files).toEqual(await liveNames(tableDir));
    // delta-rs would vacuum exactly the files the compaction replaced.
    expect(head.garbage.map((g) => basename(g)).sort()).toEqual(preFiles);

    const old = await deltaRs(tableDir, pre);
    expect(old).toMatchObject({ version: pre, ...(await palisadeView(lake, pre)) });
    expect(old.rows).toBe(before.rows);
  });

  it('reads the same rows after a partition drop and a vacuum, with nothing left to collect', async () => {
    const drop = await vacuumTable(lake, 't', { retainMs: 1.5 * DAY, now: Date.UTC(2024, 4, 3, 12) });
    expect(drop.partitionsDropped).toEqual(['2024-05-01']);
    const afterDrop = await deltaRs(tableDir);
    expect(afterDrop).toMatchObject({ operation: 'DELETE', ...(await palisadeView(lake)) });
    expect(afterDrop.rows).toBe(80);

    // A file no commit ever named (a writer that died before committing).
    const [live] = [...((await readSnapshot(tableDir))?.files.keys() ?? [])];
    const orphan = join('dt=2024-05-02', 'orphan.parquet');
    copyFileSync(join(tableDir, live as string), join(tableDir, orphan));
    utimesSync(join(tableDir, orphan), new Date(Date.now() - 30 * DAY), new Date(Date.now() - 30 * DAY));
    expect((await deltaRs(tableDir)).garbage).toContain(orphan);

    const v = await vacuumTable(lake, 't', { now: Date.now() + 8 * DAY, minAgeMs: 7 * DAY });
    expect(v.filesDeleted).toBe(preFiles.length + 2);
    expect(v.dirsRemoved).toBe(1);
    const head = await deltaRs(tableDir);
    const view = await palisadeView(lake);
    expect(view.rows).toBe(80);
    expect(head).toMatchObject(view);
    expect(head.files).toEqual(await liveNames(tableDir));
    // Everything delta-rs would collect is already gone from disk.
    expect(head.garbage.length).toBeGreaterThan(0);
    expect(head.garbage.filter((g) => existsSync(join(tableDir, g)))).toEqual([]);
  });
});
