import { type Event, type FieldValue, ok, type Result } from '#core';
import { javaTimeZone } from '#stellar';
import type { ParseFn, ParserContext } from '../../parser.js';
import { bad, eachLine } from '../common.js';
import { fractionMillis, parseSyslogPrefix, parseSyslogTimestamp, zonedMillis } from '../header.js';

/**
 * Cisco ISE syslog as Metron's `BasicIseParser` shapes it: everything before the first comma is
 * `header` (syslog header, ISE header and message text), then comma-separated `key=value`
 * attributes, keys and values trimmed, a later duplicate key winning, an empty value null.
 * A value that is itself `k=v` pairs separated by `\,` (ISE's `EndpointProperty=a=1\,b=2`,
 * `cisco-av-pair=name=value`) is a map in Metron (its grammar's `innerMap`); here it is
 * flattened to `EndpointProperty.a`, `EndpointProperty.b` so the event stays flat. Other
 * values have `\,` read as a comma. `Device IP Address`, `Device Port`, `DestinationIPAddress` and
 * `DestinationPort` are copied to the 5-tuple fields (as strings, like Metron).
 *
 * Metron sets no `timestamp`; here it is the ISE time in the header
 * (`2014-08-07 00:45:43.741 -07:00`), else the syslog time, else the clock. A comma-separated
 * piece without `=` (`dhcp-parameter-request-list=1\, 3\, 6`) continues the previous value.
 * Metron's generated JavaCC parser is kept without its token definitions, so where this reading
 * and Metron's could differ (such pieces, backslashes) it follows the ISE format, not Metron.
 */

const ISE_TIME = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ([+-])(\d{2}):(\d{2})/;
const UNESCAPED_COMMA = /(?<!\\),/;
const ESCAPED_COMMA = /\\,/g;
const UTC = javaTimeZone('UTC');

const TUPLE: readonly (readonly [from: string, to: string])[] = [
  ['Device IP Address', 'ip_src_addr'],
  ['Device Port', 'ip_src_port'],
  ['DestinationIPAddress', 'ip_dst_addr'],
  ['DestinationPort', 'ip_dst_port'],
];

/** The ISE time written in the header, as epoch ms. */
function iseTime(header: string): number | undefined {
  const m = ISE_TIME.exec(header);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, sign, oh, om] = m;
  const local = zonedMillis(
    UTC,
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    fractionMillis(frac),
  );
  if (local === undefined) return undefined;
  return local - (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
}

/**
 * `[key, value]` pairs; a piece without `=` continues the previous value (or, before the first
 * pair, goes to `orphans`); a blank one (a trailing comma) is dropped.
 */
function pairs(pieces: readonly string[], separator: string, orphans?: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const piece of pieces) {
    const eq = piece.indexOf('=');
    const last = out[out.length - 1];
    if (eq < 0 && piece.trim() === '') continue;
    if (eq >= 0) out.push([piece.slice(0, eq).trim(), piece.slice(eq + 1)]);
    else if (last) last[1] += separator + piece;
    else orphans?.push(piece);
  }
  return out;
}

const nullIfEmpty = (text: string): FieldValue => (text === '' ? null : text);

/** Build the per-record function for a sensor. */
export function buildIse(ctx: ParserContext): ParseFn {
  const zone = javaTimeZone(ctx.timezone);

  function parseLine(line: string): Result<Event[]> {
    const pieces = line.trim().split(UNESCAPED_COMMA);
    const headerPieces = [pieces[0] as string];
    const attributes = pairs(pieces.slice(1), ',', headerPieces);
    const header = headerPieces.join(',').trim();
    const now = ctx.now();
    let timestamp = iseTime(header);
    if (timestamp === undefined) {
      const prefix = parseSyslogPrefix(header);
      if (prefix.time !== undefined) timestamp = parseSyslogTimestamp(prefix.time, zone, now);
    }
    if (attributes.length === 0 && timestamp === undefined) {
      return bad('ise.attributes', 'expected an ISE syslog header and comma-separated key=value attributes');
    }
    const event: Event = {};
    if (header !== '') event.header = header;
    for (const [key, raw] of attributes) {
      const value = raw.trim();
      const inner = value.split('\\,');
      const first = inner[0] as string;
      if (first.includes('=')) {
        for (const [name, innerValue] of pairs(inner, ',')) {
          event[`${key}.${name}`] = nullIfEmpty(innerValue.trim());
        }
      } else {
        event[key] = nullIfEmpty(value.replace(ESCAPED_COMMA, ','));
      }
    }
    for (const [from, to] of TUPLE) {
      const v = event[from];
      if (typeof v === 'string') event[to] = v;
    }
    event.timestamp = timestamp ?? now;
    return ok([event]);
  }

  return (raw) => eachLine(raw, parseLine);
}
