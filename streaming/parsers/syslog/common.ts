import { type Event, fail, type Result } from '#core';
import { JavaDateFormat, type JavaZone } from '#stellar';
import { type ParseResult, parseEachLine } from '../parser.js';
import { inferYearMillis } from './header.js';

/** Helpers the syslog-family parsers share: errors, multi-line records, Java number and date reading. */

/** A parser error for this record. */
export function bad(code: string, message: string, field?: string): Result<never> {
  return fail({ stage: 'parser_error', code, message, ...(field === undefined ? {} : { field }) });
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Parse each line of a record, as Metron's line-reading parsers do (a record normally is one
 * line). Blank lines are skipped; a bad line is its own error and the good lines still count.
 */
export function eachLine(raw: string, parseLine: (line: string) => Result<Event[]>): ParseResult {
  if (!raw.includes('\n') && !raw.includes('\r')) {
    return raw.trim() === '' ? bad('record.empty', 'the record is empty') : parseLine(raw);
  }
  const result = parseEachLine(raw.split(LINE_BREAK), parseLine, true);
  if (result.ok && result.value.length === 0 && !('failed' in result)) {
    return bad('record.empty', 'the record is empty');
  }
  return result;
}

const INT = /^[+-]?\d{1,10}$/;
const INT_MAX = 2_147_483_647;

/** Java's `Integer.valueOf`: the value, or undefined where Java throws. */
export function javaInt(text: string): number | undefined {
  if (!INT.test(text)) return undefined;
  const n = Number(text);
  return n > INT_MAX || n < -INT_MAX - 1 ? undefined : n;
}

const DIGITS = /^\d+$/;
const MS_PER_DAY = 86_400_000;

/** The date formats Metron's `DateUtils.DATE_FORMATS_CEF` tries, in order. */
export const CEF_DATE_FORMATS: readonly JavaDateFormat[] = [
  'MMM dd HH:mm:ss.SSS zzz',
  'MMM dd HH:mm:ss.SSS',
  'MMM dd HH:mm:ss zzz',
  'MMM dd HH:mm:ss',
  'MMM dd yyyy HH:mm:ss.SSS zzz',
  'MMM dd yyyy HH:mm:ss.SSS',
  'MMM dd yyyy HH:mm:ss zzz',
  'MMM dd yyyy HH:mm:ss',
  'dd MMMM yyyy HH:mm:ss',
].map((p) => JavaDateFormat.of(p));

/** The date formats Metron's `DateUtils.DATE_FORMATS_LEEF` tries, in order. */
export const LEEF_DATE_FORMATS: readonly JavaDateFormat[] = [
  'MMM dd yyyy HH:mm:ss.SSS zzz',
  'MMM dd yyyy HH:mm:ss.SSS',
  'MMM dd yyyy HH:mm:ss',
].map((p) => JavaDateFormat.of(p));

/**
 * Metron's `DateUtils.parseMultiformat`: all digits is epoch ms; otherwise the first format
 * that reads the text wins, a time without a year (1970) takes the current year, and a time
 * more than four days ahead of the clock moves back a year.
 */
export function parseMultiformat(
  text: string,
  formats: readonly JavaDateFormat[],
  zone: JavaZone,
  now: number,
): number | undefined {
  if (DIGITS.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  for (const format of formats) {
    const ms = format.parse(text, zone, now);
    if (ms === undefined) continue;
    const local = new Date(ms + zone.offset(ms));
    const fields = [
      local.getUTCMonth(),
      local.getUTCDate(),
      local.getUTCHours(),
      local.getUTCMinutes(),
      local.getUTCSeconds(),
      local.getUTCMilliseconds(),
    ] as const;
    if (local.getUTCFullYear() === 1970) return inferYearMillis(zone, now, ...fields);
    if (ms <= now + 4 * MS_PER_DAY) return ms;
    const lastYear = new Date(local);
    lastYear.setUTCFullYear(local.getUTCFullYear() - 1);
    return zone.toUtc(lastYear.getTime());
  }
  return undefined;
}
