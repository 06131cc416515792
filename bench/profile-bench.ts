import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { rebuildProfiles } from '#batch';
import { type Event, type ProfilerConfig, profilerConfigSchema } from '#core';
import { openDuckDb, openLakeWriter, readSnapshot, safeDataPath } from '#lake';
import { Profiler } from '#stellar';
import { loadStages, processBatch, type SensorStages, type SourceRecord, StreamProfiler } from '#streaming';
import { generateEvents, repoRoot } from './data.js';
import { buildIntelStore, connLineSet, PIPELINE_INDICATORS, writeBenchConfig } from './pipeline.js';
import { type Check, measure, type ResultRow, rate, ratio } from './report.js';

/**
 * Case 12, issue 8's bar for the profiler:
 * - the batch rebuild (`palisade batch profile`) of per-source-IP connection counts and byte
 *   sums over a sensor table, against DuckDB's `GROUP BY entity, period` computing the same
 *   counts and sums on the same Parquet files (events/s ratio, target ≥ 0.25);
 * - the streaming profiler's cost on the pipeline: the embedded pipeline's in-memory stages
 *   (parse, enrichment, triage) on Zeek conn lines, with and without the default profiles
 *   (config/profiler.json) applied to every event (target: at most 20 % slower);
 * - the memory a tracked entity takes, with the default profiles.
 */

export const PROFILE_REBUILD_TARGET = 0.25;
export const PROFILE_OVERHEAD_TARGET = 0.2;
const PERIOD_MS = 15 * 60_000;
const SPAN_MS = 6 * 3_600_000;
const START_MS = Date.UTC(2026, 10, 26, 6, 0, 0);
const RECORDS_PER_BATCH = 2_000;
const ENTITIES = 100_000;

export interface ProfileFigures {
  events: number;
  measurements: number;
  oursMs: number;
  duckMs: number;
  pipelineLines: number;
  pipelineMs: number;
  withProfilerMs: number;
  entities: number;
  profiles: number;
  bytesPerEntity: number;
}

const REBUILD_CONFIG: ProfilerConfig = profilerConfigSchema.parse({
  timestampField: 'timestamp',
  profiles: [
    { profile: 'connections', foreach: 'ip_src_addr', init: { n: '0' }, update: { n: 'n + 1' }, result: 'n' },
    {
      profile: 'bytes',
      foreach: 'ip_src_addr',
      onlyif: 'exists(bytes)',
      init: { b: '0' },
      update: { b: 'b + bytes' },
      result: 'b',
    },
  ],
});

function defaultProfiles(): ProfilerConfig {
  return profilerConfigSchema.parse(
    JSON.parse(readFileSync(join(repoRoot(), 'config', 'profiler.json'), 'utf8')),
  );
}

/** Heap bytes per tracked entity: distinct source IPs, one event each, in one period. */
function entityBytes(config: ProfilerConfig): { bytesPerEntity: number; tracked: number } {
  const profiler = new Profiler(config, { periodMs: PERIOD_MS });
  const sample: Event[] = Array.from({ length: ENTITIES }, (_, i) => ({
    ip_src_addr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    ip_dst_addr: `198.51.100.${i % 200}`,
    ip_dst_port: 443,
    orig_bytes: 1200,
    resp_bytes: 5400,
  }));
  const before = heapAfterGc();
  for (const e of sample) profiler.apply(e, START_MS);
  const after = heapAfterGc();
  return { bytesPerEntity: (after - before) / ENTITIES, tracked: profiler.size };
}

