import { IANAZone } from 'luxon';
import { type JavaZone, javaTimeZone, MONTHS, SHORT_MONTHS, WEEKDAYS as SUNDAY_FIRST } from '#stellar';

/**
 * Parsing with a `java.time.format.DateTimeFormatter` pattern (`DateTimeFormatter.ofPattern`,
 * US locale, SMART resolver), as Metron's Snort parser does with `ZonedDateTime.parse`. Unlike
 * `SimpleDateFormat`: the whole text must be read, letters are case-sensitive, `S…S` is a
 * fraction of a second (`SSSSSS` = microseconds), `yy` means 2000-2099, fields are checked
 * (month 13 fails, 31 April becomes 30 April), and the calendar is proleptic Gregorian. An
 * offset in the text wins over the formatter's zone.
 *
 * Supported letters: y u M L d D H k K h m s S n a E X x Z VV, `'quoted'` text and `[optional]`
 * sections. The other letters Java knows (G Q q Y w W e c F A N z O V p) are refused at build
 * time rather than half-done.
 */

const MS_PER_DAY = 86_400_000;

const ZONE_ID = /^[A-Za-z][A-Za-z0-9~/._+-]+$/;
const ZONE_ID_PREFIX = /^(?:[A-Za-z][A-Za-z0-9~/._+-]+|Z)/;
const GMT_OFFSET = /^([+-])(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?/;
const OFFSET_HHMM = /^([+-])(\d{2})(\d{2})/;
const OFFSET_HH_MM_OPTIONAL = /^([+-])(\d{2})(\d{2})?/;
const OFFSET_COLON = /^([+-])(\d{2}):(\d{2})(?::(\d{2}))?/;
const OFFSET_HHMMSS = /^([+-])(\d{2})(\d{2})(\d{2})?/;

/** What Java 8's `DateTimeFormatter.ofPattern` knows; anything else is "Unknown pattern letter". */
const JAVA_LETTERS = 'GuyDMLdQqYwWEecFahKkHmsSAnNVzOXxZp';
const SUPPORTED = 'yuMLdDHkKhmsSnaEXxZV';

// Month names are Java's US ones, shared with Stellar's SimpleDateFormat; weekdays here run
// in ISO order, Monday = 1.
const WEEKDAYS = [...SUNDAY_FIRST.slice(1), SUNDAY_FIRST[0] as string];
const SHORT_WEEKDAYS = WEEKDAYS.map((d) => d.slice(0, 3));

/** A pattern `DateTimeFormatter.ofPattern` would reject, or one Palisade does not support. */
export class TimePatternError extends Error {}

type Field =
  | 'year'
  | 'yearOfEra'
  | 'month'
  | 'day'
  | 'dayOfYear'
  | 'hour'
  | 'clockHour'
  | 'hourOfAmPm'
  | 'clockHourOfAmPm'
  | 'minute'
  | 'second'
  | 'nano'
  | 'fraction'
  | 'amPm'
  | 'dayOfWeek';

type Piece =
  | { kind: 'literal'; text: string }
  | { kind: 'number'; field: Field; min: number; max: number; reduced?: boolean }
  | { kind: 'text'; field: Field; names: readonly string[]; offset: number }
  | { kind: 'offset'; style: 'X' | 'x' | 'Z'; count: number }
  | { kind: 'zoneId' }
  | { kind: 'optional'; pieces: Piece[] };

type Values = Partial<Record<Field, number>> & { offset?: number; zone?: JavaZone };

/** A compiled `DateTimeFormatter` pattern. */
export class JavaTimeFormat {
  private static readonly cache = new Map<string, JavaTimeFormat>();

  private constructor(private readonly pieces: readonly Piece[]) {}

  /** Compile `pattern` once (cached); throws {@link TimePatternError} as `ofPattern` would. */
  static of(pattern: string): JavaTimeFormat {
    let format = JavaTimeFormat.cache.get(pattern);
    if (!format) {
      format = new JavaTimeFormat(compile(pattern));
      if (JavaTimeFormat.cache.size >= 256) JavaTimeFormat.cache.clear();
      JavaTimeFormat.cache.set(pattern, format);
    }
    return format;
  }

  /**
   * `ZonedDateTime.parse(text, formatter.withZone(zone)).toInstant().toEpochMilli()`: epoch ms,
   * or undefined where Java throws a DateTimeParseException.
   */
  parse(text: string, zone: JavaZone): number | undefined {
    const values: Values = {};
    const end = parsePieces(this.pieces, text, 0, values);
    if (end !== text.length) return undefined;
    return resolve(values, zone);
  }
}

/** Whether Java's `ZoneId.getAvailableZoneIds()` would hold `id` (a tz-database region ID). */
export function isRegionZone(id: string): boolean {
  return ZONE_ID.test(id) && IANAZone.isValidZone(id);
}

// ---------------------------------------------------------------------------------------------
// Compiling

function compile(pattern: string): Piece[] {
  const stack: Piece[][] = [[]];
  const top = () => stack[stack.length - 1] as Piece[];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      let j = i;
      while (pattern[j] === c) j++;
      top().push(letterPiece(c, j - i));
      i = j;
    } else if (c === "'") {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= pattern.length)
          throw new TimePatternError(`Pattern ends with an incomplete string literal: ${pattern}`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] !== "'") break;
          j++;
        }
        text += pattern[j];
        j++;
      }
      // '' outside a literal is one quote.
      top().push({ kind: 'literal', text: j === i + 1 ? "'" : text });
      i = j + 1;
    } else if (c === '[') {
      stack.push([]);
      i++;
    } else if (c === ']') {
      if (stack.length === 1)
        throw new TimePatternError('Pattern invalid as it contains ] without previous [');
      const pieces = stack.pop() as Piece[];
      top().push({ kind: 'optional', pieces });
      i++;
    } else if (c === '{' || c === '}' || c === '#') {
      throw new TimePatternError(`Pattern includes reserved character: '${c}'`);
    } else {
      top().push({ kind: 'literal', text: c });
      i++;
    }
  }
  while (stack.length > 1) {
    const pieces = stack.pop() as Piece[];
    top().push({ kind: 'optional', pieces });
  }
  return stack[0] as Piece[];
}

