import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError, UsageError } from '#core';
import { type Action, type AddFile, CommitConflict, readSnapshot, writeCommit } from '../delta/log.js';
import { listTables } from '../sql.js';
import { checkTableName } from '../table.js';
import { DAY_COLUMN, dayOf, tableSpec } from '../tables.js';
import { listDataFiles, removeEmptyPartitionDirs } from './data-files.js';

/** Seven days, Delta's default retention for files no longer referenced. */
const DEFAULT_MIN_AGE_MS = 7 * 86_400_000;
const MAX_ATTEMPTS = 10;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface VacuumOptions {
  /** Drop day partitions whose whole day is older than now − retainMs; undefined keeps them all. */
  retainMs?: number;
  /**
   * Only delete an unreferenced file whose mtime, and whose removal from the log if it had
   * one, is older than this (default 7 days): a writer's files are on disk before its commit,
   * and readers of older versions still use removed files.
   */
  minAgeMs?: number;
  /** The clock, epoch ms (default: now). */
  now?: number;
  /** Report what would be done without committing or deleting anything. */
  dryRun?: boolean;
  /** Told what is being done, for progress output. */
  onProgress?: (message: string) => void;
}

/** What a vacuum of one table did (or, in a dry run, would do). */
export interface VacuumReport {
  table: string;
  dryRun: boolean;
  /** First day kept when partitions were dropped by age ('YYYY-MM-DD'). */
  keepFrom: string | undefined;
  /** Day partitions removed from the table, ascending. */
  partitionsDropped: string[];
  /** Files those partitions held, and their rows when every file had stats. */
  filesDropped: number;
  rowsDropped: number | undefined;
  /** Version of the DELETE commit, when one was made. */
  version: number | undefined;
  /** Unreferenced data files deleted from disk, and their bytes. */
  filesDeleted: number;
  bytesFreed: number;
  /** Unreferenced files kept because they (or their removal) are younger than the minimum age. */
  filesKept: number;
  /** Empty partition directories removed. */
  dirsRemoved: number;
}

function checkOptions(options: VacuumOptions): { minAgeMs: number; now: number } {
  const minAgeMs = options.minAgeMs ?? DEFAULT_MIN_AGE_MS;
  const now = options.now ?? Date.now();
  if (options.retainMs !== undefined && !(Number.isFinite(options.retainMs) && options.retainMs >= 0))
    throw new UsageError(`retention must be a non-negative duration, got ${options.retainMs} ms`);
  if (!(Number.isFinite(minAgeMs) && minAgeMs >= 0))
    throw new UsageError(`minimum age must be a non-negative duration, got ${minAgeMs} ms`);
  if (!Number.isFinite(now)) throw new UsageError(`invalid clock value: ${now}`);
  return { minAgeMs, now };
}

/**
 * Vacuum a table. First, with `retainMs`, one commit removes every file of the day partitions
 * older than the retention (a DELETE with dataChange true: the rows are gone from the head,
 * still readable as of earlier versions). Then data files the current snapshot does not
 * reference are deleted from disk once they, and their removal from the log, are older than
 * `minAgeMs`; `_delta_log` is never touched, and emptied partition directories are removed.
 */
