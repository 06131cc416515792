import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type CompactReport,
  compactTable,
  openDuckDb,
  openLakeWriter,
  openSql,
  readSnapshot,
  type SqlSession,
  sqlString,
} from '#lake';
import { type EventOptions, parseEventPieces, RARE_SOURCE } from './data.js';
import { type Check, gib, median, type ResultRow, rate, ratio, watchRss } from './report.js';
import { openBare } from './sql-read.js';

/**
 * Case 4, queries on a big table: a table of `rows` events (10 M by default) written by the
 * lake's own writer in ten appends, then three queries (a filtered count, a GROUP BY with
 * ORDER BY … LIMIT, a point lookup by IP), each timed as `openSql(dir)` + query + close
 * through the table's view, against a fresh bare DuckDB running the same query on
 * `read_parquet('<dir>/<table>/**\/*.parquet', hive_partitioning = true)`. Both must return the
 * same rows. The two sides alternate run by run, so a slow patch of the machine hits both.
 */

/** The table's name: a Bro sensor table, as the streaming runner would write. */
export const QUERY_TABLE = 'bro';
/** Appends of at most this many events; the table is written in at least ten. */
const MAX_BATCH = 1_000_000;
const MIN_BATCHES = 10;
/** Timestamps spread over ten days from a morning: each append straddles midnight, two `dt`s. */
const START_MS = Date.UTC(2026, 10, 10, 6, 0, 0);
const SPAN_MS = 10 * 86_400_000;
/**
 * Compaction's target for the bench: a day here is ~100 MB in two files of ~75 and ~25 MB, and
 * at the default 128 MiB the larger one is not "small", so nothing would be rewritten; at this
 * target every day becomes one sorted file.
 */
const COMPACT_TARGET_BYTES = 512 * 1024 * 1024;
/** Each append gets its own seed, so the ten batches are different events. */
const SEED = 4_100_000;

interface QuerySpec {
  key: string;
  label: string;
  sql: (source: string) => string;
}

