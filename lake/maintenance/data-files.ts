import type { Dirent } from 'node:fs';
import { readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError } from '#core';
import { LOG_DIR } from '../delta/log.js';

/** A Parquet file found under a table directory. */
export interface DataFile {
  /** Relative to the table, '/'-separated: the form of a snapshot's file keys. */
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * Delta's rule for what a table directory's listing ignores: names starting with '.' or '_'
 * (the log, checkpoints, temporary and checksum files), except '_'-prefixed partition
 * directories, which hold '='.
 */
const hidden = (name: string) => name.startsWith('.') || (name.startsWith('_') && !name.includes('='));

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InfraError('lake.read', `cannot list ${dir}`, { cause: e });
  }
}

/**
 * The Parquet data files under a table directory: every `*.parquet` outside `_delta_log` and
 * hidden names. Symbolic links are not followed.
 */
export async function listDataFiles(tableDir: string): Promise<DataFile[]> {
  const out: DataFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await entries(join(tableDir, rel))) {
      if (hidden(entry.name) || (rel === '' && entry.name === LOG_DIR)) continue;
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name.endsWith('.parquet')) {
        const s = await stat(join(tableDir, path)).catch(() => undefined);
        if (s) out.push({ path, size: s.size, mtimeMs: s.mtimeMs });
      }
    }
  };
  await walk('');
  return out;
}

/**
 * Remove partition directories (names holding '=') that are empty, deepest first, so a
 * partition that loses its last file disappears with its parents. Returns how many went.
 */
export async function removeEmptyPartitionDirs(tableDir: string): Promise<number> {
  let removed = 0;
  const visit = async (rel: string): Promise<boolean> => {
    let empty = true;
    for (const entry of await entries(join(tableDir, rel))) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() && entry.name.includes('=') && !hidden(entry.name)) {
        if (!(await visit(path))) empty = false;
      } else empty = false;
    }
    if (rel === '' || !empty) return false;
    try {
      await rmdir(join(tableDir, rel));
      removed++;
      return true;
    } catch (e) {
      // A writer put a file there meanwhile, or another vacuum got there first: both fine.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return false;
      throw new InfraError('lake.vacuum', `cannot remove ${join(tableDir, rel)}`, { cause: e });
    }
  };
  await visit('');
  return removed;
}
