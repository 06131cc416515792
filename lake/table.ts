import { randomUUID } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { basename, join, posix, resolve, sep } from 'node:path';
import { type Event, InfraError, UsageError } from '#core';
import { ColumnBatch } from './delta/batch.js';
import {
  type Action,
  type AddFile,
  CommitConflict,
  checkpointIfDue,
  readSnapshot,
  type Snapshot,
  writeCommit,
} from './delta/log.js';
import { type DeltaStruct, SCHEMA_TAG, schemaTag } from './delta/schema.js';
import { statsJson } from './delta/stats.js';
import { type DuckDb, sqlString } from './duckdb.js';
import { parquetStats } from './maintenance/file-stats.js';
import { writeParquet } from './parquet.js';
import {
  DAY_COLUMN,
  HOUR_COLUMN,
  initialColumns,
  type Partitioning,
  partitionColumns,
  partitioner,
  partitionFields,
  tableSpec,
} from './tables.js';

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
const MAX_ATTEMPTS = 10;

/** What an append did. */
export interface AppendResult {
  table: string;
  /** Version committed, or the current version when the append was skipped. */
  version: number;
  files: number;
  rows: number;
  /** True when a stream writer's batch was already committed (replay after a crash). */
  skipped: boolean;
  /** True when this commit was followed by a checkpoint. */
  checkpoint?: boolean;
  /** Something that went wrong after the commit landed (the rows are in). */
  warning?: string;
}

export interface AppendOptions {
  /** Stream writers: skip the batch if `appId` already committed `version` or later. */
  txn?: { appId: string; version: number };
  /**
   * With `txn`: each event's position in its stream (a Kafka offset), ascending. Events at or
   * before what `appId` already committed are left out, so a replay whose batches are cut
   * differently from the first run's still adds each event once.
   */
  offsets?: readonly number[];
  /**
   * Called once the data files are written and before the commit is attempted: the window in
   * which a crash must leave no trace. Crash tests stop the process here.
   */
  beforeCommit?: () => Promise<void>;
  /**
   * Replace, not append: the rows `where` selects are removed in the same commit that adds the
   * new ones (Delta's replaceWhere). Files `mayHold` rejects are left alone; the others are
   * rewritten without the selected rows (or removed when nothing is left of them).
   */
  replace?: ReplaceWhere;
}

/** The rows an append replaces (see {@link AppendOptions.replace}). */
export interface ReplaceWhere {
  /** A DuckDB predicate over the table's columns; a NULL result keeps the row. */
  where: string;
  /** False when a file cannot hold a selected row (judged by its partition values and stats). */
  mayHold: (add: AddFile) => boolean;
}

/** The last version a stream writer's `appId` committed to a table, or -1. */
export async function committedTxn(lakeDir: string, table: string, appId: string): Promise<number> {
  const snapshot = await readSnapshot(join(lakeDir, checkTableName(table)));
  return snapshot?.txns.get(appId) ?? -1;
}

/** Check a table name before it becomes a directory. */
export function checkTableName(name: string): string {
  if (!TABLE_NAME.test(name)) {
    throw new UsageError(
      `invalid table name '${name}': use letters, digits, '_' or '-', starting with a letter`,
    );
  }
  return name;
}

/**
 * Append events to a Delta table, creating it on first use: data files first, then one
 * commit. A lost race re-reads the log and tries again; files of a lost attempt are removed.
 */
