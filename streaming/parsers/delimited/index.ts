import type { ParserComponent } from '../parser.js';
import { csvParser } from './csv/index.js';
import { regexParser } from './regex/index.js';
import { snortParser } from './snort/index.js';

/** The delimited-text family: Snort alert_csv, generic CSV, and regular expressions. */
export const DELIMITED_PARSERS: readonly ParserComponent[] = [snortParser, csvParser, regexParser];
