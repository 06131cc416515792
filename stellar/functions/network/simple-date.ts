import {
  AM_PM,
  ERAS,
  JavaDateFormat,
  MONTHS,
  PatternError,
  SHORT_MONTHS,
  SHORT_WEEKDAYS,
  type Token,
  WEEKDAYS,
} from '../java-date-format.js';
import { fail } from '../types.js';

/**
 * IS_DATE: does `new SimpleDateFormat(format)` with `setLenient(false)` parse the text (en-US
 * symbols, Julian calendar before 1582-10-15)? Patterns and the US names come from
 * java-date-format.ts, which TO_EPOCH_TIMESTAMP and DATE_FORMAT use. The parse stays separate
 * from that module's lenient one: here out-of-range fields (2014-02-30, hour 13 for `hh`) and
 * fields that disagree (a weekday not matching the date) make the answer false instead of
 * rolling over, and `z` reads a fixed table of zone names as constant offsets.
 */

/** Zone names `z` accepts besides GMT±hh:mm and RFC 822 offsets (a common subset of Java's), in minutes. */
const ZONE_NAMES: ReadonlyMap<string, number> = new Map(
  'utc=0|gmt=0|coordinated universal time=0|greenwich mean time=0|ut=0|wet=0|bst=60|cet=60|cest=120|met=60|mest=120|eet=120|eest=180|msk=180|ist=330|jst=540|kst=540|hkt=480|sgt=480|aest=600|aedt=660|acst=570|awst=480|nzst=720|nzdt=780|est=-300|edt=-240|eastern standard time=-300|eastern daylight time=-240|cst=-360|cdt=-300|central standard time=-360|central daylight time=-300|mst=-420|mdt=-360|mountain standard time=-420|mountain daylight time=-360|pst=-480|pdt=-420|pacific standard time=-480|pacific daylight time=-420|akst=-540|akdt=-480|hst=-600'
    .split('|')
    .map((e): [string, number] => {
      const eq = e.indexOf('=');
      return [e.slice(0, eq), Number(e.slice(eq + 1))];
    }),
);

/** The compiled pattern, as `new SimpleDateFormat(pattern)` would have it; a bad pattern is the call's error. */
function datePattern(pattern: string): readonly Token[] {
  try {
    return JavaDateFormat.of(pattern).tokens;
  } catch (e) {
    if (e instanceof PatternError) fail(e.message);
    throw e;
  }
}

/** The integer `DecimalFormat` of SimpleDateFormat (no grouping) reading `text[pos, end)`. */
function dateNumber(text: string, pos: number, end: number): { value: number; end: number } | null {
  let p = pos;
  const negative = text.charCodeAt(p) === 45;
  if (negative) p++;
  const first = p;
  let value = 0;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    p++;
  }
  if (p === first) return null;
  return { value: negative ? -value : value, end: p };
}

/** Case-insensitive longest match of `names` at `start`: [index, end] or null. */
function matchName(text: string, start: number, names: readonly string[]): [number, number] | null {
  let best = -1;
  let bestLength = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (
      name.length > bestLength &&
      text.slice(start, start + name.length).toLowerCase() === name.toLowerCase()
    ) {
      best = i;
      bestLength = name.length;
    }
  }
  return best < 0 ? null : [best, start + bestLength];
}

/** `+hh[[:]mm]` after the sign at `start - 1`: the offset in minutes and the end, or null. */
function numericZone(text: string, start: number, count: number, colon: boolean): [number, number] | null {
  const digit = (i: number) => {
    const c = text.charCodeAt(i);
    return c >= 48 && c <= 57 ? c - 48 : -1;
  };
  let i = start;
  let hours = digit(i++);
  if (hours < 0) return null;
  const d2 = digit(i);
  if (d2 >= 0) {
    hours = hours * 10 + d2;
    i++;
  } else if (count > 0 || !colon) return null;
  if (hours > 23) return null;
  let minutes = 0;
  if (count !== 1) {
    if (colon) {
      if (text.charAt(i) !== ':') return null;
      i++;
    }
    const m1 = digit(i);
    const m2 = digit(i + 1);
    if (m1 < 0 || m2 < 0) return null;
    minutes = m1 * 10 + m2;
    if (minutes > 59) return null;
    i += 2;
  }
  return [hours * 60 + minutes, i];
}

