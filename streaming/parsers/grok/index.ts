import type { ParserComponent } from '../parser.js';
import { asaParser } from './asa/index.js';
import { fireEyeParser } from './fireeye/index.js';
import { grokParser } from './grok/index.js';
import { sourcefireParser } from './sourcefire/index.js';
import { webSphereParser } from './websphere/index.js';

/**
 * The grok family: Metron's GrokParser (yaf, squid and any sensor with a pattern file), the
 * Cisco ASA and IBM WebSphere parsers built on grok patterns, and the Sourcefire and FireEye
 * parsers that sit beside them in Metron's pattern set.
 */
export const GROK_PARSERS: readonly ParserComponent[] = [
  grokParser,
  asaParser,
  webSphereParser,
  sourcefireParser,
  fireEyeParser,
];
