import { type IntelLoadReport, loadIntel, THREAT_INTEL_TABLE } from '#batch';
import { UsageError } from '#core';

/** Where reports go; stdout unless a caller (a test) collects them. */
type Output = { write(text: string): unknown };

const count = (n: number, noun: string) => `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;

/** A whole number ≥ 0 from the command line. */
function parseColumn(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`--column: expected a whole number ≥ 0, got '${text}'`);
  return n;
}

/**
 * Load threat-intel files into the lake's `threatintel` table and print what happened: totals,
 * one line per type, and the first `showSkipped` indicators not loaded as `file:line: reason`
 * (`file:id: reason` for STIX objects).
 */
export async function load(
  options: {
    lake: string;
    files: readonly string[];
    type?: string;
    column?: string;
    source?: string;
    showSkipped?: number;
  },
  out: Output = process.stdout,
): Promise<IntelLoadReport> {
  const report = await loadIntel({
    lake: options.lake,
    files: options.files,
    ...(options.type === undefined ? {} : { type: options.type }),
    ...(options.column === undefined ? {} : { column: parseColumn(options.column) }),
    ...(options.source === undefined ? {} : { source: options.source }),
  });
  const version = report.version === undefined ? '' : ` (version ${report.version})`;
  out.write(
    `${THREAT_INTEL_TABLE}: ${count(report.files, 'file')}, ${count(report.read, 'indicator')} read, ` +
      `${report.added.toLocaleString('en')} added, ${report.alreadyPresent.toLocaleString('en')} already present, ` +
      `${report.skipped.length.toLocaleString('en')} skipped` +
      (report.revoked > 0 ? `, ${report.revoked.toLocaleString('en')} revoked left out` : '') +
      `${version}\n`,
  );
  for (const [type, n] of Object.entries(report.byType).sort(([a], [b]) => a.localeCompare(b))) {
    out.write(`  ${type}: ${n.read.toLocaleString('en')} read, ${n.added.toLocaleString('en')} added\n`);
  }
  const limit = options.showSkipped ?? 10;
  for (const s of report.skipped.slice(0, limit))
    out.write(`skipped: ${s.file}:${s.line ?? s.id}: ${s.reason}\n`);
  if (report.skipped.length > limit) out.write(`skipped: … and ${report.skipped.length - limit} more\n`);
  return report;
}
