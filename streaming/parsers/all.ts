import { broParser } from './bro/index.js';
import type { ParserComponent } from './parser.js';

/** Every parser Palisade ships. Adding one is one file plus one line here. */
export const allParsers: readonly ParserComponent[] = [broParser];
