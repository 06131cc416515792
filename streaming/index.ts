/** @module streaming — sources, parsers, the pipeline and its sinks. */

/** Geo enrichment: Metron's geo fields from a MaxMind city database, and GEO_GET. */
export {
  BUNDLED_GEO_DB,
  GEO_FIELDS,
  GeoDatabase,
  type GeoField,
  type GeoFields,
  geoGet,
  isPublicIPv4,
} from './enrich/geo.js';
/** Threat-intel indicators in memory and Metron's threatintels.* marking. */
export { type IndicatorKind, IntelStore, loadIndicatorCsv, markThreats } from './enrich/intel.js';
/** Metron's enrichment and threat-intel stages from a sensor enrichment config. */
export { buildEnrichment, type Enricher, type EnrichmentSources, EnrichmentValues } from './enrich/stage.js';
/** Error records for the `errors` table. */
export { describeError, type ErrorOrigin, errorRecord } from './error-record.js';
/** Parser components and their registry. */
export { allParsers } from './parsers/all.js';
export type {
  LineError,
  ParseFn,
  ParseResult,
  ParserComponent,
  ParserContext,
  PartialResult,
} from './parsers/parser.js';
export { buildParser, findParser } from './parsers/registry.js';
/** A sensor's whole parse stage: parser, transformations, filter, validations, Community ID. */
export {
  addCommunityId,
  buildSensor,
  DEFAULT_MAX_RECORD_BYTES,
  type ParsedRecord,
  type SensorOptions,
  type SensorParser,
} from './parsers/sensor.js';
/** The embedded pipeline over files. */
export {
  type PipelineOptions,
  type PipelineSummary,
  type PipelineTotals,
  runFiles,
  STDIN,
} from './pipeline.js';
/** Sensor configs by name. */
export {
  knownSensors,
  loadGlobalConfig,
  loadSensorConfig,
  SENSORS_DIR,
  type SensorConfig,
} from './sensors.js';
export { ERRORS_TABLE } from './sinks/lake.js';
/** Raw line reading. */
export { type RawRecord, type ReadOptions, readLines } from './sources/file.js';
/** Metron's threat triage: risk-level rules, aggregators, alert marking. */
export { aggregator, buildTriage, type Triage } from './triage.js';
