import { createWriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBValue,
  INTEGER,
  LIST,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';
import type { Event } from '#core';
import { dayOf, sqlString } from '#lake';
import { EVENT_FIELDS } from './data.js';

/**
 * The two Parquet write paths the lake case compares, written out for the benchmark's known
 * event shape: DuckDB data chunks (the baseline), and the NDJSON → `read_json` →
 * `COPY` step on rows that are already nested (to separate that step from shaping and the
 * Delta commit). Both produce the lake's Parquet schema.
 */

/** Rows per data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;
/** The same row-group size as lake/parquet.ts. */
export const ROW_GROUP_SIZE = 122_880;
const PARQUET_OPTIONS = `FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE}`;

/** Quote a string literal for DuckDB SQL. */

/**
 * The baseline's in-memory table: flat columns. The dotted fields are flat VARCHAR/DOUBLE
 * columns here and become STRUCT columns in the COPY's SELECT, so the Parquet file has the same
 * schema as the lake's (`source.type` → `source STRUCT(type)`, …). Ports and the status code are
 * appended as INTEGER and widened in the COPY, as a writer that knows its schema would do; the
 * lake infers every integer as BIGINT. A field an event lacks is NULL.
 */
const BASELINE_TABLE = `CREATE TABLE ev (
  "timestamp" BIGINT, guid VARCHAR, source_type VARCHAR, ip_src_addr VARCHAR, ip_src_port INTEGER,
  ip_dst_addr VARCHAR, ip_dst_port INTEGER, protocol VARCHAR, bytes BIGINT, duration DOUBLE,
  is_alert BOOLEAN, method VARCHAR, uri VARCHAR, user_agent VARCHAR, status_code INTEGER,
  query VARCHAR, tags VARCHAR[], threat_triage_score DOUBLE, geo_country VARCHAR, original_string VARCHAR)`;
const BASELINE_TYPES = [
  BIGINT,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  INTEGER,
  VARCHAR,
  INTEGER,
  VARCHAR,
  BIGINT,
  DOUBLE,
  BOOLEAN,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  INTEGER,
  VARCHAR,
  LIST(VARCHAR),
  DOUBLE,
  VARCHAR,
  VARCHAR,
];

/**
 * Each top-level column of the lake's schema: its expression over the flat table `ev`, and its
 * `read_json` type for the NDJSON path.
 */
const OUTPUT_COLUMNS: Record<string, { select: string; json: string }> = {
  timestamp: { select: '"timestamp"', json: 'BIGINT' },
  guid: { select: 'guid', json: 'VARCHAR' },
  source: { select: "{'type': source_type}", json: 'STRUCT("type" VARCHAR)' },
  ip_src_addr: { select: 'ip_src_addr', json: 'VARCHAR' },
  ip_src_port: { select: 'CAST(ip_src_port AS BIGINT)', json: 'BIGINT' },
  ip_dst_addr: { select: 'ip_dst_addr', json: 'VARCHAR' },
  ip_dst_port: { select: 'CAST(ip_dst_port AS BIGINT)', json: 'BIGINT' },
  protocol: { select: 'protocol', json: 'VARCHAR' },
  bytes: { select: 'bytes', json: 'BIGINT' },
  duration: { select: 'duration', json: 'DOUBLE' },
  is_alert: { select: 'is_alert', json: 'BOOLEAN' },
  method: { select: 'method', json: 'VARCHAR' },
  uri: { select: 'uri', json: 'VARCHAR' },
  user_agent: { select: 'user_agent', json: 'VARCHAR' },
  status_code: { select: 'CAST(status_code AS BIGINT)', json: 'BIGINT' },
  query: { select: 'query', json: 'VARCHAR' },
  tags: { select: 'tags', json: 'VARCHAR[]' },
  threat: {
    select: "{'triage': {'score': threat_triage_score}}",
    json: 'STRUCT("triage" STRUCT("score" DOUBLE))',
  },
  enrichments: {
    select: "{'geo': {'ip_dst_addr': {'country': geo_country}}}",
    json: 'STRUCT("geo" STRUCT("ip_dst_addr" STRUCT("country" VARCHAR)))',
  },
  original_string: { select: 'original_string', json: 'VARCHAR' },
};

/**
 * The lake's column order for these events: top-level names in the order they first occur
 * (the lake adds a column when it first sees the field). With fields that only some events
 * have, that order depends on which event comes first, so it is read from the events.
 */
export function lakeColumnOrder(events: readonly Event[]): string[] {
  const seen = new Set<string>();
  const total = Object.keys(OUTPUT_COLUMNS).length;
  for (const e of events) {
    for (const key in e) {
      if (e[key] === undefined || e[key] === null) continue;
      const top = key.split('.', 1)[0] as string;
      if (!(top in OUTPUT_COLUMNS)) throw new Error(`bench: the baseline does not know field '${key}'`);
      seen.add(top);
    }
    if (seen.size === total) break;
  }
  return [...seen];
}

/** The baseline's SELECT over `ev`: columns in the lake's order, nested as the lake nests them. */
function baselineSelect(order: readonly string[]): string {
  const columns = order.map((c) => `${(OUTPUT_COLUMNS[c] as { select: string }).select} AS "${c}"`);
  return `SELECT ${columns.join(', ')} FROM ev`;
}

const optional = (v: unknown): DuckDBValue => (v === undefined ? null : (v as DuckDBValue));

/**
 * Append every event to a fresh table `ev` through 2048-row data chunks; int64 needs bigint.
 * Returns the SELECT that gives the lake's schema, for {@link copyToFile} and {@link copyPartitioned}.
 */
export async function appendChunks(connection: DuckDBConnection, events: readonly Event[]): Promise<string> {
  await connection.run(BASELINE_TABLE);
  const appender = await connection.createAppender('ev');
  const chunk = DuckDBDataChunk.create(BASELINE_TYPES);
  for (let start = 0; start < events.length; start += CHUNK_ROWS) {
    const size = Math.min(CHUNK_ROWS, events.length - start);
    const ts = new Array<DuckDBValue>(size);
    const guid = new Array<DuckDBValue>(size);
    const sourceType = new Array<DuckDBValue>(size);
    const src = new Array<DuckDBValue>(size);
    const srcPort = new Array<DuckDBValue>(size);
    const dst = new Array<DuckDBValue>(size);
    const dstPort = new Array<DuckDBValue>(size);
    const protocol = new Array<DuckDBValue>(size);
    const bytes = new Array<DuckDBValue>(size);
    const duration = new Array<DuckDBValue>(size);
    const alert = new Array<DuckDBValue>(size);
    const method = new Array<DuckDBValue>(size);
    const uri = new Array<DuckDBValue>(size);
    const userAgent = new Array<DuckDBValue>(size);
    const status = new Array<DuckDBValue>(size);
    const query = new Array<DuckDBValue>(size);
    const tags = new Array<DuckDBValue>(size);
    const score = new Array<DuckDBValue>(size);
    const country = new Array<DuckDBValue>(size);
    const original = new Array<DuckDBValue>(size);
    for (let j = 0; j < size; j++) {
      const e = events[start + j] as Event;
      ts[j] = BigInt(e.timestamp as number);
      guid[j] = e.guid as string;
      sourceType[j] = e[EVENT_FIELDS.sourceType] as string;
      src[j] = e.ip_src_addr as string;
      srcPort[j] = e.ip_src_port as number;
      dst[j] = e.ip_dst_addr as string;
      dstPort[j] = e.ip_dst_port as number;
      protocol[j] = e.protocol as string;
      bytes[j] = BigInt(e.bytes as number);
      duration[j] = e.duration as number;
      alert[j] = e.is_alert as boolean;
      method[j] = optional(e.method);
      uri[j] = optional(e.uri);
      userAgent[j] = optional(e.user_agent);
      status[j] = optional(e.status_code);
      query[j] = optional(e.query);
      tags[j] = listValue(e.tags as string[]);
      score[j] = e[EVENT_FIELDS.score] as number;
      country[j] = e[EVENT_FIELDS.country] as string;
      original[j] = e.original_string as string;
    }
    chunk.setColumns([
      ts,
      guid,
      sourceType,
      src,
      srcPort,
      dst,
      dstPort,
      protocol,
      bytes,
      duration,
      alert,
      method,
      uri,
      userAgent,
      status,
      query,
      tags,
      score,
      country,
      original,
    ]);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  return baselineSelect(lakeColumnOrder(events));
}

/** COPY the appended table, through `select` from {@link appendChunks}, to one Parquet file. */
export async function copyToFile(connection: DuckDBConnection, select: string, file: string): Promise<void> {
  await connection.run(`COPY (${select}) TO ${sqlString(file)} (${PARQUET_OPTIONS})`);
}

/** COPY the appended table to a `dt=YYYY-MM-DD/` tree, the lake's layout. */
export async function copyPartitioned(
  connection: DuckDBConnection,
  select: string,
  dir: string,
): Promise<void> {
  await connection.run(
    `COPY (SELECT *, CAST(epoch_ms("timestamp") AS DATE) AS dt FROM (${select})) ` +
      `TO ${sqlString(dir)} (${PARQUET_OPTIONS}, PARTITION_BY (dt))`,
  );
}

/** The rows the lake's shaper makes from the events, grouped by day as the lake groups them. */
export interface ShapedPartition {
  partition: string;
  rows: Record<string, unknown>[];
}

/**
 * Nest the events by hand as the lake's shaper does (dotted name → nested objects, same key
 * order) and group them by `dt`; not timed, so the NDJSON path can be measured on its own.
 */
export function shapeByDay(events: readonly Event[]): ShapedPartition[] {
  const parts = new Map<string, Record<string, unknown>[]>();
  for (const e of events) {
    const day = dayOf(e.timestamp as number);
    let rows = parts.get(day);
    if (!rows) {
      rows = [];
      parts.set(day, rows);
    }
    rows.push({
      timestamp: e.timestamp,
      guid: e.guid,
      source: { type: e[EVENT_FIELDS.sourceType] },
      ip_src_addr: e.ip_src_addr,
      ip_src_port: e.ip_src_port,
      ip_dst_addr: e.ip_dst_addr,
      ip_dst_port: e.ip_dst_port,
      protocol: e.protocol,
      bytes: e.bytes,
      duration: e.duration,
      is_alert: e.is_alert,
      method: e.method,
      uri: e.uri,
      user_agent: e.user_agent,
      status_code: e.status_code,
      query: e.query,
      tags: e.tags,
      threat: { triage: { score: e[EVENT_FIELDS.score] } },
      enrichments: { geo: { ip_dst_addr: { country: e[EVENT_FIELDS.country] } } },
      original_string: e.original_string,
    });
  }
  return [...parts].map(([partition, rows]) => ({ partition, rows }));
}

/**
 * The NDJSON path the lake first used: per partition, NDJSON staging file in
 * 1 MiB pieces, then `COPY (SELECT … FROM read_json(…)) TO file` zstd, columns in `order`
 * ({@link lakeColumnOrder}). Returns the time of
 * each half and the bytes written.
 */
export async function writeViaNdjson(
  connection: DuckDBConnection,
  parts: readonly ShapedPartition[],
  order: readonly string[],
  dir: string,
): Promise<{ ndjsonMs: number; copyMs: number; bytes: number }> {
  let ndjsonMs = 0;
  let copyMs = 0;
  let bytes = 0;
  // `read_json`'s column types for the shaped rows, derived by hand from the lake's schema.
  const columns = order
    .map((name) => `${sqlString(name)}: ${sqlString((OUTPUT_COLUMNS[name] as { json: string }).json)}`)
    .join(', ');
  const select = order.map((name) => `"${name}"`).join(', ');
  for (const part of parts) {
    const staging = join(dir, `${part.partition}.ndjson`);
    const file = join(dir, `part-${part.partition}.parquet`);
    const t0 = performance.now();
    await writeNdjson(staging, part.rows);
    const t1 = performance.now();
    await connection.run(
      `COPY (SELECT ${select} FROM read_json(${sqlString(staging)}, format = 'newline_delimited', ` +
        `columns = {${columns}}, maximum_object_size = 268435456)) TO ${sqlString(file)} (${PARQUET_OPTIONS})`,
    );
    ndjsonMs += t1 - t0;
    copyMs += performance.now() - t1;
    await unlink(staging);
    bytes += (await stat(file)).size;
  }
  return { ndjsonMs, copyMs, bytes };
}

/**
 * DuckDB on its own from NDJSON: `COPY (SELECT * FROM read_json(file)) TO out (FORMAT parquet,
 * COMPRESSION zstd)`, with `read_json` left to detect the columns. Returns the file's size.
 */
export async function copyFromReadJson(
  connection: DuckDBConnection,
  ndjson: string,
  out: string,
): Promise<number> {
  await connection.run(
    `COPY (SELECT * FROM read_json(${sqlString(ndjson)})) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  return (await stat(out)).size;
}

/** Write rows as NDJSON in 1 MiB pieces, as the lake's first write path did. */
export async function writeNdjson(file: string, rows: readonly object[]): Promise<void> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let buffer = '';
  for (const row of rows) {
    buffer += `${JSON.stringify(row)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
      buffer = '';
    }
  }
  out.end(buffer);
  await finished(out);
}
