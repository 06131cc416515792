import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { type Event, profilerConfigSchema, seededRandom } from '#core';
import { measurementRow } from '#lake';
import {
  exportIsolationForestOnnx,
  featureNames,
  featureRow,
  HOST_FEATURES,
  isolationForestSpec,
  ModelRegistry,
  ModelScorer,
  ModelSession,
  trainIsolationForest,
} from '#models';
import { UserStore } from '#server';
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
 * - HTTP scoring: `palisade serve` in a child process answering `POST /api/models/hosts/score`
 *   with 64 rows per request, one request at a time over a kept-alive connection, in blocks
 *   of 250 taking turns with the baseline: p50, p99
 *   (target p99 < 5 ms) and rows/s, beside a bare node:http server in a child process that
 *   reads the same body and answers a fixed JSON (the machine's floor for a request), and
 *   ONNX Runtime scoring the same 64 rows in this process (the floor for the work).
 */

export const MODEL_STREAM_TARGET = 0.75;
export const HTTP_P99_TARGET_MS = 5;
const HTTP_ROWS = 64;
const HTTP_REQUESTS = 2_000;
const HTTP_WARMUP = 200;
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
  http: { [k in 'api' | 'bare' | 'onnx']: { p50: number; p99: number; rowsPerS: number } };
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
    isolationForestSpec(forest, {
      name: 'hosts',
      features: names,
      featureSet: HOST_FEATURES.name,
      periodMs: PERIOD_MS,
      registeredBy: 'bench',
    }),
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

  // ─── HTTP scoring, 64 rows a request ───────────────────────────────────────────────────
  log(
    `  HTTP scoring: ${HTTP_REQUESTS} requests of ${HTTP_ROWS} rows to palisade serve and to a bare node:http server …`,
  );
  const { token } = await new UserStore(lake).add('bench', 'viewer');
  const body = JSON.stringify({
    rows: rowsToScore.slice(0, HTTP_ROWS).map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]]))),
  });
  const api = await child(
    [join(repoRoot(), 'dist', 'cli', 'main.js'), 'serve', '--lake', lake, '--port', '0'],
    /at (http:\/\/\S+) /,
  );
  const bare = await child(['-e', BARE_SERVER], /^(http:\/\/\S+)$/m);
  let apiLatency: Latency;
  let bareLatency: Latency;
  let apiScores: number[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    // node:http with a kept-alive socket: the lightest client, so the figures are the servers'.
    const post = (url: string) =>
      new Promise<{ scores?: number[] }>((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode} ${text}`));
              else resolve(JSON.parse(text) as { scores?: number[] });
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    apiScores = (await post(`${api.url}/api/models/hosts/score`)).scores ?? [];
    // In turns, so both servers see the same machine.
    [apiLatency, bareLatency] = await latencies(
      () => post(`${api.url}/api/models/hosts/score`),
      () => post(`${bare.url}/score`),
    );
  } finally {
    agent.destroy();
    api.proc.kill('SIGTERM');
    bare.proc.kill('SIGTERM');
  }
  const inProcess = await ModelSession.open(spec, onnx);
  const onnxLatency = await sampleLatency(HTTP_REQUESTS, () =>
    inProcess.score(flat.subarray(0, HTTP_ROWS * width), HTTP_ROWS),
  );
  await inProcess.close();
  const expectedHttp = Array.from(forest.scoreSamples(flat.subarray(0, HTTP_ROWS * width)), (x) => -x);
  const httpDiff = Math.max(...expectedHttp.map((x, i) => Math.abs(x - (apiScores[i] ?? Number.NaN))));

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
    http: {
      api: summary(apiLatency),
      bare: summary(bareLatency),
      onnx: summary(onnxLatency),
    },
  };
  const h = `HTTP scoring, ${HTTP_REQUESTS.toLocaleString('en-US')} requests of ${HTTP_ROWS} rows`;
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
    {
      case: h,
      variant: 'ours: POST /api/models/hosts/score (palisade serve)',
      medianMs: figures.http.api.p50,
      runsMs: [],
      rate: `${(figures.http.api.rowsPerS / 1000).toFixed(1)}k rows/s`,
      notes: `p99 ${figures.http.api.p99.toFixed(2)} ms (target < ${HTTP_P99_TARGET_MS}); token check, JSON, ONNX; one request at a time`,
      ratio: ratio(figures.http.api.p50, figures.http.bare.p50),
    },
    {
      case: h,
      variant: 'baseline: bare node:http server, fixed answer',
      medianMs: figures.http.bare.p50,
      runsMs: [],
      rate: `${(figures.http.bare.rowsPerS / 1000).toFixed(1)}k rows/s`,
      notes: `p99 ${figures.http.bare.p99.toFixed(2)} ms; reads the same body`,
      ratio: '1.00x (baseline)',
    },
    {
      case: h,
      variant: 'reference: ModelSession.score in process',
      medianMs: figures.http.onnx.p50,
      runsMs: [],
      rate: `${(figures.http.onnx.rowsPerS / 1000).toFixed(1)}k rows/s`,
      notes: `p99 ${figures.http.onnx.p99.toFixed(2)} ms; the scoring alone`,
      ratio: ratio(figures.http.onnx.p50, figures.http.bare.p50),
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
      name: "the HTTP API's scores are the forest's",
      ok: apiScores.length === HTTP_ROWS && httpDiff < 1e-5,
      detail: `max |difference| ${httpDiff.toExponential(2)} over ${apiScores.length} rows`,
    },
    {
      name: "the model stage's scores are the forest's",
      ok: sampled > 100 && stageDiff < 1e-5,
      detail: `max |difference| ${stageDiff.toExponential(2)} over ${sampled} events`,
    },
  ];
  return { rows, checks, figures };
}

/** A node process started for the case, and the URL it printed. */
async function child(args: string[], urlPattern: RegExp): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from ${args.join(' ')}: ${out}`)), 30_000);
    const look = (b: Buffer) => {
      out += b.toString('utf8');
      const m = urlPattern.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout?.on('data', look);
    proc.stderr?.on('data', look);
    proc.on('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}): ${out}`)));
  });
  return { proc, url };
}

