import { statSync } from 'node:fs';
import { createLogger, createTelemetry, UsageError } from '#core';
import { type AppendResult, openLakeWriter } from '#lake';
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
    for (const c of summary.commits) if (c.warning) process.stderr.write(`warning: ${c.warning}\n`);
    const tables = describeCommits(summary.commits);
    if (tables.length) process.stdout.write(`lake ${options.lake}: ${tables.join(', ')}\n`);
    return summary;
  } finally {
    lake.close();
  }
}

/** One phrase per table: `bro v3 (+1346 rows, 8 files)` or `bro v0–v13 (+1346 rows in 14 commits, 14 files)`. */
function describeCommits(commits: readonly AppendResult[]): string[] {
  const byTable = new Map<string, AppendResult[]>();
  for (const c of commits) {
    if (c.skipped) continue;
    byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  }
  return [...byTable].map(([table, list]) => {
    const rows = list.reduce((n, c) => n + c.rows, 0);
    const files = list.reduce((n, c) => n + c.files, 0);
    const first = list[0]?.version;
    const last = list[list.length - 1]?.version;
    const versions = first === last ? `v${first}` : `v${first}–v${last}`;
    const commitCount = list.length === 1 ? '' : ` in ${list.length} commits`;
    return `${table} ${versions} (+${rows} rows${commitCount}, ${files} file${files === 1 ? '' : 's'})`;
  });
}
