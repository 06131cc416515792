import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchBroParse } from './bro-parse.js';
import { generateEvents, repoRoot } from './data.js';
import {
  benchKafka,
  KAFKA_TARGET,
  type KafkaFigures,
  LATENCY_TARGET_MS,
  type LatencyFigures,
} from './kafka-bench.js';
import { benchLakeWrite, type LakeWriteFigures } from './lake-write.js';
import { benchModels, type ModelsFigures, modelsHeadline } from './models-bench.js';
import { benchParseSensors, JSON_PARSE_TARGET, type ParseFigures } from './parse-sensors.js';
import { benchPcap, type PcapFigures, pcapHeadline } from './pcap-bench.js';
import {
  benchIntelRss,
  benchPipeline,
  INTEL_RSS_TARGET,
  type IntelRssChild,
  type IntelRssFigures,
  PIPELINE_INDICATORS,
  PIPELINE_TARGET,
  type PipelineFigures,
  THREAT_SHARE,
  TRIAGE_RULES,
} from './pipeline.js';
import { benchProfile, type ProfileFigures, profileHeadline } from './profile-bench.js';
import {
  type Check,
  describeMachine,
  gib,
  type Machine,
  machineLines,
  markdownTable,
  processPeakRss,
  type ResultRow,
  resultsTable,
} from './report.js';
import { benchSqlQuery, QUERY_TABLE, type SqlQueryResult } from './sql-query.js';
import { benchSqlRead } from './sql-read.js';
import { benchStellarTriage, TRIAGE_RULE, type TriageFigures } from './stellar-triage.js';

/**
 * `npm run bench`: the benchmark suite. Each case runs ours and a baseline in this process,
 * warms up once, reports the median of N runs and the ratio to the baseline, and checks that
 * both produced the same thing. Writes bench/RESULTS.md; exits 1 if a check fails.
 */

/** Case names for --only, in the order the suite runs them. */
const CASES = [
  'bro',
  'parse',
  'triage',
  'pipeline',
  'intel-rss',
  'kafka',
  'latency',
  'write',
  'sql',
  'query',
  'pcap',
  'profile',
  'models',
] as const;
type CaseName = (typeof CASES)[number];
/** The results table's order (the Kafka cases share one entry). */
const TABLE_ORDER: readonly CaseName[] = [
  'write',
  'bro',
  'parse',
  'sql',
  'query',
  'triage',
  'pipeline',
  'kafka',
  'intel-rss',
  'pcap',
  'profile',
  'models',
];

const USAGE = `usage: node dist/bench/main.js [--rows N] [--query-rows N] [--quick] [--only CASES] [--out FILE]
  --rows N        events for the lake write and SQL read cases (default 1,000,000)
  --query-rows N  rows of the table the query case writes and queries (default 10,000,000)
  --quick         100,000 events, 1,000,000 query rows, 50,000 + 25,000 Bro lines and smaller
                  pipeline, Kafka and intel cases, for a fast look
  --only CASES    run only these cases, comma-separated: ${CASES.join(', ')}
                  (sql runs write too); the results file is then written only with --out
  --out FILE      where to write the results (default bench/RESULTS.md)`;

const DEFAULT_ROWS = 1_000_000;
const QUICK_ROWS = 100_000;
const DEFAULT_QUERY_ROWS = 10_000_000;
const QUICK_QUERY_ROWS = 1_000_000;
const BRO_LINES = 200_000;
/** The all-lexeme line set is smaller: it is the slowest per line, and the ratio is per line. */
const BRO_VARIANT_LINES = 100_000;
const QUICK_BRO_LINES = 50_000;
const QUICK_BRO_VARIANT_LINES = 25_000;
/** Lines per sensor for the parse-throughput case. */
const PARSE_LINES = 100_000;
const QUICK_PARSE_LINES = 20_000;
/** Events the triage rule is evaluated on, per run. */
const TRIAGE_EVENTS = 200_000;
const QUICK_TRIAGE_EVENTS = 50_000;
/** The Stellar issue's bar: evaluations/s of the compiled rule ÷ the hand-written JS's. */
const TRIAGE_TARGET = 0.5;
/** Runs after the warm-up: 3 for the big writes, 5 for the small cases. */
const WRITE_RUNS = 3;
const SMALL_RUNS = 5;
/** Above this time ratio of NDJSON path (d) over data chunks (b') for the same output, chunks are clearly faster. */
const CLEARLY_FASTER = 1.3;
/** The lake issue's targets: append rows/s ÷ DuckDB read_json rows/s, and query time ÷ bare DuckDB's. */
const APPEND_TARGET = 0.8;
const QUERY_TARGET = 1.2;
/** Zeek conn lines through the embedded pipeline (case 7). */
const PIPELINE_LINES = 50_000;
const QUICK_PIPELINE_LINES = 20_000;
/** Timed runs per variant of the pipeline case, after a warm-up on a tenth. */
const PIPELINE_RUNS = 3;
/** Lines on the topic of the Kafka case (8), and its timed runs per side. */
const KAFKA_LINES = 30_000;
const QUICK_KAFKA_LINES = 10_000;
const KAFKA_RUNS = 3;
const QUICK_KAFKA_RUNS = 1;
/** The latency case (9): offered rate, measured span, and the wait for late alerts after it. */
const LATENCY_RATE = 20_000;
const LATENCY_MS = 20_000;
const QUICK_LATENCY_MS = 5_000;
const LATENCY_DRAIN_MS = 10_000;
/** Threat-intel indicators in the worker-RSS case (10); the quick run skips the lake variant. */
const INTEL_INDICATORS = 1_000_000;
/** Packets in the capture of the packet-capture case (11), and its timed runs. */
const PCAP_PACKETS = 1_000_000;
const QUICK_PCAP_PACKETS = 200_000;
const PCAP_RUNS = 3;
/** Events the profiler case (12) rebuilds profiles from, its pipeline lines and its timed runs. */
const PROFILE_EVENTS = 1_000_000;
const QUICK_PROFILE_EVENTS = 200_000;
const PROFILE_RUNS = 3;
/** Timed runs per variant of the models case (13). */
const MODELS_RUNS = 5;

interface Options {
  rows: number;
  queryRows: number;
  broLines: number;
  broVariantLines: number;
  triageEvents: number;
  parseLines: number;
  pipelineLines: number;
  kafkaLines: number;
  kafkaRuns: number;
  latencyMs: number;
  intelFromLake: boolean;
  pcapPackets: number;
  profileEvents: number;
  only: ReadonlySet<CaseName>;
  /** Whether to write the results file: always for the whole suite, with --only only when --out is given. */
  write: boolean;
  out: string;
}

