import { type Event, fail, ok, type Result } from '#core';
import type { ParseFn, ParserContext } from '../../parser.js';
import { JavaIndexError, javaAt, javaSplit, javaSubstring, javaTrim } from '../engine/java-text.js';
import type { SourcefireConfig } from './config.js';

/**
 * Metron's BasicSourcefireParser: Sourcefire / Snort alerts forwarded as text ending in
 * `{PROTO} src[:port] -> dst[:port]`. The last `{…}` gives `protocol` (lower-cased) and the
 * addresses; a `[gid:sid:rev]` signature becomes `signature_id`, and `original_string` is the
 * record with spaces put around the signature, as Metron wrote it. The time is the time of
 * parsing (the records carry none Metron read).
 */

const SIGNATURE = /(.*)(\[[0-9]+:[0-9]+:[0-9]\])(.*)$/;

/** `host:port` into the event's address and port; a port that is not a number stays text. */
function endpoint(event: Event, text: string, addr: 'ip_src_addr' | 'ip_dst_addr', port: string): void {
  if (!text.includes(':')) {
    event[addr] = text;
    return;
  }
  const parts = javaSplit(text, ':');
  event[addr] = javaAt(parts, 0);
  const p = javaAt(parts, 1);
  event[port] = /^\d{1,9}$/.test(p) ? Number(p) : p;
}

/** Parse one Sourcefire record. */
export function parseSourcefire(raw: string, now: number): Result<Event[]> {
  const event: Event = {};
  try {
    const tmp = javaSubstring(raw, raw.lastIndexOf('{'));
    event.key = tmp;
    event.protocol = javaSubstring(tmp, tmp.indexOf('{') + 1, tmp.indexOf('}')).toLowerCase();
    const source = javaTrim(javaSubstring(tmp, tmp.indexOf('}') + 1, tmp.indexOf('->')));
    const dest = javaTrim(javaSubstring(tmp, tmp.indexOf('->') + 2));
    endpoint(event, source, 'ip_src_addr', 'ip_src_port');
    endpoint(event, dest, 'ip_dst_addr', 'ip_dst_port');
  } catch (e) {
    if (!(e instanceof JavaIndexError)) throw e;
    return fail({
      stage: 'parser_error',
      code: 'sourcefire.shape',
      message: 'expected the record to end in "{PROTO} src[:port] -> dst[:port]"',
    });
  }
  event.timestamp = now;
  const sid = SIGNATURE.exec(raw);
  event.original_string = sid ? `${sid[1]} ${sid[2]} ${sid[3]}` : raw;
  event.signature_id = sid ? (sid[2] as string) : '';
  return ok([event]);
}

/** Build the Sourcefire parse function. */
export function buildSourcefireParser(_config: SourcefireConfig, ctx: ParserContext): ParseFn {
  return (raw) => parseSourcefire(raw, ctx.now());
}
