import { type Event, type FieldValue, fail, ok, type Result } from '#core';
import { JavaDateFormat, javaTimeZone } from '#stellar';
import type { ParseFn, ParserContext } from '../../parser.js';
import { javaTrim } from '../java-text.js';
import { CsvSplitter, columnList, isIgnoredLine } from '../opencsv.js';
import type { CsvConfig } from './config.js';

/**
 * Metron's CSVParser: the configured columns as trimmed strings, `original_string` the line.
 * A `timestamp` column becomes epoch ms — read as a number, or with `timestampFormat` — and is
 * left as the text it was when that fails, so a field transformation can still fix it (else the
 * event is invalid, as in Metron). Without one, the time is the clock's. Blank lines and lines
 * starting with `#` yield nothing.
 */

const INTEGER = /^[+-]?\d+$/;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** BeanUtils' Long conversion as Metron's ConversionUtils uses it: `Long.valueOf`, else nothing. */
function toLong(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = BigInt(text);
  return n < LONG_MIN || n > LONG_MAX ? undefined : Number(n);
}

/** Build the per-line function: columns and the date pattern are resolved here, once. */
export function buildCsvParser(config: CsvConfig, ctx: ParserContext): ParseFn {
  const columns = columnList(config.columns);
  const splitter = new CsvSplitter(config.separator ?? ',');
  const format = config.timestampFormat === undefined ? undefined : JavaDateFormat.of(config.timestampFormat);
  const zone = javaTimeZone(ctx.timezone);
  const width = Math.max(0, ...columns.map((c) => c[1] + 1));

  return (line: string): Result<Event[]> => {
    if (isIgnoredLine(line)) return ok([]);
    const tokens = splitter.split(line);
    if (!tokens)
      return fail({ stage: 'parser_error', code: 'csv.quote', message: 'a quoted column is not closed' });
    if (tokens.length < width) {
      const missing = columns.find((c) => c[1] >= tokens.length) as [string, number];
      return fail({
        stage: 'parser_error',
        code: 'csv.columns',
        message: `the line has ${tokens.length} columns; '${missing[0]}' is column ${missing[1]} (0-based)`,
        field: missing[0],
      });
    }
    const event: Record<string, FieldValue> = {};
    for (const [name, index] of columns) event[name] = javaTrim(tokens[index] as string);
    event.original_string = line;
    const time = event.timestamp;
    if (typeof time !== 'string') event.timestamp = ctx.now();
    else {
      const ms = format ? format.parse(time, zone, ctx.now()) : toLong(time);
      if (ms !== undefined) event.timestamp = ms;
    }
    return ok([event as Event]);
  };
}
