/** @module core — the shared contract: events, configs, errors, logging, telemetry. */

/** Community ID v1 flow hashes. */
export {
  communityId,
  communityIdOf,
  communityIdOfBytes,
  type Flow,
  ipBytes,
  protocolNumber,
  sha1Base64,
} from './community-id.js';
/** Metron-shaped enrichment configs and their threat-triage rules. */
export {
  type RiskLevelRule,
  riskLevelRuleSchema,
  type SensorEnrichmentConfig,
  sensorEnrichmentConfigSchema,
  type TriageConfig,
  triageConfigSchema,
} from './config/enrichment.js';
/** Config loading with every problem reported by file and JSON path. */
export { jsonPath, loadJsonConfig, problemsOf, validateConfig } from './config/load.js';
/** Metron's profiler config. */
export {
  type ProfileConfig,
  type ProfilerConfig,
  profileConfigSchema,
  profilerConfigSchema,
} from './config/profiler.js';
/** Metron-shaped config schemas. */
export {
  type FieldTransformation,
  type FieldValidation,
  fieldTransformationSchema,
  fieldValidationSchema,
  type GlobalConfig,
  globalConfigSchema,
  type SensorParserConfig,
  sensorParserConfigSchema,
} from './config/sensor.js';
/** Typed errors and per-event results. */
export {
  ConfigError,
  type ConfigProblem,
  type ErrorStage,
  type EventError,
  fail,
  InfraError,
  ok,
  PalisadeError,
  type Result,
  UsageError,
} from './errors.js';
/** The event type and standard field names. */
export { DOUBLE_FIELDS, type Event, Fields, type FieldValue } from './event.js';
/** Crash points for fault tests (PALISADE_FAULT). */
export { faultError, faultPoint } from './fault.js';
/** Threat-intel indicators: what one is (IP, CIDR, domain, URL, hash) and its matching form. */
export { type ClassifiedIndicator, classifyIndicator, type IndicatorKind } from './indicator.js';
/** Input files of a command, checked before any work starts. */
export { checkInputFiles, STDIN } from './input-files.js';
/** Java regular expressions translated to JavaScript (Stellar, grok, the regex parser). */
export {
  compileJavaRegex,
  type EmittedJavaRegex,
  emitJavaRegex,
  type JavaRegex,
  JavaRegexError,
  type JavaRegexOptions,
  type ParsedJavaRegex,
  parseJavaRegex,
  tightenWildcards,
} from './java-regex/index.js';
/** The process logger (pino, stderr, secrets redacted). */
export { createLogger, type Logger } from './log.js';
/** A seeded PRNG for reproducible training and generated data. */
export { seededRandom } from './random.js';
/** The metrics registry (prom-client). */
export { createTelemetry, type Telemetry } from './telemetry.js';
