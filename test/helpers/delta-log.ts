import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Path of a commit file of a table in a lake. */
export const commitFile = (lake: string, table: string, version: number) =>
  join(lake, table, '_delta_log', `${String(version).padStart(20, '0')}.json`);

/**
 * Give a commit a known time: set its commitInfo.timestamp and the file's mtime to `ms`; with
 * `keepInfo` false, drop the commitInfo action so only the mtime tells the time.
 */
export function setCommitTime(
  lake: string,
  table: string,
  version: number,
  ms: number,
  keepInfo = true,
): void {
  const file = commitFile(lake, table, version);
  const actions = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
  if (!actions.some((a) => a.commitInfo)) throw new Error(`${file} has no commitInfo`);
  const kept = keepInfo
    ? actions.map((a) => (a.commitInfo ? { commitInfo: { ...a.commitInfo, timestamp: ms } } : a))
    : actions.filter((a) => !a.commitInfo);
  writeFileSync(file, `${kept.map((a) => JSON.stringify(a)).join('\n')}\n`);
  utimesSync(file, new Date(ms), new Date(ms));
}
