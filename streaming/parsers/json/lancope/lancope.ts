import { DOUBLE_FIELDS, type Event, ok } from '#core';
import { JavaDateFormat, javaTimeZone } from '#stellar';
import { javaToString } from '../../java-json.js';
import { holdsDouble } from '../../json-lexemes.js';
import type { ParseFn, ParserContext } from '../../parser.js';
import { guardDepth, jsonFailure, readJsonObject, setField } from '../read-object.js';

/**
 * Metron's `BasicLancopeParser`: StealthWatch syslog shipped by Logstash as JSON. The `message`
 * text is split on single spaces: token 6 is the time (`2014-07-17T15:58:30Z`), tokens 7 and 8
 * the source and destination addresses. `message` becomes `original_string`, `@timestamp` goes,
 * every other field stays.
 */

const DATE = JavaDateFormat.of('yyyy-MM-dd HH:mm:ss');
// Java's String.trim: every char up to U+0020.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what Java trims
const JAVA_TRIM = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;

/** Build the per-message function. */
export function buildLancope(_config: unknown, ctx: ParserContext): ParseFn {
  const utc = javaTimeZone('UTC');
  const local = javaTimeZone(ctx.timezone);
  return guardDepth('lancope', (raw) => {
    const read = readJsonObject(raw, 'lancope');
    if (!read.ok) return read;
    const { object, lexemes } = read.value;
    const value = object.message;
    if (value === undefined || value === null) {
      return jsonFailure('lancope.message', 'required field is missing', 'message');
    }
    const message = javaToString(object, 'message', value, lexemes);
    const parts = javaSplitOnSpace(message);
    if (parts.length < 8) {
      return jsonFailure(
        'lancope.message',
        `expected the time, source and destination as space-separated tokens 6 to 8, found ${parts.length} tokens`,
        'message',
      );
    }
    const when = parts[5] as string;
    const text = when.replaceAll('T', ' ').replaceAll('Z', ' ').replace(JAVA_TRIM, '');
    // Metron drops the 'Z' and reads the rest in the JVM's zone; a time marked Z is UTC.
    const timestamp = DATE.parse(text, when.includes('Z') ? utc : local, ctx.now());
    if (timestamp === undefined) {
      return jsonFailure(
        'lancope.timestamp',
        `token 6 '${when}' is not a time like 2014-07-17T15:58:30Z`,
        'message',
      );
    }
    const event: Event = {};
    const doubles = new Set<string>();
    for (const key of Object.keys(object)) {
      if (key === 'message' || key === '@timestamp') continue;
      setField(event, key, object[key]);
      if (lexemes && holdsDouble(lexemes, object, key)) doubles.add(key);
    }
    if (doubles.size > 0) event[DOUBLE_FIELDS] = doubles;
    event.ip_src_addr = parts[6] as string;
    event.ip_dst_addr = parts[7] as string;
    event.timestamp = timestamp;
    event.original_string = message;
    return ok([event]);
  });
}

/** Java's `split(" ")`: empty tokens between spaces kept, trailing empty ones dropped. */
function javaSplitOnSpace(text: string): string[] {
  const parts = text.split(' ');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