function letterPiece(letter: string, count: number): Piece {
  if (!JAVA_LETTERS.includes(letter)) throw new TimePatternError(`Unknown pattern letter: ${letter}`);
  if (!SUPPORTED.includes(letter)) {
    throw new TimePatternError(
      `pattern letter '${letter}' is not supported (supported: ${SUPPORTED.split('').join(' ')})`,
    );
  }
  const tooMany = () => new TimePatternError(`Too many pattern letters: ${letter}`);
  const num = (field: Field): Piece => {
    if (count > 2) throw tooMany();
    return count === 1
      ? { kind: 'number', field, min: 1, max: 19 }
      : { kind: 'number', field, min: 2, max: 2 };
  };
  switch (letter) {
    case 'y':
    case 'u': {
      const field = letter === 'y' ? 'yearOfEra' : 'year';
      if (count === 2) return { kind: 'number', field, min: 2, max: 2, reduced: true };
      return { kind: 'number', field, min: count, max: 19 };
    }
    case 'M':
    case 'L':
      if (count <= 2) return num('month');
      if (count === 3) return { kind: 'text', field: 'month', names: SHORT_MONTHS, offset: 1 };
      if (count === 4) return { kind: 'text', field: 'month', names: MONTHS, offset: 1 };
      throw new TimePatternError(`pattern '${letter.repeat(count)}' (narrow month) is not supported`);
    case 'd':
      return num('day');
    case 'D':
      if (count === 1) return { kind: 'number', field: 'dayOfYear', min: 1, max: 19 };
      if (count === 2) return { kind: 'number', field: 'dayOfYear', min: 2, max: 3 };
      if (count === 3) return { kind: 'number', field: 'dayOfYear', min: 3, max: 3 };
      throw tooMany();
    case 'H':
      return num('hour');
    case 'k':
      return num('clockHour');
    case 'K':
      return num('hourOfAmPm');
    case 'h':
      return num('clockHourOfAmPm');
    case 'm':
      return num('minute');
    case 's':
      return num('second');
    case 'S':
      if (count > 9) throw new TimePatternError('Maximum width must be from 1 to 9 inclusive: S');
      return { kind: 'number', field: 'fraction', min: count, max: count };
    case 'n':
      return { kind: 'number', field: 'nano', min: count, max: 19 };
    case 'a':
      if (count > 1) throw tooMany();
      return { kind: 'text', field: 'amPm', names: ['AM', 'PM'], offset: 0 };
    case 'E':
      if (count <= 3) return { kind: 'text', field: 'dayOfWeek', names: SHORT_WEEKDAYS, offset: 1 };
      if (count === 4) return { kind: 'text', field: 'dayOfWeek', names: WEEKDAYS, offset: 1 };
      throw tooMany();
    case 'X':
    case 'x':
      if (count > 5) throw tooMany();
      return { kind: 'offset', style: letter, count };
    case 'Z':
      if (count > 5) throw tooMany();
      return { kind: 'offset', style: 'Z', count };
    default: // 'V'
      if (count !== 2) throw new TimePatternError('Pattern letter count must be 2: V');
      return { kind: 'zoneId' };
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

const isDigit = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** Parse `pieces` from `at`; the index after them, or -1. */
function parsePieces(pieces: readonly Piece[], text: string, at: number, values: Values): number {
  let pos = at;
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p] as Piece;
    switch (piece.kind) {
      case 'literal':
        if (!text.startsWith(piece.text, pos)) return -1;
        pos += piece.text.length;
        break;
      case 'number': {
        // Adjacent value parsing: a variable-width number leaves room for the fixed-width ones after it.
        let reserved = 0;
        if (piece.max > piece.min) {
          for (let q = p + 1; q < pieces.length; q++) {
            const next = pieces[q] as Piece;
            if (next.kind !== 'number' || next.max !== next.min) break;
            reserved += next.min;
          }
        }
        let run = 0;
        while (isDigit(text, pos + run)) run++;
        const width = Math.min(piece.max, run - reserved);
        if (width < piece.min) return -1;
        const digits = text.slice(pos, pos + width);
        let value: number;
        if (piece.field === 'fraction') value = Number(digits.padEnd(9, '0').slice(0, 9));
        else {
          value = Number(digits);
          if (!Number.isSafeInteger(value)) return -1;
        }
        if (piece.reduced) value += 2000;
        if (!setValue(values, piece.field === 'fraction' ? 'nano' : piece.field, value)) return -1;
        pos += width;
        break;
      }
      case 'text': {
        let found = -1;
        let length = 0;
        for (let index = 0; index < piece.names.length; index++) {
          const name = piece.names[index] as string;
          if (name.length > length && text.startsWith(name, pos)) {
            found = index;
            length = name.length;
          }
        }
        if (found < 0 || !setValue(values, piece.field, found + piece.offset)) return -1;
        pos += length;
        break;
      }
      case 'offset': {
        const end = parseOffset(text, pos, piece.style, piece.count, values);
        if (end < 0) return -1;
        pos = end;
        break;
      }
      case 'zoneId': {
        const m = ZONE_ID_PREFIX.exec(text.slice(pos, pos + 64));
        if (!m) return -1;
        const id = m[0];
        if (id === 'Z' || id === 'UTC' || id === 'GMT') values.offset = 0;
        else if (isRegionZone(id)) values.zone = javaTimeZone(id);
        else return -1;
        pos += id.length;
        break;
      }
      case 'optional': {
        const trial: Values = { ...values };
        const end = parsePieces(piece.pieces, text, pos, trial);
        if (end >= 0) {
          Object.assign(values, trial);
          pos = end;
        }
        break;
      }
    }
  }
  return pos;
}

