import { ok } from '#core';
import type { ParseFn } from '../../parser.js';
import { Flattener } from '../flatten.js';
import { isoToEpochMs } from '../iso-time.js';
import { guardDepth, jsonFailure, readJsonObject } from '../read-object.js';

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
  const flattener = new Flattener((key) => (key === 'timestamp' ? undefined : (RENAMED.get(key) ?? key)));
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
    const event = flattener.flatten(object, lexemes);
    event.timestamp = timestamp;
    if (typeof object.proto === 'string') event.protocol = object.proto.toLowerCase();
    if (object.event_type === 'alert') event.is_alert = 'true';
    return ok([event]);
  });
}
