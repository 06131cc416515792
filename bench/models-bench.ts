import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Event, profilerConfigSchema, seededRandom } from '#core';
import { measurementRow } from '#lake';
import {
  exportIsolationForestOnnx,
  featureNames,
  featureRow,
  HOST_FEATURES,
  ISOLATION_FOREST_ONNX,
  ModelRegistry,
  ModelScorer,
  ModelSession,
  trainIsolationForest,
} from '#models';
import { ProfileCache, Profiler } from '#stellar';
import { loadStages, processBatch, type SensorStages, type SourceRecord } from '#streaming';
import { repoRoot } from './data.js';
import { buildIntelStore, connLineSet, PIPELINE_INDICATORS, writeBenchConfig } from './pipeline.js';
import { type Check, measure, measurePair, type ResultRow, rate, ratio } from './report.js';

/**
 * Case 13, issue 9's bars for models:
 * - ONNX Runtime's throughput (rows/s) scoring an Isolation Forest of 100 trees over the 7 host
 *   features at batch sizes 1, 64 and 1024, against the TypeScript forest scoring the same rows
 *   (hand-written JS, the baseline), which must give the same scores;
 * - the stream's cost of in-process scoring: the embedded pipeline's in-memory stages (parse,
 *   enrichment, triage) on Zeek conn lines with and without the model stage, which scores every
 *   event on its source IP's features from the profile cache (target: throughput with ÷
 *   without ≥ 0.75).
 * HTTP scoring joins when `palisade serve` exists.
 */

export const MODEL_STREAM_TARGET = 0.75;
const PERIOD_MS = 15 * 60_000;
const RECORDS_PER_BATCH = 2_000;
const BATCH_SIZES = [1, 64, 1024] as const;
/** Rows each ONNX batch-size variant scores per run. */
const ONNX_ROWS = 16_384;

export interface ModelsFigures {
  /** Rows/s of ONNX Runtime by batch size, and of the TypeScript forest. */
  onnxRowsPerS: Record<number, number>;
  tsRowsPerS: number;
  pipelineLines: number;
  pipelineMs: number;
  withScoringMs: number;
  scored: number;
}

/** Synthetic host-feature rows: log-normal volumes, shares in [0, 1]. */
function featureRows(count: number, seed: number): Float64Array[] {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, () => {
    const connections = Math.log1p(Math.exp(3.5 + gauss()));
    return Float64Array.from([
      connections,
      connections + 6.8 + 0.8 * gauss(),
      connections + 9.1 + 0.9 * gauss(),
      Math.min(connections, 1 + Math.abs(gauss())),
      Math.min(connections, 1.2 + 0.5 * Math.abs(gauss())),
      Math.min(1, Math.abs(0.03 * gauss())),
      random() < 0.25 ? 1 : 0,
    ]);
  });
}