type DateFields = Map<string, number>;

/** One field of `SimpleDateFormat.subParse`: the new position, or -1. */
function parseDateField(
  text: string,
  start: number,
  letter: string,
  count: number,
  obeyCount: boolean,
  fields: DateFields,
  centuryStart: number,
): number {
  let pos = start;
  for (;;) {
    if (pos >= text.length) return -1;
    const c = text.charCodeAt(pos);
    if (c !== 32 && c !== 9) break;
    pos++;
  }
  const actualStart = pos;
  const number = () => {
    if (obeyCount && start + count > text.length) return null;
    return dateNumber(text, pos, obeyCount ? start + count : text.length);
  };
  switch (letter) {
    case 'G': {
      const m = matchName(text, start, ERAS);
      if (m === null) return -1;
      fields.set('era', m[0]);
      return m[1];
    }
    case 'y':
    case 'Y': {
      const n = number();
      if (n === null) return -1;
      let value = n.value;
      if (count <= 2 && n.end - actualStart === 2 && /^[0-9]{2}$/.test(text.slice(actualStart, n.end))) {
        const ambiguous = centuryStart % 100;
        value += Math.floor(centuryStart / 100) * 100 + (value < ambiguous ? 100 : 0);
      }
      fields.set('year', value);
      return n.end;
    }
    case 'M':
    case 'L': {
      if (count <= 2) {
        const n = number();
        if (n === null) return -1;
        fields.set('month', n.value - 1);
        return n.end;
      }
      const m = matchName(text, start, MONTHS) ?? matchName(text, start, SHORT_MONTHS);
      if (m === null) return -1;
      fields.set('month', m[0]);
      return m[1];
    }
    case 'E': {
      const m = matchName(text, start, WEEKDAYS) ?? matchName(text, start, SHORT_WEEKDAYS);
      if (m === null) return -1;
      fields.set('dayOfWeek', m[0] + 1);
      return m[1];
    }
    case 'a': {
      const m = matchName(text, start, AM_PM);
      if (m === null) return -1;
      fields.set('ampm', m[0]);
      return m[1];
    }
    case 'k': {
      const n = number();
      if (n === null || n.value < 1 || n.value > 24) return -1;
      fields.set('hourOfDay', n.value === 24 ? 0 : n.value);
      return n.end;
    }
    case 'h': {
      const n = number();
      if (n === null || n.value < 1 || n.value > 12) return -1;
      fields.set('hour', n.value === 12 ? 0 : n.value);
      return n.end;
    }
    case 'z':
    case 'Z': {
      const c = text.charAt(pos);
      if (c === '+' || c === '-') {
        const z = numericZone(text, pos + 1, 0, false);
        if (z === null) return -1;
        fields.set('zone', c === '-' ? -z[0] : z[0]);
        return z[1];
      }
      if (text.slice(start, start + 3).toLowerCase() === 'gmt') {
        const after = text.charAt(start + 3);
        if (after !== '+' && after !== '-') {
          fields.set('zone', 0);
          return start + 3;
        }
        const z = numericZone(text, start + 4, 0, true);
        if (z === null) return -1;
        fields.set('zone', after === '-' ? -z[0] : z[0]);
        return z[1];
      }
      let best: [number, number] | null = null;
      for (const [name, offset] of ZONE_NAMES) {
        if (
          (best === null || name.length > best[1] - pos) &&
          text.slice(pos, pos + name.length).toLowerCase() === name
        ) {
          best = [offset, pos + name.length];
        }
      }
      if (best === null) return -1;
      fields.set('zone', best[0]);
      return best[1];
    }
    case 'X': {
      const c = text.charAt(pos);
      if (c === 'Z') {
        fields.set('zone', 0);
        return pos + 1;
      }
      if (c !== '+' && c !== '-') return -1;
      const z = numericZone(text, pos + 1, count, count === 3);
      if (z === null) return -1;
      fields.set('zone', c === '-' ? -z[0] : z[0]);
      return z[1];
    }
    default: {
      const n = number();
      if (n === null) return -1;
      const field = GENERIC_FIELDS[letter] as string;
      let value = n.value;
      // 'u' is the ISO day number (Monday = 1); the calendar counts from Sunday = 1.
      if (letter === 'u' && value >= 1 && value <= 7) value = value === 7 ? 1 : value + 1;
      fields.set(field, value);
      return n.end;
    }
  }
}

