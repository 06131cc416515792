import { type Event, ok, type Result } from '#core';
import { javaTimeZone } from '#stellar';
import type { ParseFn, ParserContext } from '../../parser.js';
import { bad, eachLine } from '../common.js';
import { parseSyslogPrefix, zonedMillis } from '../header.js';

/**
 * PAN-OS CSV logs as Metron's `BasicPaloAltoFirewallParser` reads them: TRAFFIC and THREAT
 * (PAN-OS 6.0, 6.1, 7.0 and 8.0 layouts, told apart by their field count), CONFIG and SYSTEM.
 * Field names are Metron's; values are strings (surrounding quotes removed where Metron removes
 * them), empty fields are left out, `parser_version` says which layout was read (0 when none
 * matched, with `tokens_seen`). A THREAT `url` with a scheme gives `host`.
 *
 * Differences from Metron 0.7.2, on purpose: a syslog header in front of the CSV (`<11>Jan  5
 * 05:38:59 PAN1 1,2015/01/05 ...`) is not kept in `palo_alto_domain`; `timestamp` is the log's
 * `time_generated` (else `receive_time`) in the device zone, where Metron stamped the clock.
 */

type How = 'trim' | 'unquote';
type Field = readonly [index: number, name: string, how: How];

const T = 'trim';
const U = 'unquote';

const COMMON: readonly Field[] = [
  [0, 'palo_alto_domain', T],
  [1, 'receive_time', T],
  [2, 'serial', T],
  [4, 'subtype', U],
  [5, 'config_version', T],
  [6, 'time_generated', T],
];

const CONFIG_61: readonly Field[] = [
  [7, 'host', T],
  [8, 'vsys', T],
  [9, 'command', T],
  [10, 'admin', T],
  [11, 'client', U],
  [12, 'result', U],
  [13, 'configuration_path', U],
];

/** CONFIG 7.0/8.0 fields after the optional before/after change details (shifted by `offset`). */
const configTail = (offset: number): Field[] => [
  [14 + offset, 'seqno', U],
  [15 + offset, 'actionflags', U],
  [16 + offset, 'dg_hier_level_1', U],
  [17 + offset, 'dg_hier_level_2', U],
  [18 + offset, 'dg_hier_level_3', U],
  [19 + offset, 'dg_hier_level_4', U],
  [20 + offset, 'vsys_name', U],
  [21 + offset, 'device_name', U],
];
const CONFIG_61_TAIL: readonly Field[] = [
  [14, 'seqno', U],
  [15, 'actionflags', U],
];
const CONFIG_61_DETAILS: readonly Field[] = [
  [16, 'before_change_detail', U],
  [17, 'after_change_detail', U],
];
const CONFIG_80 = configTail(0);
const CONFIG_80_DETAILS: readonly Field[] = [
  [14, 'before_change_detail', U],
  [15, 'after_change_detail', U],
  ...configTail(2),
];

const SYSTEM_61: readonly Field[] = [
  [7, 'vsys', T],
  [8, 'event_id', T],
  [9, 'object', T],
  [12, 'module', T],
  [13, 'severity', U],
  [14, 'description', U],
  [15, 'seqno', U],
  [16, 'actionflags', U],
];
const SYSTEM_80: readonly Field[] = [
  [17, 'dg_hier_level_1', T],
  [18, 'dg_hier_level_2', T],
  [19, 'dg_hier_level_3', T],
  [20, 'dg_hier_level_4', T],
  [21, 'vsys_name', U],
  [22, 'device_name', U],
];

const FLOW: readonly Field[] = [
  [7, 'ip_src_addr', T],
  [8, 'ip_dst_addr', T],
  [9, 'natsrc', T],
  [10, 'natdst', T],
  [11, 'rule', U],
  [12, 'srcuser', U],
  [13, 'dstuser', U],
  [14, 'app', U],
  [15, 'vsys', U],
  [16, 'from', U],
  [17, 'to', U],
  [18, 'inbound_if', U],
  [19, 'outbound_if', U],
  [20, 'log_action', U],
  [21, 'start', T],
  [22, 'sessionid', T],
  [23, 'repeatcnt', T],
  [24, 'ip_src_port', T],
  [25, 'ip_dst_port', T],
  [26, 'natsport', T],
  [27, 'natdport', T],
  [28, 'flags', T],
  [29, 'protocol', U],
  [30, 'action', U],
];