/** The engine's heap after a full collection (V8's gc, reached without --expose-gc). */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export async function benchProfile(
  events: number,
  pipelineLines: number,
  runs: number,
  work: string,
  log: (m: string) => void,
): Promise<{ rows: ResultRow[]; checks: Check[]; figures: ProfileFigures }> {
  const dir = join(work, 'profile');
  await mkdir(dir, { recursive: true });
  const lake = join(dir, 'lake');

  // Memory first, while the heap holds nothing else of this case.
  const config = defaultProfiles();
  const { bytesPerEntity, tracked } = entityBytes(config);

  // ─── Batch rebuild against DuckDB's GROUP BY ──────────────────────────────────────────
  log(`  writing ${events.toLocaleString('en-US')} events over six hours …`);
  const writer = await openLakeWriter(lake);
  try {
    const all = generateEvents(events, { startMs: START_MS, spanMs: SPAN_MS });
    for (let i = 0; i < all.length; i += 100_000) await writer.append('conn', all.slice(i, i + 100_000));
  } finally {
    writer.close();
  }
  const from = START_MS;
  const to = START_MS + SPAN_MS + 3_600_000;
  const snapshot = await readSnapshot(join(lake, 'conn'));
  const files = [...(snapshot?.files.keys() ?? [])].map((k) => `'${safeDataPath(join(lake, 'conn'), k)}'`);
  const groupBy =
    `SELECT ip_src_addr AS entity, (timestamp // ${PERIOD_MS}) * ${PERIOD_MS} AS period_start, ` +
    `count(*) AS n, sum(bytes) AS b FROM read_parquet([${files.join(', ')}]) ` +
    `WHERE timestamp >= ${from} AND timestamp < ${to} AND ip_src_addr IS NOT NULL GROUP BY ALL`;
  const db = await openDuckDb();
  let groups = 0;
  let mismatches = -1;
  let measurements = 0;
  let duck: Awaited<ReturnType<typeof measure<number>>>;
  let ours: Awaited<ReturnType<typeof measure<number>>>;
  try {
    duck = await measure({
      runs,
      run: async () => (await db.connection.runAndReadAll(groupBy)).currentRowCount,
    });
    groups = duck.values[0] ?? 0;
    ours = await measure({
      runs,
      run: async () => {
        const r = await rebuildProfiles(lake, { config: REBUILD_CONFIG, periodMs: PERIOD_MS, from, to });
        measurements = r.measurements;
        return r.events;
      },
    });
    // Same answer: every (entity, period) count and sum of DuckDB's is a profiles row, and back.
    const profiles = await readSnapshot(join(lake, 'profiles'));
    const pfiles = [...(profiles?.files.keys() ?? [])].map(
      (k) => `'${safeDataPath(join(lake, 'profiles'), k)}'`,
    );
    const rows = `read_parquet([${pfiles.join(', ')}])`;
    const compare =
      `WITH d AS (${groupBy}), ` +
      `o AS (SELECT entity, period_start, max(CASE WHEN profile = 'connections' THEN value_num END) AS n, ` +
      `max(CASE WHEN profile = 'bytes' THEN value_num END) AS b FROM ${rows} GROUP BY ALL) ` +
      'SELECT count(*) AS bad FROM d FULL JOIN o USING (entity, period_start) WHERE d.n IS DISTINCT FROM o.n OR d.b IS DISTINCT FROM o.b';
    mismatches = Number((await db.connection.runAndReadAll(compare)).getRowObjectsJS()[0]?.bad);
  } finally {
    db.close();
  }

  // ─── The streaming profiler's cost on the pipeline ────────────────────────────────────
  log(
    `  pipeline with and without the default profiles, ${pipelineLines.toLocaleString('en-US')} conn lines …`,
  );
  const { lines } = connLineSet(pipelineLines);
  const records: SourceRecord[] = lines.map((l, i) => ({
    bytes: Buffer.from(l),
    file: 'conn.log',
    line: i + 1,
  }));
  const stages = loadStages(writeBenchConfig(join(dir, 'config')), 'bro', {
    sources: { intel: buildIntelStore(PIPELINE_INDICATORS) },
  });
  const pipeline = async (s: SensorStages, profiler?: StreamProfiler) => {
    let n = 0;
    for (let at = 0; at < records.length; at += RECORDS_PER_BATCH) {
      const out = await processBatch(s, records.slice(at, at + RECORDS_PER_BATCH));
      if (profiler) {
        out.events.forEach((e, i) => {
          profiler.offer(e, e.timestamp as number, 'indexing:0', at + i);
        });
        profiler.flush();
      }
      n += out.events.length;
    }
    return n;
  };
  const fresh = () =>
    new StreamProfiler({ config, periodMs: PERIOD_MS, latenessMs: 60_000, flushedThrough: -1 });
  const without = await measure({ runs, run: () => pipeline(stages) });
  const withProfiler = await measure({ runs, run: () => pipeline(stages, fresh()) });

  await rm(dir, { recursive: true, force: true });

  const figures: ProfileFigures = {
    events,
    measurements,
    oursMs: ours.median,
    duckMs: duck.median,
    pipelineLines,
    pipelineMs: without.median,
    withProfilerMs: withProfiler.median,
    entities: ENTITIES,
    profiles: config.profiles.length,
    bytesPerEntity,
  };
  const c = `profiles, ${events.toLocaleString('en-US')} events`;
  const p = `pipeline, ${pipelineLines.toLocaleString('en-US')} conn lines`;
  const rows: ResultRow[] = [
    {
      case: c,
      variant: 'ours: batch profile rebuild (rebuildProfiles)',
      medianMs: ours.median,
      runsMs: ours.runs,
      rate: rate(events, ours.median, 'events'),
      notes: `${measurements.toLocaleString('en-US')} measurements, 2 profiles, 15-minute periods, replaced in one commit`,
      ratio: ratio(ours.median, duck.median),
    },
    {
      case: c,
      variant: 'baseline: DuckDB GROUP BY entity, period (count, sum)',
      medianMs: duck.median,
      runsMs: duck.runs,
      rate: rate(events, duck.median, 'events'),
      notes: `${groups.toLocaleString('en-US')} groups`,
      ratio: '1.00x (baseline)',
    },
    {
      case: p,
      variant: 'ours: parse, enrich, triage + streaming profiler',
      medianMs: withProfiler.median,
      runsMs: withProfiler.runs,
      rate: rate(pipelineLines, withProfiler.median, 'events'),
      notes: `config/profiler.json (${config.profiles.length} profiles) on every event`,
      ratio: ratio(withProfiler.median, without.median),
    },
    {
      case: p,
      variant: 'baseline: parse, enrich, triage',
      medianMs: without.median,
      runsMs: without.runs,
      rate: rate(pipelineLines, without.median, 'events'),
      notes: 'processBatch, in memory',
      ratio: '1.00x (baseline)',
    },
  ];
  const checks: Check[] = [
    {
      name: 'profile rebuild reads every event',
      ok: ours.values.every((v) => v === events),
      detail: `${ours.values[0]} of ${events}`,
    },
    {
      name: 'profile rebuild matches DuckDB counts and sums',
      ok: mismatches === 0 && measurements === groups * 2,
      detail: `${mismatches} (entity, period) pairs differ; ${measurements} measurements for ${groups} groups`,
    },
    {
      name: 'profile memory sample tracks every entity',
      ok: tracked === ENTITIES * config.profiles.length,
      detail: `${tracked} states`,
    },
  ];
  return { rows, checks, figures };
}

