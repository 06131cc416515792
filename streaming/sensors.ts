import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadJsonConfig, type SensorParserConfig, sensorParserConfigSchema, UsageError } from '#core';

/** A sensor's parser config and the file it came from. */
export interface SensorConfig {
  sensor: string;
  file: string;
  config: SensorParserConfig;
}

/** Sensors that have a parser config in `configDir/parsers/`. */
export function knownSensors(configDir: string): string[] {
  const dir = join(configDir, 'parsers');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Load `configDir/parsers/<sensor>.json` (Metron's shape), or say which sensors exist. */
export function loadSensorConfig(configDir: string, sensor: string): SensorConfig {
  const file = join(configDir, 'parsers', `${sensor}.json`);
  if (!/^[A-Za-z0-9_-]+$/.test(sensor) || !existsSync(file)) {
    const known = knownSensors(configDir);
    throw new UsageError(
      `unknown sensor '${sensor}': no parser config ${file} (known: ${known.length ? known.join(', ') : 'none'})`,
    );
  }
  return { sensor, file, config: loadJsonConfig(sensorParserConfigSchema, file) };
}
