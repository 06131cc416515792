import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Admin, Kafka, logLevel, type Message, Partitioners, type Producer } from 'kafkajs';
import { type LakeWriter, openLakeWriter } from '#lake';
import {
  ensureTopics,
  kafkaClient,
  loadStages,
  type OutputTopics,
  outputTopics,
  type SensorStages,
  startIndexWorker,
  startStreamWorker,
  type Worker,
} from '#streaming';
import { repoRoot } from './data.js';
import {
  buildIntelStore,
  connLineSet,
  connLines,
  deltaRows,
  fillIntelLake,
  PIPELINE_INDICATORS,
  writeBenchConfig,
} from './pipeline.js';
import { type Check, median, type ResultRow, rate, ratio } from './report.js';

/**
 * Cases 8 and 9, on a real single-node Kafka broker (scripts/kafka-broker.mjs, started here
 * and stopped at the end, even on failure):
 *
 * 8. End to end: N raw Zeek conn lines on a 3-partition `<prefix>bro` topic. Baseline: a plain
 *    kafkajs consumer group reading the topic from the beginning until it has seen all N,
 *    doing nothing but counting and touching each value. Ours: `startStreamWorker` +
 *    `startIndexWorker` in this process, wired as `palisade stream` / `palisade index` wire
 *    them, from their start until the lake holds every event (`bro` + `errors`) and every
 *    alert. Issue 6 asks for events/s ≥ 0.5 of the baseline's. The stream worker alone (until
 *    its group's committed offsets reach N) and the index worker alone (on the output the
 *    stream-alone run left) show where the time goes.
 * 9. Latency: a `palisade stream` child process (the built CLI), Zeek lines produced at a
 *    steady rate in 10 ms ticks, 1 % of them alerts (destination port 4444, made an alert by
 *    a Stellar `is_alert` in the bench's bro config) carrying their send time in `uid`; a
 *    read-committed consumer on `<prefix>alerts` in this process records receive − send. The
 *    bar is p99 < 1 s at 20,000 events/s.
 */

/** Issue 6's bars. */
export const KAFKA_TARGET = 0.5;
export const LATENCY_TARGET_MS = 1_000;

const PARTITIONS = 3;
/** Messages per produce request when filling a topic (~400 KB per partition, under the broker's 1 MB). */
const PRODUCE_CHUNK = 3_000;
const POLL_MS = 100;
/** Port whose lines the latency case's config makes alerts. */
const ALERT_PORT = 4444;
/** One alert line in this many. */
const ALERT_EVERY = 100;
const TICK_MS = 10;
/** The latency case produces this long before its measured span (JIT, fetch sessions, producers). */
const LATENCY_WARM_UP_MS = 3_000;
/** Lines the latency case sends, and waits to see committed, before it starts the clock. */
const PRIMING_LINES = 300;

/** scripts/kafka-broker.mjs, as far as the bench uses it. */
interface BrokerScript {
  ensureKafkaJars(options?: { log?: (line: string) => void }): Promise<string>;
  startBroker(options: { dir: string; log?: (line: string) => void }): Promise<Broker>;
}
interface Broker {
  bootstrap: string;
  pid: number;
  stop(): Promise<void>;
}

export interface KafkaOptions {
  /** Lines on the topic of case 8. */
  lines: number;
  /** Timed runs of ours and of the baseline in case 8, after a warm-up. */
  runs: number;
  /** Case 9's measured span (ms) and rate (events/s). */
  latencyMs: number;
  latencyRate: number;
  /** How long case 9 waits after the last send for the alerts still on their way. */
  drainMs: number;
  cases: { e2e: boolean; latency: boolean };
  work: string;
  log: (message: string) => void;
}

export interface KafkaFigures {
  lines: number;
  bytes: number;
  alerts: number;
  runs: number;
  produceMs: number;
  baselineMs: number;
  baselineRuns: number[];
  oursMs: number;
  oursRuns: number[];
  streamOnlyMs: number;
  indexOnlyMs: number;
}

