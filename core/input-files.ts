import { statSync } from 'node:fs';
import { UsageError } from './errors.js';

/** The name that means standard input among input files. */
export const STDIN = '-';

/**
 * Check input files before any work starts: at least one, each an existing regular file, and
 * `-` (standard input) at most once when `stdin` allows it.
 */
export function checkInputFiles(files: readonly string[], options: { stdin?: boolean } = {}): void {
  if (files.length === 0) throw new UsageError('no input files given');
  if (options.stdin && files.filter((f) => f === STDIN).length > 1)
    throw new UsageError("'-' (standard input) can be given once");
  for (const f of files) {
    if (options.stdin && f === STDIN) continue;
    let isFile = false;
    try {
      isFile = statSync(f).isFile();
    } catch {
      throw new UsageError(`file not found: ${f}`);
    }
    if (!isFile) throw new UsageError(`not a file: ${f}`);
  }
}
