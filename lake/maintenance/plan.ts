import type { AddFile, Snapshot } from '../delta/log.js';
import { CODEC_TAG } from '../delta/schema.js';

/** A live file of a snapshot: its key (the decoded path) and its add action. */
export interface LiveFile {
  key: string;
  add: AddFile;
}

/** Small files of one partition to rewrite as one file. */
export interface CompactionBin {
  /** `dt=2024-05-01`, or `(unpartitioned)`. */
  partition: string;
  partitionValues: Record<string, string | null>;
  files: LiveFile[];
  bytes: number;
}

/**
 * Which files to rewrite. Per partition, the files smaller than half the target are taken
 * oldest first and packed into bins of at most `targetBytes` of input; a partition needs
 * `minFiles` small files to be touched, and a bin of one file is left alone (rewriting it
 * would gain nothing). Every closed bin holds at least two files, since two small files
 * always fit; only a partition's last bin can end up alone. Files written uncompressed (the
 * packet store's, tagged {@link CODEC_TAG}) are rewritten whatever their size and even alone:
 * there the rewrite gains the compression.
 */
export function planCompaction(snapshot: Snapshot, targetBytes: number, minFiles: number): CompactionBin[] {
  const columns = snapshot.metadata.partitionColumns;
  const partitions = new Map<string, LiveFile[]>();
  for (const [key, add] of snapshot.files) {
    if (add.size >= targetBytes / 2 && !uncompressed(add)) continue;
    const id = JSON.stringify(columns.map((c) => add.partitionValues[c] ?? null));
    let list = partitions.get(id);
    if (!list) {
      list = [];
      partitions.set(id, list);
    }
    list.push({ key, add });
  }
  const bins: CompactionBin[] = [];
  for (const files of [...partitions.values()].sort((a, b) =>
    label(a, columns).localeCompare(label(b, columns)),
  )) {
    if (files.length < minFiles && !files.some((f) => uncompressed(f.add))) continue;
    files.sort((a, b) => a.add.modificationTime - b.add.modificationTime || a.key.localeCompare(b.key));
    const first = (files[0] as LiveFile).add.partitionValues;
    const partition = label(files, columns);
    let bin: CompactionBin | undefined;
    for (const file of files) {
      if (!bin || (bin.bytes + file.add.size > targetBytes && bin.files.length > 0)) {
        bin = { partition, partitionValues: first, files: [], bytes: 0 };
        bins.push(bin);
      }
      bin.files.push(file);
      bin.bytes += file.add.size;
    }
  }
  return bins.filter((b) => b.files.length >= 2 || b.files.some((f) => uncompressed(f.add)));
}

const uncompressed = (add: AddFile): boolean => add.tags?.[CODEC_TAG] === 'uncompressed';

function label(files: readonly LiveFile[], columns: readonly string[]): string {
  const values = (files[0] as LiveFile).add.partitionValues;
  return columns.length === 0
    ? '(unpartitioned)'
    : columns.map((c) => `${c}=${values[c] ?? 'null'}`).join('/');
}