export interface LatencyFigures {
  rate: number;
  seconds: number;
  /** Lines sent in the measured span and the rate achieved over it. */
  sent: number;
  achievedRate: number;
  alertsSent: number;
  alertsReceived: number;
  duplicates: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Raw messages not yet committed by the stream worker when production stopped. */
  lagAtEnd: number;
  /** Lines/s the stream worker committed while the bench produced (warm-up included). */
  workerRate: number;
  /** Time from the last send until the stream worker had committed everything. */
  catchUpMs: number;
  drainMs: number;
}

export interface KafkaResult {
  rows: ResultRow[];
  checks: Check[];
  e2e?: KafkaFigures;
  latency?: LatencyFigures;
}

/** Run cases 8 and/or 9 on one broker started for them. */
export async function benchKafka(options: KafkaOptions): Promise<KafkaResult> {
  const dir = join(options.work, 'kafka');
  await mkdir(dir, { recursive: true });
  const script = (await import(
    pathToFileURL(join(repoRoot(), 'scripts', 'kafka-broker.mjs')).href
  )) as BrokerScript;
  const quiet = () => {};
  await script.ensureKafkaJars({ log: options.log });
  const started = performance.now();
  const broker = await script.startBroker({ dir: join(dir, 'broker'), log: quiet });
  options.log(`Kafka broker up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const plain = new Kafka({
    clientId: 'palisade-bench',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  // Interrupted, the bench takes the broker and the stream process down with it.
  const children = new Set<ChildProcess>();
  const interrupted = () => {
    for (const child of children) child.kill('SIGKILL');
    process.kill(broker.pid, 'SIGKILL');
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const admin = plain.admin();
  const result: KafkaResult = { rows: [], checks: [] };
  try {
    await admin.connect();
    if (options.cases.e2e) {
      const e2e = await endToEnd(plain, admin, broker.bootstrap, dir, options);
      result.rows.push(...e2e.rows);
      result.checks.push(...e2e.checks);
      result.e2e = e2e.figures;
    }
    if (options.cases.latency) {
      const latency = await latencyCase(plain, admin, broker.bootstrap, dir, options, children);
      result.rows.push(...latency.rows);
      result.checks.push(...latency.checks);
      result.latency = latency.figures;
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await admin.disconnect().catch(() => {});
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return result;
}

// ─── Case 8: end to end ──────────────────────────────────────────────────────────────────────

async function createTopic(admin: Admin, topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
}

/** Produce lines to a topic as fast as one producer goes; returns the ms it took. */
async function produceAll(kafka: Kafka, topic: string, lines: readonly string[]): Promise<number> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const started = performance.now();
  try {
    for (let i = 0; i < lines.length; i += PRODUCE_CHUNK) {
      const messages = lines.slice(i, i + PRODUCE_CHUNK).map((value) => ({ value }));
      await producer.send({ topic, messages, acks: -1 });
    }
    return performance.now() - started;
  } finally {
    await producer.disconnect();
  }
}

/** Poll `check` every {@link POLL_MS} until it holds; fail after `timeoutMs` or when `failed` says why. */
async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  failed: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    const why = failed();
    if (why !== undefined) throw new Error(`bench: ${what}: ${why}`);
    if (performance.now() > deadline) throw new Error(`bench: ${what}: not done in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Offsets a consumer group has committed on a topic, summed over partitions. */
async function committed(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (entry?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

/** Messages on a topic: high watermarks summed (only for topics written without transactions). */
async function endOffsets(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
}

/** The plain consumer: a group reading `topic` from the start until it has seen `count` messages. */
async function plainConsume(kafka: Kafka, topic: string, groupId: string, count: number) {
  const consumer = kafka.consumer({ groupId });
  let seen = 0;
  let bytes = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const started = performance.now();
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          bytes += m.value?.length ?? 0;
          seen++;
        }
        if (seen >= count) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`bench: the plain consumer saw ${seen} of ${count}`)),
        120_000,
      );
    });
    await Promise.race([all, timeout]).finally(() => clearTimeout(timer));
    return { ms: performance.now() - started, seen, bytes };
  } finally {
    await consumer.disconnect();
  }
}

interface Landed {
  bro: number;
  alerts: number;
  errors: number;
}