const GENERIC_FIELDS: Readonly<Record<string, string>> = {
  d: 'day',
  H: 'hourOfDay',
  m: 'minute',
  s: 'second',
  S: 'millis',
  D: 'dayOfYear',
  F: 'dayOfWeekInMonth',
  w: 'weekOfYear',
  W: 'weekOfMonth',
  K: 'hour',
  u: 'dayOfWeek',
};

/** GregorianCalendar's minimum and maximum of each field. */
const FIELD_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  era: [0, 1],
  year: [1, 292278994],
  month: [0, 11],
  weekOfYear: [1, 53],
  weekOfMonth: [0, 6],
  day: [1, 31],
  dayOfYear: [1, 366],
  dayOfWeek: [1, 7],
  dayOfWeekInMonth: [-1, 6],
  ampm: [0, 1],
  hour: [0, 11],
  hourOfDay: [0, 23],
  minute: [0, 59],
  second: [0, 59],
  millis: [0, 999],
  zone: [-13 * 60, 14 * 60],
};

/** Julian day number of a date in Java's calendar (Julian before 1582-10-15); null in the gap. */
function julianDay(year: number, month: number, day: number): number | null {
  const a = Math.floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  const gregorian = year > 1582 || (year === 1582 && (month > 10 || (month === 10 && day >= 15)));
  if (gregorian) {
    return (
      day +
      Math.floor((153 * m + 2) / 5) +
      365 * y +
      Math.floor(y / 4) -
      Math.floor(y / 100) +
      Math.floor(y / 400) -
      32045
    );
  }
  if (year === 1582 && month === 10 && day > 4) return null;
  return day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - 32083;
}

function monthLength(year: number, month: number): number {
  if (month === 2) {
    const leap = year > 1582 ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 : year % 4 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Calendar date of a Julian day number, in Java's calendar. */
function fromJulianDay(jd: number): [number, number, number] {
  let a: number;
  if (jd >= 2299161) {
    const b = jd + 32044;
    const c = Math.floor((4 * b + 3) / 146097);
    a = b - Math.floor((146097 * c) / 4);
    const d = Math.floor((4 * a + 3) / 1461);
    const e = a - Math.floor((1461 * d) / 4);
    const m = Math.floor((5 * e + 2) / 153);
    return [
      100 * c + d - 4800 + Math.floor(m / 10),
      m + 3 - 12 * Math.floor(m / 10),
      e - Math.floor((153 * m + 2) / 5) + 1,
    ];
  }
  const c = jd + 32082;
  const d = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * d) / 4);
  const m = Math.floor((5 * e + 2) / 153);
  return [
    d - 4800 + Math.floor(m / 10),
    m + 3 - 12 * Math.floor(m / 10),
    e - Math.floor((153 * m + 2) / 5) + 1,
  ];
}

const dayOfWeekOf = (jd: number): number => ((((jd + 1) % 7) + 7) % 7) + 1;

