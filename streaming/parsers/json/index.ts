import type { ParserComponent } from '../parser.js';
import { jsonMapParser } from './json-map/index.js';
import { lancopeParser } from './lancope/index.js';
import { logstashParser } from './logstash/index.js';
import { suricataParser } from './suricata/index.js';

/** The JSON family: Metron's JSONMapParser, Lancope and Logstash parsers, and Suricata EVE. */
export const JSON_PARSERS: readonly ParserComponent[] = [
  jsonMapParser,
  suricataParser,
  lancopeParser,
  logstashParser,
];
