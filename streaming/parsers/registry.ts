import { type SensorParserConfig, UsageError, validateConfig } from '#core';
import { allParsers } from './all.js';
import type { ParseFn, ParserComponent } from './parser.js';

/** Find the parser a sensor config names, by Palisade name or Metron class name. */
export function findParser(config: SensorParserConfig, file: string): ParserComponent {
  const wanted = config.parser ?? config.parserClassName ?? '';
  const found = allParsers.find((p) => p.name === wanted || p.metronClasses.includes(wanted));
  if (!found) {
    const known = allParsers.map((p) => p.name).join(', ');
    throw new UsageError(`${file}: unsupported parser '${wanted}' (supported: ${known})`);
  }
  return found;
}

/** Build the per-record parse function for a sensor, validating its `parserConfig` once. */
export function buildParser(config: SensorParserConfig, sensor: string, file: string): ParseFn {
  const component = findParser(config, file);
  const parserConfig = validateConfig(component.configSchema, config.parserConfig, `${file} (parserConfig)`);
  return component.build(parserConfig, { sensor });
}
