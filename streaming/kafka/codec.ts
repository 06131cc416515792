import { DOUBLE_FIELDS, type Event, type FieldValue } from '#core';

/**
 * Events on Kafka topics (`indexing`, `alerts`, `errors`) as JSON text, one event per message.
 * JSON alone would lose two things the lake needs, so two reserved keys carry them:
 * `__bytes` lists the fields holding raw bytes (an error record's `raw_message_bytes`), sent
 * as base64; `__doubles` lists the fields a parser knows are floating point although their
 * value is integral (see DOUBLE_FIELDS).
 */

const BYTES_KEY = '__bytes';
const DOUBLES_KEY = '__doubles';

/** One event as a Kafka message value. */
export function encodeEvent(event: Event): Buffer {
  let out: Record<string, unknown> = event;
  let bytes: string[] | undefined;
  for (const key in event) {
    const value = event[key];
    if (value instanceof Uint8Array) {
      if (bytes === undefined) {
        bytes = [];
        out = { ...event };
      }
      bytes.push(key);
      out[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    }
  }
  const doubles = event[DOUBLE_FIELDS];
  if (bytes !== undefined || (doubles !== undefined && doubles.size > 0)) {
    if (out === event) out = { ...event };
    if (bytes !== undefined) out[BYTES_KEY] = bytes;
    if (doubles !== undefined && doubles.size > 0) out[DOUBLES_KEY] = [...doubles];
  }
  return Buffer.from(JSON.stringify(out), 'utf8');
}

/** A Kafka message value back into an event; throws on text that is not an encoded event. */
export function decodeEvent(value: Buffer): Event {
  const parsed: unknown = JSON.parse(value.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('message is not a JSON object');
  }
  const event = parsed as Record<string, FieldValue | undefined>;
  const bytes = event[BYTES_KEY];
  if (bytes !== undefined) {
    delete event[BYTES_KEY];
    for (const key of stringList(bytes, BYTES_KEY)) {
      const text = event[key];
      if (typeof text !== 'string') throw new Error(`${BYTES_KEY} names '${key}', which is not base64 text`);
      event[key] = Buffer.from(text, 'base64');
    }
  }
  const doubles = event[DOUBLES_KEY];
  const out = event as Event;
  if (doubles !== undefined) {
    delete event[DOUBLES_KEY];
    out[DOUBLE_FIELDS] = new Set(stringList(doubles, DOUBLES_KEY));
  }
  return out;
}

function stringList(value: unknown, key: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(`${key} must be a list of field names`);
  }
  return value;
}