const THREAT: readonly Field[] = [
  [32, 'threatid', T],
  [33, 'category', U],
  [34, 'severity', U],
  [35, 'direction', U],
  [36, 'seqno', T],
  [37, 'actionflags', U],
  [38, 'srcloc', U],
  [39, 'dstloc', U],
  [41, 'contenttype', U],
  [42, 'pcap_id', T],
  [43, 'filedigest', U],
  [44, 'cloud', U],
];
/** THREAT 6.1+ fields; 7.0 inserted `url_idx` before them (`offset` 1). */
const threat61 = (offset: number): Field[] => [
  [45 + offset, 'user_agent', U],
  [46 + offset, 'filetype', U],
  [47 + offset, 'xff', U],
  [48 + offset, 'referer', U],
  [49 + offset, 'sender', U],
  [50 + offset, 'subject', U],
  [51 + offset, 'recipient', U],
  [52 + offset, 'reportid', U],
];
const THREAT_61 = threat61(0);
const THREAT_70: readonly Field[] = [
  ...threat61(1),
  [45, 'url_idx', T],
  [54, 'dg_hier_level_1', T],
  [55, 'dg_hier_level_2', T],
  [56, 'dg_hier_level_3', T],
  [57, 'dg_hier_level_4', T],
  [58, 'vsys_name', U],
  [59, 'device_name', U],
];
const THREAT_80: readonly Field[] = [
  [61, 'source_vm_uuid', T],
  [62, 'destination_vm_uuid', T],
  [63, 'http_method', T],
  [64, 'tunnel_id', T],
  [65, 'monitor_tag', T],
  [66, 'parent_session_id', T],
  [67, 'parent_session_start_time', T],
  [68, 'tunnel_type', T],
  [69, 'threat_category', T],
  [70, 'content_version', T],
];

const TRAFFIC: readonly Field[] = [
  [31, 'bytes', T],
  [32, 'bytes_sent', T],
  [33, 'bytes_received', T],
  [34, 'packets', T],
  [35, 'start', T],
  [36, 'elapsed', T],
  [37, 'category', U],
  [39, 'seqno', T],
  [40, 'actionflags', U],
  [41, 'srcloc', U],
  [42, 'dstloc', U],
  [44, 'pkts_sent', T],
  [45, 'pkts_received', T],
];
const TRAFFIC_61: readonly Field[] = [[46, 'session_end_reason', U]];
const TRAFFIC_70: readonly Field[] = [
  [47, 'dg_hier_level_1', T],
  [48, 'dg_hier_level_2', T],
  [49, 'dg_hier_level_3', T],
  [50, 'dg_hier_level_4', T],
  [51, 'vsys_name', U],
  [52, 'device_name', U],
  [53, 'action_source', U],
];
const TRAFFIC_80: readonly Field[] = [
  [54, 'source_vm_uuid', T],
  [55, 'destination_vm_uuid', T],
  [56, 'tunnel_id', T],
  [57, 'monitor_tag', T],
  [58, 'parent_session_id', T],
  [59, 'parent_session_start_time', T],
  [60, 'tunnel_type', T],
];

/** Fields each log type needs at the least (Metron reads up to the last one unconditionally). */
const MIN_FIELDS: Readonly<Record<string, number>> = { CONFIG: 7, SYSTEM: 7, THREAT: 45, TRAFFIC: 46 };

/** Java's `URL` protocols: a THREAT url with one of them has a host. */
const URL_HOST = /^(?:https?|ftp|file|jar|mailto|netdoc):(?:\/\/([^/?#]*))?/i;
const PAN_TIME = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Split at commas followed by an even number of double quotes, as Metron's
 * `,(?=(?:[^"]*"[^"]*")*[^"]*$)` does (the same as "outside quotes" when quotes balance).
 */
export function splitPanCsv(line: string): string[] {
  let quotesAfter = 0;
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === 34) quotesAfter++;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) quotesAfter--;
    else if (c === 44 && quotesAfter % 2 === 0) {
      out.push(line.slice(start, i));
      start = i + 1;
    }
  }
  out.push(line.slice(start));
  return out;
}

