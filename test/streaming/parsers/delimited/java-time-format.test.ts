import { describe, expect, it } from 'vitest';
import { javaTimeZone } from '#stellar';
import {
  JavaTimeFormat,
  TimePatternError,
} from '../../../../streaming/parsers/delimited/java-time-format.js';

/** java.time DateTimeFormatter parsing, as Metron's Snort parser uses it (ZonedDateTime.parse). */

const UTC = javaTimeZone('UTC');
const NY = javaTimeZone('America/New_York');
const parse = (pattern: string, text: string, zone = UTC) => JavaTimeFormat.of(pattern).parse(text, zone);

describe('java.time pattern parsing', () => {
  it('reads S…S as a fraction of a second, not a count of milliseconds', () => {
    expect(parse('MM/dd/yy-HH:mm:ss.SSSSSS', '01/27/16-16:01:04.877970')).toBe(
      Date.UTC(2016, 0, 27, 16, 1, 4, 877),
    );
    expect(parse('HH:mm:ss.S yyyy-MM-dd', '10:00:00.5 2020-01-01')).toBe(Date.UTC(2020, 0, 1, 10, 0, 0, 500));
    // Exactly as many digits as letters.
    expect(parse('yyyy-MM-dd HH:mm:ss.SSS', '2020-01-01 10:00:00.5')).toBeUndefined();
  });

  it('puts two-digit years in 2000-2099', () => {
    expect(parse('yy-MM-dd HH', '99-01-01 00')).toBe(Date.UTC(2099, 0, 1));
    expect(parse('yy-MM-dd HH', '70-01-01 00')).toBe(Date.UTC(2070, 0, 1));
  });

  it('is strict where SimpleDateFormat is lenient', () => {
    expect(parse('yyyy-MM-dd HH:mm', '2020-13-01 00:00')).toBeUndefined();
    expect(parse('yyyy-MM-dd HH:mm', '2020-01-01 24:30')).toBeUndefined();
    expect(parse('yyyy-MM-dd HH:mm', '2020-01-01 10:60')).toBeUndefined();
    expect(parse('yyyy-MM-dd HH:mm', '2020-01-01 10:00 trailing')).toBeUndefined();
    expect(parse('yyyy-MM-dd HH:mm', '2020-1-01 10:00')).toBeUndefined();
    expect(parse('MMM d yyyy HH:mm', 'jan 5 2020 10:00')).toBeUndefined(); // case-sensitive
  });

  it('moves an invalid day to the end of its month (SMART resolver)', () => {
    expect(parse('yyyy-MM-dd HH', '2021-04-31 00')).toBe(Date.UTC(2021, 3, 30));
    expect(parse('yyyy-MM-dd HH', '2020-02-30 00')).toBe(Date.UTC(2020, 1, 29));
    expect(parse('yyyy-MM-dd HH', '2020-02-32 00')).toBeUndefined();
  });

  it('needs a date and an hour, as ZonedDateTime does', () => {
    expect(parse('yyyy-MM-dd', '2020-01-01')).toBeUndefined();
    expect(parse('MM-dd HH:mm', '01-01 10:00')).toBeUndefined();
    expect(parse('yyyy-MM-dd HH', '2020-01-01 07')).toBe(Date.UTC(2020, 0, 1, 7));
  });

  it('reads names, 12-hour clocks, day-of-year and 24:00', () => {
    expect(parse('EEE MMM d HH:mm:ss yyyy', 'Wed Jan 27 16:01:04 2016')).toBe(
      Date.UTC(2016, 0, 27, 16, 1, 4),
    );
    expect(parse('EEE MMM d HH:mm:ss yyyy', 'Thu Jan 27 16:01:04 2016')).toBeUndefined(); // wrong weekday
    expect(parse('MMMM d, yyyy h:mm a', 'February 3, 2021 12:15 AM')).toBe(Date.UTC(2021, 1, 3, 0, 15));
    expect(parse('MMMM d, yyyy h:mm a', 'February 3, 2021 1:15 PM')).toBe(Date.UTC(2021, 1, 3, 13, 15));
    expect(parse('yyyy-DDD HH', '2020-060 00')).toBe(Date.UTC(2020, 1, 29));
    expect(parse('yyyy-MM-dd HH:mm', '2020-01-01 24:00')).toBe(Date.UTC(2020, 0, 2));
  });

  it('lets an offset in the text win over the zone', () => {
    expect(parse("yyyy-MM-dd'T'HH:mm:ssXXX", '2020-06-01T12:00:00+02:00', NY)).toBe(Date.UTC(2020, 5, 1, 10));
    expect(parse("yyyy-MM-dd'T'HH:mm:ssX", '2020-06-01T12:00:00Z', NY)).toBe(Date.UTC(2020, 5, 1, 12));
    expect(parse('yyyy-MM-dd HH:mm:ss Z', '2020-06-01 12:00:00 -0500', UTC)).toBe(Date.UTC(2020, 5, 1, 17));
    expect(parse('yyyy-MM-dd HH:mm:ss VV', '2020-06-01 12:00:00 Europe/Paris', UTC)).toBe(
      Date.UTC(2020, 5, 1, 10),
    );
  });

  it('reads optional sections and variable-width numbers next to fixed ones', () => {
    const p = 'yyyy-MM-dd HH:mm[:ss][.SSS]';
    expect(parse(p, '2020-01-01 10:00')).toBe(Date.UTC(2020, 0, 1, 10));
    expect(parse(p, '2020-01-01 10:00:05.250')).toBe(Date.UTC(2020, 0, 1, 10, 0, 5, 250));
    expect(parse('yyyyMMddHHmmss', '20200102030405')).toBe(Date.UTC(2020, 0, 2, 3, 4, 5));
    expect(parse('d/M/yyyy H:m', '5/7/2020 3:4')).toBe(Date.UTC(2020, 6, 5, 3, 4));
  });

  it('resolves daylight-saving gaps forward and overlaps to the earlier offset, as ZonedDateTime.ofLocal', () => {
    // 2016-03-13 02:30 does not exist in New York: it becomes 03:30 EDT.
    expect(parse('yyyy-MM-dd HH:mm', '2016-03-13 02:30', NY)).toBe(Date.UTC(2016, 2, 13, 7, 30));
    // 2016-11-06 01:30 happens twice: the first, EDT (UTC-4).
    expect(parse('yyyy-MM-dd HH:mm', '2016-11-06 01:30', NY)).toBe(Date.UTC(2016, 10, 6, 5, 30));
    expect(parse('yyyy-MM-dd HH:mm', '2016-07-01 12:00', NY)).toBe(Date.UTC(2016, 6, 1, 16));
  });

  it.each([
    ['BADFORMAT', 'Unknown pattern letter: B'],
    ['yyyy-MM-dd {', "Pattern includes reserved character: '{'"],
    ["yyyy 'open", 'incomplete string literal'],
    ['ddd', 'Too many pattern letters: d'],
    ['yyyy-ww', "pattern letter 'w' is not supported"],
    ['HH]', 'without previous ['],
  ])('refuses the pattern %s', (pattern, message) => {
    expect(() => JavaTimeFormat.of(pattern)).toThrow(TimePatternError);
    expect(() => JavaTimeFormat.of(pattern)).toThrow(message);
  });
});
