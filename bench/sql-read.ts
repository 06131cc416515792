import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { openSql, type SqlSession } from '#lake';
import { BENCH_TABLE } from './lake-write.js';
import { type Check, measure, type ResultRow, rate, ratio, type Timing } from './report.js';

/**
 * Case 3, reading the lake: `openSql(dir)` and a GROUP BY over the table's view, against the
 * same query run by a bare DuckDB on `read_parquet('<dir>/bench/**\/*.parquet')`. Both turn
 * the result into JS rows. Timed twice: with the session opened and closed in the timed span
 * (what one `palisade sql` call does), and on an already open session (the query alone).
 */

const GROUP_BY = (source: string) =>
  `SELECT ip_src_addr, count(*) AS n, sum(bytes) AS b FROM ${source} GROUP BY 1`;

/** Groups, total count and total bytes of a result: the two sides must agree. */
interface Summary {
  groups: number;
  n: number;
  bytes: number;
}

function summarise(rows: readonly Record<string, unknown>[]): Summary {
  let n = 0;
  let bytes = 0;
  for (const r of rows) {
    n += Number(r.n);
    bytes += Number(r.b);
  }
  return { groups: rows.length, n, bytes };
}

/** A DuckDB with no Palisade settings: the baseline side of the SQL cases. */
export async function openBare(): Promise<{ connection: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function bareQuery(connection: DuckDBConnection, lakeDir: string): Promise<Summary> {
  const glob = `'${join(lakeDir, BENCH_TABLE)}/**/*.parquet'`;
  const reader = await connection.runAndReadAll(GROUP_BY(`read_parquet(${glob})`));
  return summarise(reader.getRowObjectsJS());
}

async function oursQuery(session: SqlSession): Promise<Summary> {
  return summarise((await session.query(GROUP_BY(BENCH_TABLE))).rows);
}

/** Run case 3 over the lake written by case 1 (a) with `rows` rows. */
export async function benchSqlRead(
  lakeDir: string,
  rows: number,
  runs: number,
): Promise<{ rows: ResultRow[]; checks: Check[] }> {
  const coldOurs = await measure({
    runs,
    run: async () => {
      const session = await openSql(lakeDir);
      try {
        return await oursQuery(session);
      } finally {
        session.close();
      }
    },
  });
  const coldBare = await measure({
    runs,
    run: async () => {
      const db = await openBare();
      try {
        return await bareQuery(db.connection, lakeDir);
      } finally {
        db.close();
      }
    },
  });
  const session = await openSql(lakeDir);
  const bare = await openBare();
  let hotOurs: Timing<Summary>;
  let hotBare: Timing<Summary>;
  try {
    hotOurs = await measure({ runs, run: () => oursQuery(session) });
    hotBare = await measure({ runs, run: () => bareQuery(bare.connection, lakeDir) });
  } finally {
    session.close();
    bare.close();
  }

  const a = coldOurs.values[0];
  const b = coldBare.values[0];
  const same = a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b) && a.n === rows;
  const checks: Check[] = [
    {
      name: 'sql read: openSql and bare DuckDB agree',
      ok: same,
      detail: `ours ${JSON.stringify(a)}, bare ${JSON.stringify(b)}, rows written ${rows}`,
    },
  ];
  const label = 'sql GROUP BY ip_src_addr';
  const notes = `${a?.groups.toLocaleString('en-US')} groups`;
  return {
    checks,
    rows: [
      {
        case: label,
        variant: 'ours: openSql + query + close',
        medianMs: coldOurs.median,
        runsMs: coldOurs.runs,
        rate: rate(rows, coldOurs.median, 'rows'),
        ratio: ratio(coldOurs.median, coldBare.median),
        notes,
      },
      {
        case: label,
        variant: 'baseline: new DuckDB + read_parquet glob',
        medianMs: coldBare.median,
        runsMs: coldBare.runs,
        rate: rate(rows, coldBare.median, 'rows'),
        ratio: '1.00x (baseline)',
        notes,
      },
      {
        case: label,
        variant: 'ours: query on an open session',
        medianMs: hotOurs.median,
        runsMs: hotOurs.runs,
        rate: rate(rows, hotOurs.median, 'rows'),
        ratio: ratio(hotOurs.median, hotBare.median),
        notes,
      },
      {
        case: label,
        variant: 'baseline: query on an open DuckDB',
        medianMs: hotBare.median,
        runsMs: hotBare.runs,
        rate: rate(rows, hotBare.median, 'rows'),
        ratio: '1.00x (baseline)',
        notes,
      },
    ],
  };
}
