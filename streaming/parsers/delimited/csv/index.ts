import { defineParser } from '../../parser.js';
import { csvConfigSchema } from './config.js';
import { buildCsvParser } from './csv.js';

/** The delimited-text parser (Metron's `CSVParser`): configured columns become fields. */
export const csvParser = defineParser({
  name: 'csv',
  metronClasses: ['org.apache.metron.parsers.csv.CSVParser'],
  configSchema: csvConfigSchema,
  build: buildCsvParser,
});