const landedIn = async (lake: string): Promise<Landed> => ({
  bro: await deltaRows(lake, 'bro'),
  alerts: await deltaRows(lake, 'alerts'),
  errors: await deltaRows(lake, 'errors'),
});

/** Why a worker stopped, if it did. */
function watch(worker: Worker): () => string | undefined {
  let why: string | undefined;
  void worker.done.then((reason) => {
    why = `a worker stopped${reason ? `: ${reason}` : ''}`;
  });
  return () => why;
}

async function endToEnd(
  plain: Kafka,
  admin: Admin,
  bootstrap: string,
  dir: string,
  options: KafkaOptions,
): Promise<{ rows: ResultRow[]; checks: Check[]; figures: KafkaFigures }> {
  const { lines: count, runs, log } = options;
  const topic = 'bench.bro';
  const warmTopic = 'bench.warm.bro';
  const warmCount = Math.max(1_000, Math.floor(count / 10));
  const { lines, alerts } = connLineSet(count);
  const warm = connLineSet(warmCount, 99);
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
  await createTopic(admin, topic);
  await createTopic(admin, warmTopic);
  log(`case 8: producing ${count.toLocaleString('en-US')} lines to ${topic} (${PARTITIONS} partitions) …`);
  const produceMs = await produceAll(plain, topic, lines);
  await produceAll(plain, warmTopic, warm.lines);
  lines.length = 0;
  const onTopic = await endOffsets(admin, topic);

  const kafka = kafkaClient(bootstrap, 'palisade-bench');
  const config = writeBenchConfig(join(dir, 'config'));
  const stages = loadStages(config, 'bro', { sources: { intel: buildIntelStore(PIPELINE_INDICATORS) } });
  const timeout = 60_000 + count; // a minute, plus a ms a line

  const baselineRuns: number[] = [];
  const baselineSeen: number[] = [];
  for (let i = -1; i < runs; i++) {
    const r = await plainConsume(
      plain,
      i < 0 ? warmTopic : topic,
      `bench-plain-${i + 1}`,
      i < 0 ? warmCount : count,
    );
    if (i >= 0) {
      baselineRuns.push(r.ms);
      baselineSeen.push(r.seen);
    }
  }

  let run = 0;
  /** Stream and/or index worker on fresh groups, output topics and lake; ms until `done` holds. */
  const workers = async (
    input: string,
    which: { stream: boolean; index: boolean; outputs?: OutputTopics },
    done: (ctx: { lake: string; topics: OutputTopics; streamGroup: string }) => Promise<boolean>,
  ) => {
    run++;
    const topics = which.outputs ?? outputTopics(`bench.r${run}.`);
    await ensureTopics(kafka, Object.values(topics), PARTITIONS);
    const lakeDir = join(dir, `lake-${run}`);
    const lake: LakeWriter = await openLakeWriter(lakeDir);
    const streamGroup = `bench-stream-${run}`;
    const running: Worker[] = [];
    const failures: (() => string | undefined)[] = [];
    const started = performance.now();
    try {
      const s = new Map<string, SensorStages>([[input, stages]]);
      if (which.stream)
        running.push(await startStreamWorker({ kafka, groupId: streamGroup, stages: s, topics }));
      if (which.index)
        running.push(await startIndexWorker({ kafka, groupId: `bench-index-${run}`, lake, topics }));
      for (const w of running) failures.push(watch(w));
      await until(
        () => done({ lake: lakeDir, topics, streamGroup }),
        timeout,
        `workers run ${run}`,
        () => failures.map((f) => f()).find((x) => x !== undefined),
      );
      const ms = performance.now() - started;
      return { ms, landed: await landedIn(lakeDir), topics };
    } finally {
      await Promise.all(running.map((w) => w.stop()));
      lake.close();
      await rm(lakeDir, { recursive: true, force: true });
    }
  };
  const allLanded = (n: number, a: number) => async (ctx: { lake: string }) => {
    const l = await landedIn(ctx.lake);
    return l.bro + l.errors >= n && l.alerts >= a;
  };

  log(
    `case 8: both workers in this process (warm-up on ${warmCount.toLocaleString('en-US')} lines + ${runs} runs) …`,
  );
  await workers(warmTopic, { stream: true, index: true }, allLanded(warmCount, warm.alerts));
  const oursRuns: number[] = [];
  const landed: Landed[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await workers(topic, { stream: true, index: true }, allLanded(count, alerts));
    oursRuns.push(r.ms);
    landed.push(r.landed);
  }
  log('case 8: the stream worker alone, then the index worker alone on its output …');
  const streamOnly = await workers(
    topic,
    { stream: true, index: false },
    async (ctx) => (await committed(admin, ctx.streamGroup, topic)) >= count,
  );
  const indexOnly = await workers(
    topic,
    { stream: false, index: true, outputs: streamOnly.topics },
    allLanded(count, alerts),
  );

  const baselineMs = median(baselineRuns);
  const oursMs = median(oursRuns);
  const n = count.toLocaleString('en-US');
  const checks: Check[] = [
    {
      name: 'kafka: the topic holds every line; the plain consumer saw each',
      ok: onTopic === count && baselineSeen.every((s) => s === count),
      detail: `${onTopic.toLocaleString('en-US')} on the topic; seen ${baselineSeen.join(', ')}`,
    },
    {
      name: 'kafka: each run of ours lands every line once and every alert once',
      ok: [...landed, indexOnly.landed].every(
        (l) => l.bro === count && l.alerts === alerts && l.errors === 0,
      ),
      detail: `${[...landed, indexOnly.landed]
        .map((l) => `bro ${l.bro}, alerts ${l.alerts}, errors ${l.errors}`)
        .join('; ')} (expected ${count} / ${alerts} / 0)`,
    },
  ];
  const figures: KafkaFigures = {
    lines: count,
    bytes,
    alerts,
    runs,
    produceMs,
    baselineMs,
    baselineRuns,
    oursMs,
    oursRuns,
    streamOnlyMs: streamOnly.ms,
    indexOnlyMs: indexOnly.ms,
  };
  const label = `kafka end to end, ${n} lines`;
  const rows: ResultRow[] = [
    {
      case: label,
      variant: 'baseline: plain kafkajs consumer group, count + touch value',
      medianMs: baselineMs,
      runsMs: baselineRuns,
      rate: rate(count, baselineMs, 'msgs'),
      ratio: '1.00x (baseline)',
      notes: `from connect to the last message; ${(bytes / 1e6).toFixed(1)} MB on ${PARTITIONS} partitions`,
    },
    {
      case: label,
      variant: 'ours: stream + index workers in one process',
      medianMs: oursMs,
      runsMs: oursRuns,
      rate: rate(count, oursMs, 'events'),
      ratio: ratio(oursMs, baselineMs),
      notes: 'from start until the lake holds every event and alert (Delta log polled every 100 ms)',
    },
    {
      case: label,
      variant: 'stream worker alone',
      medianMs: streamOnly.ms,
      runsMs: [streamOnly.ms],
      rate: rate(count, streamOnly.ms, 'events'),
      ratio: ratio(streamOnly.ms, baselineMs),
      notes: "until its group's committed offsets reach N (admin.fetchOffsets)",
    },
    {
      case: label,
      variant: 'index worker alone, on the stream-alone output',
      medianMs: indexOnly.ms,
      runsMs: [indexOnly.ms],
      rate: rate(count, indexOnly.ms, 'events'),
      ratio: ratio(indexOnly.ms, baselineMs),
      notes: `lands ${count.toLocaleString('en-US')} events + ${alerts.toLocaleString('en-US')} alerts`,
    },
  ];
  return { rows, checks, figures };
}

