import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError } from '#core';
import { commitName, LOG_DIR, listVersions } from './log.js';

/**
 * When each commit of a table was made, for time travel by timestamp. Only reads the commit
 * files; the snapshot itself still comes from `readSnapshot`.
 */

/** The time of one commit, in epoch ms. */
export interface CommitTime {
  version: number;
  timestamp: number;
  /** Where the time came from: the commit's `commitInfo`, or the commit file's mtime. */
  from: 'commitInfo' | 'mtime';
}

/** Commit times of every commit file in the log, ascending by version. */
export async function commitTimes(table: string): Promise<CommitTime[]> {
  const out: CommitTime[] = [];
  for (const version of await listVersions(table)) {
    const path = join(table, LOG_DIR, commitName(version));
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new InfraError('delta.read', `cannot read ${path}`, { cause: e });
    }
    const fromInfo = commitInfoTime(text);
    if (fromInfo !== undefined) out.push({ version, timestamp: fromInfo, from: 'commitInfo' });
    else out.push({ version, timestamp: Math.floor((await stat(path)).mtimeMs), from: 'mtime' });
  }
  return out;
}

/**
 * The commit time recorded in a commit file: `commitInfo.inCommitTimestamp` (Delta's
 * in-commit timestamps, exact when a writer enables them), else `commitInfo.timestamp`.
 */
function commitInfoTime(text: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.includes('"commitInfo"')) continue;
    let info: unknown;
    try {
      info = (JSON.parse(line) as { commitInfo?: unknown }).commitInfo;
    } catch {
      return undefined;
    }
    if (typeof info !== 'object' || info === null) return undefined;
    const { inCommitTimestamp, timestamp } = info as Record<string, unknown>;
    for (const t of [inCommitTimestamp, timestamp]) if (typeof t === 'number' && Number.isFinite(t)) return t;
    return undefined;
  }
  return undefined;
}

/** What {@link versionAt} found for a timestamp. */
export type VersionAt =
  /** The latest version committed at or before the timestamp. */
  | { kind: 'version'; version: number; committed: number }
  /** Every commit is later: the table did not exist yet. `first` is its first commit time. */
  | { kind: 'before-first'; first: number }
  /** The commits before the timestamp were removed from the log (checkpointed and cleaned up). */
  | { kind: 'cleaned'; oldest: CommitTime }
  /** No commit files at all. */
  | { kind: 'empty' };

/**
 * The table's latest version whose commit time is at or before `at` (epoch ms). Commit times
 * are taken as written, not made monotonic: a commit stamped earlier than its predecessor by a
 * skewed clock still counts by its own stamp.
 */
export async function versionAt(table: string, at: number): Promise<VersionAt> {
  const times = await commitTimes(table);
  const oldest = times[0];
  if (!oldest) return { kind: 'empty' };
  let best: CommitTime | undefined;
  for (const t of times) if (t.timestamp <= at && (!best || t.version > best.version)) best = t;
  if (!best) {
    // Without version 0 in the log, a time before the oldest commit left may still have had a
    // (now unlisted) version: say so rather than claim the table did not exist.
    if (oldest.version !== 0) return { kind: 'cleaned', oldest };
    return { kind: 'before-first', first: Math.min(...times.map((t) => t.timestamp)) };
  }
  return { kind: 'version', version: best.version, committed: best.timestamp };
}