function parseOptions(argv: string[]): Options {
  let values: ReturnType<typeof parseArgs>['values'];
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        rows: { type: 'string' },
        'query-rows': { type: 'string' },
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    usage((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick === true;
  const count = (flag: string, given: unknown, otherwise: number) => {
    if (typeof given !== 'string') return otherwise;
    const n = Number(given.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < 1) usage(`--${flag} must be a positive integer, got '${given}'`);
    return n;
  };
  const rows = count('rows', values.rows, quick ? QUICK_ROWS : DEFAULT_ROWS);
  const queryRows = count('query-rows', values['query-rows'], quick ? QUICK_QUERY_ROWS : DEFAULT_QUERY_ROWS);
  if (queryRows < 10) usage(`--query-rows must be at least 10 (the table is written in ten appends)`);
  const only = new Set<CaseName>(CASES);
  if (typeof values.only === 'string') {
    only.clear();
    for (const name of values.only.split(',').map((x) => x.trim())) {
      if (!(CASES as readonly string[]).includes(name))
        usage(`--only: unknown case '${name}' (${CASES.join(', ')})`);
      only.add(name as CaseName);
    }
    // The SQL read case reads the lake the write case leaves.
    if (only.has('sql')) only.add('write');
  }
  return {
    rows,
    queryRows,
    broLines: quick ? QUICK_BRO_LINES : BRO_LINES,
    broVariantLines: quick ? QUICK_BRO_VARIANT_LINES : BRO_VARIANT_LINES,
    triageEvents: quick ? QUICK_TRIAGE_EVENTS : TRIAGE_EVENTS,
    parseLines: quick ? QUICK_PARSE_LINES : PARSE_LINES,
    pipelineLines: quick ? QUICK_PIPELINE_LINES : PIPELINE_LINES,
    kafkaLines: quick ? QUICK_KAFKA_LINES : KAFKA_LINES,
    kafkaRuns: quick ? QUICK_KAFKA_RUNS : KAFKA_RUNS,
    latencyMs: quick ? QUICK_LATENCY_MS : LATENCY_MS,
    intelFromLake: !quick,
    pcapPackets: quick ? QUICK_PCAP_PACKETS : PCAP_PACKETS,
    profileEvents: quick ? QUICK_PROFILE_EVENTS : PROFILE_EVENTS,
    only,
    write: typeof values.only !== 'string' || typeof values.out === 'string',
    out: typeof values.out === 'string' ? values.out : join(repoRoot(), 'bench', 'RESULTS.md'),
  };
}

function usage(message: string): never {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

/** A duration for prose: ms below a second, else seconds. */
const seconds = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** What the cases that ran measured, for the headline and the results file. */
interface Figures {
  write?: LakeWriteFigures;
  query?: SqlQueryResult;
  triage?: TriageFigures;
  parse?: readonly ParseFigures[];
  pipeline?: PipelineFigures;
  kafka?: KafkaFigures;
  latency?: LatencyFigures;
  intelRss?: IntelRssFigures;
  pcap?: PcapFigures;
  profile?: ProfileFigures;
  models?: ModelsFigures;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const machine = await describeMachine();
  console.log(
    `palisade bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.duckdb}`,
  );

  // The machine is shared: the 1-min load average at each case's start goes with the figures.
  const loads = new Map<string, number>();
  const log = (message: string) => {
    const load = loadavg()[0] ?? 0;
    const at = /^(cases? [\d and]+):/.exec(message)?.[1];
    if (at !== undefined && !loads.has(at)) loads.set(at, load);
    console.log(`[${seconds(performance.now() - started).padStart(7)}, load ${load.toFixed(1)}] ${message}`);
  };
  const runs = (name: CaseName) => options.only.has(name);
  const work = await mkdtemp(join(tmpdir(), 'palisade-bench-'));
  const checks: Check[] = [];
  const caseRows = new Map<CaseName, readonly ResultRow[]>();
  const figures: Figures = {};
  const n = (x: number) => x.toLocaleString('en-US');
  try {
    // Bro first, on a fresh heap; then the events for cases 1 and 3.
    if (runs('bro')) {
      log(`case 2: Bro parse, ${n(options.broLines)} lines (warm-up + ${SMALL_RUNS} runs) …`);
      const bro = await benchBroParse(options.broLines, options.broVariantLines, SMALL_RUNS);
      caseRows.set('bro', bro.rows);
      checks.push(...bro.checks);
    }

    if (runs('parse')) {
      log(`case 6: parse throughput per sensor, ${n(options.parseLines)} lines each …`);
      const parsing = await benchParseSensors(options.parseLines, SMALL_RUNS);
      caseRows.set('parse', parsing.rows);
      figures.parse = parsing.figures;
      checks.push(...parsing.checks);
    }

    if (runs('triage')) {
      log(`case 5: Stellar triage rule, ${n(options.triageEvents)} events (warm-up + ${SMALL_RUNS} runs) …`);
      const stellar = await benchStellarTriage(options.triageEvents, SMALL_RUNS);
      caseRows.set('triage', stellar.rows);
      figures.triage = stellar.figures;
      checks.push(...stellar.checks);
    }

    if (runs('pipeline')) {
      log(
        `case 7: embedded pipeline, ${n(options.pipelineLines)} Zeek conn lines (warm-up + ${PIPELINE_RUNS} runs per variant) …`,
      );
      const pipeline = await benchPipeline(options.pipelineLines, PIPELINE_RUNS, work);
      caseRows.set('pipeline', pipeline.rows);
      figures.pipeline = pipeline.figures;
      checks.push(...pipeline.checks);
    }

    if (runs('intel-rss')) {
      log(`case 10: worker RSS with ${n(INTEL_INDICATORS)} threat-intel indicators (child processes) …`);
      const intel = await benchIntelRss(INTEL_INDICATORS, work, options.intelFromLake);
      caseRows.set('intel-rss', intel.rows);
      figures.intelRss = intel.figures;
      checks.push(...intel.checks);
    }

    if (runs('kafka') || runs('latency')) {
      log(`cases 8 and 9: Kafka, on a broker started for them …`);
      const kafka = await benchKafka({
        lines: options.kafkaLines,
        runs: options.kafkaRuns,
        latencyMs: options.latencyMs,
        latencyRate: LATENCY_RATE,
        drainMs: LATENCY_DRAIN_MS,
        cases: { e2e: runs('kafka'), latency: runs('latency') },
        work,
        log,
      });
      caseRows.set('kafka', kafka.rows);
      if (kafka.e2e) figures.kafka = kafka.e2e;
      if (kafka.latency) figures.latency = kafka.latency;
      checks.push(...kafka.checks);
    }

    if (runs('write')) {
      log(`generating ${n(options.rows)} events …`);
      let events = generateEvents(options.rows);
      log(`case 1: lake write (warm-up + ${WRITE_RUNS} runs per variant) …`);
      const write = await benchLakeWrite(events, work, WRITE_RUNS);
      figures.write = write.figures;
      caseRows.set('write', write.rows);
      checks.push(...write.checks);
      events = [];

      if (runs('sql')) {
        log(`case 3: SQL read (warm-up + ${SMALL_RUNS} runs) …`);
        const sql = await benchSqlRead(write.lakeDir, options.rows, SMALL_RUNS);
        caseRows.set('sql', sql.rows);
        checks.push(...sql.checks);
      }
      await rm(write.lakeDir, { recursive: true, force: true });
    }

    if (runs('query')) {
      log(
        `case 4: queries on ${n(options.queryRows)} rows (build, then warm-up + ${SMALL_RUNS} runs per query and side) …`,
      );
      figures.query = await benchSqlQuery(join(work, 'lake-query'), options.queryRows, SMALL_RUNS, log);
      caseRows.set('query', figures.query.rows);
      checks.push(...figures.query.checks);
    }
    if (runs('pcap')) {
      log(
        `case 11: packet capture, ${n(options.pcapPackets)} packets (warm-up + ${PCAP_RUNS} runs; tshark query once) …`,
      );
      const pcap = await benchPcap(options.pcapPackets, PCAP_RUNS, work, log);
      caseRows.set('pcap', pcap.rows);
      figures.pcap = pcap.figures;
      checks.push(...pcap.checks);
    }
    if (runs('profile')) {
      log(
        `case 12: profiler, ${n(options.profileEvents)} events (warm-up + ${PROFILE_RUNS} runs per variant) …`,
      );
      const profile = await benchProfile(
        options.profileEvents,
        options.pipelineLines,
        PROFILE_RUNS,
        work,
        log,
      );
      caseRows.set('profile', profile.rows);
      figures.profile = profile.figures;
      checks.push(...profile.checks);
    }
    if (runs('models')) {
      log(
        `case 13: models, ${n(options.pipelineLines)} pipeline lines (warm-up + ${MODELS_RUNS} runs per variant) …`,
      );
      const models = await benchModels(options.pipelineLines, MODELS_RUNS, work, log);
      caseRows.set('models', models.rows);
      figures.models = models.figures;
      checks.push(...models.checks);
    }
    log('done');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const rows = TABLE_ORDER.flatMap((name) => caseRows.get(name) ?? []);
  const totalMs = performance.now() - started;

  console.log(`\n${resultsTable(rows)}\n`);
  console.log(markdownTable(['check', 'ok', 'detail'], checkRows(checks)));
  console.log(`\n${headline(figures).join('\n')}`);
  if (figures.write) console.log(`\n${conclusion(figures.write).join('\n')}`);
  console.log(`\ntotal bench time ${seconds(totalMs)}`);

  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    console.error(`\nbench: ${failed.length} check(s) failed; ${options.out} left as it was`);
    return 1;
  }
  if (!options.write) {
    console.log(
      `--only: ${options.out} left as it was (it holds every case); pass --out FILE to write these`,
    );
    return 0;
  }
  await writeFile(options.out, resultsMarkdown(machine, options, rows, checks, figures, totalMs, loads));
  console.log(`wrote ${options.out}`);
  return 0;
}

const checkRows = (checks: readonly Check[]) => checks.map((c) => [c.name, c.ok ? 'yes' : 'NO', c.detail]);

const rowsPerSecond = (rows: number, ms: number) => {
  const r = (rows / ms) * 1000;
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M rows/s` : `${(r / 1e3).toFixed(1)}k rows/s`;
};
const met = (ok: boolean) => (ok ? '**met**' : '**not met**');

/** Each case's bar, met or not, with its absolute figures, as Markdown lines (the cases that ran). */
function headline(r: Figures): string[] {
  const sections = [
    r.write && writeHeadline(r.write),
    r.query && queryHeadline(r.query),
    r.triage && triageHeadline(r.triage),
    r.parse && parseHeadline(r.parse),
    r.pipeline && pipelineHeadline(r.pipeline),
    r.kafka && kafkaHeadline(r.kafka),
    r.latency && latencyHeadline(r.latency),
    r.intelRss && intelRssHeadline(r.intelRss),
    r.pcap && pcapHeadline(r.pcap),
    r.profile && profileHeadline(r.profile),
    r.models && modelsHeadline(r.models),
  ].filter((x): x is string[] => x !== undefined);
  return sections.flatMap((lines, i) => (i === 0 ? lines : ['', ...lines]));
}

/** The lake issue's append ratio. */
function writeHeadline(f: LakeWriteFigures): string[] {
  const appendRatio = f.readJsonMs / f.oursMs;
  return [
    `**1. Lake append vs DuckDB read_json, ${f.rows.toLocaleString('en-US')} events.** ` +
      `Ours (a) ${rowsPerSecond(f.rows, f.oursMs)} (${seconds(f.oursMs)}); DuckDB alone, ` +
      `read_json → COPY zstd (e), ${rowsPerSecond(f.rows, f.readJsonMs)} (${seconds(f.readJsonMs)}): ` +
      `ratio of rows/s **${appendRatio.toFixed(2)}** against a target of ≥ ${APPEND_TARGET}: ` +
      `${met(appendRatio >= APPEND_TARGET)}` +
      (appendRatio >= APPEND_TARGET
        ? '.'
        : `; ours would need ${seconds(f.readJsonMs / APPEND_TARGET)} or less, ` +
          `${((1 - f.readJsonMs / APPEND_TARGET / f.oursMs) * 100).toFixed(0)} % less time.`) +
      ` On disk ours is ${(f.oursBytes / f.rows).toFixed(1)} bytes/event (zstd, ${f.oursFiles} files, ` +
      `${mbText(f.oursBytes)}); DuckDB's file is ${(f.readJsonBytes / f.rows).toFixed(1)} bytes/event ` +
      `(flat columns, guid detected as UUID). Peak RSS of the process during (a) ${gib(f.oursPeakRss)}, ` +
      `of which ${gib(f.rssAtStart)} was resident before it started (the events held in memory); ` +
      `during (e) ${gib(f.readJsonPeakRss)}, from ${gib(f.readJsonRssAtStart)} at its start ` +
      `(${f.rssMethod}, after a full GC; RSS keeps pages the previous case freed, so a case's ` +
      `peak is at least its start).`,
  ];
}

/** The lake issue's query ratios. */
function queryHeadline(q: SqlQueryResult): string[] {
  const queryLines = q.queries.map((x) => {
    const r = x.oursMs / x.baselineMs;
    return (
      `- ${x.label} (\`${x.sql}\`): ours ${seconds(x.oursMs)}, bare DuckDB ${seconds(x.baselineMs)}: ` +
      `**${r.toFixed(2)}x** (≤ ${QUERY_TARGET}: ${met(r <= QUERY_TARGET)}); ` +
      `${x.resultRows} result row${x.resultRows === 1 ? '' : 's'}`
    );
  });
  const queriesMet = q.queries.filter((x) => x.oursMs / x.baselineMs <= QUERY_TARGET).length;
  const b = q.build;
  return [
    `**2. Queries on ${b.rows.toLocaleString('en-US')} rows** (${b.files} files in ${b.partitions} \`dt\` ` +
      `partitions, ${mbText(b.bytes)}, written by the lake's writer in ${b.batches} appends), ` +
      `\`openSql\` + query + close (\`t\` is the table's view \`${QUERY_TABLE}\`) against a fresh DuckDB + ` +
      `the query on \`read_parquet\` (\`t\` is the glob) + close, median of ${SMALL_RUNS}; ` +
      `ours/baseline time, target ≤ ${QUERY_TARGET}x, met for ${queriesMet} of ${q.queries.length}:\n`,
    ...queryLines,
    `- Point lookup pruning, as appended: ${q.pruning}.`,
    `- After \`palisade batch compact --target-size 512MiB\` (${seconds(q.compactMs)}; it sorts each partition by ` +
      `ip_src_addr, timestamp into 32k-row groups), the point lookup takes ${seconds(q.compacted.oursMs)} ` +
      `(bare DuckDB on the live files ${seconds(q.compacted.baselineMs)}: ` +
      `**${(q.compacted.oursMs / q.compacted.baselineMs).toFixed(2)}x**), against ` +
      `${seconds((q.queries.find((x) => x.key === 'point') as { oursMs: number }).oursMs)} before; ` +
      `${q.compacted.resultRows} result rows. Pruning: ${q.pruningCompacted}.`,
    `- Opening a session alone: \`openSql\` + close ${seconds(q.session.oursMs)}, a bare DuckDB ` +
      `${seconds(q.session.baselineMs)}; that difference is a fixed cost in every query above.`,
    `- Building the table took ${seconds(b.totalMs)}: appends ${seconds(b.appendMs)} ` +
      `(${rowsPerSecond(b.rows, b.appendMs)} at this scale), parsing the JSON lines ${seconds(b.parseMs)}, ` +
      `waiting for a worker thread to generate them ${seconds(b.waitMs)} (it generates batch k + 1 ` +
      `while batch k is appended); peak RSS ${gib(b.peakRss)}, worker included.`,
  ];
}

/** The Stellar issue's ratio. */
function triageHeadline(t: TriageFigures): string[] {
  return [
    `**3. Stellar triage rule, ${t.events.toLocaleString('en-US')} events.** The compiled 6-clause ` +
      `predicate ${rowsPerSecond(t.events, t.oursMs).replace('rows', 'evals')} (${seconds(t.oursMs)}), the same ` +
      `logic hand-written in JavaScript ${rowsPerSecond(t.events, t.baselineMs).replace('rows', 'evals')} ` +
      `(${seconds(t.baselineMs)}): ratio of evaluations/s **${(t.baselineMs / t.oursMs).toFixed(2)}** against a ` +
      `target of ≥ ${TRIAGE_TARGET}: ${met(t.baselineMs / t.oursMs >= TRIAGE_TARGET)}; ` +
      `${t.alerts.toLocaleString('en-US')} events raise an alert on both.`,
  ];
}

/** The parsers issue's ratios. */
function parseHeadline(p: readonly ParseFigures[]): string[] {
  return [
    `**4. Parse throughput per sensor** (${p[0]?.lines.toLocaleString('en-US') ?? 0} sample lines each through the sensor's ` +
      `whole parse stage; JSON sensors against \`JSON.parse\` of the same lines, target ≥ ${JSON_PARSE_TARGET} of its speed):`,
    '',
    ...p.map((x) => {
      const own = `${rowsPerSecond(x.events, x.oursMs).replace('rows', 'events')}, ${((x.bytes / 1e6 / x.oursMs) * 1000).toFixed(1)} MB/s`;
      if (x.jsonMs === undefined) return `- ${x.sensor}: ${own}`;
      const r = x.jsonMs / x.oursMs;
      return `- ${x.sensor}: ${own}; JSON.parse ${((x.bytes / 1e6 / x.jsonMs) * 1000).toFixed(1)} MB/s: **${r.toFixed(2)}** (≥ ${JSON_PARSE_TARGET}: ${met(r >= JSON_PARSE_TARGET)})`;
    }),
  ];
}

/** Issue 6, the embedded pipeline: events/s of `runFiles` ÷ lines/s of decode + JSON.parse. */
function pipelineHeadline(p: PipelineFigures): string[] {
  const r = p.floorMs / p.oursMs;
  const enrich = p.enrichMs - p.parseMs;
  const rest = p.oursMs - p.enrichMs;
  return [
    `**5. Embedded pipeline vs JSON.parse, ${p.lines.toLocaleString('en-US')} Zeek conn lines** ` +
      `(\`palisade ingest\`'s path: \`runFiles\` from a file through parse, geo on both addresses, threat intel on ` +
      `both against ${p.indicators.toLocaleString('en-US')} indicators, 5 triage rules, and the lake's appends to ` +
      `bro, alerts and errors, Parquet included). Ours ${rowsPerSecond(p.lines, p.oursMs).replace('rows', 'events')} ` +
      `(${seconds(p.oursMs)}); UTF-8 decode + \`JSON.parse\` of the same line bytes ` +
      `${rowsPerSecond(p.lines, p.floorMs).replace('rows', 'lines')} (${seconds(p.floorMs)}): ratio of events/s ` +
      `**${r.toFixed(3)}** against a target of ≥ ${PIPELINE_TARGET}: ${met(r >= PIPELINE_TARGET)}` +
      (r >= PIPELINE_TARGET
        ? '.'
        : `; ours would need ${seconds(p.floorMs / PIPELINE_TARGET)} or less, ` +
          `${((1 - p.floorMs / PIPELINE_TARGET / p.oursMs) * 100).toFixed(0)} % less time.`) +
      ` Where the time goes (medians of the split variants): parsing ${seconds(p.parseMs)} (${pct(p.parseMs, p.oursMs)}), ` +
      `enrichment + triage ${seconds(enrich)} (${pct(enrich, p.oursMs)}), reading the file and writing the lake ` +
      `(${p.commits} commits, ${mbText(p.lakeBytes)} of Parquet) ${seconds(rest)} (${pct(rest, p.oursMs)}). ` +
      `${p.alerts.toLocaleString('en-US')} lines hit threat intel and land in alerts; peak RSS ${gib(p.peakRss)}.`,
  ];
}

/** Issue 6, Kafka end to end: events/s of both workers ÷ msgs/s of a plain consumer. */
function kafkaHeadline(k: KafkaFigures): string[] {
  const r = k.baselineMs / k.oursMs;
  const sum = k.streamOnlyMs + k.indexOnlyMs;
  const lines = k.lines.toLocaleString('en-US');
  return [
    `**6. Kafka end to end vs a plain kafkajs consumer, ${lines} lines** on a 3-partition topic of a ` +
      `single local broker. The stream and index workers in one process, from their start until the lake holds ` +
      `every event and alert: ${rowsPerSecond(k.lines, k.oursMs).replace('rows', 'events')} (${seconds(k.oursMs)}, ` +
      `median of ${k.runs}); a plain kafkajs consumer group reading the topic from the start, counting: ` +
      `${rowsPerSecond(k.lines, k.baselineMs).replace('rows', 'msgs')} (${seconds(k.baselineMs)}): ratio of ` +
      `events/s **${r.toFixed(3)}** against a target of ≥ ${KAFKA_TARGET}: ${met(r >= KAFKA_TARGET)}. ` +
      `Alone, the stream worker took ${seconds(k.streamOnlyMs)} ` +
      `(${rowsPerSecond(k.lines, k.streamOnlyMs).replace('rows', 'events')}, until its committed offsets reached ` +
      `${lines}) and the index worker ${seconds(k.indexOnlyMs)} on the stream's output ` +
      `(${rowsPerSecond(k.lines, k.indexOnlyMs).replace('rows', 'events')}): ${seconds(sum)} one after the other, ` +
      `against ${seconds(k.oursMs)} together in one process on ${cpus().length} cores, which ` +
      (k.oursMs < sum
        ? `overlaps them (together takes ${pct(k.oursMs, sum)} of the sum)`
        : `gains nothing from running them side by side (together takes ${pct(k.oursMs, sum)} of the sum)`) +
      `; the broker shares the cores. The stream worker is ${pct(k.streamOnlyMs, k.oursMs)} of the end-to-end ` +
      `time. Producing the lines took ${seconds(k.produceMs)} (one kafkajs producer, acks all, ` +
      `${rowsPerSecond(k.lines, k.produceMs).replace('rows', 'msgs')}).`,
  ];
}

/** Issue 6, latency: p99 of receive − send for alerts at a steady offered rate. */
function latencyHeadline(l: LatencyFigures): string[] {
  const ms = (x: number) => (Number.isFinite(x) ? seconds(x) : `> ${seconds(l.drainMs)}`);
  return [
    `**7. Event-to-alert latency at ${l.rate.toLocaleString('en-US')} events/s** (a \`palisade stream\` child ` +
      `process; lines produced in ${TICK_TEXT} ticks, achieved ${rowsPerSecond(l.sent, (l.sent / l.achievedRate) * 1000).replace('rows', 'events')} ` +
      `over ${l.seconds} s after a 3 s warm-up; 1 line in 100 an alert). Receive − send over ` +
      `${l.alertsSent.toLocaleString('en-US')} alerts: p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, p99 **${ms(l.p99)}**, ` +
      `max ${ms(l.max)}, against a p99 target of < ${seconds(LATENCY_TARGET_MS)}: ${met(l.p99 < LATENCY_TARGET_MS)}. ` +
      `The worker committed ${rowsPerSecond(l.workerRate, 1000).replace('rows', 'lines')} while the lines came` +
      (l.achievedRate < l.rate * 0.95
        ? ` (and the bench's producer reached ${pct(l.achievedRate, l.rate)} of the rate asked: on ${cpus().length} ` +
          'cores the broker, the worker and the producer compete)'
        : '') +
      `; when the last line was sent it had ${l.lagAtEnd.toLocaleString('en-US')} lines not yet committed, and ` +
      (Number.isFinite(l.catchUpMs)
        ? `caught up ${seconds(l.catchUpMs)} later.`
        : `had not caught up ${seconds(l.drainMs)} later, so the alerts still to come count as slower than ` +
          `any that came (${(l.alertsSent - l.alertsReceived).toLocaleString('en-US')} of them).`),
  ];
}

/** Issue 6, memory: a worker's peak RSS with a million indicators. */
function intelRssHeadline(f: IntelRssFigures): string[] {
  const g = f.generated;
  const peak = Math.max(g.hwmEnd, f.lake?.hwmEnd ?? 0);
  const sizes = Object.entries(g.sizes)
    .map(([type, k]) => `${k.toLocaleString('en-US')} ${type}`)
    .join(', ');
  const child = (c: IntelRssChild) =>
    `RSS ${gib(c.rssStart)} before the store, ${gib(c.rssIntel)} with it (+${mbText(c.rssIntel - c.rssStart)}, ` +
    `peak ${gib(c.hwmIntel)} while filling it), ${gib(c.rssEnd)} once the stages (the geo database) and ` +
    `${c.events.toLocaleString('en-US')} events have run; VmHWM ${gib(c.hwmEnd)}`;
  return [
    `**8. Worker RSS with ${f.indicators.toLocaleString('en-US')} threat-intel indicators** (${sizes}; ` +
      `the ip type includes /24 blocks), each measured in a child process of its own: peak RSS (VmHWM) ` +
      `**${gib(peak)}** against a target of < ${gib(INTEL_RSS_TARGET)}: ${met(peak < INTEL_RSS_TARGET)}. ` +
      `Store built by \`IntelStore.add\` in ${seconds(g.buildMs)}: ${child(g)}.` +
      (f.lake === undefined
        ? ''
        : ` Store filled by \`loadIntelStore(lake)\` from a \`threatintel\` table of ` +
          `${f.indicators.toLocaleString('en-US')} rows in ${seconds(f.lake.buildMs)} (the table filled by ` +
          `\`loadIntel\` from one CSV file per type in ${seconds(f.fillMs ?? Number.NaN)}): ${child(f.lake)}, ` +
          `DuckDB's reading included.`),
  ];
}

const TICK_TEXT = '10 ms';

/** What this run's medians say about the lake's write path. */
function conclusion(f: LakeWriteFigures): string[] {
  const vsFile = f.oursMs / f.baselineMs;
  const vsPartitioned = f.oursMs / f.baselinePartitionedMs;
  // The alternative the lake used first: NDJSON → read_json → COPY (d), against data chunks (b').
  const pathRatio = f.ndjsonPathMs / f.baselinePartitionedMs;
  const rows = f.rows.toLocaleString('en-US');
  return [
    `Lake write, ${rows} rows: ours (a) takes ${seconds(f.oursMs)}, the data-chunk baseline (b) ` +
      `${seconds(f.baselineMs)} (${seconds(f.baselineAppendMs)} append + ${seconds(f.baselineCopyMs)} COPY): ` +
      `(a)/(b) = ${vsFile.toFixed(2)}x. Against the same day-partitioned layout (b') it is ` +
      `${vsPartitioned.toFixed(2)}x. Files: (a) ${mbText(f.oursBytes)}, (b) ${mbText(f.baselineBytes)}, ` +
      `(b') ${mbText(f.baselinePartitionedBytes)}, with the same schema and contents.`,
    `The lake writes through data chunks as (b) does; what (a) adds over (b') is laying out events of ` +
      'unknown shape as columns (schema inference, nesting, _extra), statistics and the Delta commit. ' +
      `JSON.stringify of the events alone (c) is ${pct(f.stringifyMs, f.oursMs)} of (a).`,
    `The alternative first used by the lake, NDJSON staging → read_json → COPY (d), on rows nested ` +
      `beforehand and without shaping, takes ${seconds(f.ndjsonPathMs)}: (d)/(b') = ${pathRatio.toFixed(2)}x ` +
      `for the same Parquet${pathRatio > CLEARLY_FASTER ? `, above the ${CLEARLY_FASTER}x bar that made data chunks the choice` : `; below the ${CLEARLY_FASTER}x bar, the choice should be revisited`}.`,
  ];
}

const mbText = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)} %`;

function resultsMarkdown(
  machine: Machine,
  options: Options,
  rows: readonly ResultRow[],
  checks: readonly Check[],
  figures: Figures,
  totalMs: number,
  loads: ReadonlyMap<string, number>,
): string {
  return `# Palisade benchmark results

