import { DOUBLE_FIELDS, type Event, type FieldValue, fail, ok, type Result } from '#core';
import { JavaDateFormat, type JavaZone, javaTimeZone, PatternError } from '#stellar';
import { type ParseFn, type ParserContext, parseEachLine } from '../../parser.js';
import { Grok, GrokTimeout } from '../engine/grok.js';
import { loadPatternLibrary } from '../engine/patterns.js';
import type { GrokConfig } from './config.js';

/**
 * Metron's GrokParser: the record must match `%{patternLabel}` (patterns from `/patterns/common`
 * then `grokPath`); the captures become the event, `original_string` is the record, each of
 * `timeFields` is parsed with `dateFormat` into epoch ms, `timestampField` is copied to
 * `timestamp`, and the pattern label's own capture is removed. With `multiLine` each line of a
 * record is an event of its own.
 */

/** Metron's default `dateFormat`. */
export const DEFAULT_DATE_FORMAT = 'yyyy-MM-dd HH:mm:ss.S z';

/** What the parser knows while it builds an event, for the hooks of parsers built on it. */
export interface GrokTools {
  readonly format: JavaDateFormat;
  readonly zone: JavaZone;
  readonly now: () => number;
}

/** Where parsers that extend Metron's GrokParser (WebSphere) change its behaviour. */
export interface GrokHooks {
  /** `timestamp` from the `timestampField` value; a string is the reason it cannot be made. */
  formatTimestamp?(value: FieldValue | undefined, tools: GrokTools): number | string;
  /** Last changes to the event; a string is the reason the record fails. */
  postParse?(event: Event): string | undefined;
}

const bad = (code: string, message: string, field?: string): Result<never> =>
  fail({ stage: 'parser_error', code, message, ...(field === undefined ? {} : { field }) });

/** Build the grok parse function. Throws (at start-up) when the patterns or formats are unusable. */
export function buildGrokParser(config: GrokConfig, ctx: ParserContext, hooks: GrokHooks = {}): ParseFn {
  const library = loadPatternLibrary(['/patterns/common', config.grokPath]);
  const grok = Grok.compile(`%{${config.patternLabel}}`, library);
  const dateFormat = config.dateFormat ?? DEFAULT_DATE_FORMAT;
  let format: JavaDateFormat;
  try {
    format = JavaDateFormat.of(dateFormat);
  } catch (e) {
    if (e instanceof PatternError) throw new Error(`dateFormat '${dateFormat}': ${e.message}`);
    throw e;
  }
  const zoneId = config.timeZone ?? config.timezone ?? ctx.timezone;
  if (!isZone(zoneId))
    throw new Error(`timeZone '${zoneId}' is not a time zone (use an IANA name such as UTC)`);
  const tools: GrokTools = { format, zone: javaTimeZone(zoneId), now: ctx.now };
  const label = config.patternLabel;
  const timeFields = config.timeFields ?? [];
  const timestampField = config.timestampField;
  const formatTimestamp = hooks.formatTimestamp ?? metronTimestamp;

  const parseLine = (line: string): Result<Event> => {
    let captures: ReturnType<Grok['match']>;
    try {
      captures = grok.match(line);
    } catch (e) {
      if (e instanceof GrokTimeout) return bad('grok.timeout', e.message);
      throw e;
    }
    if (!captures) {
      return bad('grok.no_match', `the record does not match %{${label}} (pattern file ${config.grokPath})`);
    }
    const event = captures as Event;
    event.original_string = line;
    for (const field of timeFields) {
      const value = event[field];
      if (value === null || value === undefined) continue;
      const epoch = format.parse(String(value), tools.zone, tools.now());
      if (epoch === undefined) {
        return bad('grok.time_field', `'${String(value)}' does not match dateFormat '${dateFormat}'`, field);
      }
      event[field] = epoch;
    }
    if (timestampField !== undefined) {
      const ts = formatTimestamp(event[timestampField], tools);
      if (typeof ts === 'string') return bad('grok.timestamp', ts, timestampField);
      event.timestamp = ts;
    }
    delete event[label];
    if (grok.floatingKeys.size > 0) {
      for (const key of grok.floatingKeys) {
        if (typeof event[key] === 'number') {
          event[DOUBLE_FIELDS] ??= new Set();
          event[DOUBLE_FIELDS].add(key);
        }
      }
    }
    const problem = hooks.postParse?.(event);
    if (problem !== undefined) return bad('grok.post_parse', problem);
    return ok(event);
  };

  if (!isTrue(config.multiLine)) {
    return (raw) => {
      const r = parseLine(raw);
      return r.ok ? ok([r.value]) : r;
    };
  }
  // Each line on its own: good lines give events, each bad line goes to errors with its text.
  return (raw) =>
    parseEachLine(readLines(raw), (line) => {
      const r = parseLine(line);
      return r.ok ? ok([r.value]) : r;
    });

  function metronTimestamp(value: FieldValue | undefined): number | string {
    if (value === null || value === undefined)
      return `${label} pattern does not include field ${timestampField}`;
    if (typeof value === 'number') return Math.trunc(value);
    // Metron drops the dots and reads a long: "1461576382.642" → 1461576382642.
    const digits = String(value).replaceAll('.', '');
    const n = /^[+-]?\d+$/.test(digits) ? Number(digits) : Number.NaN;
    if (!Number.isSafeInteger(n)) return `'${String(value)}' is not a number of milliseconds`;
    return n + 0;
  }
}

/** Java's `Boolean.parseBoolean` on Metron's string, or a JSON boolean. */
function isTrue(v: boolean | string | undefined): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** Lines as Java's `BufferedReader.readLine` yields them (a final line break ends the last line). */
function readLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function isZone(id: string): boolean {
  if (/^GMT[+-]\d{1,2}(:?\d{2})?$/.test(id)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: id });
    return true;
  } catch {
    return false;
  }
}
