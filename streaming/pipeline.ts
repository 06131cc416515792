import type { EventError, Logger, Telemetry } from '#core';
import type { AppendResult, LakeWriter } from '#lake';
import { describeError, errorRecord } from './error-record.js';
import type { SensorParser } from './parsers/sensor.js';
import { ERRORS_TABLE, LakeSink } from './sinks/lake.js';
import { type RawRecord, readLines } from './sources/file.js';

/**
 * The embedded pipeline, top to bottom: source → parse → (enrich → score → triage, to come)
 * → sinks. Every record ends in the sensor's table or in `errors`; nothing is dropped.
 */

export interface PipelineOptions {
  /** The sensor's parse stage (see `buildSensor`). */
  parser: SensorParser;
  lake: LakeWriter;
  /** Events buffered before a commit. */
  batchSize?: number;
  /** Longest record read whole, in bytes (longer ones go to `errors`, cut). */
  maxRecordBytes?: number;
  /** Called for each record that went to `errors`, with a one-line description. */
  onError?: (description: string) => void;
  /** Called now and then with running totals. */
  onProgress?: (totals: PipelineTotals) => void;
  /** Counters for events and errors, commit timings. */
  telemetry?: Telemetry;
  /** Debug log of commits. */
  log?: Logger;
}

/** Running totals of a pipeline run. */
export interface PipelineTotals {
  records: number;
  events: number;
  errors: number;
  blank: number;
  /** Events the sensor's filter dropped on purpose. */
  filtered: number;
  /** Bytes of input read, newlines included. */
  bytes: number;
}

export interface PipelineSummary extends PipelineTotals {
  commits: AppendResult[];
}

const PROGRESS_EVERY = 10_000;

/** An input: a file path, or `-` for standard input. */
export const STDIN = '-';

/** Run files (or stdin) through the pipeline into the lake. */
export async function runFiles(files: readonly string[], options: PipelineOptions): Promise<PipelineSummary> {
  const sink = new LakeSink(options.lake, options.batchSize ?? 100_000, options.telemetry, options.log);
  const totals: PipelineTotals = { records: 0, events: 0, errors: 0, blank: 0, filtered: 0, bytes: 0 };
  const sensor = options.parser.sensor;
  const fail = async (error: EventError, record: RawRecord) => {
    totals.errors++;
    const origin = { sensor, file: record.file, line: record.line };
    options.onError?.(describeError(error, origin));
    await sink.write(ERRORS_TABLE, errorRecord(error, record.bytes, origin));
  };
  for (const file of files) {
    options.parser.reset();
    for await (const record of readLines(file, { maxLineBytes: options.maxRecordBytes })) {
      totals.records++;
      totals.bytes += record.bytes.length + 1;
      if (totals.records % PROGRESS_EVERY === 0) options.onProgress?.(totals);
      // A blank line carries no data; it is counted, not stored.
      if (isBlank(record.bytes)) {
        totals.blank++;
        continue;
      }
      if (record.truncated) {
        await fail(
          {
            stage: 'parser_error',
            code: 'record.size',
            message: `line longer than ${record.bytes.length - 1} bytes; its start is kept`,
          },
          record,
        );
        continue;
      }
      const parsed = options.parser.parse(record.bytes);
      totals.filtered += parsed.filtered;
      for (const error of parsed.errors) await fail(error, record);
      for (const event of parsed.events) {
        totals.events++;
        await sink.write(sensor, event);
      }
    }
  }
  await sink.flush();
  options.onProgress?.(totals);
  // Counted once per run rather than per event: prom-client label lookups are not free.
  options.telemetry?.events.inc({ stage: 'parse', sensor }, totals.events);
  options.telemetry?.errors.inc({ stage: 'parse', sensor }, totals.errors);
  return { ...totals, commits: sink.commits };
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09) return false;
  return true;
}
