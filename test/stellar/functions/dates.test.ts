import { describe, expect, it } from 'vitest';
import {
  compile,
  kindOf,
  num,
  numValue,
  StellarError,
  type StellarNumber,
  toJson,
  type Value,
} from '#stellar';
import { DATE_FUNCTIONS } from '../../../stellar/functions/dates.js';
import { expectFullyDescribed } from '../../helpers/stellar.js';

/** 2016-08-25T13:27:10.748Z, a Thursday: Metron's own test time. */
const T = 1472131630748;
const DAY = 86_400_000;

const run = (expr: string, vars: Record<string, Value> = {}, now = T): Value =>
  compile(expr).evaluate(new Map(Object.entries(vars)), { now });
const json = (expr: string, vars: Record<string, Value> = {}, now = T): unknown =>
  toJson(run(expr, vars, now));

/** TO_EPOCH_TIMESTAMP of `text` read with `pattern` (and `zone`), the text passed as a variable. */
const parse = (text: string, pattern: string, zone?: string, now = T): unknown =>
  json(
    `TO_EPOCH_TIMESTAMP(s, p${zone === undefined ? '' : ', z'})`,
    { s: text, p: pattern, z: zone ?? null },
    now,
  );

/** DATE_FORMAT of epoch `ms` with `pattern` in `zone`. */
const format = (pattern: string, ms: number, zone = 'UTC'): unknown =>
  json('DATE_FORMAT(p, t, z)', { p: pattern, t: num('long', ms), z: zone });

describe('date function definitions', () => {
  it('describes every function fully', () => {
    expectFullyDescribed(DATE_FUNCTIONS, {
      families: ['date'],
      namespaces: () => [''],
      // Only parsing is free of the clock.
      pure: (def) => def.name === 'TO_EPOCH_TIMESTAMP',
    });
    expect(DATE_FUNCTIONS.map((d) => d.name).sort()).toEqual(
      [
        'TO_EPOCH_TIMESTAMP',
        'DATE_FORMAT',
        'YEAR',
        'MONTH',
        'DAY_OF_MONTH',
        'DAY_OF_WEEK',
        'DAY_OF_YEAR',
        'WEEK_OF_MONTH',
        'WEEK_OF_YEAR',
      ].sort(),
    );
  });
});

describe('calendar fields', () => {
  it('read Metron test time in UTC as ints', () => {
    const fields = [
      'YEAR',
      'MONTH',
      'DAY_OF_MONTH',
      'DAY_OF_WEEK',
      'DAY_OF_YEAR',
      'WEEK_OF_MONTH',
      'WEEK_OF_YEAR',
    ];
    const values = fields.map((f) => run(`${f}(t)`, { t: T }));
    expect(values).toEqual([2016, 7, 25, 5, 238, 4, 35]);
    for (const v of values) expect(kindOf(v as StellarNumber)).toBe('int');
  });

  it('default to the evaluation time', () => {
    expect(run('YEAR()', {}, Date.UTC(1999, 11, 31, 23, 59))).toBe(1999);
    expect(run('MONTH()', {}, Date.UTC(2020, 0, 1))).toBe(0);
    expect(run('DAY_OF_WEEK()', {}, Date.UTC(2024, 5, 2))).toBe(1);
  });

  it('number weeks from Sunday, the week holding January 1st being week 1', () => {
    const week = (y: number, m: number, d: number) => run('WEEK_OF_YEAR(t)', { t: Date.UTC(y, m, d) });
    expect(week(2015, 11, 31)).toBe(1);
    expect(week(2016, 11, 31)).toBe(53);
    expect(week(2017, 0, 1)).toBe(1);
    expect(week(2011, 0, 1)).toBe(1);
    expect(week(2011, 0, 2)).toBe(2);
    expect(run('WEEK_OF_MONTH(t)', { t: Date.UTC(2016, 9, 1) })).toBe(1);
    expect(run('WEEK_OF_MONTH(t)', { t: Date.UTC(2016, 9, 2) })).toBe(2);
    expect(run('DAY_OF_YEAR(t)', { t: Date.UTC(2016, 11, 31) })).toBe(366);
  });

  it('convert the time as Metron does: text, truncation, first element; null when they cannot', () => {
    expect(run("YEAR('1472131630748')")).toBe(2016);
    expect(run('DAY_OF_MONTH(t)', { t: T + 0.5 })).toBe(25);
    expect(run('YEAR(l)', { l: [T] })).toBe(2016);
    expect(run('YEAR(true)')).toBe(1970);
    expect(run("YEAR('1.5')")).toBeNull();
    expect(run('YEAR([])')).toBeNull();
    expect(run('YEAR(x)', { x: null })).toBeNull();
    expect(() => run('YEAR(nada)')).toThrow(StellarError);
  });

  it('use the Julian calendar before 1582-10-15, and count eras', () => {
    const oct15 = Date.UTC(1582, 9, 15);
    expect(run('DAY_OF_MONTH(t)', { t: oct15 - DAY })).toBe(4);
    expect(run('DAY_OF_YEAR(t)', { t: oct15 })).toBe(278);
    // 0001-01-01 in the proleptic Gregorian calendar is 0001-01-03 in the Julian one.
    const gregorianYear1 = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(1);
    expect(run('DAY_OF_MONTH(t)', { t: gregorianYear1 })).toBe(3);
    expect(run('YEAR(t)', { t: gregorianYear1 - 3 * DAY })).toBe(1);
    expect(run('MONTH(t)', { t: gregorianYear1 - 3 * DAY })).toBe(11);
    expect(format('G yyyy-MM-dd', gregorianYear1 - 3 * DAY)).toBe('BC 0001-12-31');
  });
});

