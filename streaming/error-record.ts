import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Event, EventError } from '#core';

/** Where a failed record came from. */
export interface ErrorOrigin {
  sensor: string;
  file?: string;
  line?: number;
}

const HOST = hostname();

/**
 * The `errors` table row for a record that failed: Metron's error fields (`error_type`,
 * `failed_sensor_type`, `raw_message`, `raw_message_bytes`, `error_hash`, …) plus where the
 * record came from, so it can be found and replayed.
 */
export function errorRecord(error: EventError, record: Buffer, origin: ErrorOrigin, now = Date.now()): Event {
  // The part of the record that failed, when the parser could say (one line of several).
  const raw = error.raw ?? record;
  const out: Event = {
    timestamp: now,
    guid: randomUUID(),
    'source.type': 'error',
    failed_sensor_type: origin.sensor,
    error_type: error.stage,
    error_code: error.code,
    message: error.message,
    raw_message: raw.toString('utf8'),
    error_hash: createHash('sha256').update(raw).digest('hex'),
    // Bytes exactly as read, so nothing is lost even when they are not valid UTF-8.
    raw_message_bytes: raw,
    hostname: HOST,
  };
  if (error.field !== undefined) out.error_fields = error.field;
  if (origin.file !== undefined) out.source_file = origin.file;
  if (origin.line !== undefined) out.source_line = origin.line;
  return out;
}

/** One line for a human: `file:line: reason`. */
export function describeError(error: EventError, origin: ErrorOrigin): string {
  const where =
    origin.file === undefined ? origin.sensor : `${origin.file}${origin.line ? `:${origin.line}` : ''}`;
  return `${where}: ${error.field ? `field ${error.field}: ` : ''}${error.message}`;
}
