import { type Event, ok, type Result } from '#core';
import { javaTimeZone } from '#stellar';
import type { ParseFn, ParserContext } from '../../parser.js';
import { bad, CEF_DATE_FORMATS, eachLine, javaInt, parseMultiformat } from '../common.js';
import { parseSyslogPrefix, parseSyslogTimestamp } from '../header.js';
import { headerFieldEnd, parseExtension, unescapeCef } from './extension.js';

/**
 * ArcSight CEF, optionally behind a syslog header, as Metron's `CEFParser` reads it:
 * `[<pri>][time] [host] CEF:0|Vendor|Product|Version|Event Class ID|Name|Severity|k=v ...`.
 * Header fields become `DeviceVendor`, `DeviceProduct`, `DeviceVersion`, `DeviceEvent`, `Name`
 * and `Severity` (a number: Low 2, Medium 5, High 8, Very-High 10, other words 0). Extension
 * keys are kept, `csNLabel`/`cnNLabel` rename their fields, and `src`/`dst`/`spt`/`dpt`/`act`/
 * `app` become `ip_src_addr`/`ip_dst_addr`/`ip_src_port`/`ip_dst_port`/`deviceAction`/`protocol`
 * (ports as numbers). `timestamp` is `rt` (epoch ms or one of Metron's CEF date formats), else
 * the syslog time, else the clock; the syslog host becomes `host`.
 *
 * Differences from Metron 0.7.2, on purpose: escapes are resolved (see extension.ts); an empty
 * value (`dhost= duser=x`) is an empty string instead of swallowing the following pairs; the
 * syslog host is found after the time (Metron's pattern never matched it there, and took the
 * year of an ISO time without one); an ISO header time may write its offset `-0400`; `CEF:1`
 * is read too; a line that is not CEF is an error instead of no output.
 */

const HEADER_FIELDS = ['DeviceVendor', 'DeviceProduct', 'DeviceVersion', 'DeviceEvent', 'Name'] as const;
const VERSION = /^ ?\d{1,2}\|/;
const PORTS = ['ip_src_port', 'ip_dst_port'] as const;

const SEVERITY_WORDS: ReadonlyMap<string, number> = new Map([
  ['Low', 2],
  ['Medium', 5],
  ['High', 8],
  ['Very-High', 10],
]);

/** Metron's `standardizeSeverity`: one or two characters are a number, longer text a level word. */
function severity(text: string): number | undefined {
  if (text.length < 3) return javaInt(text);
  return SEVERITY_WORDS.get(text) ?? 0;
}

/** Where `CEF:<version>|` starts and the header fields begin, or undefined. */
function findCef(line: string): { start: number; fields: number } | undefined {
  for (let at = line.indexOf('CEF:'); at >= 0; at = line.indexOf('CEF:', at + 4)) {
    const version = VERSION.exec(line.slice(at + 4, at + 8));
    if (version) return { start: at, fields: at + 4 + version[0].length };
  }
  return undefined;
}

/** Move `from` to `to`, as Metron's `mutate` does. */
function rename(event: Event, from: string, to: string): void {
  if (!(from in event)) return;
  event[to] = event[from];
  delete event[from];
}

/** Build the per-record function for a sensor. */
export function buildCef(ctx: ParserContext): ParseFn {
  const zone = javaTimeZone(ctx.timezone);

  function parseLine(line: string): Result<Event[]> {
    const cef = findCef(line);
    if (!cef) return bad('cef.header', 'no CEF header ("CEF:0|Vendor|Product|...") in the record');
    const event: Event = {};
    let at = cef.fields;
    for (const name of HEADER_FIELDS) {
      const end = headerFieldEnd(line, at);
      if (end < 0)
        return bad('cef.header', `the CEF header ends before ${name}: expected 6 '|'-ended fields`);
      event[name] = unescapeCef(line.slice(at, end));
      at = end + 1;
    }
    const severityEnd = headerFieldEnd(line, at);
    if (severityEnd < 0)
      return bad('cef.header', "the CEF header ends before Severity: expected 6 '|'-ended fields");
    const severityText = unescapeCef(line.slice(at, severityEnd));
    const level = severity(severityText);
    if (level === undefined)
      return bad('cef.severity', `Severity '${severityText}' is not a number or a level`, 'Severity');
    event.Severity = level;

    parseExtension(line.slice(severityEnd + 1), event);
    rename(event, 'dst', 'ip_dst_addr');
    rename(event, 'dpt', 'ip_dst_port');
    rename(event, 'src', 'ip_src_addr');
    rename(event, 'spt', 'ip_src_port');
    rename(event, 'act', 'deviceAction');
    rename(event, 'app', 'protocol');
    for (const port of PORTS) {
      const text = event[port];
      if (typeof text !== 'string') continue;
      const n = javaInt(text);
      if (n === undefined) return bad('cef.port', `${port} '${text}' is not a whole number`, port);
      event[port] = n;
    }

    const header = parseSyslogPrefix(line.slice(0, cef.start));
    const now = ctx.now();
    const rt = event.rt;
    if (typeof rt === 'string') {
      const ms = parseMultiformat(rt, CEF_DATE_FORMATS, zone, now);
      if (ms === undefined) return bad('cef.rt', `rt '${rt}' is not a date Metron's CEF parser reads`, 'rt');
      event.timestamp = ms;
    } else if (header.time !== undefined) {
      const ms = parseSyslogTimestamp(header.time, zone, now);
      if (ms === undefined) return bad('cef.timestamp', `syslog time '${header.time}' is not a date`);
      event.timestamp = ms;
    } else {
      event.timestamp = now;
    }
    if (header.host !== undefined) event.host = header.host;
    return ok([event]);
  }

  return (raw) => eachLine(raw, parseLine);
}
