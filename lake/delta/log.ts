import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError } from '#core';
import { findCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { type DeltaStruct, parseSchemaString } from './schema.js';

/**
 * The Delta transaction log: replaying `_delta_log/NNN.json` into a snapshot, and writing a
 * commit atomically. A commit is written to a temporary file and then hard-linked to its
 * final name, which fails if the name exists: create-if-absent, so of two writers racing for
 * the same version exactly one wins and the other re-reads and retries.
 */

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Metadata {
  id: string;
  name?: string | null;
  description?: string | null;
  format: { provider: string; options: Record<string, string> };
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number;
}

export interface AddFile {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats?: string;
  tags?: Record<string, string> | null;
}

export interface RemoveFile {
  path: string;
  deletionTimestamp: number;
  dataChange: boolean;
  extendedFileMetadata?: boolean;
  partitionValues?: Record<string, string | null>;
  size?: number;
}

/** One line of a commit file. */
export type Action =
  | { protocol: Protocol }
  | { metaData: Metadata }
  | { add: AddFile }
  | { remove: RemoveFile }
  | { txn: { appId: string; version: number; lastUpdated?: number } }
  | { commitInfo: Record<string, unknown> };

/** A table as of one version. */
export interface Snapshot {
  version: number;
  protocol: Protocol;
  metadata: Metadata;
  schema: DeltaStruct;
  /** Live data files by path (relative to the table, URL-decoded). */
  files: Map<string, AddFile>;
  /** Last committed version per stream writer (app id). */
  txns: Map<string, number>;
  /** The txn actions themselves, for checkpoints. */
  txnActions: { appId: string; version: number; lastUpdated?: number }[];
  /** Files removed and not re-added (kept in checkpoints for other engines' vacuum). */
  tombstones: Map<string, RemoveFile>;
}

/** Lost a commit race: the version now exists. */
export class CommitConflict extends InfraError {
  constructor(readonly version: number) {
    super('delta.conflict', `commit ${version} already exists`);
  }
}

export const LOG_DIR = '_delta_log';
const COMMIT_FILE = /^(\d{20})\.json$/;

/** File name of a commit. */
export const commitName = (version: number) => `${String(version).padStart(20, '0')}.json`;

/** Versions present in a table's log, ascending; empty when the table does not exist. */
export async function listVersions(table: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(join(table, LOG_DIR));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InfraError('delta.read', `cannot read ${join(table, LOG_DIR)}`, { cause: e });
  }
  const versions: number[] = [];
  for (const n of names) {
    const m = COMMIT_FILE.exec(n);
    if (m?.[1]) versions.push(Number(m[1]));
  }
  return versions.sort((a, b) => a - b);
}

/** The table state being rebuilt from a checkpoint and the commits after it. */
class LogState {
  protocol: Protocol | undefined;
  metadata: Metadata | undefined;
  readonly files = new Map<string, AddFile>();
  readonly tombstones = new Map<string, RemoveFile>();
  readonly txns = new Map<string, { appId: string; version: number; lastUpdated?: number }>();

  apply(action: Record<string, unknown>): void {
    if ('add' in action && action.add) {
      const add = action.add as AddFile;
      const path = decodeURIComponent(add.path);
      this.files.set(path, add);
      this.tombstones.delete(path);
    } else if ('remove' in action && action.remove) {
      const remove = action.remove as RemoveFile;
      const path = decodeURIComponent(remove.path);
      this.files.delete(path);
      this.tombstones.set(path, remove);
    } else if ('metaData' in action && action.metaData) this.metadata = action.metaData as Metadata;
    else if ('protocol' in action && action.protocol) this.protocol = action.protocol as Protocol;
    else if ('txn' in action && action.txn) {
      const t = action.txn as { appId: string; version: number; lastUpdated?: number };
      this.txns.set(t.appId, t);
    }
  }
}

/**
 * Rebuild the table as of `asOf` (default: latest) from the newest checkpoint at or below it
 * and the commits after that. Returns undefined for a table with no log.
 */
export async function readSnapshot(table: string, asOf?: number): Promise<Snapshot | undefined> {
  const versions = await listVersions(table);
  const checkpoint = await findCheckpoint(table, asOf);
  if (versions.length === 0 && checkpoint === undefined) return undefined;
  const latest = Math.max(versions[versions.length - 1] ?? -1, checkpoint ?? -1);
  const target = asOf ?? latest;
  const present = new Set(versions);
  if (asOf !== undefined && !present.has(asOf) && asOf !== checkpoint) {
    throw new InfraError('delta.version', `${table}: no version ${asOf} (latest is ${latest})`);
  }
  const state = new LogState();
  let from = 0;
  if (checkpoint !== undefined) {
    for (const row of await readCheckpoint(table, checkpoint)) state.apply(row);
    from = checkpoint + 1;
  }
  for (let v = from; v <= target; v++) {
    if (!present.has(v)) {
      throw new InfraError(
        'delta.read',
        `${table}: commit ${v} is missing from the log and no checkpoint covers it`,
      );
    }
    const text = await readFile(join(table, LOG_DIR, commitName(v)), 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() !== '') state.apply(JSON.parse(line) as Record<string, unknown>);
    }
  }
  const { protocol, metadata } = state;
  if (!protocol || !metadata) {
    throw new InfraError('delta.read', `${table}: log has no protocol or metaData action`);
  }
  const txns = new Map([...state.txns].map(([id, t]) => [id, t.version]));
  return {
    version: target,
    protocol,
    metadata,
    schema: parseSchemaString(metadata.schemaString),
    files: state.files,
    tombstones: state.tombstones,
    txns,
    txnActions: [...state.txns.values()],
  };
}

/** Commits between checkpoints, unless the table's `delta.checkpointInterval` says otherwise. */
export const DEFAULT_CHECKPOINT_INTERVAL = 10;

/**
 * After committing `version`, write a checkpoint if the table's interval says one is due.
 * Returns whether one was written.
 */
export async function checkpointIfDue(table: string, version: number): Promise<boolean> {
  if (version === 0) return false;
  const snapshot = await readSnapshot(table, version);
  if (!snapshot) return false;
  const interval = Number(
    snapshot.metadata.configuration['delta.checkpointInterval'] ?? DEFAULT_CHECKPOINT_INTERVAL,
  );
  if (!(interval > 0) || version % interval !== 0) return false;
  const rows: Record<string, unknown>[] = [
    { protocol: snapshot.protocol },
    { metaData: { name: null, description: null, ...snapshot.metadata } },
    ...snapshot.txnActions.map((txn) => ({ txn })),
    ...[...snapshot.files.values()].map((add) => ({ add })),
    ...[...snapshot.tombstones.values()].map((remove) => ({ remove })),
  ];
  await writeCheckpoint(table, version, rows);
  return true;
}

/** Write commit `version` atomically; throws {@link CommitConflict} if another writer got there first. */
export async function writeCommit(table: string, version: number, actions: readonly Action[]): Promise<void> {
  const dir = join(table, LOG_DIR);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${randomUUID()}.json`);
  await writeFile(tmp, `${actions.map((a) => JSON.stringify(a)).join('\n')}\n`);
  try {
    await link(tmp, join(dir, commitName(version)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new CommitConflict(version);
    throw new InfraError('delta.commit', `cannot write commit ${version} of ${table}`, { cause: e });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}
