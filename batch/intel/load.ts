import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checkInputFiles, classifyIndicator, type Event, UsageError } from '#core';
import { openLakeWriter, openSql } from '#lake';
import { readStixBundle } from './stix.js';

/**
 * Threat-intel files into the lake's `threatintel` table: STIX 2.1 bundles and CSV files of
 * one indicator per line, told apart by content. An indicator the table already holds for the
 * same type — for at least as long (no `valid_until`, or a later one) — is not added again,
 * so loading the same files twice adds nothing the second time, while a feed that extends an
 * indicator's validity adds a row that says so. New rows go in one commit.
 */

/** The lake table threat-intel indicators are kept in (Metron's threat-intel table name). */
export const THREAT_INTEL_TABLE = 'threatintel';

export interface LoadIntelOptions {
  /** Lake directory (created if missing). */
  lake: string;
  /** STIX 2.1 bundles (JSON) or CSV files. */
  files: readonly string[];
  /** Metron threat-intel type of every indicator; required for CSV, overrides STIX's defaults. */
  type?: string;
  /** CSV: the 0-based column holding the indicator (default 0). */
  column?: number;
  /** Recorded as each row's `source` (default: a bundle's id, else the file's name). */
  source?: string;
  /** Load time, epoch ms: each row's `timestamp` (default: now). */
  now?: number;
}

/** An indicator, line or object that was not loaded, and why. */
export interface IntelSkip {
  file: string;
  /** CSV: the 1-based line. */
  line?: number;
  /** STIX: the object's id (or its place in the bundle). */
  id?: string;
  reason: string;
}

export interface IntelLoadReport {
  files: number;
  /** Indicators read from the files. */
  read: number;
  /** Rows appended. */
  added: number;
  /** Indicators the table (or an earlier file or line of this load) already held. */
  alreadyPresent: number;
  /** Revoked STIX indicators left out. */
  revoked: number;
  skipped: IntelSkip[];
  byType: Record<string, { read: number; added: number }>;
  /** The table version committed; undefined when nothing was added. */
  version?: number;
}

interface Candidate {
  type: string;
  indicator: string;
  stixId: string | null;
  validUntil: number | null;
  source: string;
  file: string;
}

/**
 * Load threat-intel files into the lake. Every file is read before the lake is touched: a
 * missing file, a JSON file that is not a STIX bundle, or a CSV file without `type` is bad
 * input (UsageError) and nothing is written.
 *
 * @example
 * await loadIntel({ lake: 'data/lake', files: ['feed.json'] })           // STIX: types by object
 * await loadIntel({ lake: 'data/lake', files: ['ips.csv'], type: 'malicious_ip' })
 */
export async function loadIntel(options: LoadIntelOptions): Promise<IntelLoadReport> {
  const column = options.column ?? 0;
  if (!Number.isSafeInteger(column) || column < 0)
    throw new UsageError(`column must be a whole number ≥ 0, got ${column}`);
  if (options.type !== undefined && options.type.trim() === '')
    throw new UsageError('the threat-intel type must not be empty');
  checkInputFiles(options.files);

  const report: IntelLoadReport = {
    files: options.files.length,
    read: 0,
    added: 0,
    alreadyPresent: 0,
    revoked: 0,
    skipped: [],
    byType: {},
  };
  const candidates: Candidate[] = [];
  for (const file of options.files) {
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    if (text.trimStart().startsWith('{')) {
      const stix = readStixBundle(text, file, options.type === undefined ? {} : { type: options.type });
      const source = options.source ?? stix.bundleId ?? basename(file);
      for (const i of stix.indicators) candidates.push({ ...i, source, file });
      for (const s of stix.skipped) report.skipped.push({ file, id: s.id, reason: s.reason });
      report.revoked += stix.revoked;
    } else {
      if (options.type === undefined) {
        throw new UsageError(
          `${file}: CSV indicators need a type (--type, e.g. malicious_ip); only STIX bundles carry their own`,
        );
      }
      const source = options.source ?? basename(file);
      readCsv(text, column, (line, indicator) => {
        if (indicator === undefined) report.skipped.push({ file, line, reason: `no column ${column}` });
        else
          candidates.push({
            type: options.type as string,
            indicator,
            stixId: null,
            validUntil: null,
            source,
            file,
          });
      });
    }
  }

  const now = options.now ?? Date.now();
  const held = await heldUntil(options.lake, new Set(candidates.map((c) => c.type)));
  const rows: Event[] = [];
  for (const c of candidates) {
    const { kind, value } = classifyIndicator(c.indicator);
    if (value === '') {
      report.skipped.push({ file: c.file, ...(c.stixId ? { id: c.stixId } : {}), reason: 'empty indicator' });
      continue;
    }
    const counts = report.byType[c.type] ?? { read: 0, added: 0 };
    report.byType[c.type] = counts;
    counts.read++;
    report.read++;
    const key = `${c.type}\u0000${value}`;
    const until = c.validUntil ?? Number.POSITIVE_INFINITY;
    if ((held.get(key) ?? Number.NEGATIVE_INFINITY) >= until) {
      report.alreadyPresent++;
      continue;
    }
    held.set(key, until);
    counts.added++;
    report.added++;
    rows.push({
      timestamp: now,
      type: c.type,
      indicator: value,
      kind,
      source: c.source,
      stix_id: c.stixId,
      valid_until: c.validUntil,
    });
  }
  if (rows.length > 0) {
    const lake = await openLakeWriter(options.lake);
    try {
      report.version = (await lake.append(THREAT_INTEL_TABLE, rows)).version;
    } finally {
      lake.close();
    }
  }
  return report;
}

/**
 * CSV lines: the cell in `column` of each line (split on commas, trimmed), undefined when the
 * line has no such cell. Blank lines and `#` comments are passed over, as Metron's loader does.
 */
function readCsv(text: string, column: number, each: (line: number, cell: string | undefined) => void): void {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const cell = line.split(',')[column]?.trim();
    each(i + 1, cell === '' ? undefined : cell);
  }
}

/**
 * What the table holds for the given types: (type, indicator) → the latest `valid_until`
 * (+∞ for a row without one). Empty when the table does not exist yet.
 */
async function heldUntil(lakeDir: string, types: ReadonlySet<string>): Promise<Map<string, number>> {
  const held = new Map<string, number>();
  if (types.size === 0 || !existsSync(join(lakeDir, THREAT_INTEL_TABLE, '_delta_log'))) return held;
  const sql = await openSql(lakeDir);
  try {
    const list = [...types].map((t) => `'${t.replace(/'/g, "''")}'`).join(', ');
    const { rows } = await sql.query(
      'SELECT type, indicator, bool_or(valid_until IS NULL) AS forever, max(valid_until) AS until ' +
        `FROM ${THREAT_INTEL_TABLE} WHERE type IN (${list}) GROUP BY type, indicator`,
    );
    for (const r of rows) {
      const until = r.forever === true ? Number.POSITIVE_INFINITY : Number(r.until);
      held.set(`${r.type as string}\u0000${r.indicator as string}`, until);
    }
  } finally {
    sql.close();
  }
  return held;
}
