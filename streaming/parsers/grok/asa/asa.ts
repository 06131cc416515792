import { type Event, type FieldValue, fail, ok } from '#core';
import { javaTimeZone } from '#stellar';
import type { ParseFn, ParserContext } from '../../parser.js';
import { Grok, GrokTimeout } from '../engine/grok.js';
import { loadBundledPatterns } from '../engine/patterns.js';
import type { AsaConfig } from './config.js';
import { syslogTimestamp } from './syslog-time.js';

/**
 * Metron's BasicAsaParser: the syslog header (`CISCO_TAGGED_SYSLOG` from the bundled asa
 * patterns) gives `timestamp`, `ciscotag`, `syslog_severity`, `syslog_facility`, `syslog_host`
 * and `syslog_prog`; the message after the tag is matched with the pattern for its message ID
 * and gives the 5-tuple and `action` (protocol and action lower-cased). A message ID without a
 * pattern, or a message its pattern does not match, still makes an event from the header.
 */

/** Message ID → pattern in the asa file (Metron's table). */
const PATTERN_BY_TAG: ReadonlyMap<string, string> = new Map([
  ['ASA-2-106001', 'CISCOFW106001'],
  ['ASA-2-106006', 'CISCOFW106006_106007_106010'],
  ['ASA-2-106007', 'CISCOFW106006_106007_106010'],
  ['ASA-2-106010', 'CISCOFW106006_106007_106010'],
  ['ASA-3-106014', 'CISCOFW106014'],
  ['ASA-6-106015', 'CISCOFW106015'],
  ['ASA-1-106021', 'CISCOFW106021'],
  ['ASA-4-106023', 'CISCOFW106023'],
  ['ASA-5-106100', 'CISCOFW106100'],
  ['ASA-6-110002', 'CISCOFW110002'],
  ['ASA-6-302010', 'CISCOFW302010'],
  ['ASA-6-302013', 'CISCOFW302013_302014_302015_302016'],
  ['ASA-6-302014', 'CISCOFW302013_302014_302015_302016'],
  ['ASA-6-302015', 'CISCOFW302013_302014_302015_302016'],
  ['ASA-6-302016', 'CISCOFW302013_302014_302015_302016'],
  ['ASA-6-302020', 'CISCOFW302020_302021'],
  ['ASA-6-302021', 'CISCOFW302020_302021'],
  ['ASA-6-305011', 'CISCOFW305011'],
  ['ASA-3-313001', 'CISCOFW313001_313004_313008'],
  ['ASA-3-313004', 'CISCOFW313001_313004_313008'],
  ['ASA-3-313008', 'CISCOFW313001_313004_313008'],
  ['ASA-4-313005', 'CISCOFW313005'],
  ['ASA-4-402117', 'CISCOFW402117'],
  ['ASA-4-402119', 'CISCOFW402119'],
  ['ASA-4-419001', 'CISCOFW419001'],
  ['ASA-4-419002', 'CISCOFW419002'],
  ['ASA-4-500004', 'CISCOFW500004'],
  ['ASA-6-602303', 'CISCOFW602303_602304'],
  ['ASA-6-602304', 'CISCOFW602303_602304'],
  ['ASA-7-710001', 'CISCOFW710001_710002_710003_710005_710006'],
  ['ASA-7-710002', 'CISCOFW710001_710002_710003_710005_710006'],
  ['ASA-7-710003', 'CISCOFW710001_710002_710003_710005_710006'],
  ['ASA-7-710005', 'CISCOFW710001_710002_710003_710005_710006'],
  ['ASA-7-710006', 'CISCOFW710001_710002_710003_710005_710006'],
  ['ASA-6-713172', 'CISCOFW713172'],
  ['ASA-4-733100', 'CISCOFW733100'],
  ['ASA-6-305012', 'CISCOFW305012'],
  ['ASA-7-609001', 'CISCOFW609001'],
  ['ASA-7-609002', 'CISCOFW609002'],
  ['ASA-5-713041', 'CISCOFW713041'],
]);

const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
const FACILITIES: Readonly<Record<number, string>> = {
  0: 'kern',
  1: 'user',
  2: 'mail',
  3: 'daemon',
  4: 'auth',
  5: 'syslog',
  6: 'lpr',
  7: 'news',
  8: 'uucp',
  10: 'authpriv',
  11: 'ftp',
  15: 'cron',
  16: 'local0',
  17: 'local1',
  18: 'local2',
  19: 'local3',
  20: 'local4',
  21: 'local5',
  22: 'local6',
  23: 'local7',
};

