import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Event } from '#core';
import { type LakeWriter, openLakeWriter, sqlString } from '#lake';
import { EVENT_FIELDS } from './data.js';
import { type Check, gib, mb, measure, median, type ResultRow, rate, ratio, watchRss } from './report.js';
import {
  appendChunks,
  copyFromReadJson,
  copyPartitioned,
  copyToFile,
  lakeColumnOrder,
  type ShapedPartition,
  shapeByDay,
  writeNdjson,
  writeViaNdjson,
} from './writers.js';

/**
 * Case 1, writing events to Parquet:
 * (a) ours: `openLakeWriter(dir).append('bench', events)`, the whole lake path (events laid
 *     out as columns, stats, data chunks → `COPY` zstd per day, Delta commit);
 * (b) baseline: @duckdb/node-api `appendDataChunk` (2048-row chunks) into an in-memory table,
 *     then `COPY … TO file (FORMAT parquet, COMPRESSION zstd)`, the fastest writer in
 *     DEPENDENCIES.md §2; (b′) the same append with a `PARTITION_BY (dt)` COPY, the lake's layout;
 * (c) reference: `JSON.stringify` of every event to NDJSON text, no I/O;
 * (d) the alternative the lake used first (NDJSON staging → `read_json` → `COPY`), on rows
 *     nested beforehand, kept to show why data chunks were chosen;
 * (e) the lake issue's yardstick: DuckDB alone, `COPY (SELECT * FROM read_json('events.ndjson'))
 *     TO 'x.parquet' (FORMAT parquet, COMPRESSION zstd)` on the same events written beforehand
 *     (untimed) as NDJSON. The headline is rows/s of (a) ÷ rows/s of (e).
 */

/** The table the lake case writes. */
export const BENCH_TABLE = 'bench';
/** The write cases warm up on this share of the events: enough for the JIT and DuckDB, and cheap. */
const WARM_UP_SHARE = 0.1;

/** Figures the conclusion is drawn from (medians, ms and bytes). */
export interface LakeWriteFigures {
  rows: number;
  oursMs: number;
  oursBytes: number;
  oursFiles: number;
  baselineMs: number;
  baselineAppendMs: number;
  baselineCopyMs: number;
  baselineBytes: number;
  baselinePartitionedMs: number;
  baselinePartitionedBytes: number;
  stringifyMs: number;
  ndjsonPathMs: number;
  ndjsonPathStagingMs: number;
  ndjsonPathCopyMs: number;
  /** (e): DuckDB's `read_json` → `COPY` zstd, and its file. */
  readJsonMs: number;
  readJsonBytes: number;
  readJsonNdjsonBytes: number;
  readJsonColumns: number;
  /** Peak RSS over (a)'s runs and over (e)'s, and RSS when (a) started (the events are held). */
  oursPeakRss: number;
  readJsonPeakRss: number;
  rssAtStart: number;
  readJsonRssAtStart: number;
  rssMethod: string;
}

export interface LakeWriteResult {
  rows: ResultRow[];
  checks: Check[];
  figures: LakeWriteFigures;
  /** The lake of ours' last run, kept for the SQL case. */
  lakeDir: string;
}

