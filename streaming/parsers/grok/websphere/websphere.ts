import type { Event, FieldValue } from '#core';
import { JavaDateFormat } from '#stellar';
import type { ParseFn, ParserContext } from '../../parser.js';
import { JavaIndexError, javaAt, javaSplit, javaSubstring } from '../engine/java-text.js';
import { buildGrokParser, type GrokHooks, type GrokTools } from '../grok/grok.js';
import type { WebSphereConfig } from './config.js';

/**
 * Metron's GrokWebSphereParser: GrokParser on IBM DataPower syslog, then the message is taken
 * apart. The syslog time has no year, so the current one is put in front of it (the current
 * time stands in when it still does not parse); empty fields are dropped; login and logout
 * messages yield `event_subtype`, `username`, `ip_src_addr` (and `security_domain` on logout);
 * others yield `process`, the text before the first "(".
 */

const YEAR = JavaDateFormat.of('yyyy');

const hooks: GrokHooks = {
  formatTimestamp(value: FieldValue | undefined, tools: GrokTools): number {
    const now = tools.now();
    if (value === null || value === undefined) return now;
    const year = YEAR.format(now, tools.zone);
    return tools.format.parse(`${year} ${String(value)}`, tools.zone, now) ?? now;
  },
  postParse(event: Event): string | undefined {
    for (const key of Object.keys(event)) {
      const v = event[key];
      if (v === null || v === undefined || v === '') delete event[key];
    }
    delete event.timestamp_string;
    if (!('message' in event)) return undefined;
    const message = String(event.message);
    try {
      if (message.includes('logged into')) login(event, message);
      else if (message.includes('logged out')) logout(event, message);
      else process(event, message);
    } catch (e) {
      // Where Metron's string handling threw, the record was an error there too.
      if (e instanceof JavaIndexError) return `cannot take apart the message '${message}': ${e.message}`;
      throw e;
    }
    return undefined;
  },
};

/** "user(rick007): [120.43.200.6]: User logged into 'x'." */
function login(event: Event, message: string): void {
  event.event_subtype = 'login';
  if (!message.includes(':')) return;
  const parts = javaSplit(message, ':');
  let user = javaAt(parts, 0);
  let ip = javaAt(parts, 1);
  if (user.includes('user(') && user.includes(')')) {
    user = javaSubstring(user, user.indexOf('user(') + 'user('.length);
    user = javaSubstring(user, 0, user.indexOf(')'));
    event.username = user;
  }
  if (ip.includes('[') && ip.includes(']')) {
    ip = javaSubstring(ip, ip.indexOf('[') + 1);
    ip = javaSubstring(ip, 0, ip.indexOf(']'));
    event.ip_src_addr = ip;
  }
  delete event.message;
}

/** "[14.122.2.201]: User 'hjpotter' logged out from 'default'." */
function logout(event: Event, message: string): void {
  event.event_subtype = 'logout';
  // Java's matches(".*'.*'.*'.*'.*"): at least four quotes.
  if (message.split("'").length < 5) return;
  const parts = javaSplit(message, "'");
  let ip = javaAt(parts, 0);
  if (ip.includes('[') && ip.includes(']')) {
    ip = javaSubstring(ip, ip.indexOf('[') + 1);
    ip = javaSubstring(ip, 0, ip.indexOf(']'));
    event.ip_src_addr = ip;
  }
  event.username = javaAt(parts, 1);
  event.security_domain = javaAt(parts, 3);
  delete event.message;
}

/** "rbm(RBM-Settings): trans(…): RBM: Resource access denied." and other messages alike. */
function process(event: Event, message: string): void {
  if (!message.includes('(')) return;
  event.process = message.slice(0, message.indexOf('('));
  if (message.includes(':')) event.message = javaSubstring(message, message.indexOf(':') + 2);
}

/** Build the WebSphere parse function. */
export function buildWebSphereParser(config: WebSphereConfig, ctx: ParserContext): ParseFn {
  return buildGrokParser(config, ctx, hooks);
}
