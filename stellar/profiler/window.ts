import { JavaDateFormat, javaTimeZone, PatternError } from '../functions/java-date-format.js';
import { floorDiv, MAX_PERIODS, type ProfilePeriod, profilePeriod } from './period.js';

/**
 * Metron's profile window selector language, the first argument of `PROFILE_WINDOW`
 * (`metron-profiler-client`, grammar `Window.g4`), and the periods it selects.
 *
 * ```
 * <n unit> [window|windows] [including …] [excluding …]
 * <n unit> [window|windows] (every|for every) <n unit> <from> [including …] [excluding …]
 * <from>
 * <from> = (from|starting from) <n unit> [ago] [(to|until) <n unit> [ago]]
 * ```
 *
 * Units are second, minute, hour and day, singular, plural or `(s)`. `including` and
 * `excluding` (also `include(s)`, `exclude(s)`) take comma-separated specifiers: day names
 * (singular or plural), `weekday(s)`, `weekend(s)`, `this day of (the) week`,
 * `current day of (the) week`, `date:<yyyy/MM/dd>` or `date:<value>:<SimpleDateFormat>`, and
 * `holiday(s)[:country[:region]]`, which parses but is refused: Metron reads holidays from the
 * jollyday library, which Palisade does not have.
 *
 * As in Metron's ANTLR lexer, whitespace between words is optional (`1hour` reads as `1 hour`),
 * `0` and leading zeros are not numbers, and `now` is not part of the language. Unlike Metron,
 * keywords are read in any case (Metron takes only all-lower or all-upper) and multi-word ones
 * (`starting from`, `for every`, `this day of the week`) allow any run of whitespace.
 *
 * Day-of-week and date specifiers are evaluated in **UTC**; Metron uses the JVM's default time
 * zone (its README recommends running in UTC to avoid daylight-saving surprises).
 */

/** An inclusion or exclusion test on a window's start. */
export type DaySpecifier =
  /** A day of the week: 0 = Sunday … 6 = Saturday. */
  | { readonly kind: 'day-of-week'; readonly day: number }
  /** Monday to Friday. */
  | { readonly kind: 'weekday' }
  /** Saturday and Sunday. */
  | { readonly kind: 'weekend' }
  /** The day of the week `now` falls on. */
  | { readonly kind: 'current-day-of-week' }
  /** The calendar day `value` names, read with the `SimpleDateFormat` pattern `format`. */
  | { readonly kind: 'date'; readonly value: string; readonly format: string };

/** A parsed selector: a time range relative to "now", cut into windows, filtered by day. */
export interface Window {
  /** The selector as written. */
  readonly selector: string;
  /** The range starts this long before now (ms). */
  readonly startAgoMs: number;
  /** The range ends this long before now (ms); 0 is now. */
  readonly endAgoMs: number;
  /** Each window's width (ms); absent for a dense selector, whose one window is the range. */
  readonly widthMs?: number;
  /** Distance between window starts (ms); absent when there is one window. */
  readonly everyMs?: number;
  /** A window is kept if any of these holds (or there are none)… */
  readonly including: readonly DaySpecifier[];
  /** …and none of these does: exclusions beat inclusions. */
  readonly excluding: readonly DaySpecifier[];
}

/** A time interval, both ends included (epoch ms). */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/**
 * The most candidate windows one call walks. Metron has no bound ("1 minute window every
 * 1 minute from 3650 days ago" runs until the heap fills); past this, a RangeError.
 */
export const MAX_INTERVALS = 1_000_000;

/** A selector that does not parse: where, what went wrong and what would have been accepted. */
export class WindowSelectorError extends Error {
  override readonly name = 'WindowSelectorError';

