import { type Event, type EventError, Fields, type Logger, type Telemetry } from '#core';
import type { AppendResult, LakeWriter } from '#lake';
import type { Enricher } from './enrich/stage.js';
import { describeError, type ErrorOrigin, errorRecord } from './error-record.js';
import type { SensorParser } from './parsers/sensor.js';
import { ALERTS_TABLE, ERRORS_TABLE, LakeSink } from './sinks/lake.js';
import { readLines } from './sources/file.js';

/**
 * The pipeline, top to bottom: source → parse → enrich → score → triage → sinks.
 *
 * {@link processBatch} is the part every mode shares: a batch of raw records of one sensor
 * becomes events (for the sensor's table, or the `indexing` topic), alerts (for `alerts`) and
 * error records (for `errors`, with the original bytes). Nothing is dropped: a record that
 * fails to parse is an error record; an event whose enrichment, scoring or triage fails goes
 * on, and the failure is an error record too, as in Metron.
 *
 * Modes differ only in source and sinks: {@link runFiles} reads files or stdin and appends to
 * the lake (`palisade ingest`); the Kafka stream worker reads sensor topics and produces to
 * topics (`palisade stream`, streaming/kafka/stream-worker.ts).
 */

/** A model or other scorer run between enrichment and triage (`model.<name>.score`, …). */
export interface Scorer {
  readonly name: string;
  /**
   * Score a batch of events in place, in one go (one model call per batch). An event that
   * cannot be scored is marked (`model.<name>.error`) and goes on; it never becomes an error record.
   */
  scoreBatch(events: readonly Event[]): Promise<void>;
}

/** Everything one sensor's records go through after the source. */
export interface SensorStages {
  readonly sensor: string;
  readonly parser: SensorParser;
  /** Enrichment and threat intel from `enrichments/<sensor>.json`, when there is one. */
  readonly enricher?: Enricher;
  readonly scorers?: readonly Scorer[];
}

/** One raw record from a source: its bytes and where it came from. */
export interface SourceRecord {
  bytes: Buffer;
  file?: string;
  line?: number;
  /** The record was longer than the source's limit: `bytes` holds its start. */
  truncated?: boolean;
}

/** What a batch of records became. */
export interface BatchOutput {
  /** Parsed (and enriched, scored, triaged) events, for the sensor's table. */
  events: Event[];
  /** The events triage made alerts (also in `events`), for `alerts`. */
  alerts: Event[];
  /** Error records, for `errors`. */
  errors: Event[];
  /** One line per error record, `file:line: reason`, for people. */
  problems: string[];
  /** Events the sensor's filter dropped on purpose. */
  filtered: number;
  /** Blank records: counted, not stored. */
  blank: number;
}

export interface BatchOptions {
  /** The clock for error records, epoch ms. */
  now?: number;
  /** Events out of each stage, alerts, errors by stage and reason. */
  telemetry?: Telemetry;
}

