import { isNumber, kindOf, num, numValue, type StellarNumber, toJavaString, type Value } from '../values.js';
import { doubleToLong, firstIfCollection, parseJavaIntegral } from './coerce.js';
import {
  type CalendarFields,
  calendarFields,
  DEFAULT_ZONE,
  JavaDateFormat,
  javaTimeZone,
  PatternError,
} from './java-date-format.js';
import { type CallContext, type FunctionDef, fail } from './types.js';

/**
 * Metron's date functions (DateFunctions.java): parse and format with Java `SimpleDateFormat`
 * patterns, and read `Calendar` fields of an epoch-millisecond time. Where Metron uses the JVM's
 * default zone, Palisade uses UTC.
 */

/**
 * The epoch argument as Metron converts it to a Long (commons-beanutils): numbers truncated,
 * booleans 1/0, decimal text parsed, a collection by its first element; null when it cannot.
 * Text is trimmed with JavaScript's `trim`, not Java's (coerce.ts): kept as it was.
 */
function toLong(v: Value): number | null {
  const x = firstIfCollection(v);
  if (x === null) return null;
  if (isNumber(x)) return doubleToLong(numValue(x));
  if (typeof x === 'boolean') return x ? 1 : 0;
  return parseJavaIntegral(toJavaString(x).trim(), 'long') ?? null;
}

/**
 * A whole number taken as epoch ms. Metron wants a Java Long here; an int is accepted too, since
 * JSON gives small times as ints.
 */
const isWhole = (v: StellarNumber): boolean => kindOf(v) === 'int' || kindOf(v) === 'long';

/** The epoch ms of the optional first argument (now when absent); null when it is not a number. */
function epochOf(args: readonly Value[], ctx: CallContext): number | null {
  return args.length > 0 ? toLong(args[0] as Value) : ctx.now();
}

/** A `SimpleDateFormat` for `pattern`; a bad pattern is the call's error. */
function formatFor(pattern: string): JavaDateFormat {
  try {
    return JavaDateFormat.of(pattern);
  } catch (e) {
    if (e instanceof PatternError) fail(`invalid date format '${pattern}': ${e.message}`);
    throw e;
  }
}

const EPOCH_PARAM = {
  name: 'dateTime',
  description: 'Epoch milliseconds (default: now); a value that is not a number gives null',
  optional: true,
} as const;

/** One `Calendar` field of an epoch time, read in UTC. */
function calendarField(
  name: string,
  description: string,
  returns: string,
  read: (f: CalendarFields) => number,
  example: { expect: number },
): FunctionDef {
  return {
    name,
    namespace: '',
    family: 'date',
    description,
    params: [EPOCH_PARAM],
    returns,
    pure: false,
    examples: [
      { expr: `${name}(1472131630748L)`, expect: example.expect },
      { expr: `${name}(null)`, expect: null },
      { expr: `${name}('not a time')`, expect: null },
    ],
    call: (args, ctx) => {
      const ms = epochOf(args, ctx);
      return ms === null ? null : read(calendarFields(ms, DEFAULT_ZONE));
    },
  };
}