export const QUERIES: readonly QuerySpec[] = [
  {
    key: 'count',
    label: 'filtered count',
    sql: (t) => `SELECT count(*) AS n FROM ${t} WHERE protocol = 'dns' AND ip_dst_port = 53`,
  },
  {
    key: 'group',
    label: 'GROUP BY ip, top 10',
    sql: (t) => `SELECT ip_src_addr, count(*) AS n FROM ${t} GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
  },
  {
    key: 'point',
    label: 'point lookup by IP',
    sql: (t) => `SELECT * FROM ${t} WHERE ip_src_addr = ${sqlString(RARE_SOURCE)}`,
  },
];

/** How the table was built. */
export interface BuildFigures {
  rows: number;
  batches: number;
  files: number;
  partitions: number;
  bytes: number;
  /** Time the main thread waited for a worker's lines, parsed them, appended them. */
  waitMs: number;
  parseMs: number;
  appendMs: number;
  totalMs: number;
  peakRss: number;
}

/** One query's medians (ms), for the conclusion. */
export interface QueryFigures {
  key: string;
  label: string;
  sql: string;
  oursMs: number;
  baselineMs: number;
  resultRows: number;
}

export interface SqlQueryResult {
  rows: ResultRow[];
  checks: Check[];
  build: BuildFigures;
  queries: QueryFigures[];
  /** The point lookup again after compaction sorted the files by IP, and the compaction's time. */
  compacted: QueryFigures;
  compactMs: number;
  /** What EXPLAIN ANALYZE and the Parquet/Delta metadata say about pruning for the point lookup, before and after compaction. */
  pruning: string;
  pruningCompacted: string;
  /** `openSql` + close alone, and a bare DuckDB's open + close (medians, ms). */
  session: { oursMs: number; baselineMs: number };
}

/** A batch being generated in a worker thread (bench/event-worker.ts). */
interface Pending {
  pieces: Promise<Uint8Array[]>;
  stop(): Promise<number>;
}

function generateInWorker(count: number, options: EventOptions): Pending {
  const worker = new Worker(new URL('./event-worker.js', import.meta.url), {
    workerData: { count, options },
  });
  const pieces = new Promise<Uint8Array[]>((resolve, reject) => {
    let got: Uint8Array[] | undefined;
    worker.once('message', (m: Uint8Array[]) => {
      got = m;
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      got && code === 0 ? resolve(got) : reject(new Error(`bench: event worker exited with code ${code}`)),
    );
  });
  // Awaited later; until then a failure must not count as an unhandled rejection.
  pieces.catch(() => undefined);
  return { pieces, stop: () => worker.terminate() };
}

/**
 * Write the table: `rows` events in ≥ 10 appends. While batch k is parsed and appended, a
 * worker thread generates the JSON lines of batch k + 1, so at most two batches exist at once
 * (one as events, the next as NDJSON text); each batch's events are dropped after its append.
 */
async function buildTable(lakeDir: string, rows: number, log: (m: string) => void): Promise<BuildFigures> {
  const batches = Math.max(MIN_BATCHES, Math.ceil(rows / MAX_BATCH));
  const sizeOf = (k: number) => Math.floor(((k + 1) * rows) / batches) - Math.floor((k * rows) / batches);
  const optionsOf = (k: number): EventOptions => ({
    seed: SEED + k,
    startMs: START_MS + (k * SPAN_MS) / batches,
    spanMs: SPAN_MS / batches,
  });
  const writer = await openLakeWriter(lakeDir);
  const rss = watchRss();
  let waitMs = 0;
  let parseMs = 0;
  let appendMs = 0;
  let written = 0;
  const started = performance.now();
  let next: Pending | undefined = generateInWorker(sizeOf(0), optionsOf(0));
  try {
    for (let k = 0; k < batches; k++) {
      const t0 = performance.now();
      const pieces: Uint8Array[] = await (next as Pending).pieces;
      next = k + 1 < batches ? generateInWorker(sizeOf(k + 1), optionsOf(k + 1)) : undefined;
      const t1 = performance.now();
      let events = parseEventPieces(pieces);
      pieces.length = 0;
      const t2 = performance.now();
      const result = await writer.append(QUERY_TABLE, events);
      const t3 = performance.now();
      events = [];
      waitMs += t1 - t0;
      parseMs += t2 - t1;
      appendMs += t3 - t2;
      written += result.rows;
      const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      log(
        `  append ${k + 1}/${batches}: ${written.toLocaleString('en-US')} rows, ${result.files} files ` +
          `(waited ${sec(t1 - t0)} for the lines, parse ${sec(t2 - t1)}, append ${sec(t3 - t2)}, ` +
          `rss ${gib(process.memoryUsage.rss())})`,
      );
    }
  } finally {
    await next?.stop();
    writer.close();
  }
  const totalMs = performance.now() - started;
  const peakRss = rss.stop();
  const tableDir = join(lakeDir, QUERY_TABLE);
  const snapshot = await readSnapshot(tableDir);
  const files = [...(snapshot?.files.values() ?? [])];
  return {
    rows: written,
    batches,
    files: files.length,
    partitions: new Set(files.map((f) => f.partitionValues.dt)).size,
    bytes: files.reduce((s, f) => s + f.size, 0),
    waitMs,
    parseMs,
    appendMs,
    totalMs,
    peakRss,
  };
}

/** A result both sides can be compared by: column names, and rows as canonical JSON, sorted. */
interface Canonical {
  columns: string[];
  rows: string[];
}

/**
 * One value in a form both sides share: integers and doubles as decimal text (ours gives int64
 * as number, the bare side as bigint), dates as `YYYY-MM-DD`, lists and structs element-wise.
 */
function canon(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (Array.isArray(v)) return v.map(canon);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = canon(x);
    return out;
  }
  return v;
}

function canonical(columns: string[], rows: readonly Record<string, unknown>[]): Canonical {
  return {
    columns,
    // Sorted: neither a point lookup's row order nor the order of tied counts is defined.
    rows: rows.map((r) => JSON.stringify(columns.map((c) => canon(r[c])))).sort(),
  };
}

async function oursQuery(lakeDir: string, sql: string): Promise<Canonical> {
  const session = await openSql(lakeDir);
  try {
    const result = await session.query(sql);
    return canonical(result.columns, result.rows);
  } finally {
    session.close();
  }
}

async function bareQuery(sql: string): Promise<Canonical> {
  const db = await openBare();
  try {
    const reader = await db.connection.runAndReadAll(sql);
    return canonical(reader.columnNames(), reader.getRowObjectsJS());
  } finally {
    db.close();
  }
}

/** Warm up once, then `runs` runs of each side, alternating; medians and the last results. */
async function measurePair(
  runs: number,
  ours: () => Promise<Canonical>,
  bare: () => Promise<Canonical>,
): Promise<{ oursRuns: number[]; bareRuns: number[]; ours: Canonical; bare: Canonical }> {
  const oursRuns: number[] = [];
  const bareRuns: number[] = [];
  let a: Canonical = { columns: [], rows: [] };
  let b: Canonical = { columns: [], rows: [] };
  for (let i = -1; i < runs; i++) {
    let t = performance.now();
    a = await ours();
    if (i >= 0) oursRuns.push(performance.now() - t);
    t = performance.now();
    b = await bare();
    if (i >= 0) bareRuns.push(performance.now() - t);
  }
  return { oursRuns, bareRuns, ours: a, bare: b };
}

/** Run case 4: build the table under `lakeDir`, then time the three queries. */
export async function benchSqlQuery(
  lakeDir: string,
  rows: number,
  runs: number,
  log: (m: string) => void,
): Promise<SqlQueryResult> {
  log(`  writing ${rows.toLocaleString('en-US')} rows into table '${QUERY_TABLE}' …`);
  const build = await buildTable(lakeDir, rows, log);
  const glob = `read_parquet(${sqlString(`${join(resolve(lakeDir), QUERY_TABLE)}/**/*.parquet`)}, hive_partitioning = true)`;

  const checks: Check[] = [
    {
      name: 'sql query: the table has every row, ≥ 10 files',
      ok: build.rows === rows && build.files >= 10,
      detail: `${build.rows.toLocaleString('en-US')} rows in ${build.files} files, ${build.partitions} dt partitions`,
    },
  ];
  const resultRows: ResultRow[] = [];
  const queries: QueryFigures[] = [];
  for (const q of QUERIES) {
    log(`  ${q.label}: warm-up + ${runs} runs per side …`);
    const m = await measurePair(
      runs,
      () => oursQuery(lakeDir, q.sql(QUERY_TABLE)),
      () => bareQuery(q.sql(glob)),
    );
    const same = JSON.stringify(m.ours) === JSON.stringify(m.bare);
    const nonEmpty = m.ours.rows.length > 0;
    checks.push({
      name: `sql query (${q.label}): openSql and bare DuckDB agree`,
      ok: same && nonEmpty,
      detail: same
        ? `${m.ours.rows.length} result row(s), identical${nonEmpty ? '' : ' but empty'}: ${summary(m.ours)}`
        : `ours ${summary(m.ours)} | bare ${summary(m.bare)}`,
    });
    const oursMs = median(m.oursRuns);
    const baselineMs = median(m.bareRuns);
    queries.push({
      key: q.key,
      label: q.label,
      sql: q.sql('t'),
      oursMs,
      baselineMs,
      resultRows: m.ours.rows.length,
    });
    const label = `sql ${q.label}, ${build.rows.toLocaleString('en-US')} rows`;
    const notes = `${m.ours.rows.length.toLocaleString('en-US')} result row(s); ${build.files} files`;
    resultRows.push(
      {
        case: label,
        variant: 'ours: openSql + query + close',
        medianMs: oursMs,
        runsMs: m.oursRuns,
        rate: rate(build.rows, oursMs, 'rows'),
        ratio: ratio(oursMs, baselineMs),
        notes,
      },
      {
        case: label,
        variant: 'baseline: new DuckDB + read_parquet glob',
        medianMs: baselineMs,
        runsMs: m.bareRuns,
        rate: rate(build.rows, baselineMs, 'rows'),
        ratio: '1.00x (baseline)',
        notes,
      },
    );
  }
  // The fixed part of every query above: opening and closing the session, no query.
  const none: Canonical = { columns: [], rows: [] };
  const open = await measurePair(
    runs,
    async () => {
      (await openSql(lakeDir)).close();
      return none;
    },
    async () => {
      (await openBare()).close();
      return none;
    },
  );
  const session = { oursMs: median(open.oursRuns), baselineMs: median(open.bareRuns) };
  resultRows.push(
    {
      case: `sql session, ${build.files}-file table`,
      variant: 'ours: openSql + close, no query',
      medianMs: session.oursMs,
      runsMs: open.oursRuns,
      rate: '',
      ratio: ratio(session.oursMs, session.baselineMs),
      notes: 'versions settled from the log listing, DuckDB locked down; views are made per query',
    },
    {
      case: `sql session, ${build.files}-file table`,
      variant: 'baseline: new DuckDB + close',
      medianMs: session.baselineMs,
      runsMs: open.bareRuns,
      rate: '',
      ratio: '1.00x (baseline)',
      notes: '',
    },
  );
  const pruning = await pointLookupPruning(lakeDir, glob);
  log(`  point lookup pruning, as appended: ${pruning}`);

  // Compaction sorts each partition by source IP: the same lookup, on the rewritten files.
  log('  compacting the table (sorted by ip_src_addr, timestamp) …');
  const db = await openDuckDb();
  const t0 = performance.now();
  let report: CompactReport;
  try {
    report = await compactTable(db, lakeDir, QUERY_TABLE, { targetBytes: COMPACT_TARGET_BYTES });
  } finally {
    db.close();
  }
  const compactMs = performance.now() - t0;
  const live = `read_parquet([${(await liveFiles(lakeDir)).paths.map(sqlString).join(', ')}], hive_partitioning = true)`;
  const point = QUERIES.find((q) => q.key === 'point') as QuerySpec;
  const before = queries.find((q) => q.key === 'point') as QueryFigures;
  log(`  point lookup after compaction: warm-up + ${runs} runs per side …`);
  const m = await measurePair(
    runs,
    () => oursQuery(lakeDir, point.sql(QUERY_TABLE)),
    () => bareQuery(point.sql(live)),
  );
  const same = JSON.stringify(m.ours) === JSON.stringify(m.bare);
  const sameAsBefore = m.ours.rows.length === before.resultRows;
  checks.push({
    name: 'sql query (point lookup after compaction): same rows as before, both sides agree',
    ok: same && sameAsBefore && report.rows > 0,
    detail: `${m.ours.rows.length} result row(s) (before: ${before.resultRows}); ${report.filesBefore} → ${report.filesAfter} files`,
  });
  const compacted: QueryFigures = {
    key: 'point-compacted',
    label: 'point lookup by IP, after compaction',
    sql: point.sql('t'),
    oursMs: median(m.oursRuns),
    baselineMs: median(m.bareRuns),
    resultRows: m.ours.rows.length,
  };
  const label = `sql ${compacted.label}, ${build.rows.toLocaleString('en-US')} rows`;
  const notes = `${compacted.resultRows} result row(s); ${report.filesAfter} files, compaction took ${(compactMs / 1000).toFixed(1)} s`;
  resultRows.push(
    {
      case: label,
      variant: 'ours: openSql + query + close',
      medianMs: compacted.oursMs,
      runsMs: m.oursRuns,
      rate: rate(build.rows, compacted.oursMs, 'rows'),
      ratio: ratio(compacted.oursMs, compacted.baselineMs),
      notes,
    },
    {
      case: label,
      variant: 'baseline: new DuckDB + read_parquet of the live files',
      medianMs: compacted.baselineMs,
      runsMs: m.bareRuns,
      rate: rate(build.rows, compacted.baselineMs, 'rows'),
      ratio: '1.00x (baseline)',
      notes,
    },
  );
  const pruningCompacted = await pointLookupPruning(lakeDir, live);
  log(`  point lookup pruning, compacted: ${pruningCompacted}`);
  return {
    rows: resultRows,
    checks,
    build,
    queries,
    compacted,
    compactMs,
    pruning,
    pruningCompacted,
    session,
  };
}

/** A result in a line: the first rows, cut short. */
function summary(c: Canonical): string {
  const text = c.rows.slice(0, 3).join(' ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** `Total Files Read` from EXPLAIN ANALYZE's text. */
function scanFigures(plan: string): string {
  const files = /Total Files Read:\s*(\d+)/.exec(plan)?.[1];
  return files === undefined ? '? files (not shown)' : `${files} files`;
}

/** The live files of the table, as absolute paths. */
async function liveFiles(lakeDir: string) {
  const tableDir = join(resolve(lakeDir), QUERY_TABLE);
  const snapshot = await readSnapshot(tableDir);
  const files = [...(snapshot?.files.entries() ?? [])];
  return { files, paths: files.map(([p]) => join(tableDir, p)) };
}

/**
 * What the point lookup can skip, on both paths: EXPLAIN ANALYZE's count of files read (ours
 * through the session, the baseline on `bareSource`); how many row groups the Parquet min/max
 * statistics and bloom filters admit for the IP; and how many files the table's Delta
 * statistics admit.
 */
async function pointLookupPruning(lakeDir: string, bareSource: string): Promise<string> {
  const point = QUERIES.find((q) => q.key === 'point') as QuerySpec;
  const { files, paths } = await liveFiles(lakeDir);
  const list = `[${paths.map(sqlString).join(', ')}]`;
  const session: SqlSession = await openSql(lakeDir);
  let oursPlan: string;
  try {
    const result = await session.query(`EXPLAIN ANALYZE ${point.sql(QUERY_TABLE)}`);
    oursPlan = result.rows.map((r) => Object.values(r).join('\n')).join('\n');
  } finally {
    session.close();
  }
  const barePlan = await explain(point.sql(bareSource));

  const db = await openBare();
  try {
    const ip = sqlString(RARE_SOURCE);
    const groups = (
      await db.connection.runAndReadAll(
        'SELECT count(*) AS total, ' +
          `count(*) FILTER (WHERE stats_min_value <= ${ip} AND stats_max_value >= ${ip}) AS admit, ` +
          'count(*) FILTER (WHERE bloom_filter_offset IS NOT NULL) AS blooms, ' +
          "string_agg(DISTINCT encodings, '/') AS encodings " +
          `FROM parquet_metadata(${list}) WHERE path_in_schema = 'ip_src_addr'`,
      )
    ).getRowObjectsJson()[0] as { total: string; admit: string; blooms: string; encodings: string };
    const bloom = (
      await db.connection.runAndReadAll(
        `SELECT count(*) FILTER (WHERE bloom_filter_excludes) AS excluded ` +
          `FROM parquet_bloom_probe(${list}, 'ip_src_addr', ${ip})`,
      )
    ).getRowObjectsJson()[0] as { excluded: string };
    let deltaAdmit = 0;
    for (const [, add] of files) {
      const s = add.stats ? JSON.parse(add.stats) : {};
      const min = s.minValues?.ip_src_addr;
      const max = s.maxValues?.ip_src_addr;
      if (min === undefined || max === undefined || (min <= RARE_SOURCE && RARE_SOURCE <= max)) deltaAdmit++;
    }
    return (
      `EXPLAIN ANALYZE reads ${scanFigures(oursPlan)} (ours) and ${scanFigures(barePlan)} (baseline) ` +
      `of ${files.length}; the Parquet min/max of ip_src_addr admit ${groups.admit} of ${groups.total} ` +
      `row groups (${groups.encodings}, bloom filters in ${groups.blooms}, which exclude ` +
      `${bloom.excluded}); the Delta file stats admit ${deltaAdmit} of ${files.length} files`
    );
  } finally {
    db.close();
  }
}

async function explain(sql: string): Promise<string> {
  const db = await openBare();
  try {
    const reader = await db.connection.runAndReadAll(`EXPLAIN ANALYZE ${sql}`);
    return reader
      .getRowObjectsJson()
      .map((r) => Object.values(r).join('\n'))
      .join('\n');
  } finally {
    db.close();
  }
}
