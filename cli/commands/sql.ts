import { UsageError } from '#core';
import { type AsOf, openSql } from '#lake';
import { type Format, formatResult } from '../format.js';
import { parseDuration } from './batch.js';

/** Below this a bare number after `TABLE=` is a version; from it on, epoch milliseconds (1970-04-26). */
const EPOCH_MS_FROM = 10_000_000_000;

const TABLE = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parse `--as-of` values: `TABLE=VERSION`, `TABLE=TIME`, or a bare `TIME` for every table not
 * named. TIME is ISO 8601 with a zone (`2026-11-27T12:00:00Z`, `…+01:00`), a date (UTC
 * midnight), or epoch milliseconds. After `TABLE=`, a number below 10^10 is a version.
 */
export function parseAsOf(values: readonly string[]): AsOf {
  const versions: Record<string, number> = {};
  const timestamps: Record<string, number> = {};
  let all: number | undefined;
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq < 0) {
      if (all !== undefined)
        throw new UsageError(`--as-of: one TIME for all tables, got a second: '${value}'`);
      all = parseTime(value);
      continue;
    }
    const table = value.slice(0, eq);
    const when = value.slice(eq + 1);
    if (!TABLE.test(table)) throw new UsageError(`--as-of: '${table}' is not a table name (in '${value}')`);
    if (table in versions || table in timestamps)
      throw new UsageError(`--as-of: table '${table}' is given twice`);
    if (/^\d+$/.test(when) && Number(when) < EPOCH_MS_FROM) versions[table] = Number(when);
    else timestamps[table] = parseTime(when, value);
  }
  return { versions, timestamps, ...(all === undefined ? {} : { all }) };
}

/** A time option's value (`--from`, `--start-time`): ISO 8601 with a zone, or epoch ms. */
export function timeOption(text: string, option: string): number {
  try {
    return parseTime(text.trim());
  } catch {
    throw new UsageError(
      `${option}: expected ISO 8601 with a zone (2026-11-28T12:00:00Z) or epoch milliseconds, got '${text}'`,
    );
  }
}

/** Epoch ms of an ISO 8601 date or date-time with zone, or of epoch ms digits. */
export function parseTime(text: string, whole = text): number {
  const bad = () =>
    new UsageError(
      `--as-of expects TABLE=VERSION, TABLE=TIME or TIME, with TIME as ISO 8601 with a zone ` +
        `(2026-11-27T12:00:00Z) or epoch milliseconds; got '${whole}'`,
    );
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    if (!Number.isSafeInteger(ms) || Number.isNaN(new Date(ms).getTime())) throw bad();
    return ms;
  }
  const m = ISO_DATE.exec(text) ?? ISO_DATE_TIME.exec(text);
  if (!m) throw bad();
  const [year, month, day, hour = '0', minute = '0', second = '0'] = m.slice(1).map((x) => x ?? '0');
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59
  )
    throw bad();
  const ms = Date.parse(m[7] === undefined ? `${text}T00:00:00Z` : text.toUpperCase().replace(' ', 'T'));
  if (Number.isNaN(ms)) throw bad();
  return ms;
}

/** Run one query over the lake and print it. */
export async function sql(options: {
  lake: string;
  format: Format;
  query: string;
  asOf: string[];
  timeout?: string;
}): Promise<void> {
  const timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout, '--timeout');
  if (timeoutMs === 0) throw new UsageError('--timeout: must be more than 0s');
  const session = await openSql(options.lake, { asOf: parseAsOf(options.asOf) });
  try {
    const result = await session.query(options.query, timeoutMs === undefined ? {} : { timeoutMs });
    process.stdout.write(formatResult(result, options.format));
  } finally {
    session.close();
  }
}
