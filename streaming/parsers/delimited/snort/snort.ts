import { type Event, type FieldValue, fail, ok, type Result } from '#core';
import { javaTimeZone } from '#stellar';
import type { ParseFn, ParserContext } from '../../parser.js';
import { javaTrim } from '../java-text.js';
import { JavaTimeFormat } from '../java-time-format.js';
import { CsvSplitter, isIgnoredLine } from '../opencsv.js';
import { DEFAULT_SNORT_DATE_FORMAT, type SnortConfig } from './config.js';

/**
 * Snort's `alert_csv` output as Metron's BasicSnortParser reads it: 27 fixed columns, every one
 * kept as the trimmed string Snort wrote (existing rules compare `"80"`, not `80`), the first
 * turned into epoch ms, `is_alert: "true"`, and the raw line as `original_string`. Columns past
 * the 27th are ignored, as in Metron.
 */

/** Snort's alert_csv columns, in order, under Metron's names. */
export const SNORT_COLUMNS = [
  'timestamp',
  'sig_generator',
  'sig_id',
  'sig_rev',
  'msg',
  'protocol',
  'ip_src_addr',
  'ip_src_port',
  'ip_dst_addr',
  'ip_dst_port',
  'ethsrc',
  'ethdst',
  'ethlen',
  'tcpflags',
  'tcpseq',
  'tcpack',
  'tcplen',
  'tcpwindow',
  'ttl',
  'tos',
  'id',
  'dgmlen',
  'iplen',
  'icmptype',
  'icmpcode',
  'icmpid',
  'icmpseq',
] as const;

function bad(code: string, message: string, field?: string): Result<Event[]> {
  return fail({ stage: 'parser_error', code, message, ...(field ? { field } : {}) });
}

/** Build the per-line function: the date pattern and zone are resolved here, once. */
export function buildSnortParser(config: SnortConfig, ctx: ParserContext): ParseFn {
  const pattern = config.dateFormat || DEFAULT_SNORT_DATE_FORMAT;
  const format = JavaTimeFormat.of(pattern);
  const zone = javaTimeZone(config.timeZone || ctx.timezone);
  const splitter = new CsvSplitter(',');

  return (line: string): Result<Event[]> => {
    if (isIgnoredLine(line)) return bad('snort.empty', 'a blank or comment line is not a Snort alert');
    const tokens = splitter.split(line);
    if (!tokens) return bad('snort.quote', 'a quoted column is not closed');
    if (tokens.length < SNORT_COLUMNS.length) {
      return bad(
        'snort.columns',
        `expected ${SNORT_COLUMNS.length} comma-separated columns (Snort alert_csv), got ${tokens.length}`,
      );
    }
    const event: Record<string, FieldValue> = {};
    for (let i = 1; i < SNORT_COLUMNS.length; i++) {
      event[SNORT_COLUMNS[i] as string] = javaTrim(tokens[i] as string);
    }
    const time = javaTrim(tokens[0] as string);
    const timestamp = format.parse(time, zone);
    if (timestamp === undefined) {
      return bad('snort.timestamp', `'${time}' does not match the date format '${pattern}'`, 'timestamp');
    }
    event.timestamp = timestamp;
    event.original_string = line;
    event.is_alert = 'true';
    return ok([event as Event]);
  };
}
