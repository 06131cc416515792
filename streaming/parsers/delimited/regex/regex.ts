import { compileJavaRegex, type Event, type FieldValue, ok, type Result } from '#core';
import type { ParseFn, ParserContext } from '../../parser.js';
import { isJavaBlank, javaTrim } from '../java-text.js';
import type { RegexConfig } from './config.js';

/**
 * Metron's RegularExpressionsParser: the message (trimmed) gets the named groups of the first
 * message-header regex found in it, then of the first regex of its record type that matches it
 * whole, then of the record-type regex itself; `original_string` is the trimmed message and
 * `timestamp` the clock's time (fix it with a Stellar transformation). A message no regex fits
 * is still an event, as in Metron.
 */

const CAPITAL = /[A-Z]/;
const CAPITALS = /[A-Z]/g;

const listOf = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/** A compiled regex and its named groups, sorted as Java's `TreeSet` of names, with their JavaScript group. */
interface NamedRegex {
  find: RegExp;
  whole: RegExp;
  groups: readonly (readonly [name: string, jsGroup: number])[];
}

function compileNamed(pattern: string): NamedRegex {
  const r = compileJavaRegex(pattern);
  const groups = [...r.names]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, java]) => [name, r.jsGroup[java] as number] as const);
  return { find: r.find, whole: r.whole, groups };
}

/** Build the per-message function; every regex is compiled here, once. */
export function buildRegexParser(config: RegexConfig, ctx: ParserContext): ParseFn {
  const recordType = compileNamed(config.recordTypeRegex);
  // A single header regex that is blank is ignored; in a list every entry counts (Metron does so).
  const headerSources =
    typeof config.messageHeaderRegex === 'string'
      ? isJavaBlank(config.messageHeaderRegex)
        ? []
        : [config.messageHeaderRegex]
      : listOf(config.messageHeaderRegex);
  const headers = headerSources.map(compileNamed);
  const byType = new Map<string, NamedRegex[]>();
  for (const field of config.fields) {
    if (field.recordType === undefined || field.regex === undefined) continue;
    // Regexes without named groups can yield nothing, so Metron never tries them.
    const patterns = listOf(field.regex)
      .map(compileNamed)
      .filter((p) => p.groups.length > 0);
    byType.set(field.recordType.toLowerCase(), patterns);
  }
  const camel = config.convertCamelCaseToUnderScore === true;

  return (raw: string): Result<Event[]> => {
    const message = javaTrim(raw);
    // Metron emits an empty record, which then fails validation for want of a timestamp.
    if (message === '') return ok([{}]);
    let event: Record<string, FieldValue> = {};
    for (const header of headers) {
      const m = header.find.exec(message);
      if (!m) continue;
      for (const [name, js] of header.groups) {
        const value = m[js];
        if (value !== undefined && !isJavaBlank(value)) event[name] = javaTrim(value);
      }
      break;
    }
    const type = recordType.find.exec(message);
    if (type) {
      for (const pattern of byType.get(type[0].toLowerCase()) ?? []) {
        const m = pattern.whole.exec(message);
        if (!m) continue;
        copyGroups(event, pattern, m);
        break;
      }
      copyGroups(event, recordType, type);
    }
    event.original_string = message;
    event.timestamp = ctx.now();
    if (camel) event = snakeCaseKeys(event);
    return ok([event as Event]);
  };
}

function copyGroups(event: Record<string, FieldValue>, pattern: NamedRegex, m: RegExpExecArray): void {
  for (const [name, js] of pattern.groups) {
    const value = m[js];
    if (value !== undefined) event[name] = javaTrim(value);
  }
}

/** Rename keys holding a capital letter with Guava's `UPPER_CAMEL → LOWER_UNDERSCORE`. */
function snakeCaseKeys(event: Record<string, FieldValue>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(event)) {
    if (CAPITAL.test(key)) out[camelToSnake(key)] = value;
    else if (!(key in out)) out[key] = value;
  }
  return out;
}

/**
 * Guava's `CaseFormat.UPPER_CAMEL.to(LOWER_UNDERSCORE, s)`: a word starts at each capital
 * (ASCII A-Z); words are lower-cased (ASCII) and joined with `_`.
 * @example camelToSnake('ipSrcAddr') // 'ip_src_addr'
 */
export function camelToSnake(s: string): string {
  const lower = (t: string) => t.replace(CAPITALS, (c) => c.toLowerCase());
  let out = '';
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 65 || c > 90) continue;
    // Guava starts over while no word has been closed yet, so a leading capital adds no '_'.
    out = i === 0 ? `${lower(s.slice(0, j))}_` : `${out}${lower(s.slice(i, j))}_`;
    i = j;
  }
  return i === 0 ? lower(s) : out + lower(s.slice(i));
}