/** The floor: a node:http server that reads a request's body and answers a fixed JSON. */
const BARE_SERVER = `
const http = require('node:http');
const answer = JSON.stringify({ model: 'bare', version: 1, scores: new Array(${HTTP_ROWS}).fill(0.5) });
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(answer);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
`;

type Latency = number[];

/** Each call's time in ms, after a warm-up. */
async function sampleLatency(count: number, call: () => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < HTTP_WARMUP; i++) await call();
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await call();
    out.push(performance.now() - start);
  }
  return out;
}

/** Requests per block when two endpoints take turns. */
const HTTP_BLOCK = 250;

/**
 * Two endpoints' latencies, in blocks of {@link HTTP_BLOCK} requests taking turns: each server
 * stays warm within a block, and both see the same machine over the run.
 */
async function latencies(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[Latency, Latency]> {
  for (let i = 0; i < HTTP_WARMUP; i++) {
    await a();
    await b();
  }
  const la: number[] = [];
  const lb: number[] = [];
  const block = async (call: () => Promise<unknown>, into: number[]) => {
    for (let i = 0; i < HTTP_BLOCK; i++) {
      const start = performance.now();
      await call();
      into.push(performance.now() - start);
    }
  };
  while (la.length < HTTP_REQUESTS) {
    await block(a, la);
    await block(b, lb);
  }
  return [la, lb];
}

function summary(latency: Latency): { p50: number; p99: number; rowsPerS: number } {
  const sorted = [...latency].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  const total = latency.reduce((x, y) => x + y, 0);
  return { p50: at(0.5), p99: at(0.99), rowsPerS: (latency.length * HTTP_ROWS * 1000) / total };
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
      `(the TypeScript forest: ${(f.tsRowsPerS / 1000).toFixed(1)}k rows/s). HTTP scoring of ${HTTP_ROWS} rows a request: ` +
      `p50 ${f.http.api.p50.toFixed(2)} ms, p99 ${f.http.api.p99.toFixed(2)} ms (target < ${HTTP_P99_TARGET_MS} ms: ` +
      `${f.http.api.p99 < HTTP_P99_TARGET_MS ? '**met**' : '**not met**'}), ${(f.http.api.rowsPerS / 1000).toFixed(1)}k rows/s one request ` +
      `at a time; a bare node:http server answering the same requests: p50 ${f.http.bare.p50.toFixed(2)} ms, p99 ${f.http.bare.p99.toFixed(2)} ms.`,
  ];
}
