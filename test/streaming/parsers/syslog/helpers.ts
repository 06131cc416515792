import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Event, SensorParserConfig } from '#core';
import { buildParser, buildSensor, type ParseResult, type SensorParser } from '#streaming';
import { METRON_FIXTURES } from '../../../helpers/metron.js';

export { metronFields, metronGolden } from '../../../helpers/metron.js';

/** Shared set-up for the syslog-family parser tests. */

/** A Metron sensor config from the fixtures, as JSON. */
export function metronConfig(...path: string[]): SensorParserConfig {
  const config = JSON.parse(readFileSync(join(METRON_FIXTURES, 'configs', 'parsers', ...path), 'utf8'));
  return { parserConfig: {}, fieldTransformations: [], ...config } as SensorParserConfig;
}

/** A parser config naming a Metron class, with `parserConfig`. */
export function classConfig(
  parserClassName: string,
  parserConfig: Record<string, unknown> = {},
): SensorParserConfig {
  return { parserClassName, parserConfig, fieldTransformations: [] };
}

/** The whole parse stage of a sensor with a fixed clock. */
export function sensorAt(
  sensor: string,
  config: SensorParserConfig,
  now: number,
  timezone?: string,
): SensorParser {
  return buildSensor(sensor, `${sensor}.json`, config, { now: () => now, ...(timezone ? { timezone } : {}) });
}

/** Just the parser, with a fixed clock. */
export function parserAt(
  config: SensorParserConfig,
  now: number,
  timezone = 'UTC',
): (raw: string) => ParseResult {
  return buildParser(config, 'test', 'test.json', { now: () => now, timezone });
}

/** The one event a line gives; fails the test otherwise. */
export function only(result: ParseResult): Event {
  if (!result.ok) throw new Error(`parse failed: ${result.error.code}: ${result.error.message}`);
  expect(result.value).toHaveLength(1);
  return result.value[0] as Event;
}

/** The error code of a failed parse; fails the test when it parsed. */
export function errorOf(result: ParseResult): { code: string; message: string } {
  if (result.ok) throw new Error(`expected a parse error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

interface Schema {
  properties?: Record<string, { type?: string }>;
  required?: string[];
}

/**
 * What Metron's parser unit tests check with their JSON schemas (`required` keys and the
 * `string` / `integer` types of the listed properties); returns the problems.
 */
export function schemaProblems(schemaFile: string, event: Record<string, unknown>): string[] {
  const schema = JSON.parse(readFileSync(join(METRON_FIXTURES, schemaFile), 'utf8')) as Schema;
  const problems: string[] = [];
  for (const key of schema.required ?? []) if (!(key in event)) problems.push(`missing ${key}`);
  for (const [key, { type }] of Object.entries(schema.properties ?? {})) {
    if (!(key in event)) continue;
    const v = event[key];
    const okType =
      type === 'string' ? typeof v === 'string' : type === 'integer' ? Number.isInteger(v) : true;
    if (!okType) problems.push(`${key} is not ${type}: ${JSON.stringify(v)}`);
  }
  return problems;
}
