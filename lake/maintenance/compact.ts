import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError, UsageError } from '#core';
import {
  type Action,
  type AddFile,
  CommitConflict,
  readSnapshot,
  type Snapshot,
  writeCommit,
} from '../delta/log.js';
import type { DuckDb } from '../duckdb.js';
import { listTables } from '../sql.js';
import { checkTableName } from '../table.js';
import { type CompactionBin, planCompaction } from './plan.js';
import { rewriteBin } from './rewrite.js';

/** 128 MiB, as Delta's OPTIMIZE aims for by default. */
const DEFAULT_TARGET_BYTES = 128 * 1024 * 1024;
/** Times the work is redone because another writer removed one of its input files. */
const MAX_REPLANS = 5;
/** Times finished work is committed again on a newer version that left its inputs alone. */
const MAX_REBASES = 100;

export interface CompactOptions {
  /** Size a rewritten file aims for, in bytes (default 128 MiB); files under half of it are "small". */
  targetBytes?: number;
  /** Small files a partition needs before it is rewritten (default 2, at least 2). */
  minFiles?: number;
  /** Told what is being rewritten, for progress output. */
  onProgress?: (message: string) => void;
}

/** What a compaction of one table did. */
export interface CompactReport {
  table: string;
  /** Version of the OPTIMIZE commit; undefined when there was nothing to compact. */
  version: number | undefined;
  /** Partitions that had files rewritten. */
  partitions: number;
  /** Live files and bytes of the whole table before and after. */
  filesBefore: number;
  filesAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Files replaced, files written, and the rows they hold. */
  filesRemoved: number;
  filesAdded: number;
  rows: number;
}

function checkOptions(options: CompactOptions): { targetBytes: number; minFiles: number } {
  const targetBytes = options.targetBytes ?? DEFAULT_TARGET_BYTES;
  const minFiles = options.minFiles ?? 2;
  if (!Number.isSafeInteger(targetBytes) || targetBytes < 1)
    throw new UsageError(`target size must be a positive number of bytes, got ${targetBytes}`);
  if (!Number.isSafeInteger(minFiles) || minFiles < 2)
    throw new UsageError(`minimum files must be an integer of at least 2, got ${minFiles}`);
  return { targetBytes, minFiles };
}

const sumSizes = (files: Iterable<{ size: number }>) => {
  let n = 0;
  for (const f of files) n += f.size;
  return n;
};

/**
 * Compact a table: rewrite each partition's small files into files near the target size, in
 * the table's current schema, and commit one OPTIMIZE (remove + add, dataChange false). The
 * old files stay on disk for time travel and running readers until a vacuum deletes them.
 *
 * A lost commit race is retried on the newer version when the winner left the inputs live
 * (appends); when it removed one of them, the new files are deleted and the work is redone
 * on the fresh snapshot.
 */
export async function compactTable(
  db: DuckDb,
  lakeDir: string,
  table: string,
  options: CompactOptions = {},
): Promise<CompactReport> {
  const { targetBytes, minFiles } = checkOptions(options);
  const tableDir = join(lakeDir, checkTableName(table));
  let snapshot = await readSnapshot(tableDir);
  if (!snapshot) throw new UsageError(`no table '${table}' in ${lakeDir}`);
  const connection = await db.connect();
  try {
    for (let replan = 1; ; replan++) {
      const bins = planCompaction(snapshot, targetBytes, minFiles);
      if (bins.length === 0) return unchanged(table, snapshot);
      const partitionColumns = snapshot.metadata.partitionColumns;
      const dataSchema = {
        type: 'struct' as const,
        fields: snapshot.schema.fields.filter((f) => !partitionColumns.includes(f.name)),
      };
      const added: AddFile[] = [];
      let rows = 0;
      try {
        for (const [i, bin] of bins.entries()) {
          options.onProgress?.(
            `${table}: rewriting ${bin.files.length} files of ${bin.partition} (${i + 1}/${bins.length})`,
          );
          const written = await rewriteBin(connection, tableDir, dataSchema, bin);
          added.push(written.add);
          rows += written.rows;
        }
      } catch (e) {
        await removeWritten(tableDir, added);
        throw e;
      }
      const outcome = await commit(tableDir, snapshot, bins, added, targetBytes);
      if (outcome.committed) return report(table, outcome.base, outcome.version, bins, added, rows);
      await removeWritten(tableDir, added);
      snapshot = outcome.fresh;
      if (replan >= MAX_REPLANS) {
        throw new InfraError(
          'lake.compact',
          `${table}: gave up after ${replan} attempts: other writers kept removing the files being compacted`,
        );
      }
    }
  } finally {
    connection.closeSync();
  }
}