/** Run one batch of one sensor's raw records through parse → enrich → score → triage. */
export async function processBatch(
  stages: SensorStages,
  records: readonly SourceRecord[],
  options: BatchOptions = {},
): Promise<BatchOutput> {
  const now = options.now ?? Date.now();
  const sensor = stages.sensor;
  const out: BatchOutput = { events: [], alerts: [], errors: [], problems: [], filtered: 0, blank: 0 };
  const failures = new Map<string, number>();
  const fail = (error: EventError, record: SourceRecord) => {
    const origin: ErrorOrigin = { sensor, file: record.file, line: record.line };
    out.errors.push(errorRecord(error, record.bytes, origin, now));
    out.problems.push(describeError(error, origin));
    const key = `${error.stage}\0${error.code}`;
    failures.set(key, (failures.get(key) ?? 0) + 1);
  };

  // Parse. Each event remembers its record, so a later stage's failure keeps the original bytes.
  const sources: SourceRecord[] = [];
  for (const record of records) {
    if (isBlank(record.bytes)) {
      out.blank++;
      continue;
    }
    if (record.truncated) {
      fail(
        {
          stage: 'parser_error',
          code: 'record.size',
          message: `record longer than ${record.bytes.length - 1} bytes; its start is kept`,
        },
        record,
      );
      continue;
    }
    const parsed = stages.parser.parse(record.bytes);
    out.filtered += parsed.filtered;
    for (const error of parsed.errors) fail(error, record);
    for (const event of parsed.events) {
      out.events.push(event);
      sources.push(record);
    }
  }

  // Enrich: lookups that go over the network (reverse DNS) are started for the whole batch
  // first, so each event then reads them from memory.
  const enricher = stages.enricher;
  if (enricher) {
    await enricher.prepare?.(out.events);
    out.events.forEach((event, i) => {
      for (const error of enricher.enrich(event)) fail(error, sources[i] as SourceRecord);
    });
  }

  // Score: each scorer takes the whole batch at once.
  for (const scorer of stages.scorers ?? []) await scorer.scoreBatch(out.events);

  // Triage: marks alerts (threat-intel hits, is_alert) and scores them by the sensor's rules.
  const triage = enricher?.triage;
  out.events.forEach((event, i) => {
    const error = triage?.apply(event);
    if (error) fail(error, sources[i] as SourceRecord);
    if (isAlert(event)) out.alerts.push(event);
  });

  const telemetry = options.telemetry;
  if (telemetry) {
    telemetry.records.inc({ sensor }, records.length - out.blank);
    for (const stage of ['parse', 'enrich', 'score', 'triage'] as const) {
      if ((stage === 'enrich' || stage === 'triage') && !enricher) continue;
      if (stage === 'score' && !stages.scorers?.length) continue;
      telemetry.events.inc({ stage, sensor }, out.events.length);
    }
    telemetry.alerts.inc({ sensor }, out.alerts.length);
    for (const [key, n] of failures) {
      const [stage = '', reason = ''] = key.split('\0');
      telemetry.errors.inc({ stage, reason, sensor }, n);
    }
  }
  return out;
}

/** Whether an event is an alert: `is_alert` true, as a boolean or (Metron's way) as text. */
export function isAlert(event: Event): boolean {
  const flag = event[Fields.isAlert];
  return flag === true || (typeof flag === 'string' && flag.toLowerCase() === 'true');
}

// ─── Embedded mode: files or stdin → the lake ───────────────────────────────────────────────

export interface PipelineOptions {
  stages: SensorStages;
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
  alerts: number;
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

/** Records run through the stages together (a batch of reverse-DNS lookups, one progress tick). */
const RECORDS_PER_BATCH = 2_000;
const PROGRESS_EVERY = 10_000;

/** Run files (or stdin) through the pipeline into the lake: the sensor's table, `alerts`, `errors`. */
export async function runFiles(files: readonly string[], options: PipelineOptions): Promise<PipelineSummary> {
  const { stages, telemetry } = options;
  const sensor = stages.sensor;
  const sink = new LakeSink(options.lake, options.batchSize ?? 100_000, telemetry, options.log);
  const totals: PipelineTotals = {
    records: 0,
    events: 0,
    alerts: 0,
    errors: 0,
    blank: 0,
    filtered: 0,
    bytes: 0,
  };
  let nextProgress = PROGRESS_EVERY;
  const run = async (batch: SourceRecord[]) => {
    const out = await processBatch(stages, batch, { ...(telemetry ? { telemetry } : {}) });
    totals.events += out.events.length;
    totals.alerts += out.alerts.length;
    totals.errors += out.errors.length;
    totals.blank += out.blank;
    totals.filtered += out.filtered;
    for (const problem of out.problems) options.onError?.(problem);
    await sink.writeAll(sensor, out.events);
    await sink.writeAll(ALERTS_TABLE, out.alerts);
    await sink.writeAll(ERRORS_TABLE, out.errors);
    if (totals.records >= nextProgress) {
      nextProgress = totals.records + PROGRESS_EVERY;
      options.onProgress?.(totals);
    }
  };
  for (const file of files) {
    stages.parser.reset();
    let batch: SourceRecord[] = [];
    for await (const record of readLines(file, { maxLineBytes: options.maxRecordBytes })) {
      totals.records++;
      totals.bytes += record.bytes.length + 1;
      batch.push(record);
      if (batch.length >= RECORDS_PER_BATCH) {
        await run(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await run(batch);
  }
  await sink.flush();
  options.onProgress?.(totals);
  return { ...totals, commits: sink.commits };
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09) return false;
  return true;
}
