import { describe, expect, it } from 'vitest';
import {
  durationMs,
  fixedLookback,
  MAX_PERIODS,
  type ProfilePeriod,
  periodId,
  periodStart,
  periodsBetween,
  profilePeriod,
  TIME_UNITS,
  timeUnitMs,
} from '../../stellar/profiler/period.js';
import {
  type Interval,
  intervalsContain,
  MAX_INTERVALS,
  parseWindow,
  type Window,
  WindowSelectorError,
  windowIntervals,
  windowPeriods,
} from '../../stellar/profiler/window.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Metron's default client period. */
const FIFTEEN_MINUTES = 15 * MINUTE;

/** Tue 26 Dec 2017 12:00 UTC: the "now" of Metron's date and holiday tests. */
const DEC_26_2017_NOON = Date.UTC(2017, 11, 26, 12, 0);
/** A "now" that is on no period boundary, as `new Date()` in Metron's tests almost always is. */
const OFF_BOUNDARY = Date.UTC(2017, 11, 26, 12, 2, 3, 456);
/** Seven consecutive noons, Sunday 24 Dec to Saturday 30 Dec 2017, so every weekday is "now" once. */
const WEEK_OF_NOWS = [0, 1, 2, 3, 4, 5, 6].map((d) => Date.UTC(2017, 11, 24 + d, 12, 0));

const intervals = (selector: string, now: number): Interval[] => windowIntervals(parseWindow(selector), now);
const periods = (selector: string, now: number, periodMs = FIFTEEN_MINUTES): ProfilePeriod[] =>
  windowPeriods(parseWindow(selector), now, periodMs);
const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const utcDay = (ms: number): number => new Date(ms).getUTCDay();

/** The error `parseWindow(selector)` throws. */
function failure(selector: string): WindowSelectorError {
  try {
    parseWindow(selector);
  } catch (e) {
    expect(e).toBeInstanceOf(WindowSelectorError);
    return e as WindowSelectorError;
  }
  throw new Error(`'${selector}' parsed`);
}

/**
 * PROFILE_WINDOW exactly as Metron computes it: visit every period of the selector's range and
 * keep those whose start an interval holds (IntervalPredicate).
 */
function metronWindowPeriods(window: Window, now: number, periodMs: number): ProfilePeriod[] {
  const selected = windowIntervals(window, now);
  return periodsBetween(now - window.startAgoMs, now - window.endAgoMs, periodMs).filter((p) =>
    intervalsContain(selected, p.start),
  );
}

/** Whether consecutive periods are evenly spaced (WindowLookbackTest's CONTIGUOUS). */
function contiguous(list: readonly ProfilePeriod[]): boolean {
  if (list.length < 2) return true;
  const step = (list[1] as ProfilePeriod).start - (list[0] as ProfilePeriod).start;
  return list.every((p, i) => i === 0 || p.start - (list[i - 1] as ProfilePeriod).start === step);
}

/** Every period starts in some interval and every interval holds some period (INTERVALS_CONTAIN_ALL_PERIODS). */
function intervalsContainAllPeriods(ivs: readonly Interval[], list: readonly ProfilePeriod[]): boolean {
  const found = new Set<Interval>();
  for (const p of list) {
    const holding = ivs.filter((iv) => iv.start <= p.start && p.start <= iv.end);
    if (holding.length === 0) return false;
    for (const iv of holding) found.add(iv);
  }
  return found.size === ivs.length;
}

// ---------------------------------------------------------------------------------------------

describe('period arithmetic (ported from ProfilePeriodTest)', () => {
  /** Thu, 25 Aug 2016 13:27:10.748 UTC. */
  const AUG2016 = 1472131630748;

  it('starts period 0 at the epoch', () => {
    expect(periodId(0, HOUR)).toBe(0);
    expect(profilePeriod(periodId(0, HOUR), HOUR)).toEqual({ id: 0, start: 0, end: HOUR, durationMs: HOUR });
  });

  it.each([
    [1, 'MINUTES', 24535527, 1472131620000], // 13:27:00
    [15, 'MINUTES', 1635701, 1472130900000], // 13:15:00
    [1, 'HOURS', 408925, 1472130000000], // 13:00:00
    [2, 'HOURS', 204462, 1472126400000], // 12:00:00
    [8, 'HOURS', 51115, 1472112000000], // 08:00:00
  ])('%i %s periods hold AUG2016 in period %i starting at %i', (duration, units, id, start) => {
    const ms = durationMs(duration, units);
    expect(periodId(AUG2016, ms)).toBe(id);
    expect(periodStart(id, ms)).toBe(start);
    expect(profilePeriod(id, ms).durationMs).toBe(ms);
  });

  it('walks to the next period 100 times with 15-minute periods', () => {
    const walk = periodsBetween(AUG2016, AUG2016 + 100 * FIFTEEN_MINUTES, FIFTEEN_MINUTES);
    expect(walk).toHaveLength(101);
    walk.slice(1).forEach((next, i) => {
      const previous = walk[i] as ProfilePeriod;
      expect(next.id).toBe(previous.id + 1);
      expect(next.start).toBe(previous.start + previous.durationMs);
      expect(next.start).toBe(previous.end);
      expect(next.durationMs).toBe(previous.durationMs);
    });
  });

  it('refuses a period duration of zero', () => {
    expect(() => periodId(0, durationMs(0, 'HOURS'))).toThrow(RangeError);
    expect(() => periodsBetween(0, 10, 0)).toThrow(
      'period duration must be a whole number of milliseconds > 0',
    );
  });
});

