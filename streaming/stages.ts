import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadJsonConfig, type SensorEnrichmentConfig, sensorEnrichmentConfigSchema } from '#core';
import type { ModelFunctions } from '#models';
import type { ProfileCache } from '#stellar';
import { AsnDatabase } from './enrich/asn.js';
import { ReverseDns, type ReverseDnsOptions } from './enrich/dns.js';
import { GeoDatabase } from './enrich/geo.js';
import { IntelStore } from './enrich/intel.js';
import { buildEnrichment, type EnrichmentValues } from './enrich/stage.js';
import { buildSensor, type SensorOptions } from './parsers/sensor.js';
import type { Scorer, SensorStages } from './pipeline.js';
import { loadGlobalConfig, loadSensorConfig } from './sensors.js';

/** Sensor enrichment configs live in `<config dir>/enrichments/<sensor>.json` (Metron's shape). */
export const ENRICHMENTS_DIR = 'enrichments';

/**
 * What enrichment reads, shared by every sensor of a process. The geo database is opened on
 * first use (a config that has no `geo` adapter never pays for it).
 */
export interface StageSources {
  /** A MaxMind-format city database (`--geo-db`); the bundled DB-IP City Lite when absent. */
  geoDb?: string;
  /** A MaxMind ASN/ISP database (`--asn-db`); the bundled ip-location-db tables when absent, none with false. */
  asnDb?: string | false;
  intel?: IntelStore;
  values?: EnrichmentValues;
  /** Measurements for PROFILE_GET in the sensor's rules. */
  profiles?: ProfileCache;
  /** False: no reverse-DNS lookups (a replay of history keeps the names it stored). */
  dns?: false;
  /**
   * The lake's models for MODEL_SCORE, MAAS_GET_ENDPOINT and MAAS_MODEL_APPLY in the sensor's
   * rules (its worker thread starts on the first call; `maas.url` in global.json points
   * MAAS_GET_ENDPOINT at the HTTP API).
   */
  models?: ModelFunctions;
}

export interface LoadStagesOptions {
  /** Parser options (`--timezone`, `--now`, `--max-record-bytes`). */
  parser?: Omit<SensorOptions, 'globals'>;
  sources?: StageSources;
  /** Skip enrichment even when the sensor has an enrichment config. */
  noEnrichment?: boolean;
  scorers?: readonly Scorer[];
}

/** A sensor's enrichment config and its file, when `enrichments/<sensor>.json` exists. */
export function loadEnrichmentConfig(
  configDir: string,
  sensor: string,
): { file: string; config: SensorEnrichmentConfig } | undefined {
  const file = join(configDir, ENRICHMENTS_DIR, `${sensor}.json`);
  if (!existsSync(file)) return undefined;
  return { file, config: loadJsonConfig(sensorEnrichmentConfigSchema, file) };
}

/**
 * Build a sensor's stages from a config folder: `sensors/<sensor>.json` (parse),
 * `enrichments/<sensor>.json` (enrichment, threat intel, triage) and `global.json`. Every
 * problem in them is reported at once, before any record is read.
 */
export function loadStages(configDir: string, sensor: string, options: LoadStagesOptions = {}): SensorStages {
  const parserConfig = loadSensorConfig(configDir, sensor);
  const globals = loadGlobalConfig(configDir);
  const parser = buildSensor(parserConfig.sensor, parserConfig.file, parserConfig.config, {
    ...options.parser,
    ...(globals ? { globals } : {}),
  });
  const stages: { -readonly [K in keyof SensorStages]: SensorStages[K] } = { sensor, parser };
  if (options.scorers) stages.scorers = options.scorers;
  const enrichment = options.noEnrichment ? undefined : loadEnrichmentConfig(configDir, sensor);
  if (enrichment) {
    const sources = options.sources ?? {};
    const uses = (adapter: string) =>
      (['enrichment', 'threatIntel'] as const).some(
        (side) => enrichment.config[side].fieldMap[adapter] !== undefined,
      );
    const dns =
      uses('dns') && sources.dns !== false
        ? openDns(globals?.['enrichment.dns'], join(configDir, 'global.json'))
        : undefined;
    stages.enricher = buildEnrichment(enrichment.config, enrichment.file, {
      ...(uses('geo') ? { geo: openGeo(sources.geoDb) } : {}),
      ...(uses('geo') && sources.asnDb !== false ? { asn: openAsn(sources.asnDb) } : {}),
      ...(dns ? { dns: dns.resolver, ...(dns.waitMs === undefined ? {} : { dnsWaitMs: dns.waitMs }) } : {}),
      // No indicators loaded is an empty store: a config with hbaseThreatIntel still runs.
      intel: sources.intel ?? new IntelStore().freeze(),
      ...(sources.values ? { values: sources.values } : {}),
      ...(sources.profiles ? { profiles: sources.profiles } : {}),
      ...(sources.models ? { models: sources.models } : {}),
      ...(globals ? { globals } : {}),
    });
  }
  return stages;
}

const geoByPath = new Map<string, GeoDatabase>();
const asnByPath = new Map<string, AsnDatabase>();
const dnsBySettings = new Map<string, { resolver: ReverseDns; waitMs?: number }>();

/** One instance per key per process, shared by every sensor (a database held whole, a resolver's cache). */
function shared<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

/**
 * The process's reverse-DNS resolver, from the global config's `enrichment.dns` (ReverseDns
 * options — `servers`, `timeoutMs`, `maxInFlight`, `cacheSize`, `ttlMs`, `negativeTtlMs` —
 * plus `waitMs`, how long a batch waits for its lookups). Sensors share it and its cache.
 */
function openDns(settings: unknown, file: string): { resolver: ReverseDns; waitMs?: number } {
  const { waitMs, ...options } = (
    typeof settings === 'object' && settings !== null ? settings : {}
  ) as Record<string, unknown>;
  return shared(dnsBySettings, JSON.stringify(settings ?? {}), () => ({
    resolver: new ReverseDns(options as ReverseDnsOptions, file),
    ...(typeof waitMs === 'number' && waitMs >= 0 ? { waitMs } : {}),
  }));
}

/** The autonomous-system table: a MaxMind ASN/ISP file, else the bundled ip-location-db tables. */
const openAsn = (path: string | undefined): AsnDatabase =>
  shared(asnByPath, path ?? '', () => (path === undefined ? AsnDatabase.bundled() : AsnDatabase.open(path)));

/** The city database: a MaxMind-format file, else the bundled DB-IP City Lite. */
const openGeo = (path: string | undefined): GeoDatabase =>
  shared(geoByPath, path ?? '', () => (path === undefined ? GeoDatabase.bundled() : GeoDatabase.open(path)));