export async function appendEvents(
  db: DuckDb,
  lakeDir: string,
  table: string,
  events: readonly Event[],
  options: AppendOptions = {},
): Promise<AppendResult> {
  const tableDir = join(lakeDir, checkTableName(table));
  if (events.length === 0 && !options.txn && !options.replace) {
    const snapshot = await readSnapshot(tableDir);
    return { table, version: snapshot?.version ?? -1, files: 0, rows: 0, skipped: false };
  }
  for (let attempt = 1; ; attempt++) {
    const snapshot = await readSnapshot(tableDir);
    const committed = options.txn ? (snapshot?.txns.get(options.txn.appId) ?? -1) : -1;
    if (options.txn && committed >= options.txn.version) {
      return { table, version: snapshot?.version ?? -1, files: 0, rows: 0, skipped: true };
    }
    const offsets = options.offsets;
    const rows =
      options.txn && offsets && committed >= 0
        ? events.filter((_, i) => (offsets[i] as number) > committed)
        : events;
    const { actions, written } = await prepare(db, tableDir, table, snapshot, rows, options);
    if (options.replace && snapshot) {
      const kept = await keepUnselected(db, tableDir, snapshot, options.replace);
      written.push(...kept.written);
      actions.push(...kept.actions);
      const info = actions[0] as { commitInfo: Record<string, unknown> };
      info.commitInfo.operationParameters = {
        mode: 'Overwrite',
        predicate: options.replace.where,
      };
      info.commitInfo.isBlindAppend = false;
    }
    const version = snapshot ? snapshot.version + 1 : 0;
    try {
      await options.beforeCommit?.();
      await writeCommit(tableDir, version, actions);
      const result: AppendResult = {
        table,
        version,
        files: written.length,
        rows: rows.length,
        skipped: false,
      };
      // The commit stands whatever happens here: a failed checkpoint is reported, not thrown,
      // so a caller never retries (and duplicates) an append that landed.
      try {
        result.checkpoint = await checkpointIfDue(tableDir, version);
      } catch (e) {
        result.warning = `checkpoint of ${table} v${version} failed: ${(e as Error).message}`;
      }
      return result;
    } catch (e) {
      await Promise.all(written.map((f) => rm(join(tableDir, f), { force: true })));
      if (!(e instanceof CommitConflict) || attempt >= MAX_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/**
 * For a replacing append: remove every file that may hold a replaced row, and write what is
 * left of each (the rows the predicate does not select) to a new file beside it.
 */
async function keepUnselected(
  db: DuckDb,
  tableDir: string,
  snapshot: Snapshot,
  replace: ReplaceWhere,
): Promise<{ actions: Action[]; written: string[] }> {
  const actions: Action[] = [];
  const written: string[] = [];
  const partitionBy = snapshot.metadata.partitionColumns;
  const dataSchema: DeltaStruct = {
    type: 'struct',
    fields: snapshot.schema.fields.filter((f) => !partitionBy.includes(f.name)),
  };
  try {
    for (const [key, add] of snapshot.files) {
      if (!replace.mayHold(add)) continue;
      const source = `read_parquet(${sqlString(safeDataPath(tableDir, key))}, hive_partitioning = false)`;
      const keep = `SELECT * FROM ${source} WHERE NOT coalesce((${replace.where}), false)`;
      const left = Number(
        (await db.connection.runAndReadAll(`SELECT count(*) AS n FROM (${keep})`)).getRowObjectsJS()[0]?.n,
      );
      // Nothing of this file is replaced (another profile's rows on the same day): leave it.
      if (add.stats && left === (JSON.parse(add.stats) as { numRecords?: number }).numRecords) continue;
      actions.push({
        remove: {
          path: add.path,
          deletionTimestamp: Date.now(),
          dataChange: true,
          extendedFileMetadata: true,
          partitionValues: add.partitionValues,
          size: add.size,
        },
      });
      if (left === 0) continue;
      const dir = posix.dirname(add.path);
      const name = `part-00000-${randomUUID()}.c000.zstd.parquet`;
      const path = dir === '.' ? name : `${dir}/${name}`;
      written.push(decodeURIComponent(path));
      const file = join(tableDir, decodeURIComponent(path));
      await db.connection.run(`COPY (${keep}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`);
      const { numRecords, stats } = await parquetStats(db.connection, file, dataSchema);
      if (numRecords !== left)
        throw new InfraError(
          'lake.replace',
          `${add.path}: kept ${left} rows but the new file holds ${numRecords}`,
        );
      actions.push({
        add: {
          path,
          partitionValues: add.partitionValues,
          size: (await stat(file)).size,
          modificationTime: Date.now(),
          dataChange: true,
          stats,
          tags: add.tags ?? null,
        },
      });
    }
  } catch (e) {
    await Promise.all(written.map((f) => rm(join(tableDir, f), { force: true })));
    if (e instanceof InfraError) throw e;
    throw new InfraError('lake.replace', `cannot replace rows of ${tableDir}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return { actions, written };
}

/**
 * A data file's full path from a table's log. The log is data, not trust: an absolute path or
 * a `..` that leads out of the table is refused, with `reader` saying what reads only the lake.
 */
export function safeDataPath(
  tableDir: string,
  key: string,
  reader = 'the lake reads only its own files',
): string {
  const root = resolve(tableDir);
  const path = resolve(root, key);
  if (!path.startsWith(root + sep))
    throw new UsageError(`table '${basename(root)}': data file '${key}' is outside the table; ${reader}`);
  return path;
}

/**
 * A DuckDB source over some of a table's data files (keys as the snapshot lists them, each
 * checked by {@link safeDataPath}): columns matched by name across files, partition values
 * left to the log rather than read from the paths.
 */
export function parquetSource(tableDir: string, keys: Iterable<string>): string {
  const paths = [...keys].map((key) => sqlString(safeDataPath(tableDir, key)));
  return `read_parquet([${paths.join(', ')}], union_by_name = true, hive_partitioning = false)`;
}

async function prepare(
  db: DuckDb,
  tableDir: string,
  table: string,
  snapshot: Snapshot | undefined,
  events: readonly Event[],
  options: AppendOptions,
): Promise<{ actions: Action[]; written: string[] }> {
  const spec = tableSpec(table);
  const partitionBy = snapshot ? snapshot.metadata.partitionColumns : partitionColumns(spec.partitioning);
  const layout = layoutOf(table, partitionBy);
  const base: DeltaStruct = snapshot
    ? {
        type: 'struct',
        fields: structuredClone(snapshot.schema.fields.filter((f) => !partitionBy.includes(f.name))),
      }
    : initialColumns(spec);
  const batch = new ColumnBatch(base, partitionBy);
  const partitionOf = partitioner(layout);
  const partitions = new Map<string, Record<string, string>>();
  const time = spec.timeColumn;
  for (const event of events) {
    const ts = event[time];
    if (typeof ts !== 'number' || !Number.isFinite(ts)) {
      throw new InfraError(
        'lake.timestamp',
        `every row of '${table}' needs a numeric ${time} (epoch ms) before it reaches the lake`,
      );
    }
    const partition = partitionOf(ts);
    if (!partitions.has(partition.dir)) partitions.set(partition.dir, partition.values);
    batch.add(event, partition.dir);
  }
  const dataSchema = batch.finish();
  const written: string[] = [];
  const adds: AddFile[] = [];
  const tags = { [SCHEMA_TAG]: schemaTag(dataSchema) };
  try {
    for (const part of batch.partitions.values()) {
      const path = `${part.partition}/part-00000-${randomUUID()}.c000.zstd.parquet`;
      written.push(path);
      const size = await writeParquet(db, dataSchema, batch.leaves, part, join(tableDir, path));
      adds.push({
        path,
        partitionValues: partitions.get(part.partition) ?? {},
        size,
        modificationTime: Date.now(),
        dataChange: true,
        stats: statsJson(batch.leaves, part),
        tags,
      });
    }
  } catch (e) {
    await Promise.all(written.map((f) => rm(join(tableDir, f), { force: true })));
    throw e;
  }
  const actions = commitActions(snapshot, fullSchemaOf(dataSchema, layout), partitionBy, adds, {
    schemaChanged: batch.schemaChanged,
    ...(options.txn ? { txn: options.txn } : {}),
  });
  return { actions, written };
}

function fullSchemaOf(dataSchema: DeltaStruct, layout: Partitioning): DeltaStruct {
  return { type: 'struct', fields: [...dataSchema.fields, ...partitionFields(layout)] };
}

/** The actions of an append commit: commit info, protocol and metadata for a new table or a new schema, the adds, the txn. */
function commitActions(
  snapshot: Snapshot | undefined,
  fullSchema: DeltaStruct,
  partitionBy: readonly string[],
  adds: readonly AddFile[],
  options: { schemaChanged: boolean; txn?: { appId: string; version: number } },
): Action[] {
  const actions: Action[] = [
    {
      commitInfo: {
        timestamp: Date.now(),
        operation: 'WRITE',
        operationParameters: { mode: 'Append', partitionBy: JSON.stringify(partitionBy) },
        engineInfo: 'palisade',
        isBlindAppend: true,
      },
    },
  ];
  if (!snapshot) {
    actions.push({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    actions.push({
      metaData: {
        id: randomUUID(),
        format: { provider: 'parquet', options: {} },
        schemaString: JSON.stringify(fullSchema),
        partitionColumns: [...partitionBy],
        configuration: {},
        createdTime: Date.now(),
      },
    });
  } else if (options.schemaChanged) {
    actions.push({ metaData: { ...snapshot.metadata, schemaString: JSON.stringify(fullSchema) } });
  }
  for (const add of adds) actions.push({ add });
  if (options.txn) {
    actions.push({
      txn: { appId: options.txn.appId, version: options.txn.version, lastUpdated: Date.now() },
    });
  }
  return actions;
}

/** Data files a writer has already put under the table's directory, ready to commit. */
export interface WrittenFiles {
  /** The files' columns, in order (partition columns not included). */
  dataSchema: DeltaStruct;
  /** Add actions, paths relative to the table directory. */
  adds: readonly AddFile[];
}

/**
 * Commit data files written outside {@link appendEvents} (the packet store writes its own
 * Parquet) to a table with the table's partitioning, creating it on first use. The files'
 * columns must be the table's, or new ones (added to the schema); a txn already committed
 * makes it a no-op, and then the files are removed. A lost race is retried.
 */
export async function commitWrittenFiles(
  lakeDir: string,
  table: string,
  files: WrittenFiles,
  options: Pick<AppendOptions, 'txn' | 'beforeCommit'> = {},
): Promise<AppendResult> {
  const tableDir = join(lakeDir, checkTableName(table));
  const removeFiles = () => Promise.all(files.adds.map((a) => rm(join(tableDir, a.path), { force: true })));
  for (let attempt = 1; ; attempt++) {
    const snapshot = await readSnapshot(tableDir);
    const committed = options.txn ? (snapshot?.txns.get(options.txn.appId) ?? -1) : -1;
    if (options.txn && committed >= options.txn.version) {
      await removeFiles();
      return { table, version: snapshot?.version ?? -1, files: 0, rows: 0, skipped: true };
    }
    const spec = tableSpec(table);
    const partitionBy = snapshot ? snapshot.metadata.partitionColumns : partitionColumns(spec.partitioning);
    const layout = layoutOf(table, partitionBy);
    const existing = snapshot ? snapshot.schema.fields.filter((f) => !partitionBy.includes(f.name)) : [];
    const byName = new Map(existing.map((f) => [f.name, f]));
    for (const f of files.dataSchema.fields) {
      const have = byName.get(f.name);
      if (have && JSON.stringify(have.type) !== JSON.stringify(f.type)) {
        await removeFiles();
        throw new InfraError(
          'lake.schema',
          `table '${table}' has column ${f.name} as ${JSON.stringify(have.type)}, the new files as ${JSON.stringify(f.type)}`,
        );
      }
    }
    const added = files.dataSchema.fields.filter((f) => !byName.has(f.name));
    const dataSchema: DeltaStruct = snapshot
      ? { type: 'struct', fields: [...existing, ...added] }
      : files.dataSchema;
    const actions = commitActions(snapshot, fullSchemaOf(dataSchema, layout), partitionBy, files.adds, {
      schemaChanged: snapshot !== undefined && added.length > 0,
      ...(options.txn ? { txn: options.txn } : {}),
    });
    const version = snapshot ? snapshot.version + 1 : 0;
    const rows = files.adds.reduce(
      (n, a) => n + (a.stats ? (JSON.parse(a.stats).numRecords as number) : 0),
      0,
    );
    try {
      await options.beforeCommit?.();
      await writeCommit(tableDir, version, actions);
    } catch (e) {
      if (!(e instanceof CommitConflict) || attempt >= MAX_ATTEMPTS) {
        await removeFiles();
        throw e;
      }
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      continue;
    }
    const result: AppendResult = { table, version, files: files.adds.length, rows, skipped: false };
    try {
      result.checkpoint = await checkpointIfDue(tableDir, version);
    } catch (e) {
      result.warning = `checkpoint of ${table} v${version} failed: ${(e as Error).message}`;
    }
    return result;
  }
}

/** The partitioning a table's partition columns spell; the lake writes no other. */
function layoutOf(table: string, columns: readonly string[]): Partitioning {
  for (const layout of ['day', 'day-hour'] as const) {
    const want = partitionColumns(layout);
    if (want.length === columns.length && want.every((c, i) => c === columns[i])) return layout;
  }
  throw new InfraError(
    'lake.partitioning',
    `table '${table}' is partitioned by [${columns.join(', ')}]; Palisade appends only to tables ` +
      `partitioned by [${DAY_COLUMN}] or [${DAY_COLUMN}, ${HOUR_COLUMN}]`,
  );
}