/** US weeks (Sunday first, one day makes a week): week number of `jd` in the period from `day1`. */
function weekNumber(day1: number, jd: number): number {
  const weekStart = day1 - (dayOfWeekOf(day1) - 1);
  return Math.floor((jd - weekStart) / 7) + 1;
}

/** GregorianCalendar's non-lenient check: every field in range and all of them one date. */
function validDateFields(f: DateFields): boolean {
  for (const [field, value] of f) {
    const range = FIELD_RANGES[field];
    if (range && (value < range[0] || value > range[1])) return false;
  }
  const era = f.get('era') ?? 1;
  const year = era === 0 ? 1 - (f.get('year') ?? 1970) : (f.get('year') ?? 1970);
  const month = (f.get('month') ?? 0) + 1;
  const day = f.get('day');
  const dayOfYear = f.get('dayOfYear');
  let jd: number | null = null;
  if (day !== undefined) {
    if (day > monthLength(year, month)) return false;
    jd = julianDay(year, month, day);
    if (jd === null) return false;
  } else if (dayOfYear !== undefined) {
    const jan1 = julianDay(year, 1, 1) as number;
    const next = julianDay(year + 1, 1, 1) as number;
    if (jan1 + dayOfYear - 1 >= next) return false;
    jd = jan1 + dayOfYear - 1;
    if (f.has('month') && fromJulianDay(jd)[1] !== month) return false;
  }
  if (jd !== null) {
    const [y, m, d] = fromJulianDay(jd);
    const jan1 = julianDay(y, 1, 1) as number;
    const first = julianDay(y, m, 1) as number;
    if (dayOfYear !== undefined && jd - jan1 + 1 !== dayOfYear) return false;
    const dow = f.get('dayOfWeek');
    if (dow !== undefined && dow !== dayOfWeekOf(jd)) return false;
    const dowim = f.get('dayOfWeekInMonth');
    if (dowim !== undefined && dowim !== Math.floor((d - 1) / 7) + 1) return false;
    const wom = f.get('weekOfMonth');
    if (wom !== undefined && wom !== weekNumber(first, jd)) return false;
    const woy = f.get('weekOfYear');
    if (woy !== undefined) {
      let w = weekNumber(jan1, jd);
      if (w >= 52) {
        const nextJan1 = julianDay(y + 1, 1, 1) as number;
        const nextWeek = nextJan1 + ((8 - dayOfWeekOf(nextJan1)) % 7);
        if (nextWeek - nextJan1 >= 1 && jd >= nextWeek - 7) w = 1;
      }
      if (w !== woy) return false;
    }
  }
  const hourOfDay = f.get('hourOfDay');
  if (hourOfDay !== undefined) {
    const ampm = f.get('ampm');
    const hour = f.get('hour');
    if (ampm !== undefined && ampm !== (hourOfDay >= 12 ? 1 : 0)) return false;
    if (hour !== undefined && hour !== hourOfDay % 12) return false;
  }
  return true;
}

/** `SimpleDateFormat(format)` with `setLenient(false)` then `parse(date)`: did it parse? */
export function isValidDate(date: string, format: string, now: number): boolean {
  const tokens = datePattern(format);
  const fields: DateFields = new Map();
  const centuryStart = new Date(now).getUTCFullYear() - 80;
  let pos = 0;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] as Token;
    if (token.letter === '') {
      const literal = (token as { text: string }).text;
      if (!date.startsWith(literal, pos)) return false;
      pos += literal.length;
      continue;
    }
    const next = tokens[t + 1];
    pos = parseDateField(
      date,
      pos,
      token.letter,
      (token as { count: number }).count,
      next !== undefined && next.letter !== '',
      fields,
      centuryStart,
    );
    if (pos < 0) return false;
  }
  // DateFormat.parse refuses a parse that consumed nothing; trailing text is ignored.
  return pos > 0 && validDateFields(fields);
}