/** Record a field; a second, different value for the same field is a conflict, as in Java. */
function setValue(values: Values, field: Field, value: number): boolean {
  const old = values[field];
  if (old !== undefined && old !== value) return false;
  values[field] = value;
  return true;
}

/** `X`/`x` (ISO, `X` reads `Z` as zero) and `Z` (`+hhmm`, `ZZZZ` = `GMT+hh:mm`, `ZZZZZ` = `+hh:mm`). */
function parseOffset(
  text: string,
  at: number,
  style: 'X' | 'x' | 'Z',
  count: number,
  values: Values,
): number {
  let pos = at;
  if (style === 'Z' && count === 4) {
    if (!text.startsWith('GMT', pos)) return -1;
    pos += 3;
    const sign = text[pos];
    if (sign !== '+' && sign !== '-') {
      values.offset = 0;
      return pos;
    }
    const m = GMT_OFFSET.exec(text.slice(pos, pos + 10));
    if (!m) return -1;
    return setOffset(values, m[1] as string, m[2] as string, m[3], m[4]) ? pos + m[0].length : -1;
  }
  if ((style === 'X' || (style === 'Z' && count === 5)) && text[pos] === 'Z') {
    values.offset = 0;
    return pos + 1;
  }
  // Shapes by letter count: 1 = +hh[mm], 2 = +hhmm, 3 = +hh:mm, 4 = +hhmm[ss], 5 = +hh:mm[:ss].
  const colon = style === 'Z' ? count === 5 : count === 3 || count === 5;
  const re =
    style === 'Z' && count <= 3
      ? OFFSET_HHMM
      : count === 1
        ? OFFSET_HH_MM_OPTIONAL
        : colon
          ? OFFSET_COLON
          : OFFSET_HHMMSS;
  const m = re.exec(text.slice(pos, pos + 9));
  if (!m) return -1;
  const seconds = count >= 4 ? m[4] : undefined;
  return setOffset(values, m[1] as string, m[2] as string, m[3], seconds) ? pos + m[0].length : -1;
}

function setOffset(values: Values, sign: string, hh: string, mm?: string, ss?: string): boolean {
  const h = Number(hh);
  const m = Number(mm ?? 0);
  const s = Number(ss ?? 0);
  if (h > 18 || m > 59 || s > 59) return false;
  values.offset = (sign === '-' ? -1 : 1) * ((h * 60 + m) * 60 + s) * 1000;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Resolving (ResolverStyle.SMART, ISO chronology)

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const monthLength = (y: number, m: number): number =>
  m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] as number);

