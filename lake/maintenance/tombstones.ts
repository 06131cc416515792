import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError } from '#core';
import { commitName, LOG_DIR, listVersions, type RemoveFile } from '../delta/log.js';

/** Writers' clocks differ; commits this much older than the cutoff are still read. */
const CLOCK_SKEW_MS = 60 * 60 * 1000;

/**
 * Paths (decoded, relative to the table) that a commit removed after `since`. Vacuum
 * keeps them, as Delta does with tombstones younger than the retention: a reader that opened
 * an older snapshot, or a time-travel query, may still need them. Commits are read newest
 * first and the walk stops at the first commit file older than `since` (minus clock skew).
 */
export async function recentRemoves(tableDir: string, since: number): Promise<Set<string>> {
  const removed = new Set<string>();
  const versions = await listVersions(tableDir);
  for (let i = versions.length - 1; i >= 0; i--) {
    const file = join(tableDir, LOG_DIR, commitName(versions[i] as number));
    let text: string;
    let written: number;
    try {
      written = (await stat(file)).mtimeMs;
      text = await readFile(file, 'utf8');
    } catch (e) {
      // A log cleanup may remove old commits while we read; what it removes is older still.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
      throw new InfraError('delta.read', `cannot read ${file}`, { cause: e });
    }
    if (written < since - CLOCK_SKEW_MS) break;
    for (const line of text.split('\n')) {
      if (!line.includes('"remove"')) continue;
      const action = JSON.parse(line) as { remove?: RemoveFile };
      if (!action.remove) continue;
      if ((action.remove.deletionTimestamp ?? written) > since)
        removed.add(decodeURIComponent(action.remove.path));
    }
  }
  return removed;
}
