import type { JavaZone } from '#stellar';

/**
 * Syslog header pieces shared by the family: RFC 3164 / RFC 5424 timestamps read the way
 * Metron's `SyslogUtils.parseTimestampToEpochMillis` reads them (year inferred for 3164 times),
 * and the syslog header that relays put in front of CEF, LEEF, ISE and PAN-OS payloads.
 */

const MS_PER_DAY = 86_400_000;
/** A year-less time more than this far ahead of the clock belongs to the previous year (Metron). */
const FUTURE_SLACK_MS = 4 * MS_PER_DAY;

const UTC_ZONE: JavaZone = {
  id: 'UTC',
  offset: () => 0,
  toUtc: (local) => local,
  name: () => 'UTC',
};

/** English short month names, as Java's `MMM` reads them. */
const MONTHS: ReadonlyMap<string, number> = new Map(
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((m, i) => [m, i]),
);

/** 0-based month of an English short month name. */
export function monthIndex(name: string): number | undefined {
  return MONTHS.get(name);
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** Milliseconds of a fraction-of-second text (`"5"` → 500, `"123456"` → 123). */
export function fractionMillis(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Number(fraction.slice(0, 3).padEnd(3, '0'));
}

/**
 * The instant of wall-clock fields in `zone`, or undefined for a date that does not exist
 * (Java's strict resolvers throw for those).
 */
export function zonedMillis(
  zone: JavaZone,
  year: number,
  month0: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
): number | undefined {
  if (month0 < 0 || month0 > 11 || day < 1 || day > daysInMonth(year, month0)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const local = Date.UTC(year, month0, day, hour, minute, second, millis);
  // Date.UTC maps years 0-99 to 1900-1999.
  const fixed = year >= 0 && year < 100 ? new Date(local).setUTCFullYear(year) : local;
  return zone.toUtc(fixed);
}

/**
 * A year-less time (RFC 3164) as Metron places it: in the device zone's current year, or the
 * year before when that would put it more than four days in the future.
 */
export function inferYearMillis(
  zone: JavaZone,
  now: number,
  month0: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
): number | undefined {
  const year = new Date(now + zone.offset(now)).getUTCFullYear();
  const thisYear = zonedMillis(zone, year, month0, day, hour, minute, second, millis);
  if (thisYear !== undefined && thisYear <= now + FUTURE_SLACK_MS) return thisYear;
  return zonedMillis(zone, year - 1, month0, day, hour, minute, second, millis);
}

// RFC 3339 / ISO-8601 with an offset. Metron requires `±hh:mm`; `±hhmm` is read too.
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;
// RFC 3164: `Mmm dd hh:mm:ss` (day space-padded or not; fractional seconds are accepted).
const BSD_TIME = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
// Cisco: `Mmm dd yyyy hh:mm:ss`.
const CISCO_TIME = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

/** An RFC 3339 timestamp with its offset (`2014-06-20T09:14:07+00:00`), as epoch ms. */
export function parseIsoTimestamp(text: string): number | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  const offsetMinutes = z ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  if (!z && (Number(oh) > 18 || Number(om) > 59)) return undefined;
  const utc = zonedMillis(
    UTC_ZONE,
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    fractionMillis(frac),
  );
  return utc === undefined ? undefined : utc - offsetMinutes * 60_000;
}

/**
 * A syslog header time as epoch ms, the way Metron's `SyslogUtils` reads it: RFC 3164
 * (`Jan  5 08:52:35`, year inferred, in `zone`), Cisco (`Jan 05 2018 08:52:35`, in `zone`) or
 * RFC 3339 (its own offset). Undefined for anything else.
 */
export function parseSyslogTimestamp(text: string, zone: JavaZone, now: number): number | undefined {
  const bsd = BSD_TIME.exec(text);
  if (bsd) {
    const month0 = monthIndex(bsd[1] as string);
    if (month0 === undefined) return undefined;
    return inferYearMillis(
      zone,
      now,
      month0,
      Number(bsd[2]),
      Number(bsd[3]),
      Number(bsd[4]),
      Number(bsd[5]),
      fractionMillis(bsd[6]),
    );
  }
  const cisco = CISCO_TIME.exec(text);
  if (cisco) {
    const month0 = monthIndex(cisco[1] as string);
    if (month0 === undefined) return undefined;
    return zonedMillis(
      zone,
      Number(cisco[3]),
      month0,
      Number(cisco[2]),
      Number(cisco[4]),
      Number(cisco[5]),
      Number(cisco[6]),
      0,
    );
  }
  return parseIsoTimestamp(text);
}

/** The syslog header a relay put in front of a payload (CEF, LEEF, PAN-OS CSV, ISE). */
export interface SyslogPrefix {
  /** The PRI digits, without the angle brackets. */
  priority?: string;
  /** The header time as written (`Mar 21 14:05:02`, `2016-04-01T09:29:11.356-04:00`). */
  time?: string;
  /** The host name after the time. */
  host?: string;
  /** Where the text after the header starts. */
  end: number;
}

const PRI = /<(\d{1,3})>/y;
// The RFC 5424 version that follows PRI, when an RFC 3339 time comes next.
const VERSION = /[1-9]\d{0,2} (?=\d{4}-)/y;
const SPACES = / */y;
const TIME =
  /(?:[A-Z][a-z]{2} {1,2}\d{1,2}(?: \d{4})? \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}))(?= |$)/y;
const HOST = /([^\s]+) +/y;

/** Match a sticky (`/y`) pattern at `at`; its `lastIndex` is then the end of the match. */
export function sticky(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/**
 * Read `<pri>`, a time and a host name from the start of `text`. A host is taken only after a
 * PRI or a time, or when it is the whole text: anything else is not a syslog header.
 */
export function parseSyslogPrefix(text: string): SyslogPrefix {
  const out: SyslogPrefix = { end: 0 };
  let at = 0;
  const pri = sticky(PRI, text, at);
  if (pri) {
    out.priority = pri[1];
    at = PRI.lastIndex;
    if (sticky(VERSION, text, at)) at = VERSION.lastIndex;
  }
  if (sticky(SPACES, text, at)) at = SPACES.lastIndex;
  const time = sticky(TIME, text, at);
  if (time) {
    out.time = time[0];
    at = TIME.lastIndex;
    if (sticky(SPACES, text, at)) at = SPACES.lastIndex;
  }
  const host = sticky(HOST, text, at);
  if (host && (out.priority !== undefined || out.time !== undefined || HOST.lastIndex === text.length)) {
    out.host = host[1];
    at = HOST.lastIndex;
  }
  out.end = out.priority === undefined && out.time === undefined && out.host === undefined ? 0 : at;
  return out;
}

/** Metron's syslog output keys (the simple-syslog library's `SyslogFieldKeys`). */
export const SyslogKeys = {
  pri: 'syslog.header.pri',
  severity: 'syslog.header.severity',
  facility: 'syslog.header.facility',
  version: 'syslog.header.version',
  timestamp: 'syslog.header.timestamp',
  hostName: 'syslog.header.hostName',
  appName: 'syslog.header.appName',
  procId: 'syslog.header.procId',
  msgId: 'syslog.header.msgId',
  structuredData: 'syslog.structuredData',
  message: 'syslog.message',
} as const;

/** PRI, with the severity and facility it encodes, as strings (the library's way). */
export function priorityFields(pri: string): Record<string, string> {
  const n = Number(pri);
  return {
    [SyslogKeys.pri]: pri,
    [SyslogKeys.severity]: String(n % 8),
    [SyslogKeys.facility]: String(Math.floor(n / 8)),
  };
}
