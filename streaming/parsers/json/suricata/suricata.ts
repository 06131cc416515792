import { DOUBLE_FIELDS, type Event, ok } from '#core';
import { holdsDouble, type Lexemes } from '../../json-lexemes.js';
import type { ParseFn } from '../../parser.js';
import { isoToEpochMs } from '../iso-time.js';
import {
  dottedName,
  guardDepth,
  isJsonObject,
  jsonFailure,
  readJsonObject,
  setField,
} from '../read-object.js';

/**
 * Suricata's EVE JSON, one event per line, any `event_type` (alert, flow, dns, http, tls,
 * fileinfo, …). The 5-tuple takes Metron's names, `protocol` is the transport in lower case,
 * `timestamp` becomes epoch ms. Nested EVE objects become dotted fields (`alert.signature_id`),
 * the same name in Stellar and SQL; lists stay lists. `community_id` is kept as Suricata wrote
 * it, and an alert is marked `is_alert: "true"` as Metron marks alerts.
 */

const RENAMED = new Map([
  ['src_ip', 'ip_src_addr'],
  ['src_port', 'ip_src_port'],
  ['dest_ip', 'ip_dst_addr'],
  ['dest_port', 'ip_dst_port'],
]);

/** Build the per-line function. */
export function buildSuricata(): ParseFn {
  return guardDepth('suricata', (raw) => {
    const read = readJsonObject(raw, 'suricata');
    if (!read.ok) return read;
    const { object, lexemes } = read.value;
    const stamp = object.timestamp;
    if (typeof stamp !== 'string') {
      return jsonFailure(
        'suricata.timestamp',
        stamp === undefined ? 'required field is missing' : `not a time: ${JSON.stringify(stamp)}`,
        'timestamp',
      );
    }
    const timestamp = isoToEpochMs(stamp);
    if (timestamp === undefined) {
      return jsonFailure(
        'suricata.timestamp',
        `not an ISO time like 2024-03-05T14:22:31.512345+0000: '${stamp}'`,
        'timestamp',
      );
    }
    const event: Event = {};
    const doubles = lexemes === undefined ? undefined : new Set<string>();
    for (const key of Object.keys(object)) {
      if (key === 'timestamp') continue;
      copy(RENAMED.get(key) ?? key, object, key, event, doubles, lexemes);
    }
    if (doubles !== undefined && doubles.size > 0) event[DOUBLE_FIELDS] = doubles;
    event.timestamp = timestamp;
    if (typeof object.proto === 'string') event.protocol = object.proto.toLowerCase();
    if (object.event_type === 'alert') event.is_alert = 'true';
    return ok([event]);
  });
}

/** Copy `holder[key]` to the event as `name`, nested objects as dotted names below it. */
function copy(
  name: string,
  holder: Record<string, unknown>,
  key: string,
  event: Event,
  doubles: Set<string> | undefined,
  lexemes: Lexemes | undefined,
): void {
  const value = holder[key];
  if (isJsonObject(value)) {
    for (const inner of Object.keys(value))
      copy(dottedName(name, inner), value, inner, event, doubles, lexemes);
    return;
  }
  setField(event, name, value);
  if (doubles !== undefined && holdsDouble(lexemes, holder, key)) doubles.add(name);
}
