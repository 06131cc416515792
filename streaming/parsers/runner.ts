import { randomUUID } from 'node:crypto';
import { type Event, type EventError, Fields } from '#core';

/**
 * What Metron's parser runner adds after any parser: `source.type`, a `guid`, the raw text as
 * `original_string` when the parser set none; then the check that `timestamp` is usable.
 * Returns the problem when the event is invalid.
 */
export function completeEvent(event: Event, sensor: string, raw: Buffer): EventError | undefined {
  event[Fields.sourceType] = sensor;
  if (typeof event.guid !== 'string') event.guid = randomUUID();
  if (typeof event.original_string !== 'string') event.original_string = raw.toString('utf8');
  const ts = event.timestamp;
  if (typeof ts !== 'number' || !Number.isFinite(ts)) {
    return {
      stage: 'parser_invalid',
      code: 'event.timestamp',
      message: 'event has no numeric timestamp',
      field: 'timestamp',
    };
  }
  return undefined;
}