Written by \`npm run bench\` (bench/main.ts). Speed is given as a ratio against a baseline run in
the same process: each variant is warmed up once, then timed ${WRITE_RUNS} times (lake writes) or
${SMALL_RUNS} times (SQL, Bro parse), and the median is reported. The lake-write and Bro warm-ups
run on the first tenth of the input (enough for the JIT and DuckDB, and it keeps the suite near
ten minutes); the SQL warm-ups are a full query. Ratios in the table are time(variant) /
time(baseline): above 1 means slower by that factor. The headline's append ratio is the lake
issue's, rows/s(ours) / rows/s(DuckDB), so there above 1 means faster. The machine is noisy
(writes vary by up to ±25 % between runs, see DEPENDENCIES.md), so read ratios to one decimal.
Cases 7–10 are issue 6's speed bar: the embedded pipeline and the pipeline's speed, latency and
memory on a real Kafka broker, each against its own target; their ratios are throughput(ours) /
throughput(baseline), as the issue states them, so there above 1 means faster. Case 11 is the
packet-capture issue's: ingest packets/s ÷ tshark's, and a query's speed-up over tshark's.${
    options.only.size < CASES.length
      ? `\n\nThis file holds only the cases run with \`--only ${[...options.only].join(',')}\`.`
      : ''
  }

