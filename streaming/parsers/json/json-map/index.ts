import { defineParser } from '../../parser.js';
import { jsonMapConfigSchema } from './config.js';
import { buildJsonMap } from './json-map.js';

/** Metron's `JSONMapParser`: JSON objects, one per message or picked out by a JSONPath. */
export const jsonMapParser = defineParser({
  name: 'jsonMap',
  metronClasses: ['org.apache.metron.parsers.json.JSONMapParser'],
  configSchema: jsonMapConfigSchema,
  build: buildJsonMap,
});