/** Syslog severity name of a priority (Metron's SyslogUtils). */
export const severityOf = (priority: number): string => SEVERITIES[priority & 7] as string;
/** Syslog facility name of a priority, `unknown` for the unnamed ones (Metron's SyslogUtils). */
export const facilityOf = (priority: number): string => FACILITIES[priority >> 3] ?? 'unknown';

/** Build the ASA parse function: the header and every message pattern compile once here. */
export function buildAsaParser(_config: AsaConfig, ctx: ParserContext): ParseFn {
  // Metron reads its bundled asa file only (not common, and never a file from HDFS).
  const library = loadBundledPatterns('asa');
  const header = Grok.compile('%{CISCO_TAGGED_SYSLOG}', library);
  const compiled = new Map<string, Grok>();
  const byTag = new Map<string, Grok>();
  for (const [tag, name] of PATTERN_BY_TAG) {
    let grok = compiled.get(name);
    if (!grok) {
      grok = Grok.compile(`%{${name}}`, library);
      compiled.set(name, grok);
    }
    byTag.set(tag, grok);
  }
  const zone = javaTimeZone(ctx.timezone);

  const parse: ParseFn = (raw) => {
    const syslog = header.match(raw);
    if (!syslog) {
      return fail({
        stage: 'parser_error',
        code: 'asa.header',
        message:
          'the record does not match %{CISCO_TAGGED_SYSLOG} (a Cisco syslog header and %ASA-n-nnnnnn tag)',
      });
    }
    const time = String(syslog.CISCOTIMESTAMP);
    const timestamp = syslogTimestamp(time, zone, ctx.now());
    if (timestamp === undefined) {
      return fail({
        stage: 'parser_error',
        code: 'asa.timestamp',
        message: `unsupported date format: '${time}' (expected MMM d HH:mm:ss or MMM dd yyyy HH:mm:ss)`,
        field: 'timestamp',
      });
    }
    const priority = syslog.syslog_pri;
    if (typeof priority !== 'number') {
      return fail({
        stage: 'parser_error',
        code: 'asa.priority',
        message: `syslog priority <${String(priority)}> is out of range`,
      });
    }
    const event: Event = {
      original_string: raw,
      timestamp,
      ciscotag: syslog.CISCOTAG ?? null,
      syslog_severity: severityOf(priority),
      syslog_facility: facilityOf(priority),
    };
    if (syslog.syslog_host !== null && syslog.syslog_host !== undefined)
      event.syslog_host = syslog.syslog_host;
    if (syslog.syslog_prog !== null && syslog.syslog_prog !== undefined)
      event.syslog_prog = syslog.syslog_prog;

    const grok = byTag.get(String(syslog.CISCOTAG));
    const fields = grok?.match(String(syslog.message ?? ''));
    if (fields) {
      setText(event, 'ip_src_addr', fields.src_ip);
      setPort(event, 'ip_src_port', fields.src_port);
      setText(event, 'ip_dst_addr', fields.dst_ip);
      setPort(event, 'ip_dst_port', fields.dst_port);
      if (fields.protocol !== null && fields.protocol !== undefined)
        event.protocol = String(fields.protocol).toLowerCase();
      if (fields.action !== null && fields.action !== undefined)
        event.action = String(fields.action).toLowerCase();
    }
    return ok([event]);
  };
  // A pattern that runs out of its time budget makes the record an error, not a stalled worker.
  return (raw) => {
    try {
      return parse(raw);
    } catch (e) {
      if (!(e instanceof GrokTimeout)) throw e;
      return fail({ stage: 'parser_error', code: 'asa.timeout', message: e.message });
    }
  };
}

function setText(event: Event, key: 'ip_src_addr' | 'ip_dst_addr', value: FieldValue | undefined): void {
  if (value !== null && value !== undefined) event[key] = String(value);
}

/** Ports are ints in Metron; one too large for an int is left out rather than failing the record. */
function setPort(event: Event, key: 'ip_src_port' | 'ip_dst_port', value: FieldValue | undefined): void {
  if (typeof value === 'number') event[key] = value;
}
