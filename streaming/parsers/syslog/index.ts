import type { ParserComponent } from '../parser.js';
import { cefParser } from './cef/index.js';
import { iseParser } from './ise/index.js';
import { leefParser } from './leef/index.js';
import { paloAltoParser } from './paloalto/index.js';
import { syslog3164Parser } from './syslog3164/index.js';
import { syslog5424Parser } from './syslog5424/index.js';

/**
 * The syslog family: plain RFC 3164 / RFC 5424 syslog, and the formats that usually travel
 * behind a syslog header (CEF, LEEF, Cisco ISE, PAN-OS CSV).
 */
export const SYSLOG_PARSERS: readonly ParserComponent[] = [
  syslog3164Parser,
  syslog5424Parser,
  cefParser,
  leefParser,
  iseParser,
  paloAltoParser,
];
