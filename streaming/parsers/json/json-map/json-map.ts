import { DOUBLE_FIELDS, type Event, ok, type Result } from '#core';
import { holdsDouble, type Lexemes, parseJsonKeepingNumbers } from '../../json-lexemes.js';
import type { ParseFn, ParserContext } from '../../parser.js';
import { dottedName, guardDepth, isJsonObject, jsonFailure, jsonKind, setField } from '../read-object.js';
import type { JsonMapConfig } from './config.js';
import { compileJsonPath, type JsonPath } from './json-path.js';
import { jsonSimpleText } from './original-string.js';

/**
 * Metron's `JSONMapParser`: each message is a JSON object (or, with `jsonpQuery`, a document
 * whose query result is the list of records), flattened one level under `mapStrategy`. A record
 * without a `timestamp` gets the clock's time. Unless `overrideOriginalString` is set, the
 * record's `original_string` is the whole message (the sensor stage adds it).
 */

type JsonObject = Record<string, unknown>;

const DEFAULT_WRAP_ENTITY_NAME = 'messages';

/** Stays empty: normalize adds to the set only when there are number texts to look at. */
const NO_DOUBLES: ReadonlySet<string> = new Set();

/** Build the per-message function for one validated config. */
export function buildJsonMap(config: JsonMapConfig, ctx: ParserContext): ParseFn {
  const query = config.jsonpQuery?.trim() ? compileJsonPath(config.jsonpQuery) : undefined;
  // As in Metron, wrapping applies only together with a query.
  const wrap = query !== undefined && config.wrapInEntityArray === true;
  const entity = config.wrapEntityName?.trim() ? config.wrapEntityName : DEFAULT_WRAP_ENTITY_NAME;
  const wrapStart = `{ ${JSON.stringify(entity)} : [`;
  const strategy = config.mapStrategy;
  const override = config.overrideOriginalString;

  return guardDepth('jsonMap', (raw) => {
    let text = raw;
    if (wrap) {
      text = (wrapStart + raw).trim();
      if (text.endsWith(',')) text = text.slice(0, -1);
      text += ']}';
    }
    let parsed: ReturnType<typeof parseJsonKeepingNumbers>;
    try {
      parsed = parseJsonKeepingNumbers(text);
    } catch (e) {
      if (e instanceof RangeError) throw e; // too deep: see guardDepth
      return jsonFailure(
        'jsonMap.json',
        `not valid JSON${wrap ? ' (after wrapping)' : ''}: ${(e as Error).message}`,
      );
    }
    const records = query ? select(query, parsed.value) : single(parsed.value);
    if (!records.ok) return records;
    const events: Event[] = [];
    for (const record of records.value) {
      const event: Event = {};
      // Fields written as integral doubles are only found when the text had such numbers.
      const doubles = parsed.lexemes === undefined ? (NO_DOUBLES as Set<string>) : new Set<string>();
      const problem = normalize(record, event, doubles, parsed.lexemes, strategy);
      if (problem) return problem;
      if (doubles.size > 0) event[DOUBLE_FIELDS] = doubles;
      if (override) event.original_string = jsonSimpleText(record, parsed.lexemes);
      if (!('timestamp' in event)) event.timestamp = ctx.now();
      events.push(event);
    }
    return ok(events);
  });
}

function single(value: unknown): Result<JsonObject[]> {
  if (!isJsonObject(value)) {
    return jsonFailure('jsonMap.shape', `expected a JSON object, got ${jsonKind(value)}`);
  }
  return ok([value]);
}

/**
 * The records a query picks: its list of objects; a single object is a list of one. A query that
 * finds nothing makes the message an error: Metron let such a message go without a trace, and
 * Palisade loses nothing. A list that is there but empty gives no record.
 */
function select(query: JsonPath, document: unknown): Result<JsonObject[]> {
  let found: unknown;
  try {
    found = query.read(document);
  } catch (e) {
    return jsonFailure('jsonMap.query', `jsonpQuery ${query.text} failed: ${(e as Error).message}`);
  }
  if (found === undefined || found === null || (!query.definite && (found as unknown[]).length === 0)) {
    return jsonFailure('jsonMap.query', `jsonpQuery ${query.text} found nothing in the message`);
  }
  if (isJsonObject(found)) return ok([found]);
  if (!Array.isArray(found)) {
    return jsonFailure(
      'jsonMap.query',
      `jsonpQuery ${query.text} gave ${jsonKind(found)}, not a list of records`,
    );
  }
  for (let i = 0; i < found.length; i++) {
    if (!isJsonObject(found[i])) {
      return jsonFailure(
        'jsonMap.query',
        `jsonpQuery ${query.text}: item ${i} is ${jsonKind(found[i])}, not a record (a JSON object)`,
      );
    }
  }
  return ok(found as JsonObject[]);
}

/** Copy a record into the event, handling values that are objects by the map strategy. */
function normalize(
  record: JsonObject,
  event: Event,
  doubles: Set<string>,
  lexemes: Lexemes | undefined,
  strategy: JsonMapConfig['mapStrategy'],
): Result<never> | undefined {
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (isJsonObject(value)) {
      switch (strategy) {
        case 'DROP':
          continue;
        case 'ALLOW':
          setField(event, key, value);
          continue;
        case 'UNFOLD':
          unfold(key, value, event, doubles, lexemes);
          continue;
        case 'ERROR':
          return jsonFailure('jsonMap.map', `field '${key}' holds a JSON object (mapStrategy ERROR)`, key);
      }
    }
    setField(event, key, value);
    if (lexemes && holdsDouble(lexemes, record, key)) doubles.add(key);
  }
  return undefined;
}

/** UNFOLD: nested objects become dotted names, at any depth. */
function unfold(
  prefix: string,
  map: JsonObject,
  event: Event,
  doubles: Set<string>,
  lexemes: Lexemes | undefined,
): void {
  for (const key of Object.keys(map)) {
    const name = dottedName(prefix, key);
    const value = map[key];
    if (isJsonObject(value)) unfold(name, value, event, doubles, lexemes);
    else {
      setField(event, name, value);
      if (lexemes && holdsDouble(lexemes, map, key)) doubles.add(name);
    }
  }
}
