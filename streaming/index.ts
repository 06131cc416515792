/** @module streaming — sources, parsers, the pipeline and its sinks. */

/** Backtests: the current enrichment and triage rules over the lake's history. */
export {
  type AlertDiff,
  type BacktestOptions,
  type BacktestReport,
  backtest,
  clearTriage,
} from './backtest.js';
/** ASN enrichment: an address's autonomous system from ip-location-db's tables or a MaxMind ASN database. */
export { AsnDatabase, type AsnFields, BUNDLED_ASN_CSV } from './enrich/asn.js';
/** Reverse DNS (PTR) enrichment: cached, capped lookups that never stall the stream. */
export {
  type PrefetchOptions,
  ReverseDns,
  type ReverseDnsOptions,
  type ReverseDnsStats,
} from './enrich/dns.js';
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
/** The threat-intel store filled from the lake's `threatintel` table. */
export { type IntelStoreOptions, loadIntelStore } from './enrich/intel-lake.js';
/** Metron's enrichment and threat-intel stages from a sensor enrichment config. */
export { buildEnrichment, type Enricher, type EnrichmentSources, EnrichmentValues } from './enrich/stage.js';
/** Error records for the `errors` table. */
export { describeError, type ErrorOrigin, errorRecord } from './error-record.js';
/** A worker's /metrics and /health endpoint. */
export { type HealthServer, startHealthServer } from './health.js';
/** Kafka: topics, the stream and index workers, and the event codec on topics. */
export {
  ensureTopics,
  kafkaClient,
  listTopics,
  type OutputTopics,
  outputTopics,
  TOPICS,
} from './kafka/client.js';
export { decodeEvent, encodeEvent } from './kafka/codec.js';
export { type IndexWorkerOptions, startIndexWorker } from './kafka/index-worker.js';
/** Packets on the `pcap` topic: Metron's key (capture time in µs) and value (the bytes). */
export { decodePackets, encodePacket, packetProblem } from './kafka/pcap-codec.js';
/** The streaming profiler: event-time periods, watermarks, safe offsets; its Kafka worker. */
export {
  type ProfileWorker,
  type ProfileWorkerOptions,
  startProfileWorker,
  triageMessage,
} from './kafka/profile-worker.js';
export { type StreamWorkerOptions, startStreamWorker } from './kafka/stream-worker.js';
export type { Worker } from './kafka/worker.js';
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
/** Live packet capture through libpcap. */
export {
  type CaptureStats,
  type LiveCapture,
  type LiveCaptureOptions,
  startLiveCapture,
} from './pcap/live.js';
/** The pipeline: parse → enrich → score → triage over a batch, and the embedded run over files. */
export {
  type BatchOutput,
  isAlert,
  type PipelineOptions,
  type PipelineSummary,
  type PipelineTotals,
  processBatch,
  runFiles,
  type Scorer,
  type SensorStages,
  type SourceRecord,
} from './pipeline.js';
export { type Flush, type Offer, StreamProfiler, type StreamProfilerOptions } from './profiler.js';
/** Sensor configs by name. */
export {
  knownSensors,
  loadGlobalConfig,
  loadSensorConfig,
  SENSORS_DIR,
  type SensorConfig,
} from './sensors.js';
/** Lake tables the pipeline writes besides the sensors' own. */
export { ALERTS_TABLE, ERRORS_TABLE } from './sinks/lake.js';
/** Raw line reading. */
export { type RawRecord, type ReadOptions, readLines } from './sources/file.js';
/** A sensor's stages from a config folder (sensors/, enrichments/, global.json). */
export {
  ENRICHMENTS_DIR,
  type LoadStagesOptions,
  loadEnrichmentConfig,
  loadStages,
  type StageSources,
} from './stages.js';
/** Metron's threat triage: risk-level rules, aggregators, alert marking. */
export { aggregator, buildTriage, type Triage } from './triage.js';