// ─── Case 9: event-to-alert latency ──────────────────────────────────────────────────────────

/** The nearest-rank percentile of sorted values. */
const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number);

/** A `palisade stream` child process; its output is kept for a failure's message. */
function startCli(args: string[]): {
  proc: ChildProcess;
  output: () => string;
  exited: () => string | undefined;
} {
  const cli = join(repoRoot(), 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`bench: ${cli} is missing; run npm run build`);
  const proc = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, PALISADE_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-10_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let exit: string | undefined;
  proc.on('exit', (code, signal) => {
    exit = `the stream process exited (${signal ?? `code ${code}`}): ${out.slice(-2_000)}`;
  });
  return { proc, output: () => out, exited: () => exit };
}

async function stopCli(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function groupStable(admin: Admin, groupId: string): Promise<boolean> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  return g !== undefined && g.state === 'Stable' && g.members.length > 0;
}

async function latencyCase(
  plain: Kafka,
  admin: Admin,
  bootstrap: string,
  dir: string,
  options: KafkaOptions,
  children: Set<ChildProcess>,
): Promise<{ rows: ResultRow[]; checks: Check[]; figures: LatencyFigures }> {
  const { latencyRate, latencyMs, drainMs, log } = options;
  const prefix = 'lat.';
  const topic = `${prefix}bro`;
  const topics = outputTopics(prefix);
  await createTopic(admin, topic);
  for (const t of Object.values(topics)) await createTopic(admin, t);
  const config = writeBenchConfig(join(dir, 'lat-config'), { alertPort: ALERT_PORT });
  // The worker's threat intel comes from a lake's threatintel table, as `palisade stream --lake` loads it.
  const intelLake = join(dir, 'lat-intel');
  await fillIntelLake(intelLake, dir, PIPELINE_INDICATORS);

  const group = 'bench-latency';
  const cli = startCli([
    'stream',
    '--bootstrap',
    bootstrap,
    '--config',
    config,
    '--sensors',
    'bro',
    '--topic-prefix',
    prefix,
    '--group',
    group,
    '--lake',
    intelLake,
    '--partitions',
    String(PARTITIONS),
  ]);
  children.add(cli.proc);
  const consumer = plain.consumer({
    groupId: 'bench-latency-alerts',
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  });
  const producer: Producer = plain.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const now = () => performance.timeOrigin + performance.now();
  const latencies: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let otherAlerts = 0;
  try {
    await until(() => groupStable(admin, group), 120_000, 'the stream process joining its group', cli.exited);
    await consumer.connect();
    await consumer.subscribe({ topic: topics.alerts, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const at = now();
        for (const m of batch.messages) {
          const uid = (JSON.parse(m.value?.toString('utf8') ?? '{}') as { uid?: unknown }).uid;
          if (typeof uid !== 'string' || !uid.startsWith('L')) {
            otherAlerts++;
            continue;
          }
          if (seen.has(uid)) {
            duplicates++;
            continue;
          }
          seen.add(uid);
          latencies.push(at - Number(uid.slice(1).split('-')[0]));
        }
      },
    });
    await until(() => groupStable(admin, 'bench-latency-alerts'), 60_000, 'the alerts consumer joining');
    await producer.connect();
    // Prime the worker: its first transactions start a producer per partition (and, on a fresh
    // broker, the transaction coordinator), which is start-up, not latency.
    const gen = connLines({ seed: 9009 });
    const priming = Array.from({ length: PRIMING_LINES }, () => ({ value: gen.next().line }));
    await producer.send({ topic, messages: priming, acks: -1 });
    await until(
      async () => (await committed(admin, group, topic)) >= PRIMING_LINES,
      120_000,
      'the stream process committing its first lines',
      cli.exited,
    );

    log(
      `case 9: ${latencyRate.toLocaleString('en-US')} events/s for ${LATENCY_WARM_UP_MS / 1000} s (warm-up) + ${latencyMs / 1000} s …`,
    );
    const perMs = latencyRate / 1000;
    let sent = 0;
    let measuredSent = 0;
    let alertsSent = 0;
    let serial = 0;
    const start = now();
    const measureFrom = start + LATENCY_WARM_UP_MS;
    const end = measureFrom + latencyMs;
    let measuredEnd = measureFrom;
    for (let tick = 1; ; tick++) {
      const wait = start + tick * TICK_MS - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t = now();
      if (t >= end) break;
      // Everything due by now: a slow send is caught up on the next tick, so the rate holds.
      const due = Math.floor((t - start) * perMs) - sent;
      if (due <= 0) continue;
      const measured = t >= measureFrom;
      const messages: Message[] = [];
      for (let k = 0; k < due; k++) {
        const alert = (sent + k) % ALERT_EVERY === ALERT_EVERY - 1;
        if (alert && measured) alertsSent++;
        // Warm-up alerts are marked W and not counted; measured ones carry their send time.
        const uid = alert ? `${measured ? 'L' : 'W'}${t.toFixed(1)}-${serial++}` : undefined;
        const { line } = gen.next(alert ? { uid, dstPort: ALERT_PORT } : {});
        messages.push({ value: line });
      }
      for (let i = 0; i < messages.length; i += PRODUCE_CHUNK)
        await producer.send({ topic, messages: messages.slice(i, i + PRODUCE_CHUNK), acks: -1 });
      sent += due;
      if (measured) {
        measuredSent += due;
        measuredEnd = now();
      }
    }
    const lastSend = now();
    const produced = PRIMING_LINES + sent;
    const lagAtEnd = produced - (await committed(admin, group, topic));
    log(`case 9: ${measuredSent.toLocaleString('en-US')} lines sent; waiting for the stream to catch up …`);
    let catchUpMs = Number.NaN;
    try {
      await until(async () => (await committed(admin, group, topic)) >= produced, drainMs, 'catching up');
      catchUpMs = now() - lastSend;
      await until(async () => seen.size >= alertsSent, 10_000, 'the last alerts arriving');
    } catch (e) {
      // A worker slower than the offered rate is a result, not a failure: its alerts count as late.
      log(`case 9: ${(e as Error).message}`);
    }
    const died = cli.exited();
    if (died !== undefined) throw new Error(`bench: ${died}`);
    const sorted = [...latencies].sort((a, b) => a - b);
    // An alert that never came counts as slower than any that did.
    const missing = alertsSent - sorted.length;
    for (let i = 0; i < missing; i++) sorted.push(Number.POSITIVE_INFINITY);
    const figures: LatencyFigures = {
      rate: latencyRate,
      seconds: latencyMs / 1000,
      sent: measuredSent,
      achievedRate: (measuredSent / (measuredEnd - measureFrom)) * 1000,
      alertsSent,
      alertsReceived: latencies.length,
      duplicates,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      lagAtEnd,
      workerRate: ((sent - lagAtEnd) / (lastSend - start)) * 1000,
      catchUpMs,
      drainMs,
    };
    const caughtUp = Number.isFinite(catchUpMs);
    const checks: Check[] = [
      {
        name: 'latency: alerts arrive once; all of them once the worker has caught up',
        ok: duplicates === 0 && (!caughtUp || missing === 0),
        detail:
          `${latencies.length.toLocaleString('en-US')} of ${alertsSent.toLocaleString('en-US')} arrived, ${duplicates} twice; ` +
          (caughtUp
            ? `the worker caught up ${(catchUpMs / 1000).toFixed(1)} s after the last send`
            : `the worker had not caught up ${(drainMs / 1000).toFixed(0)} s after the last send`) +
          `; ${otherAlerts.toLocaleString('en-US')} threat-intel and warm-up alerts besides`,
      },
    ];
    const ms = (x: number) =>
      Number.isFinite(x) ? `${x.toFixed(0)} ms` : `> ${(drainMs / 1000).toFixed(0)} s`;
    const rows: ResultRow[] = [
      {
        case: `latency at ${latencyRate.toLocaleString('en-US')} events/s`,
        variant: 'palisade stream (child process) → alerts topic',
        medianMs: figures.p50,
        runsMs: [],
        rate: `${rate(measuredSent, measuredEnd - measureFrom, 'events')} sent`,
        ratio: '',
        notes:
          `p50 / p95 / p99 / max ${ms(figures.p50)} / ${ms(figures.p95)} / ${ms(figures.p99)} / ${ms(figures.max)} ` +
          `over ${alertsSent.toLocaleString('en-US')} alerts; lag at the last send ${lagAtEnd.toLocaleString('en-US')} lines`,
      },
    ];
    return { rows, checks, figures };
  } finally {
    await producer.disconnect().catch(() => {});
    await consumer.disconnect().catch(() => {});
    await stopCli(cli.proc);
    children.delete(cli.proc);
  }
}