interface Db {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

async function openDb(): Promise<Db> {
  const instance = await DuckDBInstance.create(':memory:');
  return { instance, connection: await instance.connect() };
}

function closeDb(db: Db | undefined): void {
  db?.connection.closeSync();
  db?.instance.closeSync();
}

/** Run case 1 under `workDir`; every output but the last lake is removed before returning. */
export async function benchLakeWrite(
  events: readonly Event[],
  workDir: string,
  runs: number,
): Promise<LakeWriteResult> {
  const n = events.length;
  const warmUp = events.slice(0, Math.max(1, Math.floor(n * WARM_UP_SHARE)));
  const input = (run: number) => (run < 0 ? warmUp : events);

  // (a) ours. The writer's DuckDB is opened before the timed span, as the baseline's is.
  const oursDir = (i: number) => join(workDir, `lake-${i < 0 ? 'warm-up' : i}`);
  let writer: LakeWriter | undefined;
  const oursRss = watchRss();
  const ours = await measure({
    runs,
    before: async (i) => {
      await rm(oursDir(i - 1), { recursive: true, force: true });
      writer = await openLakeWriter(oursDir(i));
    },
    run: async (i) => (await (writer as LakeWriter).append(BENCH_TABLE, input(i))).files,
    after: () => writer?.close(),
  });
  const oursPeakRss = oursRss.stop();
  const lakeDir = oursDir(runs - 1);
  const oursParquet = await parquetFiles(join(lakeDir, BENCH_TABLE));
  const oursBytes = await totalSize(oursParquet);

  // (e) DuckDB alone: read_json → COPY zstd, from NDJSON of the same events written untimed.
  const ndjsonInput = join(workDir, 'events.ndjson');
  const ndjsonWarmUp = join(workDir, 'events-warm-up.ndjson');
  await writeNdjson(ndjsonInput, events);
  await writeNdjson(ndjsonWarmUp, warmUp);
  const readJsonNdjsonBytes = (await stat(ndjsonInput)).size;
  const readJsonFile = join(workDir, 'read-json.parquet');
  let db: Db | undefined;
  const readJsonRss = watchRss();
  const readJson = await measure({
    runs,
    before: async () => {
      await rm(readJsonFile, { force: true });
      db = await openDb();
    },
    run: (i) => copyFromReadJson((db as Db).connection, i < 0 ? ndjsonWarmUp : ndjsonInput, readJsonFile),
    after: () => closeDb(db),
  });
  const readJsonPeakRss = readJsonRss.stop();
  await rm(ndjsonInput, { force: true });
  await rm(ndjsonWarmUp, { force: true });
  const { checks: readJsonChecks, columns: readJsonColumnCount } = await verifyReadJson(events, readJsonFile);
  await rm(readJsonFile, { force: true });

  // (b) and (b′): one append, then both COPYs, each timed on its own.
  const baselineFile = join(workDir, 'baseline.parquet');
  const baselinePartDir = join(workDir, 'baseline-partitioned');
  const baseline = await measure({
    runs,
    before: async () => {
      await rm(baselineFile, { force: true });
      await rm(baselinePartDir, { recursive: true, force: true });
      db = await openDb();
    },
    run: async (i) => {
      const connection = (db as Db).connection;
      const t0 = performance.now();
      const select = await appendChunks(connection, input(i));
      const t1 = performance.now();
      await copyToFile(connection, select, baselineFile);
      const t2 = performance.now();
      await copyPartitioned(connection, select, baselinePartDir);
      return { appendMs: t1 - t0, copyMs: t2 - t1, copyPartMs: performance.now() - t2 };
    },
    after: () => closeDb(db),
  });
  const appendMs = median(baseline.values.map((v) => v.appendMs));
  const copyMs = median(baseline.values.map((v) => v.copyMs));
  const copyPartMs = median(baseline.values.map((v) => v.copyPartMs));
  const baselineRuns = baseline.values.map((v) => v.appendMs + v.copyMs);
  const partRuns = baseline.values.map((v) => v.appendMs + v.copyPartMs);
  const baselineBytes = (await stat(baselineFile)).size;
  const partFiles = await parquetFiles(baselinePartDir);
  const partBytes = await totalSize(partFiles);

  // (c) serialisation alone, in the same 1 MiB pieces the lake's writer uses.
  const stringify = await measure({
    runs,
    run: (i) => {
      let chars = 0;
      let buffer = '';
      for (const event of input(i)) {
        buffer += `${JSON.stringify(event)}\n`;
        if (buffer.length > 1 << 20) {
          chars += buffer.length;
          buffer = '';
        }
      }
      return chars + buffer.length;
    },
  });

  // (d) the write path the lake used first, on rows nested (untimed) beforehand.
  const ndjsonDir = join(workDir, 'ndjson-path');
  let shaped: { warmUp: ShapedPartition[]; all: ShapedPartition[] } | undefined = {
    warmUp: shapeByDay(warmUp),
    all: shapeByDay(events),
  };
  const order = { warmUp: lakeColumnOrder(warmUp), all: lakeColumnOrder(events) };
  const ndjson = await measure({
    runs,
    before: async () => {
      await rm(ndjsonDir, { recursive: true, force: true });
      await mkdir(ndjsonDir, { recursive: true });
      db = await openDb();
    },
    run: (i) => {
      const parts = i < 0 ? shaped?.warmUp : shaped?.all;
      return writeViaNdjson((db as Db).connection, parts ?? [], i < 0 ? order.warmUp : order.all, ndjsonDir);
    },
    after: () => closeDb(db),
  });
  shaped = undefined;
  const ndjsonFiles = await parquetFiles(ndjsonDir);

  const checks = [...readJsonChecks];
  checks.push(
    ...(await verify(events, {
      '(a) lake': `read_parquet(${sqlString(`${join(lakeDir, BENCH_TABLE)}/**/*.parquet`)})`,
      '(b) baseline file': `read_parquet(${sqlString(baselineFile)})`,
      "(b') baseline partitioned": `read_parquet(${sqlString(`${baselinePartDir}/**/*.parquet`)})`,
      '(d) NDJSON path': `read_parquet(${sqlString(`${ndjsonDir}/*.parquet`)})`,
    })),
  );
  await rm(baselineFile, { force: true });
  await rm(baselinePartDir, { recursive: true, force: true });
  await rm(ndjsonDir, { recursive: true, force: true });

  const figures: LakeWriteFigures = {
    rows: n,
    oursMs: ours.median,
    oursBytes,
    oursFiles: oursParquet.length,
    baselineMs: median(baselineRuns),
    baselineAppendMs: appendMs,
    baselineCopyMs: copyMs,
    baselineBytes,
    baselinePartitionedMs: median(partRuns),
    baselinePartitionedBytes: partBytes,
    stringifyMs: stringify.median,
    ndjsonPathMs: ndjson.median,
    ndjsonPathStagingMs: median(ndjson.values.map((v) => v.ndjsonMs)),
    ndjsonPathCopyMs: median(ndjson.values.map((v) => v.copyMs)),
    readJsonMs: readJson.median,
    readJsonBytes: readJson.values[0] ?? 0,
    readJsonNdjsonBytes,
    readJsonColumns: readJsonColumnCount,
    oursPeakRss,
    readJsonPeakRss,
    rssAtStart: oursRss.startBytes,
    readJsonRssAtStart: readJsonRss.startBytes,
    rssMethod: oursRss.method,
  };
  const label = `lake write ${n.toLocaleString('en-US')} rows`;
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const rows: ResultRow[] = [
    {
      case: label,
      variant: '(a) ours: openLakeWriter().append',
      medianMs: ours.median,
      runsMs: ours.runs,
      rate: rate(n, ours.median, 'rows'),
      ratio: ratio(ours.median, figures.baselineMs),
      notes:
        `${mb(oursBytes)} in ${oursParquet.length} files (one per dt) + Delta commit; ` +
        `${(oursBytes / n).toFixed(1)} B/event; peak RSS ${gib(oursPeakRss)}`,
    },
    {
      case: label,
      variant: '(b) baseline: appendDataChunk + COPY to 1 file',
      medianMs: figures.baselineMs,
      runsMs: baselineRuns,
      rate: rate(n, figures.baselineMs, 'rows'),
      ratio: '1.00x (baseline)',
      notes: `${mb(baselineBytes)}; append ${ms(appendMs)} + COPY ${ms(copyMs)}`,
    },
    {
      case: label,
      variant: "(b') appendDataChunk + COPY PARTITION_BY (dt)",
      medianMs: figures.baselinePartitionedMs,
      runsMs: partRuns,
      rate: rate(n, figures.baselinePartitionedMs, 'rows'),
      ratio: ratio(figures.baselinePartitionedMs, figures.baselineMs),
      notes: `${mb(partBytes)} in ${partFiles.length} files; same append + COPY ${ms(copyPartMs)}`,
    },
    {
      case: label,
      variant: '(c) reference: JSON.stringify to NDJSON',
      medianMs: stringify.median,
      runsMs: stringify.runs,
      rate: rate(n, stringify.median, 'rows'),
      ratio: ratio(stringify.median, figures.baselineMs),
      notes: `${mb(stringify.values[0] ?? 0)} of text, no I/O; ${percent(stringify.median, ours.median)} of (a)`,
    },
    {
      case: label,
      variant: '(d) alternative: NDJSON → read_json → COPY on pre-nested rows',
      medianMs: ndjson.median,
      runsMs: ndjson.runs,
      rate: rate(n, ndjson.median, 'rows'),
      ratio: ratio(ndjson.median, figures.baselineMs),
      notes:
        `${mb(ndjson.values[0]?.bytes ?? 0)} in ${ndjsonFiles.length} files; staging ` +
        `${ms(figures.ndjsonPathStagingMs)} + read_json/COPY ${ms(figures.ndjsonPathCopyMs)}; ` +
        `${percent(ndjson.median, ours.median)} of (a)`,
    },
    {
      case: label,
      variant: "(e) DuckDB alone: COPY (SELECT * FROM read_json('events.ndjson'))",
      medianMs: readJson.median,
      runsMs: readJson.runs,
      rate: rate(n, readJson.median, 'rows'),
      ratio: ratio(readJson.median, figures.baselineMs),
      notes:
        `${mb(figures.readJsonBytes)} in 1 file, ${readJsonColumnCount} flat columns as detected; ` +
        `${(figures.readJsonBytes / n).toFixed(1)} B/event; from ${mb(readJsonNdjsonBytes)} of NDJSON ` +
        `written untimed; peak RSS ${gib(readJsonPeakRss)}`,
    },
  ];
  return { rows, checks, figures, lakeDir };
}

const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)} %`;

async function parquetFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  return names.filter((f) => f.endsWith('.parquet')).map((f) => join(dir, f));
}

async function totalSize(files: readonly string[]): Promise<number> {
  let total = 0;
  for (const f of files) total += (await stat(f)).size;
  return total;
}

/** The aggregates every output must reproduce; `country` names the country column. */
const aggregate = (country: string) =>
  'count(*) AS n, sum(bytes) AS bytes, count(DISTINCT ip_src_addr) AS sources, ' +
  `count(*) FILTER (WHERE is_alert) AS alerts, count(DISTINCT ${country}) AS countries`;
const AGGREGATE = aggregate('enrichments.geo.ip_dst_addr.country');

/** The events' own figures for {@link aggregate}, as strings. */
function expectedOf(events: readonly Event[]): Record<string, string> {
  return {
    n: String(events.length),
    bytes: String(events.reduce((s, e) => s + (e.bytes as number), 0)),
    sources: String(new Set(events.map((e) => e.ip_src_addr)).size),
    alerts: String(events.filter((e) => e.is_alert === true).length),
    countries: String(new Set(events.map((e) => e[EVENT_FIELDS.country])).size),
  };
}

/**
 * (e)'s file read back: the same aggregates as the lake's outputs (its columns are the flat
 * dotted names `read_json` saw), and one column per event field.
 */
async function verifyReadJson(
  events: readonly Event[],
  file: string,
): Promise<{ checks: Check[]; columns: number }> {
  const expected = expectedOf(events);
  const fields = new Set(events.flatMap((e) => Object.keys(e))).size;
  const db = await openDb();
  try {
    const source = `read_parquet(${sqlString(file)})`;
    const got = (
      await db.connection.runAndReadAll(`SELECT ${aggregate(`"${EVENT_FIELDS.country}"`)} FROM ${source}`)
    ).getRowObjectsJson()[0];
    const same = got !== undefined && Object.entries(expected).every(([k, v]) => String(got[k]) === v);
    const described = (await db.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`))
      .getRowObjectsJson()
      .map((r) => `${r.column_name} ${r.column_type}`);
    return {
      columns: described.length,
      checks: [
        {
          name: "lake write (e) read_json's file reads back",
          ok: same,
          detail: same
            ? `count ${got.n}, sum(bytes) ${got.bytes}, distinct ip_src_addr ${got.sources}, alerts ${got.alerts}`
            : `got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`,
        },
        {
          name: 'lake write (e) read_json found every field',
          ok: described.length === fields,
          detail: `${described.length} columns for ${fields} event fields: ${described.join(', ')}`,
        },
      ],
    };
  } finally {
    closeDb(db);
  }
}

/**
 * Read every output back with DuckDB: each must give the events' own count, `sum(bytes)`,
 * distinct sources, alerts and countries, and all must have the same Parquet schema.
 */
async function verify(events: readonly Event[], outputs: Record<string, string>): Promise<Check[]> {
  const expected = expectedOf(events);
  const db = await openDb();
  const checks: Check[] = [];
  try {
    const schemas: [string, string][] = [];
    for (const [name, source] of Object.entries(outputs)) {
      const got = (
        await db.connection.runAndReadAll(`SELECT ${AGGREGATE} FROM ${source}`)
      ).getRowObjectsJson()[0];
      const same = got !== undefined && Object.entries(expected).every(([k, v]) => String(got[k]) === v);
      checks.push({
        name: `lake write ${name} reads back`,
        ok: same,
        detail: same
          ? `count ${got.n}, sum(bytes) ${got.bytes}, distinct ip_src_addr ${got.sources}, alerts ${got.alerts}`
          : `got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`,
      });
      // The lake's and (b')'s dt comes from the directory names, not the files.
      const noHive = source.replace(/\)$/, ', hive_partitioning = false)');
      const columns = (await db.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${noHive}`))
        .getRowObjectsJson()
        .map((r) => `${r.column_name} ${r.column_type}`)
        .join(', ');
      schemas.push([name, columns]);
    }
    const first = schemas[0]?.[1];
    const differ = schemas.filter(([, s]) => s !== first);
    checks.push({
      name: 'lake write: every output has the same Parquet schema',
      ok: differ.length === 0,
      detail: differ.length === 0 ? (first ?? '') : schemas.map(([k, s]) => `${k}: ${s}`).join(' | '),
    });
  } finally {
    closeDb(db);
  }
  return checks;
}
