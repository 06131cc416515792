import { type Event, ok, type Result } from '#core';
import { javaTimeZone } from '#stellar';
import type { ParseFn, ParserContext } from '../../parser.js';
import { bad, eachLine } from '../common.js';
import { parseSyslogTimestamp, priorityFields, SyslogKeys, sticky } from '../header.js';

/**
 * RFC 3164 syslog, field for field as Metron's `Syslog3164Parser` (the simple-syslog grammar
 * with the PRI deviation allowed): `<pri>` (optional), an RFC 3164 or RFC 3339 time, the host,
 * then the message. The header time becomes `timestamp`: a year-less one in the device zone,
 * in the current year unless that is more than four days ahead. Each line of a record is one
 * event; `original_string` is the whole record.
 */

const PRI = /<(\d{1,3})>/y;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})/y;
const BSD = /[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?/y;

/** Build the per-record function for a sensor. */
export function buildSyslog3164(ctx: ParserContext): ParseFn {
  const zone = javaTimeZone(ctx.timezone);

  function parseLine(line: string): Result<Event[]> {
    const event: Event = {};
    let at = 0;
    const pri = sticky(PRI, line, at);
    if (pri) {
      Object.assign(event, priorityFields(pri[1] as string));
      at = PRI.lastIndex;
    }
    if (line[at] === ' ') at++;
    const time = sticky(ISO, line, at) ?? sticky(BSD, line, at);
    if (!time) {
      return bad(
        'syslog.timestamp',
        `expected an RFC 3164 ("Jan  5 08:52:35") or RFC 3339 time at character ${at + 1}`,
        SyslogKeys.timestamp,
      );
    }
    const timeText = time[0];
    at += timeText.length;
    if (line[at] !== ' ') return bad('syslog.header', 'expected a space and a host name after the time');
    at++;
    let hostEnd = line.indexOf(' ', at);
    if (hostEnd < 0) hostEnd = line.length;
    event[SyslogKeys.timestamp] = timeText;
    event[SyslogKeys.hostName] = line.slice(at, hostEnd);
    const message = line.slice(hostEnd + 1).trim();
    if (message !== '') event[SyslogKeys.message] = message;
    const ms = parseSyslogTimestamp(timeText, zone, ctx.now());
    if (ms === undefined) {
      return bad('syslog.timestamp', `not a date: '${timeText}'`, SyslogKeys.timestamp);
    }
    event.timestamp = ms;
    return ok([event]);
  }

  return (raw) => eachLine(raw, parseLine);
}
