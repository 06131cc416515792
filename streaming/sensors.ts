import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type GlobalConfig,
  globalConfigSchema,
  loadJsonConfig,
  type SensorParserConfig,
  sensorParserConfigSchema,
  UsageError,
} from '#core';

/** Sensor parser configs live in `<config dir>/sensors/<name>.json`. */
export const SENSORS_DIR = 'sensors';

/** A sensor's parser config and the file it came from. */
export interface SensorConfig {
  sensor: string;
  file: string;
  config: SensorParserConfig;
}

/** Sensors that have a parser config in `configDir/sensors/`. */
export function knownSensors(configDir: string): string[] {
  const dir = join(configDir, SENSORS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Load `configDir/sensors/<sensor>.json` (Metron's shape), or say which sensors exist. */
export function loadSensorConfig(configDir: string, sensor: string): SensorConfig {
  const file = join(configDir, SENSORS_DIR, `${sensor}.json`);
  if (!/^[A-Za-z0-9_-]+$/.test(sensor) || !existsSync(file)) {
    const known = knownSensors(configDir);
    throw new UsageError(
      `unknown sensor '${sensor}': no parser config ${file} (known: ${known.length ? known.join(', ') : 'none'})`,
    );
  }
  return { sensor, file, config: loadJsonConfig(sensorParserConfigSchema, file) };
}

/** Metron's global config, `configDir/global.json`, when there is one. */
export function loadGlobalConfig(configDir: string): GlobalConfig | undefined {
  const file = join(configDir, 'global.json');
  return existsSync(file) ? loadJsonConfig(globalConfigSchema, file) : undefined;
}