export async function benchModels(
  pipelineLines: number,
  runs: number,
  work: string,
  log: (m: string) => void,
): Promise<{ rows: ResultRow[]; checks: Check[]; figures: ModelsFigures }> {
  const dir = join(work, 'models');
  await mkdir(dir, { recursive: true });
  const lake = join(dir, 'lake');
  const names = featureNames(HOST_FEATURES);
  const width = names.length;

  // ─── A registered, live model ──────────────────────────────────────────────────────────
  const training = featureRows(4_096, 1);
  const forest = trainIsolationForest(training, { seed: 1 });
  const onnx = exportIsolationForestOnnx(forest, { featureNames: names, modelName: 'bench' });
  const registry = new ModelRegistry(lake);
  const spec = await registry.register(
    onnx,
    {
      name: 'hosts',
      kind: 'isolation-forest',
      features: names,
      featureSet: HOST_FEATURES.name,
      periodMs: PERIOD_MS,
      input: ISOLATION_FOREST_ONNX.input,
      output: ISOLATION_FOREST_ONNX.anomaly,
      score: 'anomaly score',
      threshold: -forest.offset,
      higherIsAnomalous: true,
      registeredBy: 'bench',
    },
    { promote: true },
  );

  // ─── ONNX Runtime by batch size, against the TypeScript forest ─────────────────────────
  log(`  ONNX Runtime at batch ${BATCH_SIZES.join(', ')} and the TypeScript forest, ${ONNX_ROWS} rows …`);
  const rowsToScore = featureRows(ONNX_ROWS, 2);
  const flat = new Float32Array(ONNX_ROWS * width);
  rowsToScore.forEach((row, i) => {
    flat.set(row, i * width);
  });
  const session = await ModelSession.open(spec, onnx);
  const onnxTimes = new Map<number, Awaited<ReturnType<typeof measure<number>>>>();
  let onnxScores: Float32Array = new Float32Array(0);
  for (const size of BATCH_SIZES) {
    onnxTimes.set(
      size,
      await measure({
        runs,
        run: async () => {
          const out = new Float32Array(ONNX_ROWS);
          for (let at = 0; at < ONNX_ROWS; at += size) {
            const n = Math.min(size, ONNX_ROWS - at);
            out.set(await session.score(flat.subarray(at * width, (at + n) * width), n), at);
          }
          onnxScores = out;
          return ONNX_ROWS;
        },
      }),
    );
  }
  await session.close();
  let tsScores: Float64Array = new Float64Array(0);
  const ts = await measure({
    runs,
    run: () => {
      tsScores = forest.scoreSamples(flat);
      return ONNX_ROWS;
    },
  });
  let maxDiff = 0;
  for (let i = 0; i < ONNX_ROWS; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((onnxScores[i] as number) + (tsScores[i] as number)));
  }

  // ─── The pipeline with and without the model stage ─────────────────────────────────────
  log(
    `  pipeline with and without in-process scoring, ${pipelineLines.toLocaleString('en-US')} conn lines …`,
  );
  const { lines } = connLineSet(pipelineLines);
  const records: SourceRecord[] = lines.map((l, i) => ({
    bytes: Buffer.from(l),
    file: 'conn.log',
    line: i + 1,
  }));
  const config = writeBenchConfig(join(dir, 'config'));
  const sources = { intel: buildIntelStore(PIPELINE_INDICATORS) };
  const plain = loadStages(config, 'bro', { sources });
  // The profile cache a stream would hold: the default profiles over these events, each
  // period's measurements also put one period earlier so that every event has a closed period.
  const profiles = new ProfileCache();
  const profiler = new Profiler(
    profilerConfigSchema.parse(JSON.parse(readFileSync(join(repoRoot(), 'config', 'profiler.json'), 'utf8'))),
    { periodMs: PERIOD_MS },
  );
  const parsed = await processBatch(plain, records);
  for (const e of parsed.events) profiler.apply(e, e.timestamp as number);
  for (const m of profiler.flush().measurements) {
    const value = measurementRow(m).value as string;
    for (const start of [m.start, m.start - PERIOD_MS]) profiles.put({ ...m, start }, value);
  }
  const scorer = new ModelScorer('hosts', registry, profiles);
  const scoring: SensorStages = { ...plain, scorers: [scorer] };
  const pipeline = async (stages: SensorStages) => {
    let scored = 0;
    for (let at = 0; at < records.length; at += RECORDS_PER_BATCH) {
      const out = await processBatch(stages, records.slice(at, at + RECORDS_PER_BATCH));
      for (const e of out.events) if (e['model.hosts.score'] !== undefined) scored++;
    }
    return scored;
  };
  const [without, withScoring] = await measurePair(
    runs,
    () => pipeline(plain),
    () => pipeline(scoring),
  );
  // The scores the stage wrote are the forest's for those rows.
  const sample = (await processBatch(scoring, records.slice(0, 500))).events;
  let stageDiff = 0;
  let sampled = 0;
  for (const e of sample as Event[]) {
    const score = e['model.hosts.score'];
    if (typeof score !== 'number') continue;
    const start = Math.floor((e.timestamp as number) / PERIOD_MS) * PERIOD_MS - PERIOD_MS;
    const row = featureRow(HOST_FEATURES, (p) => {
      const v = profiles.get({
        profile: p,
        entity: e.ip_src_addr as string,
        groups: [],
        start,
        periodMs: PERIOD_MS,
      });
      return typeof v === 'number' ? v : undefined;
    }) as Float64Array;
    stageDiff = Math.max(stageDiff, Math.abs(score + (forest.scoreSamples([row])[0] as number)));
    sampled++;
  }
  await scorer.close();
  await rm(dir, { recursive: true, force: true });

  const events = parsed.events.length;
  const figures: ModelsFigures = {
    onnxRowsPerS: Object.fromEntries(
      BATCH_SIZES.map((b) => [b, (ONNX_ROWS / (onnxTimes.get(b)?.median as number)) * 1000]),
    ),
    tsRowsPerS: (ONNX_ROWS / ts.median) * 1000,
    pipelineLines,
    pipelineMs: without.median,
    withScoringMs: withScoring.median,
    scored: withScoring.values[0] ?? 0,
  };
  const c = `ONNX scoring, ${ONNX_ROWS.toLocaleString('en-US')} rows of 7 features`;
  const p = `pipeline, ${pipelineLines.toLocaleString('en-US')} conn lines`;
  const rows: ResultRow[] = [
    ...BATCH_SIZES.map((size) => {
      const t = onnxTimes.get(size) as Awaited<ReturnType<typeof measure<number>>>;
      return {
        case: c,
        variant: `ours: ONNX Runtime (onnxruntime-node), batch ${size}`,
        medianMs: t.median,
        runsMs: t.runs,
        rate: rate(ONNX_ROWS, t.median, 'rows'),
        notes: `${Math.ceil(ONNX_ROWS / size).toLocaleString('en-US')} session.run calls; 100 trees`,
        ratio: ratio(t.median, ts.median),
      };
    }),
    {
      case: c,
      variant: 'baseline: TypeScript IsolationForest.scoreSamples',
      medianMs: ts.median,
      runsMs: ts.runs,
      rate: rate(ONNX_ROWS, ts.median, 'rows'),
      notes: 'all rows in one call',
      ratio: '1.00x (baseline)',
    },
    {
      case: p,
      variant: 'ours: parse, enrich, score (model hosts), triage',
      medianMs: withScoring.median,
      runsMs: withScoring.runs,
      rate: rate(pipelineLines, withScoring.median, 'events'),
      notes: `${figures.scored.toLocaleString('en-US')} of ${events.toLocaleString('en-US')} events scored; one ONNX call per ${RECORDS_PER_BATCH} records`,
      ratio: ratio(withScoring.median, without.median),
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
      name: 'ONNX Runtime and the TypeScript forest give the same scores',
      ok: maxDiff < 1e-5,
      detail: `max |difference| ${maxDiff.toExponential(2)} over ${ONNX_ROWS} rows`,
    },
    {
      name: 'the model stage scores every event whose host has a profile',
      ok: figures.scored > 0.9 * events && withScoring.values.every((v) => v === figures.scored),
      detail: `${figures.scored} of ${events} events`,
    },
    {
      name: "the model stage's scores are the forest's",
      ok: sampled > 100 && stageDiff < 1e-5,
      detail: `max |difference| ${stageDiff.toExponential(2)} over ${sampled} events`,
    },
  ];
  return { rows, checks, figures };
}

/** The case's headline: throughput ratio with scoring, and ONNX rows/s by batch size. */
export function modelsHeadline(f: ModelsFigures): string[] {
  const streamRatio = f.pipelineMs / f.withScoringMs;
  const onnx = Object.entries(f.onnxRowsPerS)
    .map(([b, r]) => `batch ${b}: ${(r / 1000).toFixed(1)}k rows/s`)
    .join(', ');
  return [
    `**13. Models.** The pipeline with in-process scoring runs at ${streamRatio.toFixed(2)} of its throughput without ` +
      `(target ≥ ${MODEL_STREAM_TARGET}: ${streamRatio >= MODEL_STREAM_TARGET ? '**met**' : '**not met**'}); ONNX Runtime ${onnx} ` +
      `(the TypeScript forest: ${(f.tsRowsPerS / 1000).toFixed(1)}k rows/s).`,
  ];
}
