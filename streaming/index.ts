/** @module streaming — sources, parsers, the pipeline and its sinks. */

/** Error records for the `errors` table. */
export { describeError, type ErrorOrigin, errorRecord } from './error-record.js';
/** Parser components and their registry. */
export { allParsers } from './parsers/all.js';
export type { ParseFn, ParserComponent, ParserContext } from './parsers/parser.js';
export { buildParser, findParser } from './parsers/registry.js';
export { completeEvent } from './parsers/runner.js';
/** The embedded pipeline over files. */
export { type PipelineOptions, type PipelineSummary, type PipelineTotals, runFiles } from './pipeline.js';
/** Sensor configs by name. */
export { knownSensors, loadSensorConfig, type SensorConfig } from './sensors.js';
export { ERRORS_TABLE } from './sinks/lake.js';
/** Raw line reading. */
export { type RawRecord, readLines } from './sources/file.js';