## Headline

${headline(figures).join('\n')}

## Machine

${machineLines(machine).join('\n')}
- Settings: ${settings(options).join(', ')}; whole suite ${seconds(totalMs)}, peak RSS ${gib(processPeakRss())}
- Load (1-min average, \`os.loadavg()\`) at each case's start: ${[...loads].map(([at, load]) => `${at} ${load.toFixed(1)}`).join(', ')}

## Results

${resultsTable(rows)}

${figures.write ? `## Conclusion\n\n${conclusion(figures.write).join('\n\n')}\n\n` : ''}## What each case measures

${measures(options)
  .filter(([name]) => options.only.has(name))
  .map(([, text]) => text)
  .join('\n\n')}

## Checks

${markdownTable(['check', 'ok', 'detail'], checkRows(checks))}
`;
}

/** The sizes the cases that ran used. */
function settings(options: Options): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const on = (name: CaseName, text: string) => (options.only.has(name) ? [text] : []);
  return [
    ...on('write', `${n(options.rows)} events`),
    ...on('query', `${n(options.queryRows)} query rows`),
    ...on('bro', `${n(options.broLines)} + ${n(options.broVariantLines)} Bro lines`),
    ...on('pipeline', `${n(options.pipelineLines)} pipeline lines`),
    ...on('kafka', `${n(options.kafkaLines)} Kafka lines × ${options.kafkaRuns} runs`),
    ...on('latency', `${n(LATENCY_RATE)} events/s for ${options.latencyMs / 1000} s`),
    ...on('intel-rss', `${n(INTEL_INDICATORS)} indicators`),
    ...on('pcap', `${n(options.pcapPackets)} packets`),
    ...on('profile', `${n(options.profileEvents)} profiler events`),
    ...on('models', `${n(options.pipelineLines)} model-scoring pipeline lines`),
  ];
}

/** What each case measures, for the results file, in the order the file has always listed them. */
function measures(options: Options): [CaseName, string][] {
  return [
    [
      'write',
      `**1. Lake write.** Synthetic security events (\`bench/data.ts\`), Bro's log types mixed as in a
sensor table (conn 25 %, dns 30 %, http 30 %, ssl 15 %): epoch-ms \`timestamp\` over 3.5 days
(four \`dt\` partitions), \`guid\`, \`source.type\`, \`ip_src_addr\` (50k sources, skewed),
\`ip_dst_addr\` (5k), ports, \`protocol\`, \`bytes\`, \`duration\` (double), \`is_alert\`,
\`method\`, \`uri\`, \`user_agent\` and \`status_code\` (http events only), \`query\` (dns events only),
\`tags\` (a list of 1–3 strings), \`threat.triage.score\` (double),
\`enrichments.geo.ip_dst_addr.country\` and a ~200-byte \`original_string\`: 20 columns, of which
an event fills 15 (conn, ssl), 16 (dns) or 19 (http), ~630 bytes of JSON. Each is written as a
JSON line and parsed back before timing, so its strings are flat as after a Kafka consumer. Each
timed span runs from the in-memory events to closed files.
- (a) ours: \`openLakeWriter(dir).append('bench', events)\` from \`#lake\`: laying flat events out
  as columns (schema inference, nesting), per-partition statistics, per \`dt\` a staging table
  filled through 2048-row data chunks and written by \`COPY … (FORMAT parquet, COMPRESSION zstd)\`,
  then the Delta commit. The writer's DuckDB is opened before the timed span. Peak RSS is the
  process's over (a)'s warm-up and runs (Linux \`VmHWM\`, reset before the case).
- (b) baseline: @duckdb/node-api \`appendDataChunk\` with 2048-row \`DuckDBDataChunk\`s (int64 as
  bigint) into an in-memory table, then \`COPY … TO file (FORMAT parquet, COMPRESSION zstd)\`. The
  table is flat; the dotted fields are flat VARCHAR/DOUBLE columns that the COPY's SELECT turns
  into STRUCT columns (\`{'type': source_type} AS source\`, …), and ports and \`status_code\` go in
  as INTEGER and are widened to BIGINT, so the Parquet schema is exactly the lake's (checked below). It does not
  infer a schema, compute Delta stats or commit.
- (b') the same append, then \`COPY … PARTITION_BY (dt)\`: the lake's day layout. Its time is the
  run's append time plus this COPY.
- (c) \`JSON.stringify\` of every event into 1 MiB NDJSON pieces, no I/O: what serialising the
  events alone costs, for scale ((d) and (e) start from such text; (a) does not serialise).
- (d) the Parquet step the lake used before data chunks: per day, an NDJSON staging file
  written in 1 MiB pieces, then \`COPY (SELECT … FROM read_json(…, columns = {…})) TO file\` zstd,
  on rows nested by hand beforehand (untimed). (d) against (b') compares the two write paths for
  the same output; (a) − (d) is what shaping, statistics and the Delta commit cost.
- (e) the lake issue's yardstick: DuckDB on its own, in a fresh in-memory instance opened before
  the timed span, \`COPY (SELECT * FROM read_json('events.ndjson')) TO 'x.parquet' (FORMAT parquet,
  COMPRESSION zstd)\`, where events.ndjson holds the same events as JSON lines, written
  beforehand and not timed (the warm-up reads a file of the first tenth). \`read_json\` detects
  the columns itself: 20 flat columns named by the dotted keys, \`guid\` as UUID, \`tags\` as
  VARCHAR[]; no partitions, statistics or commit. Its file must give the same aggregates.

Correctness: every output is read back with DuckDB and must give the events' own \`count(*)\`,
\`sum(bytes)\`, \`count(DISTINCT ip_src_addr)\`, alert count and country count, and all four must
have the same Parquet schema; otherwise the suite exits 1 and this file is not rewritten.`,
    ],
    [
      'bro',
      `**2. Bro parse.** Lines of \`config/samples/bro/zeek-sample.log\` and Metron's
\`test/fixtures/metron/bro/raw/BroExampleOutput\`, repeated to the line count, each a fresh string.
Ours is the function \`buildParser\` (\`#streaming\`) returns for
\`{ parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', parserConfig: {}, fieldTransformations: [] }\`
(JSON parse, key cleaning in Java map order, the synthesised \`original_string\`, renames; not the
runner's guid and \`source.type\`). The baseline is \`JSON.parse\` of the same lines. The second line
set adds \`"bench_ttls":[3600.0]\` to every line, which sends all of them down the slower path that
keeps number lexemes (\`3600.0\` must print as written, as Metron does); it has half as many lines,
since it is the slowest per line and the ratio is per line. The case runs first, on a fresh heap.
MB = 10^6 bytes of UTF-8.`,
    ],
    [
      'sql',
      `**3. SQL read.** Over the lake written by (a)'s last run: \`openSql(dir)\` then
\`SELECT ip_src_addr, count(*), sum(bytes) FROM bench GROUP BY 1\`, against a bare DuckDB running the
same query on \`read_parquet('<dir>/bench/**/*.parquet')\`. Both turn the result into JS rows
(\`openSql\` also makes values JSON-friendly). Timed with the session opened and closed inside the
span, and on an already open session. Both must return the same groups, total count and total bytes.`,
    ],
    [
      'query',
      `**4. Queries on a big table.** A table \`${QUERY_TABLE}\` of ${options.queryRows.toLocaleString('en-US')} events of the same generator
written by \`openLakeWriter(dir).append\` in ten appends (batches of at most 1,000,000, each with its
own seed; a worker thread generates the JSON lines of batch k + 1 while the main thread parses
and appends batch k, whose events are dropped after its append), timestamps over ten days, so
each append straddles a midnight and writes two files. Three queries: a filtered count, a
GROUP BY on \`ip_src_addr\` with ORDER BY count and LIMIT 10, and \`SELECT *\` for one source IP
that occurs rarely (~8 per million events). Ours is \`openSql(dir)\` + the query on the table's
view (which lists the snapshot's files in \`read_parquet([…], union_by_name, hive_partitioning)\`)
+ close; the baseline is a new in-memory DuckDB + the same query on
\`read_parquet('<dir>/${QUERY_TABLE}/**/*.parquet', hive_partitioning = true)\` + close. Each query is warmed up once
per side, then the two sides alternate for ${SMALL_RUNS} runs each. Both sides' results are compared in
full (column names and every row, rows sorted, integers as text, dates as YYYY-MM-DD); any
difference fails the suite. For the point lookup the suite also runs EXPLAIN ANALYZE on both
paths (files read) and asks the Parquet metadata (\`parquet_metadata\` min/max,
\`parquet_bloom_probe\`) and the Delta log's file statistics how much could be skipped. The
"sql session" rows time opening and closing a session with no query, the fixed cost in each.`,
    ],
    [
      'parse',
      `**6. Parse throughput.** For each sensor with a sample (\`bench/parse-sensors.ts\`: Metron's sample
files for bro, jsonMap, snort, yaf, squid, asa, syslog5424 and leef, Palisade's own Suricata EVE
sample), ${options.parseLines.toLocaleString('en-US')} lines (the sample repeated) through
\`buildSensor(sensor, config).parse(bytes)\` with the sensor's config: the parser, Metron's field
transformations, guid, original_string and Community ID. JSON sensors are timed against
\`JSON.parse\` of the same lines. Every line must give at least one event.`,
    ],
    [
      'triage',
      `**5. Stellar triage rule.** ${options.triageEvents.toLocaleString('en-US')} events (\`bench/stellar-triage.ts\`: sources mostly
internal, destinations mostly external, a mix of ports, protocols in mixed case, user agents and
countries, so most events run through most clauses) evaluated by the rule compiled once with
\`compile(rule, { mode: 'predicate' })\` from \`#stellar\`:

\`\`\`
${TRIAGE_RULE.split(' and ').join('\nand ')}
\`\`\`

against the same logic written by hand (subnets parsed once into ranges, a Set of protocols, an
object of risky countries). Both must give the same verdict on every event.`,
    ],
    ...issue6Measures(options),
  ];
}