const isEmpty = (s: string | undefined): boolean => s === undefined || s.trim() === '' || s === '""';

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function put(event: Event, tokens: readonly string[], fields: readonly Field[]): void {
  for (const [index, name, how] of fields) {
    const value = tokens[index];
    if (value === undefined || isEmpty(value)) continue;
    event[name] = how === T ? value.trim() : unquote(value);
  }
}

/** The host of a URL the way Java's `URL.getHost` gives it (no port, no user info). */
function urlHost(url: string): string | undefined {
  const m = URL_HOST.exec(url);
  if (!m) return undefined;
  let authority = m[1] ?? '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    return close < 0 ? authority : authority.slice(0, close + 1);
  }
  const colon = authority.indexOf(':');
  return colon < 0 ? authority : authority.slice(0, colon);
}

/** Build the per-record function for a sensor. */
export function buildPaloAlto(ctx: ParserContext): ParseFn {
  const zone = javaTimeZone(ctx.timezone);

  function panTime(text: unknown): number | undefined {
    if (typeof text !== 'string') return undefined;
    const m = PAN_TIME.exec(text);
    if (!m) return undefined;
    const [, y, mo, d, h, mi, s] = m;
    return zonedMillis(zone, Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), 0);
  }

  function parseLine(line: string): Result<Event[]> {
    const tokens = splitPanCsv(line);
    const type = tokens[3]?.trim();
    const min = type === undefined ? undefined : MIN_FIELDS[type];
    if (type === undefined || min === undefined) {
      return bad(
        'paloalto.type',
        `log type '${type ?? ''}' is not TRAFFIC, THREAT, CONFIG or SYSTEM (field 4)`,
      );
    }
    if (tokens.length < min) {
      return bad(
        'paloalto.fields',
        `a ${type} log has at least ${min} fields; this one has ${tokens.length}`,
      );
    }
    // A relay's syslog header sits in front of the first field: keep only the field.
    const first = tokens[0] as string;
    const header = parseSyslogPrefix(first);
    if (header.end > 0) tokens[0] = first.slice(header.end);

    const event: Event = {};
    put(event, tokens, COMMON);
    event.type = type;
    const n = tokens.length;
    let version = 0;
    if (type === 'CONFIG') {
      if (n === 16 || n === 18) version = 61;
      else if (n === 22 || n === 24) version = 80;
      if (version >= 61) put(event, tokens, CONFIG_61);
      if (version === 61) {
        put(event, tokens, CONFIG_61_TAIL);
        if (n === 18) put(event, tokens, CONFIG_61_DETAILS);
      }
      if (version === 80) put(event, tokens, n === 24 ? CONFIG_80_DETAILS : CONFIG_80);
    } else if (type === 'SYSTEM') {
      if (n === 17) version = 61;
      else if (n === 23) version = 80;
      if (version >= 61) put(event, tokens, SYSTEM_61);
      if (version === 80) put(event, tokens, SYSTEM_80);
    } else {
      put(event, tokens, FLOW);
      if (type === 'THREAT') {
        if (n === 45) version = 60;
        else if (n === 53) version = 61;
        else if (n === 61) version = 70;
        else if (n === 72) version = 80;
        const url = tokens[31];
        if (url !== undefined && !isEmpty(url)) {
          event.url = unquote(url);
          const host = urlHost(event.url);
          if (host !== undefined) event.host = host;
        }
        put(event, tokens, THREAT);
        if (version === 61) put(event, tokens, THREAT_61);
        if (version >= 70) put(event, tokens, THREAT_70);
        if (version >= 80) put(event, tokens, THREAT_80);
      } else {
        if (n === 46) version = 60;
        else if (n === 47) version = 61;
        else if (n === 54) version = 70;
        else if (n === 61) version = 80;
        put(event, tokens, TRAFFIC);
        if (version >= 61) put(event, tokens, TRAFFIC_61);
        if (version >= 70) put(event, tokens, TRAFFIC_70);
        if (version >= 80) put(event, tokens, TRAFFIC_80);
      }
    }
    event.parser_version = version;
    if (version === 0) event.tokens_seen = n;
    event.timestamp = panTime(event.time_generated) ?? panTime(event.receive_time) ?? ctx.now();
    return ok([event]);
  }

  return (raw) => eachLine(raw, parseLine);
}