describe('DATE_FORMAT', () => {
  it('writes every SimpleDateFormat letter as Java does in the US locale', () => {
    expect(
      format(
        'G yyyy yy y Y YY MMMM MMM MM M L d dd D F w W E EEEE u a H HH k K h hh m mm s ss S SSS SSSS z zzzz Z X XX XXX',
        T,
      ),
    ).toBe(
      'AD 2016 16 2016 2016 16 August Aug 08 8 8 25 25 238 4 35 4 Thu Thursday 4 PM 13 13 13 1 1 01 27 27 10 10 748 748 0748 UTC Coordinated Universal Time +0000 Z Z Z',
    );
    const midnight = Date.UTC(2016, 7, 25);
    expect(format('k h K a', midnight)).toBe('24 12 0 AM');
    expect(format('yyyyy', midnight)).toBe('02016');
  });

  it('quotes text with single quotes', () => {
    expect(format("yyyy-MM-dd'T'HH:mm:ss''", T)).toBe("2016-08-25T13:27:10'");
    expect(format("h 'o''clock' a", T)).toBe("1 o'clock PM");
    expect(format('[yyyy] #1 - é', T)).toBe('[2016] #1 - é');
  });

  it('names zones and offsets as Java does', () => {
    expect(format('HH:mm z Z X XX XXX', T, 'Asia/Kolkata')).toBe('18:57 IST +0530 +05 +0530 +05:30');
    expect(format('HH:mm z zzzz XXX', T, 'PST')).toBe('06:27 PDT Pacific Daylight Time -07:00');
    expect(format('HH:mm z zzzz', Date.UTC(2016, 0, 25, 13), 'America/New_York')).toBe(
      '08:00 EST Eastern Standard Time',
    );
    expect(format('HH:mm z', T, 'Europe/Paris')).toBe('15:27 CEST');
    expect(format('HH:mm z', Date.UTC(2016, 0, 25, 13), 'Europe/London')).toBe('13:00 GMT');
    expect(format('HH:mm z', T, 'Europe/London')).toBe('14:27 BST');
    expect(format('HH:mm z zzzz', T, 'GMT-3')).toBe('10:27 GMT-03:00 GMT-03:00');
    expect(format('HH:mm z', T, 'GMT+0530')).toBe('18:57 GMT+05:30');
    // Java's EST is a fixed -05:00, even in August.
    expect(format('HH:mm z', T, 'EST')).toBe('08:27 EST');
    // Unknown IDs are GMT.
    expect(format('HH:mm z', T, 'Mars/Olympus')).toBe('13:27 GMT');
    expect(format('HH:mm z', T, 'UTC+5')).toBe('13:27 GMT');
    expect(format('HH:mm z', T, '+05:00')).toBe('13:27 GMT');
    expect(format('HH:mm z', T, 'toString')).toBe('13:27 GMT');
  });

  it('takes a lone second argument as the time if whole, the zone if text', () => {
    expect(json("DATE_FORMAT('HH:mm z', 'Asia/Tokyo')")).toBe('22:27 JST');
    expect(json("DATE_FORMAT('yyyy-MM-dd HH:mm', 0)")).toBe('1970-01-01 00:00');
    expect(json("DATE_FORMAT('yyyy', 1.5)")).toBe('2016');
    expect(json("DATE_FORMAT('yyyy', null)")).toBeNull();
    expect(json("DATE_FORMAT('yyyy-MM-dd')")).toBe('2016-08-25');
    expect(json("DATE_FORMAT('yyyy-MM-dd')", {}, 0)).toBe('1970-01-01');
  });

  it('with three arguments, needs a whole time and a text zone, each may be null', () => {
    expect(json("DATE_FORMAT('HH:mm', null, null)")).toBe('13:27');
    expect(() => run("DATE_FORMAT('HH:mm', 1.5, 'UTC')")).toThrow(/epoch milliseconds/);
    expect(() => run("DATE_FORMAT('HH:mm', 0, 5)")).toThrow(/time zone must be a string/);
    expect(json('DATE_FORMAT(null, 0, null)')).toBeNull();
    expect(() => compile('DATE_FORMAT()')).toThrow(StellarError);
  });

  it('rejects patterns Java rejects', () => {
    expect(() => run("DATE_FORMAT('yyyy-QQ', 0)")).toThrow(/Illegal pattern character 'Q'/);
    expect(() => run("DATE_FORMAT('yyyy \\'T', 0)")).toThrow(/Unterminated quote/);
    expect(() => run("DATE_FORMAT('XXXX', 0)")).toThrow(/invalid ISO 8601 format/);
  });
});

