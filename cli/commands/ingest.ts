import { existsSync, statSync } from 'node:fs';
import { checkInputFiles, createLogger, createTelemetry, type Logger, STDIN, UsageError } from '#core';
import { type AppendResult, loadProfileCache, openLakeWriter } from '#lake';
import { ModelFunctions, ModelRegistry, ModelScorer } from '#models';
import { ProfileCache } from '#stellar';
import { loadIntelStore, loadStages, type PipelineSummary, type PipelineTotals, runFiles } from '#streaming';
import { progressLine } from '../progress.js';

export interface IngestOptions {
  sensor: string;
  lake: string;
  configDir: string;
  batchSize: number;
  files: readonly string[];
  timezone?: string;
  /** ISO 8601 with a zone: the clock parsers see. */
  now?: string;
  maxRecordBytes?: number;
  /** How many per-record errors to print before only counting them. */
  showErrors?: number;
  /** A MaxMind-format city database instead of the bundled one. */
  geoDb?: string;
  /** A MaxMind ASN/ISP database instead of the bundled tables. */
  asnDb?: string;
  /** Parse only: skip the sensor's enrichment config. */
  enrich?: boolean;
  /** Models (by registry name) whose live version scores every event. */
  score?: readonly string[];
}

async function lakeProfiles(lake: string): Promise<ProfileCache> {
  const cache = new ProfileCache();
  if (existsSync(lake)) await loadProfileCache(lake, cache);
  return cache;
}

/** Parse files with a sensor's parser into the lake; prints a summary and returns it. */
export async function ingest(options: IngestOptions): Promise<PipelineSummary> {
  const now = options.now === undefined ? undefined : parseNow(options.now);
  // The lake's profiles serve PROFILE_GET in the rules and the features of --score models.
  const profiles =
    options.enrich === false && (options.score ?? []).length === 0
      ? undefined
      : await lakeProfiles(options.lake);
  const scorers = await modelScorers(options.lake, options.score ?? [], profiles, createLogger('ingest'));
  // MODEL_SCORE and MAAS_* in the sensor's rules; its worker thread starts only if a rule calls one.
  const models =
    options.enrich === false
      ? undefined
      : new ModelFunctions({ lake: options.lake, log: createLogger('ingest') });
  const stages = loadStages(options.configDir, options.sensor, {
    parser: {
      ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
      ...(now === undefined ? {} : { now: () => now }),
      ...(options.maxRecordBytes === undefined ? {} : { maxRecordBytes: options.maxRecordBytes }),
    },
    sources: {
      ...(options.geoDb === undefined ? {} : { geoDb: options.geoDb }),
      ...(options.asnDb === undefined ? {} : { asnDb: options.asnDb }),
      // Threat intel is what `palisade batch intel load` put in this lake.
      ...(options.enrich === false ? {} : { intel: await loadIntelStore(options.lake) }),
      // And PROFILE_GET reads the profiles already in it.
      ...(options.enrich === false || profiles === undefined ? {} : { profiles }),
      ...(models ? { models } : {}),
    },
    noEnrichment: options.enrich === false,
    ...(scorers.length > 0 ? { scorers } : {}),
  });
  const sensor = { sensor: stages.sensor };
  checkInputFiles(options.files, { stdin: true });
  const totalBytes = options.files.includes(STDIN)
    ? undefined
    : options.files.reduce((n, f) => n + statSync(f).size, 0);
  const lake = await openLakeWriter(options.lake);
  const progress = progressLine();
  const started = performance.now();
  const limit = options.showErrors ?? 10;
  let shown = 0;
  try {
    const summary = await runFiles(options.files, {
      stages,
      lake,
      ...(options.maxRecordBytes === undefined ? {} : { maxRecordBytes: options.maxRecordBytes }),
      batchSize: options.batchSize,
      telemetry: createTelemetry(),
      log: createLogger('ingest'),
      onError: (line) => {
        if (shown++ < limit) {
          progress.done();
          process.stderr.write(`warning: ${line}\n`);
        }
      },
      onProgress: (t) =>
        progress.update(progressText(sensor.sensor, t, totalBytes, performance.now() - started)),
    });
    progress.done();
    const seconds = (performance.now() - started) / 1000;
    if (shown > limit)
      process.stderr.write(`warning: … and ${shown - limit} more; all are in the errors table\n`);
    const files = options.files.length;
    process.stdout.write(
      `${sensor.sensor}: ${summary.events} events, ${summary.alerts} alerts, ${summary.errors} errors` +
        (summary.filtered ? `, ${summary.filtered} filtered out` : '') +
        ` from ${summary.records} records in ${files} file${files === 1 ? '' : 's'} (${seconds.toFixed(2)} s)\n`,
    );
    for (const c of summary.commits) if (c.warning) process.stderr.write(`warning: ${c.warning}\n`);
    const tables = describeCommits(summary.commits);
    if (tables.length) process.stdout.write(`lake ${options.lake}: ${tables.join(', ')}\n`);
    return summary;
  } finally {
    lake.close();
    for (const scorer of scorers) await scorer.close();
    models?.close();
  }
}

/**
 * `--score NAME`: a scorer per model, each following its live version. A model that does not
 * exist or has no live version is a usage error before anything is read.
 */
export async function modelScorers(
  lake: string | undefined,
  names: readonly string[],
  profiles: ProfileCache | undefined,
  log: Logger,
): Promise<ModelScorer[]> {
  if (names.length === 0) return [];
  if (lake === undefined || profiles === undefined)
    throw new UsageError('--score needs --lake: models live in the lake');
  const registry = new ModelRegistry(lake);
  const scorers: ModelScorer[] = [];
  for (const name of new Set(names)) {
    const live = await registry.live(name);
    if (!live) {
      const known = (await registry.list()).map((m) => m.name);
      throw new UsageError(
        `--score ${name}: ${known.includes(name) ? 'it has no live version (palisade models promote)' : `no such model in ${lake}${known.length ? ` (models: ${known.join(', ')})` : ''}`}`,
      );
    }
    if (live.featureSet === undefined) {
      throw new UsageError(
        `--score ${name}: version ${live.version} names no feature set, so events cannot be turned into its rows`,
      );
    }
    scorers.push(new ModelScorer(name, registry, profiles, log));
  }
  return scorers;
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

/** `--now`: ISO 8601 with a zone (or a date), or epoch milliseconds. */
function parseNow(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (
    !Number.isFinite(ms) ||
    !(/^\d+$/.test(text) || /(Z|[+-]\d{2}:?\d{2})$/i.test(text) || /^\d{4}-\d{2}-\d{2}$/.test(text))
  ) {
    throw new UsageError(
      `--now: expected ISO 8601 with a zone (2026-11-28T12:00:00Z) or epoch ms, got '${text}'`,
    );
  }
  return ms;
}

const BAR = 24;

/** `bro: [#########---------------] 38% 120,000 records, 4,100 errors, 21.4 MB/s` (no bar on stdin). */
export function progressText(
  sensor: string,
  t: PipelineTotals,
  totalBytes: number | undefined,
  ms: number,
): string {
  const rate = `${(t.bytes / 1e6 / Math.max(ms / 1000, 1e-3)).toFixed(1)} MB/s`;
  const counts = `${t.records.toLocaleString('en')} records, ${t.errors.toLocaleString('en')} errors, ${rate}`;
  if (!totalBytes) return `${sensor}: ${counts}`;
  const share = Math.min(1, t.bytes / totalBytes);
  const filled = Math.round(share * BAR);
  return `${sensor}: [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${Math.floor(share * 100)}% ${counts}`;
}
