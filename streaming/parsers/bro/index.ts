import { fail } from '#core';
import { defineParser, type ParseFn } from '../parser.js';
import { parseBro } from './bro.js';
import { broConfigSchema } from './config.js';
import { ZeekTsv } from './zeek-tsv.js';

const OPEN_BRACE = 0x7b;
const BOM = 0xfeff;

/**
 * The Bro/Zeek parser component (Metron's `BasicBroParser`), which also reads Zeek's TSV logs.
 * Each line says what it is: `#…` is a TSV header, a line after `#fields`/`#types` is a TSV
 * record, and a JSON object is read as Metron reads it. The TSV header state is the parser's,
 * cleared by `reset` at each new file.
 */
export const broParser = defineParser({
  name: 'bro',
  metronClasses: ['org.apache.metron.parsers.bro.BasicBroParser'],
  configSchema: broConfigSchema,
  build: () => {
    const tsv = new ZeekTsv();
    const parse: ParseFn = (raw) => {
      const line = raw.charCodeAt(0) === BOM ? raw.slice(1) : raw;
      if (line.startsWith('#')) return tsv.header(line);
      const json = line.charCodeAt(0) === OPEN_BRACE;
      if (tsv.active) {
        // A JSON line in a TSV stream is still JSON, unless it splits into exactly a record.
        const cells = tsv.cells(line);
        if (!json || cells.length === tsv.width) return tsv.record(cells);
      } else if (!json && line.includes('\t')) {
        return fail({
          stage: 'parser_error',
          code: 'bro.tsv.header',
          message: 'a Zeek TSV record before its #fields and #types headers',
        });
      }
      try {
        return parseBro(line);
      } catch (e) {
        // JSON.parse reads any depth; walking what it read can run out of stack.
        if (!(e instanceof RangeError)) throw e;
        return fail({ stage: 'parser_error', code: 'bro.depth', message: 'nested too deeply to read' });
      }
    };
    parse.reset = () => tsv.reset();
    return parse;
  },
});