describe('period arithmetic', () => {
  it('reads Java TimeUnit names in any case', () => {
    expect(TIME_UNITS).toEqual(['MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS']);
    expect(timeUnitMs('MILLISECONDS')).toBe(1);
    expect(timeUnitMs('seconds')).toBe(SECOND);
    expect(timeUnitMs('Minutes')).toBe(MINUTE);
    expect(timeUnitMs('HOURS')).toBe(HOUR);
    expect(timeUnitMs('days')).toBe(DAY);
    expect(durationMs(4, 'hours')).toBe(4 * HOUR);
  });

  it('names the units it takes when given another', () => {
    expect(() => timeUnitMs('HOUR')).toThrow(
      "unknown time unit 'HOUR' (expected MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS)",
    );
    expect(() => timeUnitMs('fortnights')).toThrow(RangeError);
    expect(() => timeUnitMs('NANOSECONDS')).toThrow(
      "unknown time unit 'NANOSECONDS': periods and lookbacks are whole milliseconds",
    );
  });

  it('truncates a fractional amount as Metron does turning it into a long', () => {
    expect(durationMs(1.9, 'HOURS')).toBe(HOUR);
    expect(durationMs(-2.5, 'MINUTES')).toBe(-2 * MINUTE);
    expect(() => durationMs(Number.POSITIVE_INFINITY, 'DAYS')).toThrow(RangeError);
    expect(() => durationMs(2 ** 60, 'DAYS')).toThrow(RangeError);
  });

  it('floors before the epoch', () => {
    expect(periodId(-1, HOUR)).toBe(-1);
    expect(periodId(-HOUR, HOUR)).toBe(-1);
    expect(periodId(-HOUR - 1, HOUR)).toBe(-2);
    expect(periodStart(-2, HOUR)).toBe(-2 * HOUR);
  });

  it('is exact at the edge of the double range', () => {
    const big = Number.MAX_SAFE_INTEGER - 1;
    expect(periodId(big, 3) * 3).toBeLessThanOrEqual(big);
    expect((periodId(big, 3) + 1) * 3).toBeGreaterThan(big);
  });

  it('visits periods as visitPeriods does: both ends inclusive', () => {
    const ids = (start: number, end: number) => periodsBetween(start, end, HOUR).map((p) => p.id);
    expect(ids(0, HOUR - 1)).toEqual([0]);
    // A period starting exactly at the end is visited.
    expect(ids(0, HOUR)).toEqual([0, 1]);
    // The period holding the start is visited though it began before it.
    expect(ids(HOUR + 1, 2 * HOUR)).toEqual([1, 2]);
    expect(ids(10 * HOUR + 5, 10 * HOUR + 5)).toEqual([10]);
    // An end before the start still visits the start's period if it began by the end…
    expect(ids(10 * HOUR + 5, 10 * HOUR + 1)).toEqual([10]);
    // …and nothing when it began after.
    expect(ids(10 * HOUR + 5, 10 * HOUR - 1)).toEqual([]);
  });

  it('gives each period its start, end and duration', () => {
    expect(periodsBetween(2 * HOUR, 3 * HOUR, HOUR)).toEqual([
      { id: 2, start: 2 * HOUR, end: 3 * HOUR, durationMs: HOUR },
      { id: 3, start: 3 * HOUR, end: 4 * HOUR, durationMs: HOUR },
    ]);
  });

  it('refuses instants that are not whole milliseconds', () => {
    expect(() => periodsBetween(0.5, 10, 1)).toThrow('the start must be whole epoch milliseconds; got 0.5');
    expect(() => periodId(Number.NaN, 1)).toThrow(RangeError);
  });

  it('stops at MAX_PERIODS', () => {
    expect(periodsBetween(0, MAX_PERIODS - 1, 1)).toHaveLength(MAX_PERIODS);
    expect(() => periodsBetween(0, MAX_PERIODS, 1)).toThrow(`more than the ${MAX_PERIODS} allowed`);
  });

  describe('fixedLookback (PROFILE_FIXED)', () => {
    it('takes every period from the one holding now - ago to the one holding now', () => {
      const list = fixedLookback(OFF_BOUNDARY, 4 * HOUR, FIFTEEN_MINUTES);
      expect(list).toHaveLength(17);
      expect(list[0]?.id).toBe(periodId(OFF_BOUNDARY - 4 * HOUR, FIFTEEN_MINUTES));
      expect(list.at(-1)?.id).toBe(periodId(OFF_BOUNDARY, FIFTEEN_MINUTES));
      expect(contiguous(list)).toBe(true);
    });

    it('counts the period starting at now when now is on a boundary', () => {
      const list = fixedLookback(DEC_26_2017_NOON, HOUR, FIFTEEN_MINUTES);
      expect(list.map((p) => p.start - DEC_26_2017_NOON)).toEqual(
        [-60, -45, -30, -15, 0].map((m) => m * MINUTE),
      );
    });

    it('uses the client period, e.g. one minute', () => {
      expect(fixedLookback(OFF_BOUNDARY, 2 * HOUR, MINUTE)).toHaveLength(121);
    });

    it('gives one period for a lookback of zero', () => {
      expect(fixedLookback(OFF_BOUNDARY, 0, FIFTEEN_MINUTES).map((p) => p.id)).toEqual([
        periodId(OFF_BOUNDARY, FIFTEEN_MINUTES),
      ]);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('window selectors (ported from WindowProcessorTest)', () => {
  it.each(['1 hour', '1 hour(s)', '1 hours'])('base case: %s is the hour before now', (selector) => {
    expect(intervals(selector, OFF_BOUNDARY)).toEqual([{ start: OFF_BOUNDARY - HOUR, end: OFF_BOUNDARY }]);
  });

  it.each([
    'from 2 hours ago to 30 minutes ago',
    'starting from 2 hours until 30 minutes',
    'starting from 2 hours ago until 30 minutes ago',
    'starting from 30 minutes ago until 2 hours ago',
    'from 30 minutes ago to 2 hours ago ',
  ])('dense window: %s', (selector) => {
    expect(intervals(selector, OFF_BOUNDARY)).toEqual([
      { start: OFF_BOUNDARY - 2 * HOUR, end: OFF_BOUNDARY - 30 * MINUTE },
    ]);
  });

  it.each([
    '30 minute window every 1 hour from 2 hours ago to 30 minutes ago',
    '30 minute window every 1 hour starting from 2 hours ago to 30 minutes ago',
    '30 minute window every 1 hour starting from 2 hours ago until 30 minutes ago',
    '30 minute window for every 1 hour starting from 2 hours ago until 30 minutes ago',
  ])('sparse window: %s', (selector) => {
    const now = OFF_BOUNDARY;
    expect(intervals(selector, now)).toEqual([
      { start: now - 2 * HOUR, end: now - 2 * HOUR + 30 * MINUTE },
      { start: now - HOUR, end: now - HOUR + 30 * MINUTE },
    ]);
  });

  it('repeats until now', () => {
    const now = OFF_BOUNDARY;
    expect(intervals('30 minute window every 1 hour from 3 hours ago', now)).toEqual([
      { start: now - 3 * HOUR, end: now - 3 * HOUR + 30 * MINUTE },
      { start: now - 2 * HOUR, end: now - 2 * HOUR + 30 * MINUTE },
      { start: now - HOUR, end: now - HOUR + 30 * MINUTE },
    ]);
  });

  it.each(WEEK_OF_NOWS)('repeats with inclusions (now = %i)', (now) => {
    const tuesdays = intervals('30 minute window every 24 hours from 14 days ago including tuesdays', now);
    expect(tuesdays).toHaveLength(2);
    expect(tuesdays.every((iv) => utcDay(iv.start) === 2)).toBe(true);
    const sameDay = intervals(
      '30 minute window every 24 hours from 14 days ago including this day of the week',
      now,
    );
    expect(sameDay.map((iv) => now - iv.start)).toEqual([14 * DAY, 7 * DAY]);
    expect(intervals('30 minute window every 24 hours from 14 days ago', now)).toHaveLength(14);
  });

  it.each(WEEK_OF_NOWS)('lets exclusions beat inclusions (now = %i)', (now) => {
    expect(
      intervals(
        '30 minute window every 24 hours from 7 days ago including saturdays excluding weekends',
        now,
      ),
    ).toEqual([]);
  });

  it.each(WEEK_OF_NOWS)('excludes weekends (now = %i)', (now) => {
    const kept = intervals('30 minute window every 24 hours from 7 days ago excluding weekends', now);
    expect(kept).toHaveLength(5);
    expect(kept.map((iv) => utcDay(iv.start)).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses holidays, which need jollyday (testRepeatWithInclusionExclusion)', () => {
    const e = failure(
      '30 minute window every 24 hours from 7 days ago including holidays:us excluding weekends',
    );
    expect(e.problem).toBe('holiday specifiers are not supported');
    expect(e.offset).toBe(58);
  });

  it.each(WEEK_OF_NOWS)('reaches many moons ago (now = %i)', (now) => {
    expect(intervals('1 hour window every 24 hours starting from 56 days ago', now)).toHaveLength(56);
    const sameDay = intervals(
      '1 hour window every 24 hours starting from 56 days ago including this day of the week',
      now,
    );
    expect(sameDay).toHaveLength(8);
    expect(sameDay.every((iv) => utcDay(iv.start) === utcDay(now))).toBe(true);
  });

  it.each(WEEK_OF_NOWS)('excludes weekdays (now = %i)', (now) => {
    const kept = intervals('30 minute window every 24 hours from 7 days ago excluding weekdays', now);
    expect(kept.map((iv) => utcDay(iv.start)).sort()).toEqual([0, 6]);
  });

  it.each([
    '30 minute window every 24 hours from 14 days ago excluding holidays:us',
    '30 minute window every 24 hours from 14 days ago excluding holidays:us:nyc',
    '30 minute window every 24 hours from 14 days ago excluding holiday',
  ])('refuses holiday exclusions: %s', (selector) => {
    expect(() => parseWindow(selector)).toThrow(
      'holiday specifiers are not supported at 59 (Metron reads holiday calendars from the jollyday library, which Palisade does not have; list the days with date:yyyy/MM/dd instead)',
    );
  });

  it.each([
    '30 minute window every 24 hours from 14 days ago including date:20171225:yyyyMMdd',
    '30 minute window every 24 hours from 14 days ago including date:2017-12-25:yyyy-MM-dd',
    '30 minute window every 24 hours from 14 days ago including date:2017/12/25',
  ])('includes one date: %s', (selector) => {
    const kept = intervals(selector, DEC_26_2017_NOON);
    expect(kept).toHaveLength(1);
    expect(utcDate((kept[0] as Interval).start)).toBe('2017-12-25');
  });

  it('excludes one date', () => {
    const kept = intervals(
      '30 minute window every 24 hours from 14 days ago excluding date:2017/12/25',
      DEC_26_2017_NOON,
    );
    expect(kept).toHaveLength(13);
    expect(kept.map((iv) => utcDate(iv.start))).not.toContain('2017-12-25');
  });

  it('includes two dates, oldest first', () => {
    const kept = intervals(
      '30 minute window every 24 hours from 14 days ago including date:2017/12/25, date:2017/12/24',
      DEC_26_2017_NOON,
    );
    expect(kept.map((iv) => utcDate(iv.start))).toEqual(['2017-12-24', '2017-12-25']);
  });

  it('rejects an unknown day specifier', () => {
    const e = failure('30 minute window every 24 hours from 14 days ago excluding hoolidays:us');
    expect(e.message).toBe(
      "cannot parse window selector '30 minute window every 24 hours from 14 days ago excluding hoolidays:us': " +
        "unknown day specifier 'hoolidays:us' at 59 (expected a day specifier (a day name, weekday, weekend, " +
        'this day of the week or date:yyyy/MM/dd))',
    );
  });

  it('rejects an unknown time unit', () => {
    const e = failure('30 minute window every 24 months from 14 days ago');
    expect(e.problem).toBe("unknown unit 'months'");
    expect(e.offset).toBe(26);
    expect(e.expected).toEqual(['second(s), minute(s), hour(s) or day(s)']);
  });

  it('rejects a misspelt window unit', () => {
    const e = failure('30 minuete window every 24 hours from 14 days ago');
    expect(e.problem).toBe("unknown unit 'minuete'");
    expect(e.offset).toBe(3);
  });

  it('rejects a number with letters in it', () => {
    const e = failure('30p minute window every 24 hours from 14 days ago');
    expect(e.problem).toBe("unexpected '30p'");
    expect(e.offset).toBe(0);
    expect(e.expected).toEqual(['a number', "'from'"]);
  });

  it('rejects a date specifier without a date', () => {
    expect(() => parseWindow('30 minute window every 14 hours from 14 days ago including date')).toThrow(
      "cannot parse window selector '30 minute window every 14 hours from 14 days ago including date': " +
        "'date' needs a date at 59 (as in date:2017/12/25 or date:20171225:yyyyMMdd)",
    );
  });
});

describe('PROFILE_WINDOW periods (ported from WindowLookbackTest)', () => {
  it('uses the configured period: one-minute periods in an hour', () => {
    const list = periods('1 hour', OFF_BOUNDARY, MINUTE);
    expect(list).toHaveLength(HOUR / MINUTE);
    expect(contiguous(list)).toBe(true);
  });

  it('uses 15-minute periods by default (a selector alone)', () => {
    expect(periods('1 hour', OFF_BOUNDARY)).toHaveLength(HOUR / FIFTEEN_MINUTES);
  });

  it('gives a dense lookback', () => {
    const list = periods('1 hour', OFF_BOUNDARY);
    expect(list.length).toBeGreaterThan(0);
    expect(contiguous(list)).toBe(true);
    expect(list.map((p) => p.id)).toEqual(
      [1, 2, 3, 4].map((k) => periodId(OFF_BOUNDARY - HOUR, FIFTEEN_MINUTES) + k),
    );
  });

  it('gives a shifted dense lookback', () => {
    const selector = 'from 2 hours ago to 30 minutes ago';
    const list = periods(selector, OFF_BOUNDARY);
    expect(list).toHaveLength(90 / 15);
    expect(contiguous(list)).toBe(true);
    expect(intervalsContainAllPeriods(intervals(selector, OFF_BOUNDARY), list)).toBe(true);
  });

  it('gives a shifted sparse lookback', () => {
    const selector = '30 minute window every 1 hour from 2 hours ago to 30 minutes ago';
    const list = periods(selector, OFF_BOUNDARY);
    expect(list).toHaveLength(60 / 15);
    expect(contiguous(list)).toBe(false);
    expect(intervalsContainAllPeriods(intervals(selector, OFF_BOUNDARY), list)).toBe(true);
  });

  it.each(WEEK_OF_NOWS)('is empty when exclusions remove every window (now = %i)', (now) => {
    const selector = '30 minute window every 24 hours from 7 days ago including saturdays excluding weekends';
    expect(intervals(selector, now)).toEqual([]);
    expect(periods(selector, now)).toEqual([]);
  });

  it('reports an error in the selector', () => {
    const e = failure('30 minute idow every 24 hours from 7 days ago including saturdays excluding weekends');
    expect(e.problem).toBe("unexpected 'idow'");
    expect(e.offset).toBe(10);
    expect(e.expected).toEqual([
      "'window'",
      "'every'",
      "'including'",
      "'excluding'",
      'the end of the selector',
    ]);
  });
});

describe('intervalsContain (ported from IntervalPredicateTest)', () => {
  const contains = (ivs: Interval[], ms: number) => intervalsContain(ivs, ms);
  const iv = (start: number, end: number): Interval => ({ start, end });

  it('handles the basic case', () => {
    const ivs = [iv(0, 10), iv(20, 30), iv(40, 50)];
    expect([0, 10, 5].map((ms) => contains(ivs, ms))).toEqual([true, true, true]);
    expect([51, 15].map((ms) => contains(ivs, ms))).toEqual([false, false]);
  });

  it('handles overlapping intervals', () => {
    const ivs = [iv(0, 10), iv(5, 30), iv(40, 50)];
    expect([0, 5, 30, 10, 15, 45].map((ms) => contains(ivs, ms))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([51, 31].map((ms) => contains(ivs, ms))).toEqual([false, false]);
  });

  it('handles a single interval', () => {
    const ivs = [iv(0, 10)];
    expect([0, 5, 10].map((ms) => contains(ivs, ms))).toEqual([true, true, true]);
    expect([51, 15].map((ms) => contains(ivs, ms))).toEqual([false, false]);
  });

  it('handles a degenerate interval', () => {
    const ivs = [iv(10, 10)];
    expect([0, 5, 10, 11].map((ms) => contains(ivs, ms))).toEqual([false, false, true, false]);
  });

  it('holds nothing when there are no intervals', () => {
    expect(contains([], 0)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe('parseWindow', () => {
  it('parses the three forms into plain data', () => {
    expect(parseWindow('1 hour')).toEqual({
      selector: '1 hour',
      startAgoMs: HOUR,
      endAgoMs: 0,
      widthMs: HOUR,
      including: [],
      excluding: [],
    });
    expect(parseWindow('from 3 days ago until 1 day ago')).toEqual({
      selector: 'from 3 days ago until 1 day ago',
      startAgoMs: 3 * DAY,
      endAgoMs: DAY,
      including: [],
      excluding: [],
    });
    expect(
      parseWindow(
        '2 hours windows every 1 day from 28 days including mondays, this day of week, date:2017/12/25 excluding weekends',
      ),
    ).toEqual({
      selector:
        '2 hours windows every 1 day from 28 days including mondays, this day of week, date:2017/12/25 excluding weekends',
      startAgoMs: 28 * DAY,
      endAgoMs: 0,
      widthMs: 2 * HOUR,
      everyMs: DAY,
      including: [
        { kind: 'day-of-week', day: 1 },
        { kind: 'current-day-of-week' },
        { kind: 'date', value: '2017/12/25', format: 'yyyy/MM/dd' },
      ],
      excluding: [{ kind: 'weekend' }],
    });
  });

  it('takes a width with inclusions and exclusions but no range', () => {
    const w = parseWindow('1 hour window including weekdays excluding fridays');
    expect(w.including).toEqual([{ kind: 'weekday' }]);
    expect(w.excluding).toEqual([{ kind: 'day-of-week', day: 5 }]);
    expect(w.everyMs).toBeUndefined();
  });

  it.each([
    ['sunday', 0],
    ['MONDAYS', 1],
    ['Tuesday', 2],
    ['wednesdays', 3],
    ['THURSDAY', 4],
    ['fridays', 5],
    ['SaturDays', 6],
  ])('reads the day name %s', (name, day) => {
    expect(parseWindow(`1 hour including ${name}`).including).toEqual([{ kind: 'day-of-week', day }]);
  });

  it.each([
    'this day of week',
    'THIS DAY OF THE WEEK',
    'current day of week',
    'Current Day Of The Week',
    'this  day\tof the\nweek',
  ])('reads %j as the current day of the week', (text) => {
    expect(parseWindow(`1 hour excluding ${text}`).excluding).toEqual([{ kind: 'current-day-of-week' }]);
  });

  it.each([
    ['weekday', 'weekday'],
    ['WEEKDAYS', 'weekday'],
    ['weekend', 'weekend'],
    ['Weekends', 'weekend'],
  ])('reads %s', (text, kind) => {
    expect(parseWindow(`1 hour including ${text}`).including).toEqual([{ kind }]);
  });

  it.each([
    ['1 second', SECOND],
    ['2 SECONDS', 2 * SECOND],
    ['3 second(s)', 3 * SECOND],
    ['1 minute', MINUTE],
    ['5 Minutes', 5 * MINUTE],
    ['7 MINUTE(S)', 7 * MINUTE],
    ['1 hour', HOUR],
    ['2 HOURS', 2 * HOUR],
    ['4 Hour(s)', 4 * HOUR],
    ['1 day', DAY],
    ['3 Days', 3 * DAY],
    ['10 day(s)', 10 * DAY],
  ])('reads the interval %s', (text, ms) => {
    expect(parseWindow(text).widthMs).toBe(ms);
    expect(parseWindow(`from ${text} ago`).startAgoMs).toBe(ms);
  });

  it('reads keywords in any case', () => {
    const lower = parseWindow('30 minute window every 1 hour starting from 2 hours ago until 30 minutes ago');
    for (const selector of [
      '30 MINUTE WINDOW EVERY 1 HOUR STARTING FROM 2 HOURS AGO UNTIL 30 MINUTES AGO',
      '30 Minute Window Every 1 Hour Starting From 2 Hours Ago Until 30 Minutes Ago',
      '30 minute WINDOWS For Every 1 hour  starting   from 2 hours AGO To 30 minutes ago',
    ]) {
      const { selector: _, ...rest } = parseWindow(selector);
      const { selector: __, ...expected } = lower;
      expect(rest).toEqual(expected);
    }
    expect(parseWindow('1 HOUR INCLUDING WEEKENDS EXCLUDING SUNDAYS').excluding).toEqual([
      { kind: 'day-of-week', day: 0 },
    ]);
    expect(parseWindow('1 hour Includes mondays Excludes DATE:2017/12/25').including).toHaveLength(1);
  });

  it('needs no spaces between words, as Metron’s lexer', () => {
    expect(parseWindow('1hour').widthMs).toBe(HOUR);
    const w = parseWindow('30minutewindow every1hour from2hoursago to30minutesago');
    expect([w.widthMs, w.everyMs, w.startAgoMs, w.endAgoMs]).toEqual([
      30 * MINUTE,
      HOUR,
      2 * HOUR,
      30 * MINUTE,
    ]);
    expect(parseWindow('1 hour including mondays,tuesdays').including).toHaveLength(2);
  });

  it('takes from and to in either order, with or without ago', () => {
    const a = parseWindow('from 1 hour ago to 30 minutes ago');
    const b = parseWindow('from 30 minutes to 1 hour');
    expect([a.startAgoMs, a.endAgoMs]).toEqual([HOUR, 30 * MINUTE]);
    expect([b.startAgoMs, b.endAgoMs]).toEqual([HOUR, 30 * MINUTE]);
    expect(parseWindow('from 1 hour').endAgoMs).toBe(0);
  });

  it('keeps the first two date arguments and ignores the rest, and arguments to other specifiers', () => {
    expect(parseWindow('1 hour including date:25.12.2017:dd.MM.yyyy:extra').including).toEqual([
      { kind: 'date', value: '25.12.2017', format: 'dd.MM.yyyy' },
    ]);
    expect(parseWindow('1 hour including mondays:us, weekends:x:y').including).toEqual([
      { kind: 'day-of-week', day: 1 },
      { kind: 'weekend' },
    ]);
  });

  it('drops the first digit of a bare-number argument, as Metron does', () => {
    // Metron strips the first character of every argument, meant to be the ':' of ':arg'.
    expect(parseWindow('1 hour including date 920171225:yyyyMMdd').including).toEqual([
      { kind: 'date', value: '20171225', format: 'yyyyMMdd' },
    ]);
  });

  it('rejects the grammar’s non-sentences', () => {
    for (const [selector, problem, offset] of [
      // A dense range takes no specifiers.
      ['from 2 hours ago including mondays', "unexpected 'including'", 17],
      // A skip distance needs a range.
      ['1 hour window every 1 hour', 'unexpected end of selector', 26],
      ['1 hour window every 1 hour including mondays', "unexpected 'including'", 27],
      // Inclusions come before exclusions, once each.
      ['1 hour excluding mondays including tuesdays', "unexpected 'including'", 25],
      ['1 hour including mondays including tuesdays', "unexpected 'including'", 25],
      // `now` is a token of Metron's grammar but no rule uses it.
      ['from 2 hours ago to now', "unexpected 'now'", 20],
      ['from now', "unexpected 'now'", 5],
      ['0 hours', "'0' is not a number (amounts start at 1)", 0],
      ['from 05 hours ago', "'05' is not a number (amounts start at 1)", 5],
      ['1.5 hours', "'1.5' is not a whole number (fractional amounts are not supported)", 0],
      [
        'from 2 hours ago to 2.5 hours',
        "'2.5' is not a whole number (fractional amounts are not supported)",
        20,
      ],
      ['-1 hours', "unexpected '-1'", 0],
      ['1 hour including', 'unexpected end of selector', 16],
      ['1 hour including mondays,', 'unexpected end of selector', 25],
      ['1 hour including , mondays', "unknown day specifier ','", 17],
      ['1 hour including date: 2017/12/25', "unexpected ':'", 21],
      ['hour', "unexpected 'hour'", 0],
      ['1', 'unexpected end of selector', 1],
      ['every 1 hour', "unexpected 'every'", 0],
      ['1 hour window window', "unexpected 'window'", 14],
      ['1 hour ago', "unexpected 'ago'", 7],
      ['from 2 hours ago to 1 hour ago to now', "unexpected 'to'", 31],
      // The README's own example, with "the" before "current day of the week", is not in the grammar.
      [
        '1 hour window every 24 hours starting from 14 days ago including the current day of the week',
        "unknown day specifier 'the'",
        65,
      ],
      ['1 hour including mondays excluding weekends extra', "unexpected 'extra'", 44],
    ] as const) {
      const e = failure(selector);
      expect([selector, e.problem, e.offset]).toEqual([selector, problem, offset]);
    }
  });

  it('quotes the selector, the offset and what was expected', () => {
    expect(() => parseWindow('from 5 hourz ago')).toThrow(
      new WindowSelectorError('from 5 hourz ago', 7, "unknown unit 'hourz'", [
        'second(s), minute(s), hour(s) or day(s)',
      ]).message,
    );
    expect(failure('from 5 hourz ago').message).toBe(
      "cannot parse window selector 'from 5 hourz ago': unknown unit 'hourz' at 7 (expected second(s), minute(s), hour(s) or day(s))",
    );
    expect(failure('from 2 hours ago to now').message).toBe(
      "cannot parse window selector 'from 2 hours ago to now': unexpected 'now' at 20 (expected a number)",
    );
    expect(failure('from 2 hours ago including mondays').message).toBe(
      "cannot parse window selector 'from 2 hours ago including mondays': unexpected 'including' at 17 (expected 'to' or the end of the selector)",
    );
    expect(failure('1 hour including mondays foo').message).toBe(
      "cannot parse window selector '1 hour including mondays foo': unexpected 'foo' at 25 (expected an argument such as ':2017/12/25', ',', 'excluding' or the end of the selector)",
    );
    expect(failure('30 minute foo').expected).toEqual([
      "'window'",
      "'every'",
      "'including'",
      "'excluding'",
      'the end of the selector',
    ]);
  });

  it('reports a word split mid-way where the word begins', () => {
    expect([failure('1 hourswindo').problem, failure('1 hourswindo').offset]).toEqual([
      "unknown unit 'hourswindo'",
      2,
    ]);
    expect([failure('1 hour including mondayz').problem, failure('1 hour including mondayz').offset]).toEqual(
      ["unknown day specifier 'mondayz'", 17],
    );
  });

  it('explains an empty selector', () => {
    for (const selector of ['', '   ', '\n\t']) {
      const e = failure(selector);
      expect(e.problem).toBe('empty selector');
      expect(e.expected).toEqual(['a number', "'from'"]);
    }
    expect(failure('').message).toBe(
      "cannot parse window selector '': empty selector at 0 (expected a number or 'from')",
    );
  });

  it('refuses every holiday form with a clear message', () => {
    for (const text of ['holiday', 'holidays', 'HOLIDAYS:us', 'Holiday:us:nyc', 'holidays:hu']) {
      const selector = `1 hour window every 24 hours from 14 days ago excluding weekends, ${text}`;
      const e = failure(selector);
      expect(e.problem).toBe('holiday specifiers are not supported');
      expect(e.offset).toBe(selector.indexOf(text));
      expect(e.message).toContain('jollyday');
      expect(e.message).not.toMatch(/\n|\bat [a-z]+\.|Error:/);
    }
  });

  it('rejects a date it cannot read, or a bad pattern, when parsing', () => {
    expect(failure('1 hour including date:Dec-25-2017').message).toBe(
      "cannot parse window selector '1 hour including date:Dec-25-2017': cannot read 'Dec-25-2017' as a date " +
        "with the format 'yyyy/MM/dd' at 17",
    );
    expect(failure('1 hour including date:25-12-2017:yyyy/MM/dd').offset).toBe(17);
    expect(failure('1 hour including date:2017-12-25').problem).toBe(
      "cannot read '2017-12-25' as a date with the format 'yyyy/MM/dd'",
    );
    expect(failure('1 hour including date:2017:qqqq').problem).toMatch(
      /^bad date format 'qqqq': Illegal pattern/,
    );
  });

  it('reports a syntax error before what a specifier or amount means', () => {
    expect(failure('1 hour including date: 2017/12/25').problem).toBe("unexpected ':'");
    expect(failure('1 hour including holidays, date excluding').problem).toBe('unexpected end of selector');
    // Once the syntax is right, the first problem in the meaning is reported.
    expect(failure('1 hour including holidays, date').problem).toBe('holiday specifiers are not supported');
    expect(failure('1 hour including date, holidays').problem).toBe("'date' needs a date");
  });

  it('refuses an amount too long to count in milliseconds', () => {
    expect(failure('from 9999999999999 days ago').message).toBe(
      "cannot parse window selector 'from 9999999999999 days ago': '9999999999999 days' is too long a time at 5",
    );
    expect(parseWindow('from 99999999 days ago').startAgoMs).toBe(99999999 * DAY);
  });

  it('throws a TypeError for a non-string', () => {
    expect(() => parseWindow(42 as unknown as string)).toThrow(TypeError);
  });

  it('is a plain Error subclass with the parts as fields', () => {
    const e = failure('from 5 hourz ago');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('WindowSelectorError');
    expect([e.selector, e.offset, e.problem]).toEqual(['from 5 hourz ago', 7, "unknown unit 'hourz'"]);
  });
});

describe('windowIntervals', () => {
  it('reads dates with the SimpleDateFormat patterns people use', () => {
    for (const spec of [
      'date:20171225:yyyyMMdd',
      'date:2017-12-25:yyyy-MM-dd',
      'date:2017-12-25:yyyy-M-d',
      'date:12/25/2017:MM/dd/yyyy',
      'date:12/25/17:MM/dd/yy',
      'date:25.12.17:dd.MM.yy',
      'date:17-12-25:yy-MM-dd',
      'date:2017/12/25',
    ]) {
      const kept = intervals(
        `30 minute window every 24 hours from 14 days ago including ${spec}`,
        DEC_26_2017_NOON,
      );
      expect([spec, kept.map((iv) => utcDate(iv.start))]).toEqual([spec, ['2017-12-25']]);
    }
  });

  it('reads single-digit months and days', () => {
    const kept = intervals(
      '1 hour window every 24 hours from 10 days ago including date:2018-1-5:yyyy-M-d',
      Date.UTC(2018, 0, 10, 12),
    );
    expect(kept.map((iv) => utcDate(iv.start))).toEqual(['2018-01-05']);
  });

  it('reads dates leniently, as SimpleDateFormat does', () => {
    // Day 32 of December is 1 January.
    const kept = intervals(
      '30 minute window every 24 hours from 14 days ago including date:2017/12/32',
      Date.UTC(2018, 0, 3, 12),
    );
    expect(kept.map((iv) => utcDate(iv.start))).toEqual(['2018-01-01']);
  });

  it('places a two-digit year within 80 years before now', () => {
    const window = parseWindow(
      '1 hour window every 24 hours from 3 days ago including date:12/25/69:MM/dd/yy',
    );
    // In 2017, '69 is 1969 (2069 would be more than 20 years ahead): no window matches.
    expect(windowIntervals(window, DEC_26_2017_NOON)).toEqual([]);
    // In 2069 it is 2069.
    const now2069 = Date.UTC(2069, 11, 26, 12);
    expect(windowIntervals(window, now2069).map((iv) => utcDate(iv.start))).toEqual(['2069-12-25']);
  });

  it('decides days in UTC, by where each window starts', () => {
    // Windows starting at 23:30 UTC on Sunday are Sunday's, though they end on Monday.
    const now = Date.UTC(2017, 11, 25, 23, 30); // Monday 25 Dec 23:30 UTC
    const kept = intervals('1 hour window every 24 hours from 7 days ago including sundays', now);
    expect(kept).toEqual([{ start: Date.UTC(2017, 11, 24, 23, 30), end: Date.UTC(2017, 11, 25, 0, 30) }]);
    // One minute after midnight UTC the window starts on Monday.
    const later = Date.UTC(2017, 11, 26, 0, 1);
    expect(
      intervals('1 hour window every 24 hours from 7 days ago including mondays', later).map((iv) =>
        utcDate(iv.start),
      ),
    ).toEqual(['2017-12-25']);
  });

  it('takes the current day of the week from now', () => {
    for (const now of WEEK_OF_NOWS) {
      const kept = intervals('1 hour window every 1 day from 21 days ago including current day of week', now);
      expect(kept.map((iv) => (now - iv.start) / DAY)).toEqual([21, 14, 7]);
    }
  });

  it('keeps a window when any inclusion holds and drops it when any exclusion does', () => {
    const now = WEEK_OF_NOWS[3] as number; // Wednesday
    const kept = intervals(
      '1 hour window every 1 day from 7 days ago including mondays, saturdays, sundays excluding sundays, date:2017/12/25',
      now,
    );
    expect(kept.map((iv) => utcDate(iv.start))).toEqual(['2017-12-23']);
  });

  it('only makes windows that fit whole before the end', () => {
    const now = OFF_BOUNDARY;
    expect(intervals('2 hour window every 1 hour from 3 hours ago', now)).toEqual([
      { start: now - 3 * HOUR, end: now - HOUR },
      { start: now - 2 * HOUR, end: now },
    ]);
    expect(intervals('2 hour window every 1 hour from 1 hour ago', now)).toEqual([]);
  });

  it('gives a zero-width window for a range from and to the same time', () => {
    expect(intervals('from 2 hours ago to 2 hours ago', OFF_BOUNDARY)).toEqual([
      { start: OFF_BOUNDARY - 2 * HOUR, end: OFF_BOUNDARY - 2 * HOUR },
    ]);
  });

  it('gives nothing for a range that starts before the epoch, as Metron', () => {
    expect(intervals('1 hour', HOUR - 1)).toEqual([]);
    expect(intervals('1 hour', HOUR)).toEqual([{ start: 0, end: HOUR }]);
    expect(periods('1 hour', HOUR - 1)).toEqual([]);
  });

  it('refuses a now that is not whole milliseconds', () => {
    expect(() => intervals('1 hour', 1.5)).toThrow('now must be whole epoch milliseconds; got 1.5');
  });

  it('stops at MAX_INTERVALS', () => {
    // 1 000 000 one-second windows fit in the 1 000 000 seconds ending now; one more does not.
    expect(intervals('1 second window every 1 second from 1000000 seconds ago', 10 ** 12)).toHaveLength(
      MAX_INTERVALS,
    );
    expect(() => intervals('1 second window every 1 second from 1000001 seconds ago', 10 ** 12)).toThrow(
      `makes ${MAX_INTERVALS + 1} windows: more than the ${MAX_INTERVALS} allowed`,
    );
  });
});

describe('windowPeriods', () => {
  it('counts the period starting at now when now is on a boundary, as Metron', () => {
    expect(periods('1 hour', DEC_26_2017_NOON).map((p) => p.start - DEC_26_2017_NOON)).toEqual(
      [-60, -45, -30, -15, 0].map((m) => m * MINUTE),
    );
  });

  it('leaves out the period a window opens in and keeps the one starting as it closes', () => {
    const now = Date.UTC(2017, 11, 26, 12, 10);
    // Window [10:10, 11:10]: periods starting 10:15 … 11:00 are in; 10:00 began before it.
    expect(periods('1 hour', now - HOUR).map((p) => new Date(p.start).toISOString().slice(11, 16))).toEqual([
      '10:15',
      '10:30',
      '10:45',
      '11:00',
    ]);
    // Windows [09:10, 09:40] and [10:10, 10:40] with 30-minute periods: 09:30 and 10:30.
    expect(
      periods('30 minute window every 1 hour from 3 hours ago to 1 hour ago', now, 30 * MINUTE).map((p) =>
        new Date(p.start).toISOString().slice(11, 16),
      ),
    ).toEqual(['09:30', '10:30']);
  });

  it('lists each period once, oldest first, when windows overlap', () => {
    const list = periods('2 hour window every 1 hour from 6 hours ago', DEC_26_2017_NOON, HOUR);
    expect(list.map((p) => (DEC_26_2017_NOON - p.start) / HOUR)).toEqual([6, 5, 4, 3, 2, 1, 0]);
  });

  it('gives nothing where a period is longer than the gaps it would fall in', () => {
    // Windows [11:10, 11:20] and [11:40, 11:50] hold no hour boundary.
    expect(
      periods('10 minute window every 30 minutes from 50 minutes ago', Date.UTC(2017, 11, 26, 12, 0), HOUR),
    ).toEqual([]);
  });

  it('selects the periods of the same hour on the same weekday for eight weeks', () => {
    const list = periods(
      '1 hour window every 24 hours starting from 56 days ago including this day of the week',
      DEC_26_2017_NOON,
    );
    // 8 windows, each holding the 5 period starts 12:00, 12:15, … 13:00 (both ends count).
    expect(list).toHaveLength(40);
    expect(new Set(list.map((p) => utcDay(p.start)))).toEqual(new Set([2]));
  });

  it('matches Metron’s period-by-period walk', () => {
    const selectors = [
      '1 hour',
      '90 minutes window',
      'from 2 hours ago to 30 minutes ago',
      'from 7 hours',
      '30 minute window every 1 hour from 2 hours ago to 30 minutes ago',
      '45 minute window every 50 minutes from 1 day ago',
      '2 hour window every 1 hour from 9 hours ago until 1 hour ago',
      '1 hour window every 24 hours from 14 days ago including weekdays excluding fridays',
      '7 minute window every 13 minutes from 3 days ago including this day of the week, saturday',
      '1 day window every 1 day from 20 days ago excluding date:2017/12/20, weekends',
      'from 2 hours ago to 2 hours ago',
      '10 minute window every 30 minutes from 50 minutes ago',
    ];
    const nows = [
      DEC_26_2017_NOON,
      OFF_BOUNDARY,
      // A Saturday and a Wednesday, off any boundary.
      (WEEK_OF_NOWS[6] as number) + 7 * MINUTE + 1,
      (WEEK_OF_NOWS[3] as number) - 13 * MINUTE - 1,
      90 * MINUTE,
    ];
    const periodLengths = [MINUTE, 7 * MINUTE, FIFTEEN_MINUTES, HOUR, 2 * HOUR, DAY];
    let compared = 0;
    for (const selector of selectors) {
      const window = parseWindow(selector);
      for (const now of nows) {
        for (const periodMs of periodLengths) {
          const ours = windowPeriods(window, now, periodMs);
          const metron = metronWindowPeriods(window, now, periodMs);
          expect([selector, now, periodMs, ours]).toEqual([selector, now, periodMs, metron]);
          compared += ours.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it('refuses a bad period duration', () => {
    expect(() => periods('1 hour', OFF_BOUNDARY, 0)).toThrow(RangeError);
    expect(() => periods('1 hour', OFF_BOUNDARY, 1.5)).toThrow('period duration must be');
  });

  it('stops at MAX_PERIODS', () => {
    expect(() => periods('1 day', DEC_26_2017_NOON, 1)).toThrow(
      `more than the ${MAX_PERIODS} periods allowed`,
    );
  });
});