describe('TO_EPOCH_TIMESTAMP', () => {
  it('returns a long, reading zone-less text in UTC unless told', () => {
    const r = run("TO_EPOCH_TIMESTAMP('2016-01-05 17:02:30', 'yyyy-MM-dd HH:mm:ss')") as StellarNumber;
    expect(kindOf(r)).toBe('long');
    expect(numValue(r)).toBe(1452013350000);
    expect(parse('2016-01-05 17:02:30', 'yyyy-MM-dd HH:mm:ss', 'Asia/Tokyo')).toBe(
      1452013350000 - 9 * 3_600_000,
    );
    expect(parse('2016-01-05', 'yyyy-MM-dd', 'Mars/Olympus')).toBe(Date.UTC(2016, 0, 5));
  });

  it('reads a zone in the text over the one given', () => {
    const base = Date.UTC(2016, 0, 5, 17, 2, 30);
    expect(parse('2016-01-05 17:02:30 +0100', 'yyyy-MM-dd HH:mm:ss Z', 'America/New_York')).toBe(
      base - 3_600_000,
    );
    expect(parse('2016-01-05 17:02:30 EST', 'yyyy-MM-dd HH:mm:ss z')).toBe(base + 5 * 3_600_000);
    expect(parse('2016-01-05 17:02:30 PDT', 'yyyy-MM-dd HH:mm:ss z')).toBe(base + 7 * 3_600_000);
    expect(parse('2016-01-05 17:02:30 GMT+05:30', 'yyyy-MM-dd HH:mm:ss z')).toBe(base - 5.5 * 3_600_000);
    expect(parse('2016-01-05 17:02:30 GMT', 'yyyy-MM-dd HH:mm:ss z', 'Asia/Tokyo')).toBe(base);
    expect(parse('2016-01-05 17:02:30 Central European Summer Time', 'yyyy-MM-dd HH:mm:ss zzzz')).toBe(
      base - 2 * 3_600_000,
    );
    // Sydney's January name is its daylight one.
    expect(parse('2016-01-05 17:02:30 Australian Eastern Daylight Time', 'yyyy-MM-dd HH:mm:ss zzzz')).toBe(
      base - 11 * 3_600_000,
    );
    expect(parse('2016-01-05 17:02:30 AEST', 'yyyy-MM-dd HH:mm:ss z')).toBe(base - 10 * 3_600_000);
    expect(parse('2016-01-05 17:02:30 Nowhere', 'yyyy-MM-dd HH:mm:ss z')).toBeNull();
    expect(parse('2016-01-05T17:02:30Z', "yyyy-MM-dd'T'HH:mm:ssX", 'Asia/Tokyo')).toBe(base);
    expect(parse('2016-01-05T17:02:30-03:30', "yyyy-MM-dd'T'HH:mm:ssXXX")).toBe(base + 3.5 * 3_600_000);
    expect(parse('2016-01-05T17:02:30+05', "yyyy-MM-dd'T'HH:mm:ssX")).toBe(base - 5 * 3_600_000);
    expect(parse('2016-01-05T17:02:30+05:30', "yyyy-MM-dd'T'HH:mm:ssX")).toBe(base - 5 * 3_600_000);
    expect(parse('2016-01-05 17:02:30 +01', 'yyyy-MM-dd HH:mm:ss Z')).toBeNull();
  });

  it('is lenient, as SimpleDateFormat is by default', () => {
    expect(parse('2016-02-30', 'yyyy-MM-dd')).toBe(Date.UTC(2016, 2, 1));
    expect(parse('2016-13-01', 'yyyy-MM-dd')).toBe(Date.UTC(2017, 0, 1));
    expect(parse('2016-01-05 24:00', 'yyyy-MM-dd HH:mm')).toBe(Date.UTC(2016, 0, 6));
    expect(parse('2016-1-5', 'yyyy-MM-dd')).toBe(Date.UTC(2016, 0, 5));
    expect(parse('2016-01- 5', 'yyyy-MM-dd')).toBe(Date.UTC(2016, 0, 5));
    expect(parse('2016-01-05T10:00 and more', 'yyyy-MM-dd')).toBe(Date.UTC(2016, 0, 5));
  });

  it('reads fields that run together by their letter count', () => {
    expect(parse('20160105173000', 'yyyyMMddHHmmss')).toBe(Date.UTC(2016, 0, 5, 17, 30));
    // The last field reads what is left: day 0 is December 31st.
    expect(parse('2016010', 'yyyyMMdd')).toBe(Date.UTC(2015, 11, 31));
    expect(parse('201601', 'yyyyMMdd')).toBeNull();
  });

  it('reads names, AM/PM and 12-hour clocks in any case', () => {
    expect(parse('25-aug-2016', 'dd-MMM-yyyy')).toBe(Date.UTC(2016, 7, 25));
    expect(parse('25 AUGUST 2016', 'dd MMM yyyy')).toBe(Date.UTC(2016, 7, 25));
    expect(parse('01/05/2016 05:02 pm', 'MM/dd/yyyy hh:mm a')).toBe(Date.UTC(2016, 0, 5, 17, 2));
    expect(parse('01/05/2016 12:30 AM', 'MM/dd/yyyy hh:mm a')).toBe(Date.UTC(2016, 0, 5, 0, 30));
    expect(parse('Thu Aug 25 13:27:10 UTC 2016', 'EEE MMM dd HH:mm:ss zzz yyyy')).toBe(1472131630000);
    expect(parse('Thursday, 2016-08-25', 'EEEE, yyyy-MM-dd')).toBe(Date.UTC(2016, 7, 25));
    expect(parse('2016 238', 'yyyy D')).toBe(Date.UTC(2016, 7, 25));
  });

  it('places two-digit years in the century starting 80 years before now', () => {
    const now = Date.UTC(2024, 0, 1);
    expect(parse('16-01-05', 'yy-MM-dd', undefined, now)).toBe(Date.UTC(2016, 0, 5));
    expect(parse('16-01-05', 'y-MM-dd', undefined, now)).toBe(Date.UTC(2016, 0, 5));
    expect(parse('50-01-05', 'yy-MM-dd', undefined, now)).toBe(Date.UTC(1950, 0, 5));
    expect(parse('43-06-01', 'yy-MM-dd', undefined, now)).toBe(Date.UTC(2043, 5, 1));
    // 44 is the window's own year: 1944 from January 1st 1944 on.
    expect(parse('44-06-01', 'yy-MM-dd', undefined, now)).toBe(Date.UTC(1944, 5, 1));
    expect(parse('0016-01-05', 'yyyy-MM-dd', undefined, now)).toBe(
      // Julian 0016-01-05 is proleptic Gregorian 0016-01-03.
      new Date(Date.UTC(2016, 0, 5)).setUTCFullYear(16) - 2 * DAY,
    );
  });

  it('resolves a local time in a gap or an overlap to standard time, as GregorianCalendar does', () => {
    expect(parse('2016-03-13 02:30', 'yyyy-MM-dd HH:mm', 'America/New_York')).toBe(
      Date.UTC(2016, 2, 13, 7, 30),
    );
    expect(parse('2016-11-06 01:30', 'yyyy-MM-dd HH:mm', 'America/New_York')).toBe(
      Date.UTC(2016, 10, 6, 6, 30),
    );
    expect(parse('2016-07-01 12:00', 'yyyy-MM-dd HH:mm', 'America/New_York')).toBe(Date.UTC(2016, 6, 1, 16));
  });

  it('round-trips Julian dates with DATE_FORMAT', () => {
    expect(json("DATE_FORMAT('yyyy-MM-dd', TO_EPOCH_TIMESTAMP('1000-03-01', 'yyyy-MM-dd'))")).toBe(
      '1000-03-01',
    );
    expect(
      json("TO_EPOCH_TIMESTAMP('1582-10-15', 'yyyy-MM-dd') - TO_EPOCH_TIMESTAMP('1582-10-04', 'yyyy-MM-dd')"),
    ).toBe(DAY);
  });

  it('gives null for text that does not match, and fails for a bad pattern', () => {
    expect(parse('yesterday', 'yyyy-MM-dd')).toBeNull();
    expect(parse('2016-01', 'yyyy-MM-dd')).toBeNull();
    expect(parse('', 'yyyy')).toBeNull();
    expect(parse('2016', '')).toBeNull();
    expect(parse('2016/01/05', 'yyyy-MM-dd')).toBeNull();
    expect(json("TO_EPOCH_TIMESTAMP('2016', null)")).toBeNull();
    expect(() => run("TO_EPOCH_TIMESTAMP('2016', 'yyyy-ii')")).toThrow(/Illegal pattern character 'i'/);
    expect(() => compile("TO_EPOCH_TIMESTAMP('2016')")).toThrow(StellarError);
  });
});
