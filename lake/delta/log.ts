import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError } from '#core';
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

/**
 * Replay the log up to `asOf` (default: latest). Returns undefined for a table with no log.
 */
export async function readSnapshot(table: string, asOf?: number): Promise<Snapshot | undefined> {
  const all = await listVersions(table);
  if (all.length === 0) return undefined;
  if (all[0] !== 0) {
    throw new InfraError(
      'delta.checkpoint',
      `${table}: log starts at version ${all[0]}; checkpoints are not read yet`,
    );
  }
  const versions = asOf === undefined ? all : all.filter((v) => v <= asOf);
  if (asOf !== undefined && !all.includes(asOf)) {
    throw new InfraError('delta.version', `${table}: no version ${asOf} (latest is ${all[all.length - 1]})`);
  }
  let protocol: Protocol | undefined;
  let metadata: Metadata | undefined;
  const files = new Map<string, AddFile>();
  const txns = new Map<string, number>();
  for (const v of versions) {
    const text = await readFile(join(table, LOG_DIR, commitName(v)), 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const action = JSON.parse(line) as Record<string, unknown>;
      if ('add' in action) {
        const add = action.add as AddFile;
        files.set(decodeURIComponent(add.path), add);
      } else if ('remove' in action) files.delete(decodeURIComponent((action.remove as RemoveFile).path));
      else if ('metaData' in action) metadata = action.metaData as Metadata;
      else if ('protocol' in action) protocol = action.protocol as Protocol;
      else if ('txn' in action) {
        const t = action.txn as { appId: string; version: number };
        txns.set(t.appId, t.version);
      }
    }
  }
  if (!protocol || !metadata)
    throw new InfraError('delta.read', `${table}: log has no protocol or metaData action`);
  const version = versions[versions.length - 1] as number;
  return { version, protocol, metadata, schema: parseSchemaString(metadata.schemaString), files, txns };
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