/** What cases 7–10 measure. */
function issue6Measures(options: Options): [CaseName, string][] {
  const rules = TRIAGE_RULES.map((r) => `- ${r.name} (${r.score}): \`${r.rule}\``).join('\n');
  return [
    [
      'pipeline',
      `**7. Embedded pipeline.** ${options.pipelineLines.toLocaleString('en-US')} Zeek conn lines (\`bench/pipeline.ts\`:
\`{"conn":{…}}\` as Metron's Bro plugin writes them, ~390 bytes; 85 % outbound from 4,096 internal hosts to 5,000
public ones, 10 % inbound, 5 % internal; ${(THREAT_SHARE * 100).toFixed(0)} % with an outside address among 500 threat-intel
indicators; ports, states and byte counts varied; six-decimal \`ts\` and \`duration\`, as Zeek prints them) in a file.
The config is the shipped one with \`enrichments/bro.json\` doing geo on \`ip_dst_addr\` and \`ip_src_addr\` (the
bundled DB-IP City Lite), threat intel (\`hbaseThreatIntel\`, type \`malicious_ip\`) on both against an IntelStore of
${PIPELINE_INDICATORS.toLocaleString('en-US')} indicators (IPv4 addresses, /24 blocks, domains, hashes), and five
triage rules, aggregated by MAX:

${rules}

Ours is \`runFiles([file], { stages, lake, batchSize: 100000, telemetry })\` from \`#streaming\`, stages from
\`loadStages(config, 'bro', { sources: { intel } })\`, into a fresh lake opened with \`openLakeWriter\` before the timed
span: reading the file, parsing, enrichment, triage and the appends to \`bro\`, \`alerts\` and \`errors\` with their
Parquet files and Delta commits — \`palisade ingest\`. The baseline is UTF-8 decoding + \`JSON.parse\` of the same
lines' bytes in memory (\`jsonParseFloor\` in bench/report.ts, as the parse case). Two variants split ours:
\`processBatch\` in ${(2000).toLocaleString('en-US')}-record batches (as \`runFiles\` cuts them) on in-memory records,
with a stages object holding only the parser, and with the full stages. Each is warmed up on the first tenth, then
timed ${PIPELINE_RUNS} times. The last run's lake must hold every line in \`bro\`, each threat-intel hit in \`alerts\`
and nothing in \`errors\` (Delta log statistics), and \`runFiles\` must count the events and alerts \`processBatch\` does.`,
    ],
    [
      'kafka',
      `**8. Kafka end to end.** A single-node KRaft broker (\`scripts/kafka-broker.mjs\`, Kafka 3.9, started for cases 8
and 9 and stopped after them) on the same machine. ${options.kafkaLines.toLocaleString('en-US')} lines of the same
generator are produced to \`bench.bro\` (3 partitions) before anything is timed. Baseline: a kafkajs consumer group
(default settings) subscribed from the beginning, \`eachBatch\` counting messages and reading each value's length,
timed from \`connect()\` until it has seen every message. Ours: \`startStreamWorker\` and \`startIndexWorker\` from
\`#streaming\` in the bench's process, wired as \`palisade stream\` and \`palisade index\` wire them (\`kafkaClient\`,
output topics from \`outputTopics(prefix)\` created beforehand with \`ensureTopics\`, stages with the case-7 config and
a ${PIPELINE_INDICATORS.toLocaleString('en-US')}-indicator store, a fresh lake from \`openLakeWriter\`), on fresh
consumer groups and output topics each run, timed from the stream worker's start until the lake's Delta log (polled
every 100 ms) holds every line in \`bro\` + \`errors\` and every alert in \`alerts\`. Both sides are warmed up on a
topic of a tenth as many lines, then timed ${options.kafkaRuns} time(s) each. Then, once each: the stream worker
alone, until its group's committed offsets on the topic (\`admin.fetchOffsets\`) reach the line count; and the
index worker alone, on the output that run left, until the lake holds everything. Every run of ours must land each
line once and each alert once.`,
    ],
    [
      'latency',
      `**9. Latency.** On the same broker, \`node dist/cli/main.js stream --sensors bro --topic-prefix lat. --lake …\` as a
child process, with the case-7 config plus a Stellar enrichment \`is_alert := ip_dst_port == 4444\`, and threat intel
from a lake whose \`threatintel\` table \`loadIntel\` filled with the same ${PIPELINE_INDICATORS.toLocaleString('en-US')}
indicators. Once its group is stable and it has committed 300 priming lines (its first transactions start a
transactional producer per partition, which is start-up, not latency), the bench produces lines to \`lat.bro\`
(3 partitions) at
${(LATENCY_RATE).toLocaleString('en-US')} lines/s: every 10 ms it sends all lines due by then (so a slow send is
made up at the next tick), for 3 s of warm-up and then ${options.latencyMs / 1000} s measured. One line in 100 has
destination port 4444 and carries its send time (epoch ms from \`performance.timeOrigin + performance.now()\`) in its
\`uid\`. A kafkajs consumer in the bench's process reads \`lat.alerts\` read-committed (max wait 100 ms) and records
receive − send for each such alert; the threat-intel alerts and warm-up alerts are counted, not timed. After the
last send the bench waits up to ${LATENCY_DRAIN_MS / 1000} s for the worker's committed offsets to reach the end;
alerts that have not come by then count as slower than any that did. No alert may arrive twice, and all must arrive
when the worker caught up.`,
    ],
    [
      'intel-rss',
      `**10. Worker RSS.** A child process (\`bench/pipeline.ts\` forked with \`--expose-gc\`, so the figures are that
process's alone) builds an IntelStore of ${INTEL_INDICATORS.toLocaleString('en-US')} distinct indicators (93 % IPv4
addresses and /24 blocks of type \`malicious_ip\`, 4 % domains, 3 % SHA-256-shaped hashes), loads the case-7 stages
with it (which reads the geo database) and runs 50,000 events through \`processBatch\`, reporting
\`process.memoryUsage.rss()\` after a full GC before the store, with it, and at the end, and its VmHWM.${
        options.intelFromLake
          ? ` A second child fills its store with \`loadIntelStore(lake)\`, as \`palisade stream --lake\` does, from a
\`threatintel\` table that \`loadIntel\` (\`#batch\`) filled with the same indicators from one CSV file per type.`
          : ''
      } Both must hold every indicator and raise an alert for each event whose address is one.`,
    ],
    [
      'pcap',
      `**11. Packet capture.** \`bench/pcap-data.ts\` writes a libpcap file of ${options.pcapPackets.toLocaleString('en-US')}
Ethernet frames over two hours: TCP streams of 8–40 segments (TLS records on 443, HTTP text on 80), DNS and other UDP,
10 % IPv6, payloads half text and half random. Ingest is \`ingestCapture\` (what \`palisade pcap ingest\` runs) into a
fresh lake each run, against \`tshark -r IN -w /dev/null\` on the same file (in the page cache after the warm-up);
\`dd if=IN of=FILE bs=4M\` is timed too, as a reference for what storing the bytes alone costs. The
query is one TCP flow's 5-tuple over the second hour through \`queryPackets\` (what \`palisade pcap query\` runs),
against \`tshark -r IN -Y FILTER -F pcap -w OUT\` with the equivalent display filter, timed once (it takes tens of
seconds); both must select the same number of packets. The zstd figure is DuckDB's \`COPY … (COMPRESSION zstd)\` of
the table's rows, what \`batch compact\` leaves.`,
    ],
    [
      'profile',
      `**12. Profiler.** ${options.profileEvents.toLocaleString('en-US')} of case 1's synthetic events over six hours in one
sensor table; \`rebuildProfiles\` (what \`palisade batch profile\` runs) computes two profiles, connections and bytes per
\`ip_src_addr\` in 15-minute periods, and replaces them in \`profiles\`, against DuckDB's
\`SELECT ip_src_addr, timestamp // 900000, count(*), sum(bytes) … GROUP BY ALL\` on the same Parquet files; every
(entity, period) count and sum must match. The overhead is case 7's in-memory stages (\`processBatch\`: parse,
geo and threat-intel enrichment, triage) on ${options.pipelineLines.toLocaleString('en-US')} Zeek conn lines, with and without a
\`StreamProfiler\` applying \`config/profiler.json\` to every event and flushing as it goes. Memory per entity is the heap
after a full GC, before and after ${(100_000).toLocaleString('en-US')} distinct source IPs each took one event in one period.`,
    ],
    [
      'models',
      `**13. Models.** An Isolation Forest of 100 trees trained in TypeScript on 4,096 synthetic rows of the 7 host features,
exported to ONNX and registered. ONNX Runtime (\`ModelSession.score\`, what the stream, the CLI and the API call) scores
16,384 rows in batches of 1, 64 and 1024 against the TypeScript forest's \`scoreSamples\` on the same rows in one call;
the scores must agree within 1e-5. The stream's cost is case 7's in-memory stages on
${options.pipelineLines.toLocaleString('en-US')} Zeek conn lines with and without the model stage (\`ModelScorer\`), which scores each
event on its source IP's features for the last closed 15-minute period from a profile cache filled by the default
profiles over the same events, one ONNX call per ${(2_000).toLocaleString('en-US')} records at most (scores are kept per entity and
period); the two variants are timed in turns.`,
    ],
  ];
}

process.exitCode = await main();
