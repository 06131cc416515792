import { type Event, ok, type Result } from '#core';
import { JavaDateFormat, javaTimeZone, PatternError } from '#stellar';
import type { ParseFn, ParserContext } from '../../parser.js';
import { headerFieldEnd, parseExtension, unescapeCef } from '../cef/extension.js';
import { bad, eachLine, javaInt, LEEF_DATE_FORMATS, parseMultiformat } from '../common.js';
import { parseSyslogPrefix, parseSyslogTimestamp } from '../header.js';

/**
 * IBM LEEF, optionally behind a syslog header, as Metron's `LEEFParser` reads it:
 * `LEEF:Version|Vendor|Product|Version|EventID|[Delimiter|]k=v<tab>k=v...`. Header fields
 * become `DeviceVendor`, `DeviceProduct`, `DeviceVersion` and `DeviceEvent`. LEEF 1.0
 * attributes are tab-separated; LEEF 2.0 ones use the header's delimiter (a character, or its
 * hex code `x5E` / `0x5E`; tab when absent), not splitting at a backslash-escaped one; version
 * `0` uses CEF's `k=v` rules. As in Metron, an attribute's value ends at a second `=` (`sev=8
 * cn1=37` gives `sev` = `8 cn1`): Metron's expected output has it. `src`/`dst`/`srcPort`/`dstPort`
 * become the 5-tuple fields (ports as numbers). `timestamp` is `devTime` (in `devTimeFormat` when
 * given, else epoch ms or Metron's LEEF formats), else the syslog time, else the clock; the
 * syslog host becomes `host`. `original_string` is the line.
 *
 * Differences from Metron 0.7.2, on purpose: a LEEF 1.0 header has no delimiter field (Metron
 * dropped attribute text up to a `|`); a LEEF 2.0 delimiter field is recognised only when it
 * looks like one (short, no `=`); hex delimiters work; `key=` is an empty value, not an error.
 */

const HEADER_FIELDS = ['DeviceVendor', 'DeviceProduct', 'DeviceVersion', 'DeviceEvent'] as const;
const HEX_DELIMITER = /^0?[xX]([0-9a-fA-F]{1,4})$/;
const MAX_DELIMITER_FIELD = 6;
const VERSIONS: ReadonlySet<string> = new Set(['', '1', '1.0', '2', '2.0', '0']);
const PORTS = ['ip_src_port', 'ip_dst_port'] as const;

/** The characters a LEEF 2.0 delimiter field stands for (Metron puts it in a character class). */
function delimiterChars(field: string): string {
  if (field === '') return '\t';
  const hex = HEX_DELIMITER.exec(field);
  if (hex) return String.fromCharCode(Number.parseInt(hex[1] as string, 16));
  if (field === '\\t') return '\t';
  return field;
}

/** Split at any of `delimiters` not directly preceded by a backslash. */
function splitUnescaped(text: string, delimiters: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (delimiters.includes(text[i] as string) && (i === 0 || text[i - 1] !== '\\')) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Move `from` to `to`, as Metron's `mutate` does. */
function rename(event: Event, from: string, to: string): void {
  if (!(from in event)) return;
  event[to] = event[from];
  delete event[from];
}

/** Build the per-record function for a sensor. */
export function buildLeef(ctx: ParserContext): ParseFn {
  const zone = javaTimeZone(ctx.timezone);

  function parseLine(line: string): Result<Event[]> {
    const start = line.indexOf('LEEF:');
    if (start < 0) return bad('leef.header', 'no LEEF header ("LEEF:2.0|Vendor|Product|...") in the record');
    const versionEnd = line.indexOf('|', start + 5);
    if (versionEnd < 0) return bad('leef.header', "the LEEF header has no '|' after the version");
    const version = line.slice(start + 5, versionEnd);
    if (!VERSIONS.has(version)) {
      return bad('leef.version', `LEEF version '${version}' is not 1.0, 2.0 or 0`);
    }
    const event: Event = {};
    let at = versionEnd + 1;
    for (const name of HEADER_FIELDS) {
      const end = headerFieldEnd(line, at);
      if (end < 0)
        return bad('leef.header', `the LEEF header ends before ${name}: expected 5 '|'-ended fields`);
      event[name] = unescapeCef(line.slice(at, end));
      at = end + 1;
    }
    let delimiters = '\t';
    if (version === '2' || version === '2.0') {
      const end = line.indexOf('|', at);
      const field = end < 0 ? undefined : line.slice(at, end);
      if (field !== undefined && field.length <= MAX_DELIMITER_FIELD && !field.includes('=')) {
        delimiters = delimiterChars(field);
        at = end + 1;
      }
    }
    if (line[at] === ' ') at++;
    const attributes = line.slice(at);

    if (version === '0') {
      parseExtension(attributes, event);
    } else {
      const pairs = version.startsWith('2') ? splitUnescaped(attributes, delimiters) : attributes.split('\t');
      for (const pair of pairs) {
        if (pair === '') continue;
        const eq = pair.indexOf('=');
        if (eq < 0) return bad('leef.attribute', `attribute '${pair.slice(0, 40)}' has no '='`);
        const second = pair.indexOf('=', eq + 1);
        event[pair.slice(0, eq)] = pair.slice(eq + 1, second < 0 ? undefined : second);
      }
    }
    rename(event, 'dst', 'ip_dst_addr');
    rename(event, 'dstPort', 'ip_dst_port');
    rename(event, 'src', 'ip_src_addr');
    rename(event, 'srcPort', 'ip_src_port');
    for (const port of PORTS) {
      const text = event[port];
      if (typeof text !== 'string') continue;
      const n = javaInt(text);
      if (n === undefined) return bad('leef.port', `${port} '${text}' is not a whole number`, port);
      event[port] = n;
    }
    event.original_string = line;

    const header = parseSyslogPrefix(line.slice(0, start));
    if (header.host !== undefined) event.host = header.host;
    const now = ctx.now();
    const devTime = event.devTime;
    if (typeof devTime === 'string') {
      const ms = parseDevTime(devTime, event.devTimeFormat, now);
      if (typeof ms === 'string') return bad('leef.devTime', ms, 'devTime');
      event.timestamp = ms;
    } else if (header.time !== undefined) {
      const ms = parseSyslogTimestamp(header.time, zone, now);
      if (ms === undefined) return bad('leef.timestamp', `syslog time '${header.time}' is not a date`);
      event.timestamp = ms;
    } else {
      event.timestamp = now;
    }
    return ok([event]);
  }

  /** `devTime` in its `devTimeFormat` (a Java date pattern) or Metron's LEEF formats; else why not. */
  function parseDevTime(devTime: string, format: unknown, now: number): number | string {
    let formats = LEEF_DATE_FORMATS;
    if (typeof format === 'string') {
      try {
        formats = [JavaDateFormat.of(format)];
      } catch (e) {
        if (!(e instanceof PatternError)) throw e;
        return `devTimeFormat '${format}' is not a Java date pattern: ${e.message}`;
      }
    }
    const ms = parseMultiformat(devTime, formats, zone, now);
    return (
      ms ??
      `devTime '${devTime}' does not match ${typeof format === 'string' ? `'${format}'` : "Metron's LEEF formats"}`
    );
  }

  return (raw) => eachLine(raw, parseLine);
}
