import { broParser } from './bro/index.js';
import { DELIMITED_PARSERS } from './delimited/index.js';
import { GROK_PARSERS } from './grok/index.js';
import { JSON_PARSERS } from './json/index.js';
import type { ParserComponent } from './parser.js';
import { SYSLOG_PARSERS } from './syslog/index.js';

/**
 * Every parser Palisade ships, family by family. Adding one is one folder in its family plus
 * one entry in the family's list.
 */
export const allParsers: readonly ParserComponent[] = [
  broParser,
  ...JSON_PARSERS,
  ...GROK_PARSERS,
  ...SYSLOG_PARSERS,
  ...DELIMITED_PARSERS,
];
