import { DOUBLE_FIELDS, type Event, ok } from '#core';
import { holdsDouble } from '../../json-lexemes.js';
import type { ParseFn } from '../../parser.js';
import { isoToEpochMs } from '../iso-time.js';
import { guardDepth, jsonFailure, readJsonObject, setField } from '../read-object.js';

/**
 * Metron's `BasicLogstashParser`: a Logstash event as JSON. Logstash's own fields (`@version`,
 * `type`, `host`, `tags`) go; `message`, `src_ip`, `dst_ip`, `src_port`, `dst_port` take Metron's
 * names; `@timestamp` becomes `timestamp` in epoch ms. Everything else stays as it is.
 */

const DROPPED = new Set(['@version', 'type', 'host', 'tags', '@timestamp']);
const RENAMED = new Map([
  ['message', 'original_string'],
  ['src_ip', 'ip_src_addr'],
  ['dst_ip', 'ip_dst_addr'],
  ['src_port', 'ip_src_port'],
  ['dst_port', 'ip_dst_port'],
]);
/** Fields kept as they are, then renamed ones: a renamed field wins over one already of its name. */
const PASSES = [false, true] as const;

/** Build the per-message function. */
export function buildLogstash(): ParseFn {
  return guardDepth('logstash', (raw) => {
    const read = readJsonObject(raw, 'logstash');
    if (!read.ok) return read;
    const { object, lexemes } = read.value;
    const stamp = object['@timestamp'];
    if (typeof stamp !== 'string') {
      return jsonFailure(
        'logstash.timestamp',
        stamp === undefined ? 'required field is missing' : `not a time: ${JSON.stringify(stamp)}`,
        '@timestamp',
      );
    }
    // Metron reads yyyy-MM-dd'T'HH:mm:ss.SSS'Z'; any ISO time with a zone is read here, to the ms.
    const timestamp = isoToEpochMs(stamp);
    if (timestamp === undefined) {
      return jsonFailure(
        'logstash.timestamp',
        `not an ISO time like 2014-07-17T15:56:05.992Z: '${stamp}'`,
        '@timestamp',
      );
    }
    const event: Event = {};
    const doubles = new Set<string>();
    for (const pass of PASSES) {
      for (const key of Object.keys(object)) {
        if (DROPPED.has(key)) continue;
        const name = RENAMED.get(key);
        if ((name !== undefined) !== pass) continue;
        const field = name ?? key;
        setField(event, field, object[key]);
        if (lexemes && holdsDouble(lexemes, object, key)) doubles.add(field);
        else doubles.delete(field);
      }
    }
    if (doubles.size > 0) event[DOUBLE_FIELDS] = doubles;
    event.timestamp = timestamp;
    return ok([event]);
  });
}