type Outcome = { committed: true; base: Snapshot; version: number } | { committed: false; fresh: Snapshot };

/** Commit the rewrite on `base`, or on a later version whose commits left every input live. */
async function commit(
  tableDir: string,
  base: Snapshot,
  bins: readonly CompactionBin[],
  added: readonly AddFile[],
  targetBytes: number,
): Promise<Outcome> {
  for (let rebase = 0; ; rebase++) {
    const version = base.version + 1;
    try {
      await writeCommit(tableDir, version, actions(base, bins, added, targetBytes));
      return { committed: true, base, version };
    } catch (e) {
      if (!(e instanceof CommitConflict)) {
        await removeWritten(tableDir, added);
        throw e;
      }
      if (rebase >= MAX_REBASES) {
        await removeWritten(tableDir, added);
        throw new InfraError(
          'lake.compact',
          `${tableDir}: lost ${rebase + 1} commit races in a row to other writers; nothing was committed`,
          { cause: e },
        );
      }
    }
    const fresh = await readSnapshot(tableDir);
    if (!fresh)
      throw new InfraError('lake.compact', `${tableDir}: the table's log disappeared during compaction`);
    const sameTable =
      fresh.metadata.id === base.metadata.id &&
      JSON.stringify(fresh.metadata.partitionColumns) === JSON.stringify(base.metadata.partitionColumns);
    const inputsLive = bins.every((b) => b.files.every((f) => fresh.files.has(f.key)));
    if (!sameTable || !inputsLive) return { committed: false, fresh };
    base = fresh;
    await new Promise((r) => setTimeout(r, Math.random() * 20));
  }
}

function actions(
  base: Snapshot,
  bins: readonly CompactionBin[],
  added: readonly AddFile[],
  targetBytes: number,
): Action[] {
  const now = Date.now();
  const removed = bins.flatMap((b) => b.files);
  const out: Action[] = [
    {
      commitInfo: {
        timestamp: now,
        operation: 'OPTIMIZE',
        operationParameters: { predicate: '[]', targetSize: String(targetBytes) },
        readVersion: base.version,
        isolationLevel: 'SnapshotIsolation',
        isBlindAppend: false,
        engineInfo: 'palisade',
        operationMetrics: {
          numRemovedFiles: String(removed.length),
          numAddedFiles: String(added.length),
          numRemovedBytes: String(sumSizes(removed.map((f) => f.add))),
          numAddedBytes: String(sumSizes(added)),
        },
      },
    },
  ];
  for (const { add } of removed) {
    out.push({
      remove: {
        path: add.path,
        deletionTimestamp: now,
        dataChange: false,
        extendedFileMetadata: true,
        partitionValues: add.partitionValues,
        size: add.size,
      },
    });
  }
  for (const add of added) out.push({ add });
  return out;
}

async function removeWritten(tableDir: string, added: readonly AddFile[]): Promise<void> {
  await Promise.all(added.map((a) => rm(join(tableDir, decodeURIComponent(a.path)), { force: true })));
}

function unchanged(table: string, snapshot: Snapshot): CompactReport {
  const bytes = sumSizes(snapshot.files.values());
  return {
    table,
    version: undefined,
    partitions: 0,
    filesBefore: snapshot.files.size,
    filesAfter: snapshot.files.size,
    bytesBefore: bytes,
    bytesAfter: bytes,
    filesRemoved: 0,
    filesAdded: 0,
    rows: 0,
  };
}

function report(
  table: string,
  base: Snapshot,
  version: number,
  bins: readonly CompactionBin[],
  added: readonly AddFile[],
  rows: number,
): CompactReport {
  const removed = bins.flatMap((b) => b.files.map((f) => f.add));
  const bytesBefore = sumSizes(base.files.values());
  return {
    table,
    version,
    partitions: new Set(bins.map((b) => b.partition)).size,
    filesBefore: base.files.size,
    filesAfter: base.files.size - removed.length + added.length,
    bytesBefore,
    bytesAfter: bytesBefore - sumSizes(removed) + sumSizes(added),
    filesRemoved: removed.length,
    filesAdded: added.length,
    rows,
  };
}

/** Compact every table of a lake, one after another. */
export async function compactLake(
  db: DuckDb,
  lakeDir: string,
  options: CompactOptions = {},
): Promise<CompactReport[]> {
  checkOptions(options);
  const reports: CompactReport[] = [];
  for (const table of await listTables(lakeDir))
    reports.push(await compactTable(db, lakeDir, table, options));
  return reports;
}