/** Days since 1970-01-01 of a proleptic Gregorian date. */
function epochDay(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

const inRange = (v: number | undefined, lo: number, hi: number): boolean =>
  v === undefined || (v >= lo && v <= hi);

function resolve(v: Values, zone: JavaZone): number | undefined {
  // Date.
  let year = v.year;
  if (v.yearOfEra !== undefined) {
    if (v.yearOfEra < 1) return undefined;
    if (year !== undefined && year !== v.yearOfEra) return undefined;
    year = v.yearOfEra;
  }
  if (year === undefined || Math.abs(year) > 999_999_999) return undefined;
  let day: number;
  if (v.month !== undefined && v.day !== undefined) {
    if (!inRange(v.month, 1, 12) || !inRange(v.day, 1, 31)) return undefined;
    day = epochDay(year, v.month, Math.min(v.day, monthLength(year, v.month)));
    if (v.dayOfYear !== undefined && day - epochDay(year, 1, 1) + 1 !== v.dayOfYear) return undefined;
  } else if (v.dayOfYear !== undefined && v.month === undefined && v.day === undefined) {
    if (!inRange(v.dayOfYear, 1, isLeap(year) ? 366 : 365)) return undefined;
    day = epochDay(year, 1, 1) + v.dayOfYear - 1;
  } else {
    return undefined;
  }

  // Time of day.
  if (!inRange(v.minute, 0, 59) || !inRange(v.second, 0, 59) || !inRange(v.nano, 0, 999_999_999))
    return undefined;
  if (!inRange(v.amPm, 0, 1)) return undefined;
  let hour = v.hour;
  if (v.clockHour !== undefined) {
    if (!inRange(v.clockHour, 0, 24)) return undefined;
    const h = v.clockHour === 24 ? 0 : v.clockHour;
    if (hour !== undefined && hour !== h) return undefined;
    hour = h;
  }
  let hourOfAmPm = v.hourOfAmPm;
  if (hourOfAmPm !== undefined && !inRange(hourOfAmPm, 0, 11)) return undefined;
  if (v.clockHourOfAmPm !== undefined) {
    if (!inRange(v.clockHourOfAmPm, 0, 12)) return undefined;
    const h = v.clockHourOfAmPm === 12 ? 0 : v.clockHourOfAmPm;
    if (hourOfAmPm !== undefined && hourOfAmPm !== h) return undefined;
    hourOfAmPm = h;
  }
  if (hourOfAmPm !== undefined && v.amPm !== undefined) {
    const h = v.amPm * 12 + hourOfAmPm;
    if (hour !== undefined && hour !== h) return undefined;
    hour = h;
  } else if (hourOfAmPm !== undefined) {
    return undefined;
  }
  if (hour === undefined) return undefined;
  if (v.amPm !== undefined && hour < 24 && Math.floor(hour / 12) !== v.amPm) return undefined;
  const minute = v.minute;
  const second = v.second;
  const nano = v.nano;
  // java.time builds a time from the hour alone, or hour and minute, only when nothing finer was read.
  if (minute === undefined && (second !== undefined || nano !== undefined)) return undefined;
  if (second === undefined && nano !== undefined) return undefined;
  if (hour === 24) {
    // SMART accepts 24:00 as the start of the next day.
    if ((minute ?? 0) !== 0 || (second ?? 0) !== 0 || (nano ?? 0) !== 0) return undefined;
    hour = 0;
    day += 1;
  } else if (!inRange(hour, 0, 23)) {
    return undefined;
  }
  if (v.dayOfWeek !== undefined && ((((day + 3) % 7) + 7) % 7) + 1 !== v.dayOfWeek) return undefined;

  const local =
    day * MS_PER_DAY +
    ((hour * 60 + (minute ?? 0)) * 60 + (second ?? 0)) * 1000 +
    Math.floor((nano ?? 0) / 1e6);
  if (v.offset !== undefined) return local - v.offset;
  return zonedToUtc(local, v.zone ?? zone);
}

/**
 * The instant of a local time in a zone as `ZonedDateTime.ofLocal` picks it: in an overlap the
 * earlier offset, in a gap the time moved forward by the gap's length.
 */
function zonedToUtc(local: number, zone: JavaZone): number {
  const before = zone.offset(local - 2 * MS_PER_DAY);
  const after = zone.offset(local + 2 * MS_PER_DAY);
  const early = local - before;
  const late = local - after;
  const earlyOk = zone.offset(early) === before;
  const lateOk = zone.offset(late) === after;
  if (earlyOk && lateOk) return Math.min(early, late);
  if (earlyOk) return early;
  if (lateOk) return late;
  // A gap: java.time keeps the offset from before it, which moves the wall time forward.
  return early;
}
