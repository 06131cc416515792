import { UsageError } from '#core';
import {
  type CompactReport,
  compactLake,
  compactTable,
  openDuckDb,
  type VacuumReport,
  vacuumLake,
  vacuumTable,
} from '#lake';
import { progressLine } from '../progress.js';

/** Where reports go; stdout unless a caller (a test) collects them. */
type Output = { write(text: string): unknown };

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * Parse a size: plain bytes ("1048576") or a number with a unit, decimal (KB, MB, GB, TB =
 * powers of 1000, as DuckDB reads them) or binary (KiB, MiB, GiB, TiB); case-insensitive.
 */
export function parseSize(text: string, option = '--target-size'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const factor = m ? SIZE_UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  const bytes = m && factor ? Math.floor(Number(m[1]) * factor) : Number.NaN;
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes)) {
    throw new UsageError(
      `${option}: invalid size '${text}'; use bytes or a number with a unit, e.g. 128MiB, 512KB, 1GB ` +
        '(units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)',
    );
  }
  return bytes;
}

const DURATION_UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Parse a duration: a whole number and one unit, s, m, h, d or w ("30d", "12h", "90m", "0s"). */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (DURATION_UNITS[m[2] as string] as number) : Number.NaN;
  if (!Number.isSafeInteger(ms)) {
    throw new UsageError(
      `${option}: invalid duration '${text}'; use a whole number and a unit, e.g. 30d, 12h, 90m, 0s ` +
        '(units: s, m, h, d, w)',
    );
  }
  return ms;
}

/** Bytes in decimal units, matching how sizes are parsed ("28.1 MB"). */
function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const count = (n: number, noun: string) => `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;

function compactLine(r: CompactReport): string {
  if (r.version === undefined)
    return `${r.table}: nothing to compact (${count(r.filesBefore, 'file')}, ${formatBytes(r.bytesBefore)})`;
  return (
    `${r.table}: ${count(r.partitions, 'partition')} compacted, ${r.filesBefore} → ${count(r.filesAfter, 'file')}, ` +
    `${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)} (${count(r.rows, 'row')} rewritten, version ${r.version})`
  );
}

/** Compact one table, or every table of the lake, and print one line per table plus totals. */
export async function compact(
  options: { lake: string; table?: string; targetSize: string },
  out: Output = process.stdout,
): Promise<CompactReport[]> {
  const targetBytes = parseSize(options.targetSize);
  const progress = progressLine();
  const db = await openDuckDb();
  let reports: CompactReport[];
  try {
    const run = { targetBytes, onProgress: (m: string) => progress.update(`${m}…`) };
    reports = options.table
      ? [await compactTable(db, options.lake, options.table, run)]
      : await compactLake(db, options.lake, run);
  } finally {
    progress.done();
    db.close();
  }
  for (const r of reports) out.write(`${compactLine(r)}\n`);
  if (reports.length !== 1) {
    const sum = (f: (r: CompactReport) => number) => reports.reduce((n, r) => n + f(r), 0);
    out.write(
      `total: ${count(reports.length, 'table')}, ${count(
        sum((r) => r.partitions),
        'partition',
      )} compacted, ` +
        `${sum((r) => r.filesBefore)} → ${count(
          sum((r) => r.filesAfter),
          'file',
        )}, ${formatBytes(sum((r) => r.bytesBefore))} → ${formatBytes(sum((r) => r.bytesAfter))}\n`,
    );
  }
  return reports;
}

function vacuumLine(r: VacuumReport, minAge: string): string {
  const parts: string[] = [];
  if (r.keepFrom !== undefined) {
    if (r.partitionsDropped.length === 0) parts.push(`no partitions before ${r.keepFrom}`);
    else {
      const rows = r.rowsDropped === undefined ? 'rows unknown' : count(r.rowsDropped, 'row');
      const version = r.version === undefined ? '' : `, version ${r.version}`;
      const first = r.partitionsDropped[0] as string;
      const last = r.partitionsDropped.at(-1) as string;
      const days = first === last ? first : `${first} to ${last}`;
      parts.push(
        `${r.dryRun ? 'would drop' : 'dropped'} ${count(r.partitionsDropped.length, 'partition')} before ` +
          `${r.keepFrom} (${days}: ${rows}, ${count(r.filesDropped, 'file')}${version})`,
      );
    }
  }
  parts.push(
    `${r.dryRun ? 'would delete' : 'deleted'} ${count(r.filesDeleted, 'unreferenced file')} (${formatBytes(r.bytesFreed)})`,
  );
  if (r.filesKept > 0) parts.push(`kept ${r.filesKept} written or removed within ${minAge}`);
  if (r.dirsRemoved > 0)
    parts.push(`removed ${r.dirsRemoved} empty ${r.dirsRemoved === 1 ? 'directory' : 'directories'}`);
  return `${r.table}${r.dryRun ? ' (dry run)' : ''}: ${parts.join('; ')}`;
}

/**
 * Vacuum one table, or every table of the lake: drop day partitions older than `retain` (if
 * given), then delete unreferenced data files older than `minAge`. Prints one line per table
 * plus totals.
 */
export async function vacuum(
  options: { lake: string; table?: string; retain?: string; minAge: string; dryRun?: boolean },
  out: Output = process.stdout,
): Promise<VacuumReport[]> {
  const retainMs = options.retain === undefined ? undefined : parseDuration(options.retain, '--retain');
  const minAgeMs = parseDuration(options.minAge, '--min-age');
  if (minAgeMs < 3_600_000 && !options.dryRun) {
    process.stderr.write(
      `warning: --min-age ${options.minAge} may delete files a running writer has not committed yet, ` +
        'or that a running query or time travel still reads\n',
    );
  }
  const progress = progressLine();
  let reports: VacuumReport[];
  try {
    const run = {
      retainMs,
      minAgeMs,
      dryRun: options.dryRun === true,
      onProgress: (m: string) => progress.update(`${m}…`),
    };
    reports = options.table
      ? [await vacuumTable(options.lake, options.table, run)]
      : await vacuumLake(options.lake, run);
  } finally {
    progress.done();
  }
  for (const r of reports) out.write(`${vacuumLine(r, options.minAge)}\n`);
  if (reports.length !== 1) {
    const sum = (f: (r: VacuumReport) => number) => reports.reduce((n, r) => n + f(r), 0);
    const verb = options.dryRun ? 'would be ' : '';
    out.write(
      `total: ${count(reports.length, 'table')}, ${count(
        sum((r) => r.partitionsDropped.length),
        'partition',
      )} ${verb}dropped, ` +
        `${count(
          sum((r) => r.filesDeleted),
          'file',
        )} ${verb}deleted, ${formatBytes(sum((r) => r.bytesFreed))} ${verb}freed\n`,
    );
  }
  return reports;
}
