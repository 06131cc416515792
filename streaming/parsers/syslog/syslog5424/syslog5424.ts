import { type Event, type FieldValue, ok, type Result } from '#core';
import type { ParseFn, ParserContext } from '../../parser.js';
import { bad, eachLine } from '../common.js';
import { parseIsoTimestamp, priorityFields, SyslogKeys, sticky } from '../header.js';
import type { Syslog5424Config } from './config.js';

/**
 * RFC 5424 syslog, field for field as Metron's `Syslog5424Parser` (the simple-syslog grammar
 * with the PRI and VERSION deviations allowed):
 * `<pri>version timestamp host app procid msgid structured-data message`. Nil (`-`) header
 * fields follow `nilPolicy`; each structured-data parameter becomes
 * `syslog.structuredData.<SD-ID>.<name>` with its value as written (escapes kept, as Metron
 * keeps them). The header time becomes `timestamp` (the clock when it is nil). Each line of a
 * record is one event; `original_string` is the whole record.
 */

const PRI = /<(\d{1,3})>/y;
const VERSION = /([1-9]\d{0,2}) ?(?=-|\d{4}-)/y;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})/y;
const BOM = '\uFEFF';
const HEADER_FIELDS = [SyslogKeys.hostName, SyslogKeys.appName, SyslogKeys.procId, SyslogKeys.msgId] as const;

/** Characters that end an SD-ID or a parameter name (RFC 5424 SD-NAME excludes them). */
function endsSdName(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '=' || c === ']' || c === '"';
}

/** Build the per-record function for a sensor. */
export function buildSyslog5424(config: Syslog5424Config, ctx: ParserContext): ParseFn {
  const nil: FieldValue | undefined =
    config.nilPolicy === 'DASH' ? '-' : config.nilPolicy === 'NULL' ? null : undefined;

  function parseLine(line: string): Result<Event[]> {
    const event: Event = {};
    let at = 0;
    const pri = sticky(PRI, line, at);
    if (pri) {
      Object.assign(event, priorityFields(pri[1] as string));
      at = PRI.lastIndex;
    }
    const version = sticky(VERSION, line, at);
    if (version) {
      event[SyslogKeys.version] = version[1] as string;
      at = VERSION.lastIndex;
    } else if (line[at] === ' ') {
      at++;
    }

    let timestamp: number;
    if (line[at] === '-' && (line[at + 1] === ' ' || at + 1 === line.length)) {
      if (nil !== undefined) event[SyslogKeys.timestamp] = nil;
      timestamp = ctx.now();
      at++;
    } else {
      const time = sticky(ISO, line, at);
      const ms = time ? parseIsoTimestamp(time[0]) : undefined;
      if (!time || ms === undefined) {
        return bad(
          'syslog.timestamp',
          `expected an RFC 3339 time such as 2014-06-20T09:14:07+00:00 (or '-') at character ${at + 1}`,
          SyslogKeys.timestamp,
        );
      }
      event[SyslogKeys.timestamp] = time[0];
      timestamp = ms;
      at += time[0].length;
    }

    // HOSTNAME APP-NAME PROCID MSGID, each a run of non-space characters or the nil '-'.
    for (const key of HEADER_FIELDS) {
      if (line[at] !== ' ') return bad('syslog.header', `expected a space before ${key}`, key);
      at++;
      let end = line.indexOf(' ', at);
      if (end < 0) end = line.length;
      const text = line.slice(at, end);
      if (text !== '-') event[key] = text;
      else if (nil !== undefined) event[key] = nil;
      at = end;
    }

    if (line[at] !== ' ') {
      return bad('syslog.structured_data', "expected structured data ('-' or [id ...]) after MSGID");
    }
    at++;
    if (line[at] === '-') {
      at++;
    } else if (line[at] === '[') {
      const end = readStructuredData(line, at, event);
      if (typeof end === 'string') return bad('syslog.structured_data', end);
      at = end;
    } else {
      return bad('syslog.structured_data', "expected structured data ('-' or [id ...]) after MSGID");
    }

    let message = line.slice(at).trim();
    if (message.startsWith(BOM)) message = message.slice(1).trim();
    if (message !== '') event[SyslogKeys.message] = message;
    event.timestamp = timestamp;
    return ok([event]);
  }

  return (raw) => eachLine(raw, parseLine);
}

/**
 * Read `[id name="value" ...]...` from `at`; write each parameter to the event. Returns where
 * the structured data ends, or what is wrong with it.
 */
function readStructuredData(line: string, start: number, event: Event): number | string {
  let at = start;
  while (line[at] === '[') {
    at++;
    const idStart = at;
    while (!endsSdName(line[at])) at++;
    const id = line.slice(idStart, at);
    while (line[at] === ' ') {
      at++;
      const nameStart = at;
      while (!endsSdName(line[at])) at++;
      const name = line.slice(nameStart, at);
      if (line[at] !== '=' || line[at + 1] !== '"') {
        return `expected name="value" in structured data element [${id}] at character ${at + 1}`;
      }
      at += 2;
      const valueStart = at;
      while (at < line.length && line[at] !== '"') at += line[at] === '\\' ? 2 : 1;
      if (at >= line.length) return `unterminated value of ${name} in structured data element [${id}]`;
      event[`${SyslogKeys.structuredData}.${id}.${name}`] = line.slice(valueStart, at);
      at++;
    }
    if (line[at] !== ']')
      return `expected ']' to close structured data element [${id}] at character ${at + 1}`;
    at++;
  }
  return at;
}