  constructor(
    /** The selector as given. */
    readonly selector: string,
    /** Character offset of the problem in `selector`. */
    readonly offset: number,
    /** What went wrong, e.g. `unknown unit 'hourz'`. */
    readonly problem: string,
    /** What the grammar would have taken at `offset` (empty for errors past syntax). */
    readonly expected: readonly string[] = [],
    hint?: string,
  ) {
    const why = expected.length > 0 ? `expected ${orList(expected)}` : hint;
    super(`cannot parse window selector '${selector}': ${problem} at ${offset}${why ? ` (${why})` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Lexing: Metron's lexer rules, longest match first, ties to the rule listed first.

type Kind =
  | 'comma'
  | 'colon'
  | 'window'
  | 'include'
  | 'exclude'
  | 'from'
  | 'every'
  | 'to'
  | 'ago'
  | 'number'
  | 'arg'
  | 'day'
  | 'unit'
  /** Text no rule matches; lexing stops there. */
  | 'bad'
  | 'end';

interface Tok {
  readonly kind: Kind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const RULES: readonly (readonly [Kind, RegExp])[] = [
  ['comma', /,/y],
  ['colon', /:/y],
  ['window', /windows?/iy],
  ['include', /includ(?:ing|es|e)/iy],
  ['exclude', /exclud(?:ing|es|e)/iy],
  ['from', /(?:starting[ \t\r\n\f]+)?from/iy],
  ['every', /(?:for[ \t\r\n\f]+)?every/iy],
  ['to', /until|to/iy],
  ['ago', /ago/iy],
  ['number', /[1-9][0-9]*/y],
  ['arg', /:[a-zA-Z0-9][a-zA-Z0-9_.\-/]*/y],
  [
    'day',
    /(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend|weekday|holiday)s?|date|(?:this|current)[ \t\r\n\f]+day[ \t\r\n\f]+of[ \t\r\n\f]+(?:the[ \t\r\n\f]+)?week/iy,
  ],
  ['unit', /(?:second|minute|hour|day)(?:\(s\)|s)?/iy],
];

const SPACE = /[ \t\r\n\f]+/y;

function lex(selector: string): Tok[] {
  const toks: Tok[] = [];
  let at = 0;
  for (;;) {
    SPACE.lastIndex = at;
    if (SPACE.test(selector)) at = SPACE.lastIndex;
    if (at >= selector.length) {
      toks.push({ kind: 'end', text: '', start: at, end: at });
      return toks;
    }
    let best: Tok | undefined;
    for (const [kind, re] of RULES) {
      re.lastIndex = at;
      const m = re.exec(selector);
      if (m && (!best || m[0].length > best.text.length)) {
        best = { kind, text: m[0], start: at, end: at + m[0].length };
      }
    }
    if (!best) {
      toks.push({ kind: 'bad', text: wordAt(selector, at), start: at, end: at });
      return toks;
    }
    toks.push(best);
    at = best.end;
  }
}

/** The text to quote in a message about offset `at`: up to the next space or comma. */
function wordAt(s: string, at: number): string {
  if (s[at] === ',') return ',';
  let end = at;
  while (end < s.length && !/[ \t\r\n\f,]/.test(s[end] as string)) end++;
  return s.slice(at, end);
}

const isAlnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9]/.test(c);

// ---------------------------------------------------------------------------------------------
// Parsing

const EXPECTED: Readonly<Record<Kind, string>> = {
  number: 'a number',
  unit: 'second(s), minute(s), hour(s) or day(s)',
  window: "'window'",
  every: "'every'",
  from: "'from'",
  ago: "'ago'",
  to: "'to'",
  day: 'a day specifier (a day name, weekday, weekend, this day of the week or date:yyyy/MM/dd)',
  arg: "an argument such as ':2017/12/25'",
  comma: "','",
  include: "'including'",
  exclude: "'excluding'",
  colon: "':'",
  bad: '',
  end: 'the end of the selector',
};
const KIND_ORDER = Object.keys(EXPECTED) as Kind[];

const UNIT_MS: Readonly<Record<string, number>> = {
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

const DAY_NAMES = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** Metron's default pattern for `date:<value>`. */
const DEFAULT_DATE_FORMAT = 'yyyy/MM/dd';
const UTC = javaTimeZone('UTC');

class SelectorParser {
  private i = 0;
  /**
   * The first error in what a well-formed selector says (a bad date, a holiday), raised once
   * the whole selector has parsed so that a syntax error further on is reported first.
   */
  private deferred: WindowSelectorError | undefined;
  /** Kinds tested at the current token since the last one was taken. */
  private readonly expected = new Set<Kind>();
  /** For each token taken, the kinds that were acceptable in its place. */
  private readonly expectedAt: ReadonlySet<Kind>[] = [];

  constructor(
    private readonly selector: string,
    private readonly toks: readonly Tok[],
  ) {}

  parse(): Window {
    const base = { selector: this.selector, including: [], excluding: [] };
    if (this.at('from')) {
      const range = this.range();
      this.finish();
      return { ...base, ...range };
    }
    if (!this.at('number')) throw this.syntaxError();
    const width = this.interval();
    this.accept('window');
    let window: Window = { ...base, startAgoMs: width, endAgoMs: 0, widthMs: width };
    if (this.accept('every')) {
      const every = this.interval();
      window = { ...window, everyMs: every, ...this.range() };
    }
    const including = this.accept('include') ? this.specifiers() : [];
    const excluding = this.accept('exclude') ? this.specifiers() : [];
    this.finish();
    return { ...window, including, excluding };
  }

  private finish(): void {
    this.need('end');
    if (this.deferred) throw this.deferred;
  }

  /** `from <interval> [ago] [to <interval> [ago]]`: either end may be the earlier one. */
  private range(): { startAgoMs: number; endAgoMs: number } {
    this.need('from');
    const from = this.interval();
    this.accept('ago');
    if (!this.accept('to')) return { startAgoMs: from, endAgoMs: 0 };
    const to = this.interval();
    this.accept('ago');
    return { startAgoMs: Math.max(from, to), endAgoMs: Math.min(from, to) };
  }

  /** `<number> <unit>` in ms. */
  private interval(): number {
    const amount = this.need('number');
    const unit = this.need('unit');
    const name = unit.text.toUpperCase().replace(/[^A-Z]/g, '');
    const ms = Number(amount.text) * (UNIT_MS[name.endsWith('S') ? name.slice(0, -1) : name] ?? Number.NaN);
    if (Number.isSafeInteger(ms)) return ms;
    this.deferred ??= this.error(amount.start, `'${amount.text} ${unit.text}' is too long a time`);
    return 0;
  }

  private specifiers(): DaySpecifier[] {
    const list: DaySpecifier[] = [];
    do {
      const tok = this.need('day');
      const args: string[] = [];
      // Metron drops an argument's first character: the ':' of `:arg`, but also the first digit
      // of a bare number, which its grammar accepts there too.
      while (this.at('arg') || this.tok.kind === 'number') args.push(this.take().text.slice(1));
      try {
        list.push(this.specifier(tok, args));
      } catch (e) {
        if (!(e instanceof WindowSelectorError)) throw e;
        this.deferred ??= e;
      }
    } while (this.accept('comma'));
    return list;
  }

  /** What the specifier `tok` with arguments `args` means. */
  private specifier(tok: Tok, args: readonly string[]): DaySpecifier {
    let name = tok.text.toUpperCase().replace(/[ \t\r\n\f]+/g, ' ');
    if (name.endsWith('S')) name = name.slice(0, -1);
    const day = DAY_NAMES.indexOf(name);
    if (day >= 0) return { kind: 'day-of-week', day };
    switch (name) {
      case 'WEEKDAY':
        return { kind: 'weekday' };
      case 'WEEKEND':
        return { kind: 'weekend' };
      case 'HOLIDAY':
        throw this.error(
          tok.start,
          'holiday specifiers are not supported',
          'Metron reads holiday calendars from the jollyday library, which Palisade does not have; list the days with date:yyyy/MM/dd instead',
        );
      case 'DATE':
        return this.dateSpecifier(tok, args);
      default:
        // this/current day of (the) week. Metron's grammar takes `current …` but its processor
        // then rejects it; the README documents it, so it means the same as `this …` here.
        return { kind: 'current-day-of-week' };
    }
  }

  private dateSpecifier(tok: Tok, args: readonly string[]): DaySpecifier {
    const [value, format = DEFAULT_DATE_FORMAT] = args;
    if (value === undefined)
      throw this.error(
        tok.start,
        `'${tok.text}' needs a date`,
        'as in date:2017/12/25 or date:20171225:yyyyMMdd',
      );
    let compiled: JavaDateFormat;
    try {
      compiled = JavaDateFormat.of(format);
    } catch (e) {
      if (e instanceof PatternError) throw this.error(tok.start, `bad date format '${format}': ${e.message}`);
      throw e;
    }
    // Whether text parses does not depend on "now" (only where a two-digit year lands does).
    if (compiled.parse(value, UTC, 0) === undefined)
      throw this.error(tok.start, `cannot read '${value}' as a date with the format '${format}'`);
    return { kind: 'date', value, format };
  }

  private get tok(): Tok {
    return this.toks[this.i] as Tok;
  }

  /** Whether the current token is a `kind`, noting `kind` as acceptable here. */
  private at(kind: Kind): boolean {
    this.expected.add(kind);
    return this.tok.kind === kind;
  }

  private take(): Tok {
    const tok = this.tok;
    this.expectedAt[this.i] = new Set(this.expected);
    this.expected.clear();
    this.i++;
    return tok;
  }

  private accept(kind: Kind): Tok | undefined {
    return this.at(kind) ? this.take() : undefined;
  }

  private need(kind: Kind): Tok {
    if (this.at(kind)) return this.take();
    throw this.syntaxError();
  }

  private error(offset: number, problem: string, hint?: string): WindowSelectorError {
    return new WindowSelectorError(this.selector, offset, problem, [], hint);
  }

  /** The current token is not acceptable: say what it is and what would have been. */
  private syntaxError(): WindowSelectorError {
    let tok = this.tok;
    let expected: ReadonlySet<Kind> = this.expected;
    // The lexer splits words as Metron's does ('hourz' is 'hour' then 'z'), which would make the
    // error land mid-word. Report the whole word, against what was expected where it began.
    const prev = this.toks[this.i - 1];
    const prevExpected = this.expectedAt[this.i - 1];
    const fraction = prev?.kind === 'number' && /^\.[0-9]/.test(this.selector.slice(tok.start));
    if (
      prev &&
      prevExpected &&
      prev.end === tok.start &&
      (fraction || (isAlnum(this.selector[tok.start - 1]) && isAlnum(this.selector[tok.start])))
    ) {
      tok = prev;
      expected = prevExpected;
    }
    const list = KIND_ORDER.filter((k) => expected.has(k)).map((k) => EXPECTED[k]);
    const word = wordAt(this.selector, tok.start);
    let problem: string;
    if (tok.kind === 'end')
      problem = this.selector.trim() === '' ? 'empty selector' : 'unexpected end of selector';
    else if (expected.size === 1 && expected.has('unit')) problem = `unknown unit '${word}'`;
    else if (expected.size === 1 && expected.has('day')) problem = `unknown day specifier '${word}'`;
    else if (expected.has('number') && /^[0-9]+\.[0-9]/.test(word))
      problem = `'${word}' is not a whole number (fractional amounts are not supported)`;
    else if (expected.has('number') && /^0/.test(word))
      problem = `'${word}' is not a number (amounts start at 1)`;
    else problem = `unexpected '${word}'`;
    return new WindowSelectorError(this.selector, tok.start, problem, list);
  }
}

/**
 * Parse a window selector. Throws a {@link WindowSelectorError} saying where and what was
 * expected.
 *
 * @example parseWindow('30 minute window every 24 hours from 7 days ago excluding weekends')
 */
export function parseWindow(selector: string): Window {
  if (typeof selector !== 'string')
    throw new TypeError(`a window selector is a string, not ${typeof selector}`);
  return new SelectorParser(selector, lex(selector)).parse();
}

// ---------------------------------------------------------------------------------------------
// Evaluation

const MS_PER_DAY = 86_400_000;

/** Day of the week in UTC, 0 = Sunday (1970-01-01 was a Thursday). */
const dayOfWeek = (ms: number): number => (((floorDiv(ms, MS_PER_DAY) + 4) % 7) + 7) % 7;

function predicate(spec: DaySpecifier, nowMs: number): (ms: number) => boolean {
  switch (spec.kind) {
    case 'day-of-week':
      return (ms) => dayOfWeek(ms) === spec.day;
    case 'weekday':
      return (ms) => {
        const d = dayOfWeek(ms);
        return d > 0 && d < 6;
      };
    case 'weekend':
      return (ms) => {
        const d = dayOfWeek(ms);
        return d === 0 || d === 6;
      };
    case 'current-day-of-week': {
      const today = dayOfWeek(nowMs);
      return (ms) => dayOfWeek(ms) === today;
    }
    case 'date': {
      // Metron resolves a two-digit year against the clock when the selector is parsed; the
      // window's "now" stands in for it so that the result depends on the arguments alone.
      const at = JavaDateFormat.of(spec.format).parse(spec.value, UTC, nowMs);
      if (at === undefined) return () => false;
      const day = floorDiv(at, MS_PER_DAY);
      return (ms) => floorDiv(ms, MS_PER_DAY) === day;
    }
  }
}

function checkNow(nowMs: number): void {
  if (!Number.isSafeInteger(nowMs))
    throw new RangeError(`now must be whole epoch milliseconds; got ${nowMs}`);
}

/**
 * The windows `window` selects relative to `nowMs`, oldest first — Metron's
 * `Window.toIntervals(now)`. Windows start at the range's start and every `everyMs` after, as
 * long as one fits whole before the range's end; a window is kept if it starts on a day some
 * inclusion names (or there are none) and on no day an exclusion names. None are returned when
 * the range would start before the epoch, as in Metron.
 *
 * @example windowIntervals(parseWindow('1 hour'), now) // [{ start: now - 3600000, end: now }]
 */
export function windowIntervals(window: Window, nowMs: number): Interval[] {
  checkNow(nowMs);
  const start = nowMs - window.startAgoMs;
  const end = nowMs - window.endAgoMs;
  if (start < 0) return [];
  const width = window.widthMs ?? end - start;
  if (start + width > end) return [];
  const every = window.everyMs;
  const count = every === undefined ? 1 : floorDiv(end - width - start, every) + 1;
  if (count > MAX_INTERVALS)
    throw new RangeError(
      `window selector '${window.selector}' makes ${count} windows: more than the ${MAX_INTERVALS} allowed`,
    );
  const including = window.including.map((spec) => predicate(spec, nowMs));
  const excluding = window.excluding.map((spec) => predicate(spec, nowMs));
  const intervals: Interval[] = [];
  for (let k = 0; k < count; k++) {
    const left = start + k * (every ?? 0);
    if (including.length > 0 && !including.some((p) => p(left))) continue;
    if (excluding.some((p) => p(left))) continue;
    intervals.push({ start: left, end: left + width });
  }
  return intervals;
}

/**
 * Whether some interval holds `ms`, both ends included — Metron's `IntervalPredicate`, which
 * looks only at the two intervals either side of where `[ms, ms]` would sort, so `intervals`
 * must be sorted by start (then end), as {@link windowIntervals} returns them.
 */
export function intervalsContain(intervals: readonly Interval[], ms: number): boolean {
  let lo = 0;
  let hi = intervals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const iv = intervals[mid] as Interval;
    if (iv.start < ms || (iv.start === ms && iv.end < ms)) lo = mid + 1;
    else hi = mid;
  }
  const holds = (iv: Interval | undefined): boolean => iv !== undefined && iv.start <= ms && ms <= iv.end;
  return holds(intervals[lo]) || holds(intervals[lo - 1]);
}

/**
 * What `PROFILE_WINDOW(selector, nowMs)` returns with periods of `periodMs`: of the periods
 * from the one holding the range's start to the last starting at or before its end, those
 * whose start lies in a selected window (ends included), oldest first, each once.
 *
 * So a period that began before a window opened is left out while one starting the instant a
 * window closes is kept: `'1 hour'` with 15-minute periods gives 4 periods, or 5 when now is
 * exactly on a period boundary, as in Metron.
 *
 * Computed window by window rather than by testing every period of the range as Metron does;
 * the result is the same.
 */
export function windowPeriods(window: Window, nowMs: number, periodMs: number): ProfilePeriod[] {
  if (!Number.isSafeInteger(periodMs) || periodMs <= 0)
    throw new RangeError(`period duration must be a whole number of milliseconds > 0; got ${periodMs}`);
  const periods: ProfilePeriod[] = [];
  let next = Number.NEGATIVE_INFINITY;
  for (const iv of windowIntervals(window, nowMs)) {
    const last = floorDiv(iv.end, periodMs);
    // The first period starting at or after the window's start, unless already taken.
    let id = Math.max(next, -floorDiv(-iv.start, periodMs));
    if (periods.length + (last - id + 1) > MAX_PERIODS)
      throw new RangeError(
        `window selector '${window.selector}' selects more than the ${MAX_PERIODS} periods allowed`,
      );
    for (; id <= last; id++) periods.push(profilePeriod(id, periodMs));
    next = Math.max(next, last + 1);
  }
  return periods;
}

/** "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