export async function vacuumTable(
  lakeDir: string,
  table: string,
  options: VacuumOptions = {},
): Promise<VacuumReport> {
  const { minAgeMs, now } = checkOptions(options);
  const tableDir = join(lakeDir, checkTableName(table));
  const dryRun = options.dryRun === true;
  const report: VacuumReport = {
    table,
    dryRun,
    keepFrom: undefined,
    partitionsDropped: [],
    filesDropped: 0,
    rowsDropped: undefined,
    version: undefined,
    filesDeleted: 0,
    bytesFreed: 0,
    filesKept: 0,
    dirsRemoved: 0,
  };
  if (!(await readSnapshot(tableDir))) throw new UsageError(`no table '${table}' in ${lakeDir}`);
  if (options.retainMs !== undefined && !tableSpec(table).keepOnRetention) {
    report.keepFrom = dayOf(now - options.retainMs);
    await dropPartitions(tableDir, report.keepFrom, report, options);
  }
  options.onProgress?.(`${table}: looking for unreferenced files`);
  // Snapshot first, listing second: a file written after the snapshot is young, so kept.
  const snapshot = await readSnapshot(tableDir);
  if (!snapshot)
    throw new InfraError('lake.vacuum', `${tableDir}: the table's log disappeared during vacuum`);
  // Read the clock again: the drop above is part of this run, and with no minimum age its
  // files go now. A file is young when its age is strictly below the minimum.
  const cutoff = (options.now ?? Date.now()) - minAgeMs;
  // Files a commit removed within the minimum age stay, as Delta keeps young tombstones: a
  // reader of an older snapshot or a time-travel query may still need them.
  const removedRecently = new Set<string>();
  for (const [path, remove] of snapshot.tombstones)
    if (remove.deletionTimestamp > cutoff) removedRecently.add(path);
  const files = await listDataFiles(tableDir);
  const doomed = files.filter((f) => {
    if (snapshot.files.has(f.path)) return false;
    if (f.mtimeMs > cutoff || removedRecently.has(f.path)) {
      report.filesKept++;
      return false;
    }
    return true;
  });
  for (const [i, f] of doomed.entries()) {
    if (!dryRun) {
      if (i % 100 === 0) options.onProgress?.(`${table}: deleting files ${i + 1}/${doomed.length}`);
      await rm(join(tableDir, f.path), { force: true });
    }
    report.filesDeleted++;
    report.bytesFreed += f.size;
  }
  if (!dryRun) report.dirsRemoved = await removeEmptyPartitionDirs(tableDir);
  return report;
}

/** Commit the removal of every file in a day partition before `keepFrom`; retried on a lost race. */
async function dropPartitions(
  tableDir: string,
  keepFrom: string,
  report: VacuumReport,
  options: VacuumOptions,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const snapshot = await readSnapshot(tableDir);
    if (!snapshot?.metadata.partitionColumns.includes(DAY_COLUMN)) return;
    const victims: AddFile[] = [];
    for (const add of snapshot.files.values()) {
      const day = add.partitionValues[DAY_COLUMN];
      if (typeof day === 'string' && DAY.test(day) && day < keepFrom) victims.push(add);
    }
    report.partitionsDropped = [
      ...new Set(victims.map((a) => a.partitionValues[DAY_COLUMN] as string)),
    ].sort();
    report.filesDropped = victims.length;
    report.rowsDropped = rowsOf(victims);
    if (victims.length === 0 || options.dryRun) return;
    options.onProgress?.(
      `${report.table}: dropping ${report.partitionsDropped.length} partitions before ${keepFrom}`,
    );
    const now = Date.now();
    const actions: Action[] = [
      {
        commitInfo: {
          timestamp: now,
          operation: 'DELETE',
          operationParameters: { predicate: JSON.stringify([`${DAY_COLUMN} < '${keepFrom}'`]) },
          readVersion: snapshot.version,
          isolationLevel: 'Serializable',
          isBlindAppend: false,
          engineInfo: 'palisade',
          operationMetrics: {
            numRemovedFiles: String(victims.length),
            ...(report.rowsDropped === undefined ? {} : { numDeletedRows: String(report.rowsDropped) }),
          },
        },
      },
      ...victims.map(
        (add): Action => ({
          remove: {
            path: add.path,
            deletionTimestamp: now,
            dataChange: true,
            extendedFileMetadata: true,
            partitionValues: add.partitionValues,
            size: add.size,
          },
        }),
      ),
    ];
    try {
      await writeCommit(tableDir, snapshot.version + 1, actions);
      report.version = snapshot.version + 1;
      return;
    } catch (e) {
      if (!(e instanceof CommitConflict) || attempt >= MAX_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/** Rows in the files by their stats; undefined when a file has none. */
function rowsOf(files: readonly AddFile[]): number | undefined {
  let rows = 0;
  for (const f of files) {
    if (!f.stats) return undefined;
    const n = (JSON.parse(f.stats) as { numRecords?: unknown }).numRecords;
    if (typeof n !== 'number') return undefined;
    rows += n;
  }
  return rows;
}

/** Vacuum every table of a lake, one after another. */
export async function vacuumLake(lakeDir: string, options: VacuumOptions = {}): Promise<VacuumReport[]> {
  checkOptions(options);
  const reports: VacuumReport[] = [];
  for (const table of await listTables(lakeDir)) reports.push(await vacuumTable(lakeDir, table, options));
  return reports;
}
