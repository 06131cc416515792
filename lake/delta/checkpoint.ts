import { randomUUID } from 'node:crypto';
import { readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDb, openDuckDb, sqlString } from '../duckdb.js';

/**
 * Delta checkpoints: the table's state at a version in one Parquet file
 * (`_delta_log/NNN.checkpoint.parquet`) plus `_delta_log/_last_checkpoint`, so opening a
 * table with thousands of commits reads one file and the few commits after it. Written and
 * read with DuckDB in the column layout of the Delta protocol, which other readers share.
 */

const LOG_DIR = '_delta_log';
const CHECKPOINT_FILE = /^(\d{20})\.checkpoint\.parquet$/;

/** File name of a single-part checkpoint. */
export const checkpointName = (version: number) => `${String(version).padStart(20, '0')}.checkpoint.parquet`;

// The checkpoint schema of the Delta protocol, for the actions Palisade writes.
const MAP = 'MAP(VARCHAR, VARCHAR)';
const COLUMNS: Record<string, string> = {
  txn: 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)',
  add:
    `STRUCT(path VARCHAR, partitionValues ${MAP}, size BIGINT, modificationTime BIGINT, ` +
    `dataChange BOOLEAN, stats VARCHAR, tags ${MAP})`,
  remove:
    'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, ' +
    `partitionValues ${MAP}, size BIGINT)`,
  metaData:
    'STRUCT(id VARCHAR, "name" VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, ' +
    `options ${MAP}), schemaString VARCHAR, partitionColumns VARCHAR[], configuration ${MAP}, ` +
    'createdTime BIGINT)',
  protocol: 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)',
};

/** One action per row, as `{ add: {...} }`, `{ metaData: {...} }`, … */
export type CheckpointRow = Record<string, unknown>;

let reader: Promise<DuckDb> | undefined;
/** One DuckDB for checkpoint reads and writes, opened on first use. */
const duckdb = () => {
  reader ??= openDuckDb({ threads: 1 });
  return reader;
};

/** The newest checkpoint at or below `atMost` (any when absent), from the log listing. */
export async function findCheckpoint(table: string, atMost?: number): Promise<number | undefined> {
  let best: number | undefined;
  for (const name of await readdir(join(table, LOG_DIR)).catch(() => [] as string[])) {
    const m = CHECKPOINT_FILE.exec(name);
    if (!m?.[1]) continue;
    const v = Number(m[1]);
    if ((atMost === undefined || v <= atMost) && (best === undefined || v > best)) best = v;
  }
  // _last_checkpoint is a hint other writers maintain; the listing above is the truth here.
  return best;
}

/** The actions stored in a checkpoint, one object per row. */
export async function readCheckpoint(table: string, version: number): Promise<CheckpointRow[]> {
  const db = await duckdb();
  const file = join(table, LOG_DIR, checkpointName(version));
  const cols = Object.keys(COLUMNS);
  const reader = await db.connection.runAndReadAll(
    `SELECT ${cols.map((c) => `to_json("${c}") AS "${c}"`).join(', ')} FROM read_parquet(${sqlString(file)}, union_by_name = true)`,
  );
  const rows: CheckpointRow[] = [];
  for (const row of reader.getRowObjectsJS()) {
    for (const c of cols) {
      const v = row[c];
      if (typeof v === 'string') rows.push({ [c]: JSON.parse(v) });
    }
  }
  return rows;
}

/**
 * Write the checkpoint of `version` from the table's state as action rows, then point
 * `_last_checkpoint` at it. Both land by rename, so a reader sees the whole file or none.
 */
export async function writeCheckpoint(
  table: string,
  version: number,
  rows: readonly CheckpointRow[],
): Promise<void> {
  const db = await duckdb();
  const dir = join(table, LOG_DIR);
  const staging = join(tmpdir(), `palisade-checkpoint-${randomUUID()}.ndjson`);
  const tmp = join(dir, `.tmp-${randomUUID()}.checkpoint.parquet`);
  try {
    await writeFile(staging, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const columns = Object.entries(COLUMNS).map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`);
    await db.connection.run(
      `COPY (SELECT * FROM read_json(${sqlString(staging)}, format = 'newline_delimited', ` +
        `columns = {${columns.join(', ')}}, maximum_object_size = 268435456)) ` +
        `TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION snappy)`,
    );
    await rename(tmp, join(dir, checkpointName(version)));
    const last = join(dir, `.tmp-${randomUUID()}.last_checkpoint`);
    await writeFile(last, JSON.stringify({ version, size: rows.length }));
    await rename(last, join(dir, '_last_checkpoint'));
  } finally {
    await unlink(staging).catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
  }
}
