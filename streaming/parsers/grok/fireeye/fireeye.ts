import { type Event, fail, ok, type Result } from '#core';
import { JavaDateFormat, javaTimeZone } from '#stellar';
import type { ParseFn, ParserContext } from '../../parser.js';
import { JavaIndexError, javaAt, javaSplit, javaTrim } from '../engine/java-text.js';
import type { FireEyeConfig } from './config.js';

/**
 * Metron's BasicFireEyeParser: FireEye `fenotify` alerts in CEF behind a syslog header, possibly
 * with text before the priority (the last `<pri>` starts the record). For a single-part alert
 * (`fenotify-<id>.alert`) the CEF extension's `key=value` pairs become fields, after Metron's
 * renames (`cn3`→`dst_port`, `cs5`→`cncHost`, `proto`→`protocol`, `rt`→`timestamp`,
 * `cs1`→`malware`, `dst`→`dst_ip`, `shost`→`src_hostname`, `dmac`/`smac`→`dst_mac`/`src_mac`,
 * `spt`→`src_port`, `src`→`src_ip`); repeated keys join with ",". Metron's quirks are kept: the
 * first and last words of the record are left out of the pairs (so the last pair is never
 * read), `dvc` is the source address, and `timestamp` is the syslog header time in the current
 * year, UTC (0 when the header has none). Multi-part alerts keep only `original_string` (and
 * unlike Metron, a fragment of one shorter than five words is accepted rather than failed).
 */

const PRIORITY = /<[1-9][0-9]*>/g;
const HEADER_TIME = /([a-zA-Z]{3})[\t-\r ]+(\d+)[\t-\r ]+(\d+:\d+:\d+)[\t-\r ]+(\d+\.\d+\.\d+\.\d+)/;
const PAIR = /([\w\d]+)=([^=]*)(?=[\t-\r ]*\w+=|[\t-\r ]*$) /g;
const WHITESPACE = /[\t-\r ]+/;
const MULTI_PART = /fenotify-\d+\.\d+\.alert:/;
const RENAMES: readonly (readonly [string | RegExp, string])[] = [
  ['cn3', 'dst_port'],
  ['cs5', 'cncHost'],
  ['proto', 'protocol'],
  ['rt=', 'timestamp='],
  ['cs1', 'malware'],
  ['dst=', 'dst_ip='],
  ['shost', 'src_hostname'],
  ['dmac', 'dst_mac'],
  ['smac', 'src_mac'],
  ['spt', 'src_port'],
  [/\bsrc\b/g, 'src_ip'],
];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const LOCAL = JavaDateFormat.of('yyyy-MM-dd HH:mm:ss');
const YEAR = JavaDateFormat.of('yyyy');
const GMT = javaTimeZone('GMT');

/** A problem Metron threw on, carried out of the helpers. */
class FireEyeError extends Error {}

/** Parse one FireEye record. */
export function parseFireEye(raw: string, now: number): Result<Event[]> {
  let text = raw;
  // Text may come before the priority: the last priority found starts the record.
  let delimiter = '';
  PRIORITY.lastIndex = 0;
  for (let m = PRIORITY.exec(raw); m; m = PRIORITY.exec(raw)) delimiter = m[0];
  if (delimiter !== '') {
    const tokens = javaSplit(raw, delimiter);
    if (tokens.length > 1) text = delimiter + (tokens[1] as string);
  }
  try {
    const event = parseMessage(text);
    event.timestamp = headerTime(text, now);
    return ok([event]);
  } catch (e) {
    if (!(e instanceof JavaIndexError || e instanceof FireEyeError)) throw e;
    return fail({
      stage: 'parser_error',
      code: 'fireeye.shape',
      message: `not a FireEye alert: ${e.message}`,
    });
  }
}

function parseMessage(text: string): Event {
  const event: Event = {};
  const words = javaSplit(text, WHITESPACE);
  // Metron failed on fewer than five words; a short fragment of a multi-part alert is kept whole.
  const id = words.length < 5 && MULTI_PART.test(text) ? '' : javaAt(words, 4);
  // Multi-part alerts (fenotify-<id>.<part>.alert) are not taken apart.
  if (javaSplit(id, '.').length === 2) {
    const syslog = words.slice(1, words.length - 1).join(' ');
    for (const [key, values] of pairs(syslog)) event[key] = javaTrim(values.join(','));
  }
  event.original_string = text;
  if (typeof event.dvc === 'string') event.ip_src_addr = event.dvc;
  setPort(event, 'ip_src_port', event.src_port);
  if (typeof event.dst_ip === 'string') event.ip_dst_addr = event.dst_ip;
  setPort(event, 'ip_dst_port', event.dst_port);
  return event;
}

/** Port text as a number when it is one (Metron kept the text); other text is kept as is. */
function setPort(event: Event, key: string, value: Event[string]): void {
  if (typeof value !== 'string') return;
  event[key] = /^\d{1,9}$/.test(value) ? Number(value) : value;
}

function pairs(syslog: string): Map<string, string[]> {
  let input = syslog;
  for (const [from, to] of RENAMES) input = input.replaceAll(from, to);
  const out = new Map<string, string[]>();
  const parts = javaSplit(input, '|');
  if (parts.length === 0) return out;
  const extension = parts[parts.length - 1] as string;
  PAIR.lastIndex = 0;
  for (let m = PAIR.exec(extension); m; m = PAIR.exec(extension)) {
    const kv = javaSplit(m[0], '=');
    const key = javaAt(kv, 0);
    const list = out.get(key);
    if (list) list.push(javaAt(kv, 1));
    else out.set(key, [javaAt(kv, 1)]);
  }
  return out;
}

/** The syslog header's time in the current year, UTC; 0 when the header has none. */
function headerTime(text: string, now: number): number {
  const m = HEADER_TIME.exec(text);
  if (!m) return 0;
  const [, mon, day, time] = m as unknown as [string, string, string, string];
  const month = MONTHS.indexOf(mon.toLowerCase()) + 1;
  if (month === 0) throw new FireEyeError(`unknown month '${mon}'`);
  let d = javaTrim(day);
  if (d.length <= 2) d = `0${d}`;
  const year = YEAR.format(now, GMT);
  const ms = LOCAL.parse(`${year}-${String(month).padStart(2, '0')}-${d} ${time}`, GMT, now);
  if (ms === undefined) throw new FireEyeError(`unreadable time '${mon} ${day} ${time}'`);
  return ms;
}

/** Build the FireEye parse function. */
export function buildFireEyeParser(_config: FireEyeConfig, ctx: ParserContext): ParseFn {
  return (raw) => parseFireEye(raw, ctx.now());
}
