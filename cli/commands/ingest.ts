import { statSync } from 'node:fs';
import { createLogger, createTelemetry, UsageError } from '#core';
import { openLakeWriter } from '#lake';
import { buildParser, loadSensorConfig, type PipelineSummary, runFiles } from '#streaming';
import { progressLine } from '../progress.js';

export interface IngestOptions {
  sensor: string;
  lake: string;
  configDir: string;
  batchSize: number;
  files: readonly string[];
  /** How many per-record errors to print before only counting them. */
  showErrors?: number;
}

/** Check every input file before any work starts. */
function checkFiles(files: readonly string[]): void {
  if (files.length === 0) throw new UsageError('no input files given');
  for (const f of files) {
    let isFile = false;
    try {
      isFile = statSync(f).isFile();
    } catch {
      throw new UsageError(`file not found: ${f}`);
    }
    if (!isFile) throw new UsageError(`not a file: ${f}`);
  }
}

/** Parse files with a sensor's parser into the lake; prints a summary and returns it. */
export async function ingest(options: IngestOptions): Promise<PipelineSummary> {
  const sensor = loadSensorConfig(options.configDir, options.sensor);
  const parse = buildParser(sensor.config, sensor.sensor, sensor.file);
  checkFiles(options.files);
  const lake = await openLakeWriter(options.lake);
  const progress = progressLine();
  const started = performance.now();
  const limit = options.showErrors ?? 10;
  let shown = 0;
  try {
    const summary = await runFiles(options.files, {
      sensor: sensor.sensor,
      parse,
      lake,
      batchSize: options.batchSize,
      telemetry: createTelemetry(),
      log: createLogger('ingest'),
      onError: (line) => {
        if (shown++ < limit) {
          progress.done();
          process.stderr.write(`warning: ${line}\n`);
        }
      },
      onProgress: (t) => progress.update(`${sensor.sensor}: ${t.records.toLocaleString('en')} records read…`),
    });
    progress.done();
    const seconds = (performance.now() - started) / 1000;
    if (shown > limit)
      process.stderr.write(`warning: … and ${shown - limit} more; all are in the errors table\n`);
    const files = options.files.length;
    process.stdout.write(
      `${sensor.sensor}: ${summary.events} events, ${summary.errors} errors from ${summary.records} records ` +
        `in ${files} file${files === 1 ? '' : 's'} (${seconds.toFixed(2)} s)\n`,
    );
    const commits = summary.commits
      .filter((c) => !c.skipped)
      .map((c) => `${c.table} v${c.version} (+${c.rows} rows, ${c.files} file${c.files === 1 ? '' : 's'})`);
    if (commits.length) process.stdout.write(`lake ${options.lake}: ${commits.join(', ')}\n`);
    return summary;
  } finally {
    lake.close();
  }
}
