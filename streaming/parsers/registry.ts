import { type SensorParserConfig, UsageError, validateConfig } from '#core';
import { allParsers } from './all.js';
import type { ParseFn, ParserComponent, ParserContext } from './parser.js';

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

/**
 * Build just the parser of a sensor (no transformations, validations or filter; see
 * `buildSensor` for the whole stage), validating its `parserConfig` once.
 */
export function buildParser(
  config: SensorParserConfig,
  sensor: string,
  file: string,
  context: Partial<Omit<ParserContext, 'sensor'>> = {},
): ParseFn {
  const component = findParser(config, file);
  const parserConfig = validateConfig(component.configSchema, config.parserConfig, `${file} (parserConfig)`);
  return component.build(parserConfig, {
    sensor,
    timezone: context.timezone ?? 'UTC',
    now: context.now ?? Date.now,
  });
}
