import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Event, InfraError, UsageError } from '#core';
import { compactTable, openDuckDb, openLakeWriter, openSql } from '#lake';
import { tempDir } from '../helpers/tmp.js';

/**
 * How a SQL session makes its views: only for the tables a query names (every table for
 * the catalog and `events`), and bound to one file's footer when every file of the table was
 * written with its current columns.
 */

const T0 = Date.UTC(2024, 4, 1, 12);

const events = (n: number, extra: Record<string, unknown> = {}): Event[] =>
  Array.from({ length: n }, (_, i) => ({
    timestamp: T0 + i,
    guid: `g-${i}`,
    'source.type': 'test',
    ip_src_addr: `10.0.0.${i}`,
    ...extra,
  }));

async function lakeWith(tables: Record<string, Event[][]>): Promise<string> {
  const lake = join(tempDir(), 'lake');
  const w = await openLakeWriter(lake);
  for (const [table, batches] of Object.entries(tables)) for (const b of batches) await w.append(table, b);
  w.close();
  return lake;
}

/** Break a table's log so reading it fails. */
function corrupt(lake: string, table: string): void {
  writeFileSync(join(lake, table, '_delta_log', '00000000000000000000.json'), '{not json\n');
}

const viewSql = async (lake: string, view: string) => {
  const s = await openSql(lake);
  try {
    const r = await s.query(`SELECT sql FROM duckdb_views() WHERE view_name = '${view}'`);
    return String(r.rows[0]?.sql);
  } finally {
    s.close();
  }
};

describe('SQL sessions', () => {
  it('reads only the logs of the tables a query names', async () => {
    const lake = await lakeWith({ good: [events(3)], broken: [events(2)] });
    corrupt(lake, 'broken');
    const s = await openSql(lake);
    try {
      expect(s.tables.get('good')).toBe(0);
      expect((await s.query('SELECT count(*) AS n FROM good')).rows).toEqual([{ n: 3 }]);
      // The broken table fails the query that reads it, not its neighbours.
      await expect(s.query('SELECT count(*) AS n FROM broken')).rejects.toThrow(/broken|JSON/);
      expect((await s.query('SELECT count(*) AS n FROM good')).rows).toEqual([{ n: 3 }]);
    } finally {
      s.close();
    }
  });

  it('makes every view for the catalog and for events', async () => {
    const lake = await lakeWith({ a: [events(2)], b: [events(3)], alerts: [events(1)] });
    const s = await openSql(lake);
    try {
      const shown = (await s.query('SHOW TABLES')).rows.map((r) => r.name);
      expect(shown).toEqual(['a', 'alerts', 'b', 'events']);
      const names = (await s.query('SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1'))
        .rows;
      expect(names.map((r) => r.view_name)).toEqual(['a', 'alerts', 'b', 'events']);
      const bySensor = await s.query('SELECT sensor, count(*) AS n FROM events GROUP BY 1 ORDER BY 1');
      expect(bySensor.rows).toEqual([
        { sensor: 'a', n: 2 },
        { sensor: 'b', n: 3 },
      ]);
    } finally {
      s.close();
    }
  });

  it('suggests a table of the lake for a misspelt name', async () => {
    const lake = await lakeWith({ bro: [events(1)] });
    const s = await openSql(lake);
    try {
      const e = await s.query('SELECT * FROM brp').catch((err: Error) => err);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).toMatch(/Table with name brp does not exist.*Did you mean "bro"\?/);
    } finally {
      s.close();
    }
  });

  it('binds to one footer while the files share the current columns, and by name once they do not', async () => {
    const lake = await lakeWith({ t: [events(2), events(2)] });
    expect(await viewSql(lake, 't')).toMatch(/union_by_name = CAST\('f'/);

    // A new column: the old files lack it, so the view lines files up by name.
    const w = await openLakeWriter(lake);
    await w.append('t', events(2, { new_field: 'x' }));
    w.close();
    expect(await viewSql(lake, 't')).toMatch(/union_by_name = CAST\('t'/);
    const s = await openSql(lake);
    try {
      const r = await s.query('SELECT count(*) AS n, count(new_field) AS m FROM t');
      expect(r.rows).toEqual([{ n: 6, m: 2 }]);
    } finally {
      s.close();
    }

    // Compaction rewrites every file with the current columns: one footer again, same rows.
    const db = await openDuckDb();
    try {
      await compactTable(db, lake, 't', { minFiles: 2 });
    } finally {
      db.close();
    }
    expect(await viewSql(lake, 't')).toMatch(/union_by_name = CAST\('f'/);
    const after = await openSql(lake);
    try {
      const r = await after.query('SELECT count(*) AS n, count(new_field) AS m FROM t');
      expect(r.rows).toEqual([{ n: 6, m: 2 }]);
    } finally {
      after.close();
    }
  });

  it('files from another writer (no schema tag) are read by name', async () => {
    const lake = await lakeWith({ t: [events(2)] });
    const log = join(lake, 't', '_delta_log', '00000000000000000000.json');
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const a of lines) if (a.add) delete a.add.tags;
    writeFileSync(log, `${lines.map((a) => JSON.stringify(a)).join('\n')}\n`);
    expect(await viewSql(lake, 't')).toMatch(/union_by_name = CAST\('t'/);
  });

  it('runs EXPLAIN and EXPLAIN ANALYZE of a query', async () => {
    const lake = await lakeWith({ t: [events(3)] });
    const s = await openSql(lake);
    try {
      const plan = await s.query("EXPLAIN SELECT count(*) FROM t WHERE ip_src_addr = '10.0.0.1'");
      expect(plan.columns).toEqual(['explain_key', 'explain_value']);
      expect(String(plan.rows[0]?.explain_value)).toMatch(/READ_PARQUET|PARQUET_SCAN|TABLE_SCAN/i);
      const analyzed = await s.query('/* why slow */ explain analyze SELECT count(*) FROM t');
      expect(String(analyzed.rows[0]?.explain_value)).toMatch(/Total Time/i);
    } finally {
      s.close();
    }
  });

  it('stops a query at its time limit and stays usable', async () => {
    const lake = await lakeWith({ t: [events(3)] });
    const s = await openSql(lake);
    try {
      const started = Date.now();
      const e = await s
        .query('SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE a.range + b.range = -1', {
          timeoutMs: 200,
        })
        .catch((err: Error) => err);
      expect(e).toBeInstanceOf(InfraError);
      expect((e as InfraError).code).toBe('sql.timeout');
      expect(Date.now() - started).toBeLessThan(30_000);
      expect((await s.query('SELECT count(*) AS n FROM t', { timeoutMs: 60_000 })).rows).toEqual([{ n: 3 }]);
    } finally {
      s.close();
    }
  });
});