export const DATE_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'TO_EPOCH_TIMESTAMP',
    namespace: '',
    family: 'date',
    description: 'Parses a date-time string with a Java SimpleDateFormat pattern into epoch milliseconds.',
    params: [
      { name: 'dateTime', description: 'The date-time text' },
      { name: 'format', description: "A Java SimpleDateFormat pattern, e.g. 'yyyy-MM-dd HH:mm:ss'" },
      {
        name: 'timezone',
        description: 'Zone for text without one (default UTC); an unknown ID is GMT, as in Java',
        optional: true,
      },
    ],
    returns: 'the epoch milliseconds as a long; null when the text does not match or an argument is null',
    pure: true,
    examples: [
      {
        expr: "TO_EPOCH_TIMESTAMP('2016-01-05 17:02:30', 'yyyy-MM-dd HH:mm:ss', 'UTC')",
        expect: 1452013350000,
      },
      {
        expr: "TO_EPOCH_TIMESTAMP('2016-01-05 12:02:30', 'yyyy-MM-dd HH:mm:ss', 'America/New_York')",
        expect: 1452013350000,
      },
      {
        expr: "TO_EPOCH_TIMESTAMP('2016-01-05T17:02:30Z', \"yyyy-MM-dd'T'HH:mm:ssX\")",
        expect: 1452013350000,
      },
      { expr: "TO_EPOCH_TIMESTAMP('05/01/2016 extra text', 'dd/MM/yyyy')", expect: 1451952000000 },
      { expr: "TO_EPOCH_TIMESTAMP('yesterday', 'yyyy-MM-dd')", expect: null },
      { expr: "TO_EPOCH_TIMESTAMP(null, 'yyyy-MM-dd')", expect: null },
      { expr: "TO_EPOCH_TIMESTAMP('2016', 'yyyy-QQ')", error: true },
    ],
    call: (args, ctx) => {
      const [text = null, format = null, zone = null] = args;
      if (text === null || format === null) return null;
      const parsed = formatFor(toJavaString(format)).parse(
        toJavaString(text),
        zone === null ? DEFAULT_ZONE : javaTimeZone(toJavaString(zone)),
        ctx.now(),
      );
      return parsed === undefined ? null : num('long', parsed);
    },
  },
  {
    name: 'DATE_FORMAT',
    namespace: '',
    family: 'date',
    description: 'Formats an epoch time (default now) with a Java SimpleDateFormat pattern.',
    params: [
      { name: 'format', description: "A Java SimpleDateFormat pattern, e.g. 'yyyy-MM-dd HH:mm:ss zzz'" },
      {
        name: 'timestamp',
        description:
          'Epoch milliseconds (default now); with two arguments, a string here is taken as the time zone',
        optional: true,
      },
      { name: 'timezone', description: 'Time-zone ID (default UTC); an unknown ID is GMT', optional: true },
    ],
    returns: 'the formatted string; null when the format is null, or when a two-argument call passes null',
    pure: false,
    examples: [
      {
        expr: "DATE_FORMAT('EEE MMM dd yyyy hh:mm:ss zzz', 1472131630748L, 'EST')",
        expect: 'Thu Aug 25 2016 08:27:10 EST',
      },
      {
        expr: "DATE_FORMAT('yyyy-MM-dd HH:mm:ss.SSS z', 1472131630748L, 'America/New_York')",
        expect: '2016-08-25 09:27:10.748 EDT',
      },
      { expr: 'DATE_FORMAT("yyyy-MM-dd\'T\'HH:mm:ssXXX", 1472131630748L)', expect: '2016-08-25T13:27:10Z' },
      { expr: "DATE_FORMAT('zzzz', null, 'Asia/Tokyo')", expect: 'Japan Standard Time' },
      { expr: "DATE_FORMAT('yyyy', null)", expect: null },
      { expr: "DATE_FORMAT('INVALID DATE FORMAT', 1472131630748L, 'EST')", error: true },
    ],
    call: (args, ctx) => {
      const [format = null, second = null, third = null] = args;
      let epoch: number | undefined;
      let zone: string | undefined;
      if (args.length === 2) {
        // Metron reads a lone second argument as the time if it is a Long, the zone if it is a
        // string, and ignores it otherwise; a null one makes the result null.
        if (second === null) return null;
        if (isNumber(second) && isWhole(second)) epoch = numValue(second);
        else if (typeof second === 'string') zone = second;
      } else if (args.length >= 3) {
        if (second !== null) {
          if (!isNumber(second) || !isWhole(second))
            fail(`the timestamp must be epoch milliseconds, not ${toJavaString(second)}`);
          epoch = numValue(second);
        }
        if (third !== null) {
          if (typeof third !== 'string') fail(`the time zone must be a string, not ${toJavaString(third)}`);
          zone = third;
        }
      }
      if (format === null) return null;
      const pattern = formatFor(toJavaString(format));
      return pattern.format(epoch ?? ctx.now(), zone === undefined ? DEFAULT_ZONE : javaTimeZone(zone));
    },
  },
  calendarField('YEAR', 'The calendar year of an epoch time (UTC).', 'the year as an int', (f) => f.year, {
    expect: 2016,
  }),
  calendarField(
    'MONTH',
    'The month of an epoch time (UTC), January being 0.',
    'the 0-based month as an int',
    (f) => f.month,
    { expect: 7 },
  ),
  calendarField(
    'DAY_OF_MONTH',
    'The day within the month of an epoch time (UTC), the first being 1.',
    'the day of the month as an int',
    (f) => f.dayOfMonth,
    { expect: 25 },
  ),
  calendarField(
    'DAY_OF_WEEK',
    'The day within the week of an epoch time (UTC): Sunday 1 … Saturday 7.',
    'the day of the week as an int',
    (f) => f.dayOfWeek,
    { expect: 5 },
  ),
  calendarField(
    'DAY_OF_YEAR',
    'The day within the year of an epoch time (UTC), January 1st being 1.',
    'the day of the year as an int',
    (f) => f.dayOfYear,
    { expect: 238 },
  ),
  calendarField(
    'WEEK_OF_MONTH',
    'The week within the month of an epoch time (UTC); weeks start on Sunday and the first holds the 1st.',
    'the week of the month as an int',
    (f) => f.weekOfMonth,
    { expect: 4 },
  ),
  calendarField(
    'WEEK_OF_YEAR',
    'The week within the year of an epoch time (UTC); weeks start on Sunday and week 1 holds January 1st.',
    'the week of the year as an int',
    (f) => f.weekOfYear,
    { expect: 35 },
  ),
];
