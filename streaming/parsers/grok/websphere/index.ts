import { defineParser } from '../../parser.js';
import { webSphereConfigSchema } from './config.js';
import { buildWebSphereParser } from './websphere.js';

/** The IBM WebSphere DataPower syslog parser component (Metron's `GrokWebSphereParser`). */
export const webSphereParser = defineParser({
  name: 'websphere',
  metronClasses: ['org.apache.metron.parsers.websphere.GrokWebSphereParser'],
  configSchema: webSphereConfigSchema,
  build: buildWebSphereParser,
});