/** The headline lines for issue 8's bar. */
export function profileHeadline(f: ProfileFigures): string[] {
  const rebuild = f.duckMs / f.oursMs;
  const overhead = f.withProfilerMs / f.pipelineMs - 1;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    `**12. Profiler.** Batch rebuild of two profiles (connections and bytes per source IP, 15-minute periods) over ` +
      `${f.events.toLocaleString('en-US')} events: ${s(f.oursMs)} (${rate(f.events, f.oursMs, 'events')}) against DuckDB's ` +
      `\`GROUP BY entity, period\` computing the same counts and sums, ${s(f.duckMs)}: ratio **${rebuild.toFixed(3)}** against a ` +
      `target of ≥ ${PROFILE_REBUILD_TARGET}: ${rebuild >= PROFILE_REBUILD_TARGET ? '**met**' : '**not met**'} ` +
      `(${f.measurements.toLocaleString('en-US')} measurements written). The streaming profiler with the default ` +
      `${f.profiles} profiles on every event makes the pipeline's in-memory stages ${(overhead * 100).toFixed(1)} % slower ` +
      `(${s(f.pipelineMs)} → ${s(f.withProfilerMs)} for ${f.pipelineLines.toLocaleString('en-US')} conn lines) against a target of ≤ ` +
      `${PROFILE_OVERHEAD_TARGET * 100} %: ${overhead <= PROFILE_OVERHEAD_TARGET ? '**met**' : '**not met**'}. Memory: ` +
      `${Math.round(f.bytesPerEntity).toLocaleString('en-US')} bytes of heap per tracked entity with those ${f.profiles} profiles ` +
      `(${Math.round(f.bytesPerEntity / f.profiles).toLocaleString('en-US')} per profile state; ${f.entities.toLocaleString('en-US')} entities in one period).`,
  ];
}
