import { fork } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadIntel } from '#batch';
import { createTelemetry } from '#core';
import { type LakeWriter, openLakeWriter, readSnapshot } from '#lake';
import {
  IntelStore,
  loadIntelStore,
  loadStages,
  processBatch,
  runFiles,
  type SensorStages,
  type SourceRecord,
} from '#streaming';
import { repoRoot, seededRandom } from './data.js';
import {
  type Check,
  gib,
  jsonParseFloor,
  measure,
  processPeakRss,
  type ResultRow,
  rate,
  ratio,
  watchRss,
} from './report.js';

/**
 * Case 7, the embedded pipeline (`palisade ingest`): Zeek conn lines from a file through
 * `runFiles` — parse, geo and threat-intel enrichment, five triage rules, and the lake's
 * appends to `bro`, `alerts` and `errors` — against UTF-8 decoding + `JSON.parse` of the same
 * line bytes, the floor the parse case uses. Issue 6 asks for ≥ 0.35 of the floor's speed.
 * Two in-memory variants (`processBatch` on a parser-only stages object, and on the full
 * stages) split the time between parsing, enrichment + triage, and file reading + the lake.
 *
 * Case 10, a stream worker's memory with 1,000,000 threat-intel indicators, is measured in a
 * child process of this file (see {@link benchIntelRss}).
 *
 * The line and indicator generators here are shared with the Kafka cases (bench/kafka-bench.ts).
 */

/** Issue 6's bar for the embedded pipeline: events/s ÷ lines/s of decode + JSON.parse. */
export const PIPELINE_TARGET = 0.35;
/** Issue 6's bar for a stream worker's RSS with 1M indicators. */
export const INTEL_RSS_TARGET = 2 ** 30;
/** Indicators in the store of the pipeline and Kafka cases. */
export const PIPELINE_INDICATORS = 100_000;
/** Share of lines whose outside address is a threat-intel indicator (an alert). */
export const THREAT_SHARE = 0.02;
/** The warm-up runs on this share of the lines. */
const WARM_UP_SHARE = 0.1;
/** Records per processBatch call, as `runFiles` cuts them. */
const RECORDS_PER_BATCH = 2_000;
/** Events per Delta commit, `palisade ingest`'s default `--batch-size`. */
const COMMIT_EVERY = 100_000;

// ─── Input: Zeek conn lines and threat-intel indicators ──────────────────────────────────────

const INTERNAL_HOSTS = 4_096;
const EXTERNAL_HOSTS = 5_000;
const THREAT_HOSTS = 500;
const START_S = Date.UTC(2026, 10, 27, 8, 0, 0) / 1000;
const OUTBOUND_PORTS = [443, 443, 443, 443, 443, 443, 80, 80, 80, 53, 22, 3389, 8080, 25, 123] as const;
const INBOUND_PORTS = [22, 3389, 443, 80, 445] as const;
const LATERAL_PORTS = [445, 139, 53, 88, 389] as const;
const SERVICES: Readonly<Record<number, string>> = {
  443: 'ssl',
  80: 'http',
  8080: 'http',
  53: 'dns',
  22: 'ssh',
};
const STATES = [
  ['SF', 'ShADadFf'],
  ['SF', 'ShADadFf'],
  ['SF', 'ShADadfF'],
  ['SF', 'ShAdDaFf'],
  ['SF', 'ShADadFf'],
  ['SF', 'ShADadFf'],
  ['SF', 'ShADaFdf'],
  ['SF', 'ShADadFf'],
  ['S0', 'S'],
  ['S0', 'S'],
  ['REJ', 'Sr'],
  ['RSTO', 'ShADadR'],
] as const;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const internalHost = (i: number) => `10.20.${i >> 7}.${1 + (i & 127)}`;
/** Indicator addresses that occur in the lines: 185.100.0.7, 185.100.1.7, … */
export const threatHost = (i: number) => `185.${100 + (i >> 8)}.${i & 255}.7`;

/** The fields of one conn line that a case may want to set itself. */
export interface ConnOverrides {
  uid?: string;
  dstPort?: number;
}

/** A generator of Zeek conn lines (`{"conn":{…}}`, as Metron's Bro plugin writes them). */
export interface ConnLines {
  /** The next line; `alert` says whether its outside address is a threat-intel indicator. */
  next(overrides?: ConnOverrides): { line: string; alert: boolean };
}

/**
 * Zeek conn lines: 85 % outbound (an internal source, a public destination, so geo finds the
 * destination), 10 % inbound, 5 % between internal hosts; `threatShare` of the outside
 * addresses are threat-intel indicators ({@link threatHost}); ports, states, durations and
 * byte counts vary. The same seed gives the same lines; destination port 4444 never occurs
 * unless asked for.
 */
export function connLines(options: { seed?: number; threatShare?: number } = {}): ConnLines {
  const rand = seededRandom(options.seed ?? 6006);
  const threatShare = options.threatShare ?? THREAT_SHARE;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const external = Array.from({ length: EXTERNAL_HOSTS }, () => {
    // 23–99: public, routed, in the geo database, and apart from every filler indicator.
    const a = 23 + Math.floor(rand() * 77);
    return `${a}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;
  });
  let i = 0;
  return {
    next(overrides = {}) {
      const ts = (START_S + i * 0.001 + rand() * 0.0009).toFixed(6);
      i++;
      let uid = overrides.uid;
      if (uid === undefined) {
        uid = 'C';
        for (let k = 0; k < 17; k++) uid += BASE62[Math.floor(rand() * 62)];
      }
      const threat = rand() < threatShare;
      const outside = threat
        ? threatHost(Math.floor(rand() * THREAT_HOSTS))
        : (external[Math.floor(EXTERNAL_HOSTS * rand() ** 2)] as string);
      const inside = internalHost(Math.floor(INTERNAL_HOSTS * rand() ** 2));
      const direction = rand();
      let src: string;
      let dst: string;
      let dstPort: number;
      let alert = threat;
      if (direction < 0.85) {
        [src, dst, dstPort] = [inside, outside, pick(OUTBOUND_PORTS)];
      } else if (direction < 0.95) {
        [src, dst, dstPort] = [outside, inside, pick(INBOUND_PORTS)];
      } else {
        [src, dst, dstPort] = [
          inside,
          internalHost(Math.floor(rand() * INTERNAL_HOSTS)),
          pick(LATERAL_PORTS),
        ];
        alert = false;
      }
      dstPort = overrides.dstPort ?? dstPort;
      const [state, history] = pick(STATES);
      const proto = dstPort === 53 || dstPort === 123 ? 'udp' : 'tcp';
      const service = SERVICES[dstPort];
      const failed = state === 'S0' || state === 'REJ';
      const origPkts = failed ? 1 + Math.floor(rand() * 3) : 3 + Math.floor(rand() * 200);
      const respPkts = failed ? 0 : 2 + Math.floor(rand() * 300);
      const origBytes = failed ? 0 : Math.floor(Math.exp(rand() * 15));
      const respBytes = failed ? 0 : Math.floor(Math.exp(rand() * 16));
      const line =
        `{"conn":{"ts":${ts},"uid":"${uid}","id.orig_h":"${src}","id.orig_p":${1024 + Math.floor(rand() * 64_000)},` +
        `"id.resp_h":"${dst}","id.resp_p":${dstPort},"proto":"${proto}",${service ? `"service":"${service}",` : ''}` +
        `"duration":${(rand() * 120).toFixed(6)},"orig_bytes":${origBytes},"resp_bytes":${respBytes},` +
        `"conn_state":"${state}","local_orig":${src === inside},"local_resp":${dst !== outside},` +
        `"missed_bytes":0,"history":"${history}","orig_pkts":${origPkts},"orig_ip_bytes":${origBytes + origPkts * 40},` +
        `"resp_pkts":${respPkts},"resp_ip_bytes":${respBytes + respPkts * 40}}}`;
      return { line, alert };
    },
  };
}

/** `count` conn lines of {@link connLines}, and how many of them are threat-intel alerts. */
export function connLineSet(count: number, seed?: number): { lines: string[]; alerts: number } {
  const gen = connLines(seed === undefined ? {} : { seed });
  const lines: string[] = [];
  let alerts = 0;
  for (let i = 0; i < count; i++) {
    const { line, alert } = gen.next();
    lines.push(line);
    if (alert) alerts++;
  }
  return { lines, alerts };
}

/** The indicator mix of a store of `count`: how many of each kind. */
export function indicatorMix(count: number): { ips: number; cidrs: number; domains: number; hashes: number } {
  const cidrs = Math.floor(count * 0.03);
  const domains = Math.floor(count * 0.04);
  const hashes = Math.floor(count * 0.03);
  return { ips: count - cidrs - domains - hashes, cidrs, domains, hashes };
}

/**
 * `count` distinct indicators: the {@link threatHost} addresses (so lines hit), other IPv4
 * addresses (100.0.0.0 upwards, which no line uses), /24 blocks in 110.0.0.0–125.255.255.0,
 * domains and SHA-256-shaped hashes, in the shares of {@link indicatorMix}. Addresses and blocks
 * are `malicious_ip` (the type the bro config looks up), domains `malicious_domain`, hashes
 * `malicious_hash`.
 */
export function eachIndicator(count: number, emit: (type: string, indicator: string) => void): void {
  const mix = indicatorMix(count);
  for (let i = 0; i < mix.ips; i++) {
    if (i < THREAT_HOSTS) emit('malicious_ip', threatHost(i));
    else {
      const n = 0x64000000 + i * 37;
      emit('malicious_ip', `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`);
    }
  }
  for (let i = 0; i < mix.cidrs; i++)
    emit('malicious_ip', `${110 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`);
  for (let i = 0; i < mix.domains; i++) emit('malicious_domain', `n${i.toString(36)}.c2-${i % 997}.net`);
  for (let i = 0; i < mix.hashes; i++) {
    // The index makes each distinct; the rest only looks like a hash.
    let hash = i.toString(16).padStart(8, '0');
    for (let k = 1; k < 8; k++)
      hash += (Math.imul(i * 8 + k, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
    emit('malicious_hash', hash);
  }
}

/** An IntelStore holding {@link eachIndicator}'s `count` indicators, frozen. */
export function buildIntelStore(count: number): IntelStore {
  const store = new IntelStore();
  eachIndicator(count, (type, indicator) => store.add(type, indicator));
  return store.freeze();
}

/**
 * A lake whose `threatintel` table holds {@link eachIndicator}'s `count` indicators, loaded as
 * `palisade batch intel load` does: one CSV file per type in `scratch`, `loadIntel` for each.
 * Returns the ms the loads took (writing the CSV files aside).
 */
export async function fillIntelLake(lake: string, scratch: string, count: number): Promise<number> {
  const byType = new Map<string, string[]>();
  eachIndicator(count, (type, indicator) => {
    const list = byType.get(type);
    if (list === undefined) byType.set(type, [indicator]);
    else list.push(indicator);
  });
  const csvs: { type: string; file: string }[] = [];
  for (const [type, list] of byType) {
    const file = join(scratch, `${type}.csv`);
    await writeFile(file, `${list.join('\n')}\n`);
    csvs.push({ type, file });
  }
  byType.clear();
  const started = performance.now();
  for (const { type, file } of csvs) await loadIntel({ lake, files: [file], type });
  return performance.now() - started;
}

/** The five triage rules of the bench's bro config. */
export const TRIAGE_RULES = [
  { name: 'remote admin', rule: 'ip_dst_port in [22, 23, 3389, 5900]', score: 70 },
  {
    name: 'outbound',
    rule: "IN_SUBNET(ip_src_addr, '10.0.0.0/8', '192.168.0.0/16') and not(IN_SUBNET(ip_dst_addr, '10.0.0.0/8', '192.168.0.0/16'))",
    score: 20,
  },
  {
    name: 'large upload',
    rule: 'orig_bytes > 1000000',
    score: 60,
    reason: "FORMAT('sent %d bytes', orig_bytes)",
  },
  { name: 'failed connection', rule: "conn_state in ['S0', 'REJ']", score: 10 },
  {
    name: 'watched country',
    rule: "enrichments.geo.ip_dst_addr.country in ['RU', 'CN', 'KP', 'IR']",
    score: 40,
  },
];

/**
 * A config folder for the bench: the shipped configs, with `enrichments/bro.json` doing geo
 * on both addresses, threat intel (`malicious_ip`) on both, the five {@link TRIAGE_RULES}, and,
 * when `alertPort` is given, a Stellar `is_alert := ip_dst_port == alertPort`.
 */
export function writeBenchConfig(dir: string, options: { alertPort?: number } = {}): string {
  cpSync(join(repoRoot(), 'config'), dir, { recursive: true });
  mkdirSync(join(dir, 'enrichments'), { recursive: true });
  const enrichment: Record<string, unknown> = { geo: ['ip_dst_addr', 'ip_src_addr'] };
  if (options.alertPort !== undefined)
    enrichment.stellar = { config: { is_alert: `ip_dst_port == ${options.alertPort}` } };
  writeFileSync(
    join(dir, 'enrichments', 'bro.json'),
    `${JSON.stringify(
      {
        enrichment: { fieldMap: enrichment },
        threatIntel: {
          fieldMap: { hbaseThreatIntel: ['ip_src_addr', 'ip_dst_addr'] },
          fieldToTypeMap: { ip_src_addr: ['malicious_ip'], ip_dst_addr: ['malicious_ip'] },
          triageConfig: { riskLevelRules: TRIAGE_RULES, aggregator: 'MAX' },
        },
      },
      null,
      2,
    )}\n`,
  );
  return dir;
}

/** Rows of a lake table by its Delta log's file statistics (0 when the table does not exist). */
export async function deltaRows(lake: string, table: string): Promise<number> {
  const snapshot = await readSnapshot(join(lake, table));
  if (snapshot === undefined) return 0;
  let rows = 0;
  for (const add of snapshot.files.values())
    rows += add.stats ? ((JSON.parse(add.stats) as { numRecords?: number }).numRecords ?? 0) : 0;
  return rows;
}

// ─── Case 7: the embedded pipeline ───────────────────────────────────────────────────────────

export interface PipelineFigures {
  lines: number;
  bytes: number;
  alerts: number;
  indicators: number;
  /** decode + JSON.parse of the line bytes (the floor). */
  floorMs: number;
  /** processBatch with the parser alone. */
  parseMs: number;
  /** processBatch with enrichment and triage. */
  enrichMs: number;
  /** runFiles: read the file, the stages, the lake. */
  oursMs: number;
  commits: number;
  lakeBytes: number;
  /** Peak RSS of the process over runFiles' runs (reset after a GC at their start). */
  peakRss: number;
}

/** Run case 7 on `count` lines in `work`. */
export async function benchPipeline(
  count: number,
  runs: number,
  work: string,
): Promise<{ rows: ResultRow[]; checks: Check[]; figures: PipelineFigures }> {
  const dir = join(work, 'pipeline');
  await mkdir(dir, { recursive: true });
  const { lines, alerts } = connLineSet(count);
  const warmCount = Math.max(1, Math.floor(count * WARM_UP_SHARE));
  const file = join(dir, 'conn.log');
  const warmFile = join(dir, 'conn-warm.log');
  await writeFile(file, `${lines.join('\n')}\n`);
  await writeFile(warmFile, `${lines.slice(0, warmCount).join('\n')}\n`);
  // Fresh Buffers per line, as a source hands them over; the records are what runFiles makes.
  const buffers = lines.map((l) => Buffer.from(l));
  const bytes = buffers.reduce((n, b) => n + b.length + 1, 0);
  const records: SourceRecord[] = buffers.map((b, i) => ({ bytes: b, file, line: i + 1 }));
  lines.length = 0;

  const intel = buildIntelStore(PIPELINE_INDICATORS);
  const config = writeBenchConfig(join(dir, 'config'));
  const stages = loadStages(config, 'bro', { sources: { intel } });
  const parseOnly: SensorStages = { sensor: stages.sensor, parser: stages.parser };
  const telemetry = createTelemetry();
  const warm = <T>(run: number, all: readonly T[]) => (run < 0 ? all.slice(0, warmCount) : all);

  const floor = await measure({ runs, run: (i) => jsonParseFloor(warm(i, buffers)) });
  const inBatches = async (s: SensorStages, run: number) => {
    const input = warm(run, records);
    const totals = { events: 0, alerts: 0, errors: 0, geo: 0 };
    for (let at = 0; at < input.length; at += RECORDS_PER_BATCH) {
      const out = await processBatch(s, input.slice(at, at + RECORDS_PER_BATCH), { telemetry });
      totals.events += out.events.length;
      totals.alerts += out.alerts.length;
      totals.errors += out.errors.length;
      for (const e of out.events) if (e['enrichments.geo.ip_dst_addr.country'] !== undefined) totals.geo++;
    }
    return totals;
  };
  const parse = await measure({ runs, run: (i) => inBatches(parseOnly, i) });
  const enrich = await measure({ runs, run: (i) => inBatches(stages, i) });

  let lake: LakeWriter | undefined;
  const lakeDir = (run: number) => join(dir, `lake-${run + 1}`);
  const rss = watchRss();
  const ours = await measure({
    runs,
    before: async (i) => {
      lake = await openLakeWriter(lakeDir(i));
    },
    run: (i) =>
      runFiles([i < 0 ? warmFile : file], {
        stages,
        lake: lake as LakeWriter,
        batchSize: COMMIT_EVERY,
        telemetry,
      }),
    after: async (i) => {
      lake?.close();
      // The last run's lake is kept for the checks.
      if (i < runs - 1) await rm(lakeDir(i), { recursive: true, force: true });
    },
  });
  const peakRss = rss.stop();
  const last = lakeDir(runs - 1);
  const landed = {
    bro: await deltaRows(last, 'bro'),
    alerts: await deltaRows(last, 'alerts'),
    errors: await deltaRows(last, 'errors'),
  };
  const lakeBytes = await tableBytes(last, ['bro', 'alerts', 'errors']);
  await rm(dir, { recursive: true, force: true });

  const summary = ours.values[ours.values.length - 1];
  const e = enrich.values[enrich.values.length - 1];
  const n = count.toLocaleString('en-US');
  const checks: Check[] = [
    {
      name: 'pipeline: JSON.parse reads every line',
      ok: floor.values.every((v) => v === count),
      detail: `${Math.min(...floor.values).toLocaleString('en-US')} of ${n}`,
    },
    {
      name: 'pipeline: every line lands in bro, threat-intel hits in alerts, none in errors',
      ok: landed.bro === count && landed.alerts === alerts && landed.errors === 0,
      detail:
        `lake of the last run: bro ${landed.bro.toLocaleString('en-US')}, alerts ${landed.alerts.toLocaleString('en-US')} ` +
        `(expected ${alerts.toLocaleString('en-US')}), errors ${landed.errors}`,
    },
    {
      name: 'pipeline: runFiles counts agree with the in-memory stages',
      ok:
        summary !== undefined &&
        e !== undefined &&
        summary.events === e.events &&
        summary.alerts === e.alerts &&
        e.alerts === alerts &&
        e.geo > 0,
      detail:
        `runFiles ${summary?.events} events / ${summary?.alerts} alerts; processBatch ${e?.events} / ${e?.alerts}; ` +
        `geo country on ${e?.geo.toLocaleString('en-US')} events`,
    },
  ];
  const label = `pipeline, ${n} Zeek conn lines`;
  const figures: PipelineFigures = {
    lines: count,
    bytes,
    alerts,
    indicators: PIPELINE_INDICATORS,
    floorMs: floor.median,
    parseMs: parse.median,
    enrichMs: enrich.median,
    oursMs: ours.median,
    commits: summary?.commits.length ?? 0,
    lakeBytes,
    peakRss,
  };
  const rows: ResultRow[] = [
    {
      case: label,
      variant: 'baseline: UTF-8 decode + JSON.parse of the same lines',
      medianMs: floor.median,
      runsMs: floor.runs,
      rate: `${rate(count, floor.median, 'lines')}, ${rate(bytes / 1e6, floor.median, 'MB')}`,
      ratio: '1.00x (baseline)',
      notes: 'in-memory Buffers',
    },
    {
      case: label,
      variant: 'processBatch, parser only',
      medianMs: parse.median,
      runsMs: parse.runs,
      rate: rate(count, parse.median, 'events'),
      ratio: ratio(parse.median, floor.median),
      notes: `in-memory records, ${RECORDS_PER_BATCH.toLocaleString('en-US')} a batch`,
    },
    {
      case: label,
      variant: 'processBatch, parse + enrich + triage',
      medianMs: enrich.median,
      runsMs: enrich.runs,
      rate: rate(count, enrich.median, 'events'),
      ratio: ratio(enrich.median, floor.median),
      notes: `geo ×2, intel ×2 (${PIPELINE_INDICATORS.toLocaleString('en-US')} indicators), 5 rules; ${alerts.toLocaleString('en-US')} alerts`,
    },
    {
      case: label,
      variant: 'ours: runFiles (file → stages → lake)',
      medianMs: ours.median,
      runsMs: ours.runs,
      rate: `${rate(count, ours.median, 'events')}, ${rate(bytes / 1e6, ours.median, 'MB')}`,
      ratio: ratio(ours.median, floor.median),
      notes: `${figures.commits} commits, ${(lakeBytes / 1e6).toFixed(1)} MB of Parquet; peak RSS ${gib(peakRss)}`,
    },
  ];
  return { rows, checks, figures };
}

/** Bytes of the Parquet files of some tables, from their Delta logs. */
async function tableBytes(lake: string, tables: readonly string[]): Promise<number> {
  let bytes = 0;
  for (const table of tables) {
    const snapshot = await readSnapshot(join(lake, table));
    for (const add of snapshot?.files.values() ?? []) bytes += add.size;
  }
  return bytes;
}

// ─── Case 10: a worker's RSS with a million indicators ──────────────────────────────────────

/** How the child fills its store: from generated indicators, or `loadIntelStore` on a lake. */
type IntelSource = 'generated' | 'lake';

const CHILD_FLAG = '--intel-rss-child';
/** Events the child runs through the stages once the store is built. */
const RSS_EVENTS = 50_000;

/** What the child reports. RSS figures in bytes, after a full GC. */
export interface IntelRssChild {
  source: IntelSource;
  indicators: number;
  sizes: Record<string, number>;
  /** Before the store (modules loaded). */
  rssStart: number;
  heapStart: number;
  /** With the store built (and, for `lake`, DuckDB closed). */
  rssIntel: number;
  heapIntel: number;
  /** Peak while building the store. */
  hwmIntel: number;
  buildMs: number;
  /** With the stages built (the geo database read) and events run through. */
  rssEnd: number;
  hwmEnd: number;
  events: number;
  alerts: number;
  expectedAlerts: number;
}

export interface IntelRssFigures {
  indicators: number;
  generated: IntelRssChild;
  lake?: IntelRssChild;
  /** `loadIntel` of the CSVs into the `threatintel` table (parent process). */
  fillMs?: number;
}

/**
 * Run case 10: a child process builds an IntelStore of `count` indicators, loads the stages
 * with it and runs events through, reporting its own RSS at each step and its peak (VmHWM).
 * With `fromLake`, the same indicators are also written to a lake's `threatintel` table with
 * `loadIntel` (from CSV files, one per type) and a second child fills its store with
 * `loadIntelStore`, as `palisade stream --lake` does.
 */
export async function benchIntelRss(
  count: number,
  work: string,
  fromLake: boolean,
): Promise<{ rows: ResultRow[]; checks: Check[]; figures: IntelRssFigures }> {
  const dir = join(work, 'intel-rss');
  await mkdir(dir, { recursive: true });
  try {
    const config = writeBenchConfig(join(dir, 'config'));
    const generated = await runChild(['generated', String(count), config]);
    const figures: IntelRssFigures = { indicators: count, generated };
    if (fromLake) {
      const lake = join(dir, 'lake');
      figures.fillMs = await fillIntelLake(lake, dir, count);
      figures.lake = await runChild(['lake', String(count), config, lake]);
    }
    return { ...intelRssReport(figures), figures };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function intelRssReport(f: IntelRssFigures): { rows: ResultRow[]; checks: Check[] } {
  const mix = indicatorMix(f.indicators);
  const n = f.indicators.toLocaleString('en-US');
  const rows: ResultRow[] = [];
  const checks: Check[] = [];
  for (const c of [f.generated, f.lake]) {
    if (c === undefined) continue;
    const total = Object.values(c.sizes).reduce((a, b) => a + b, 0);
    checks.push({
      name: `intel RSS (${c.source}): the store holds every indicator and the lines' hits alert`,
      ok:
        total === f.indicators &&
        c.sizes.malicious_ip === mix.ips + mix.cidrs &&
        c.alerts === c.expectedAlerts &&
        c.events === RSS_EVENTS,
      detail:
        `${Object.entries(c.sizes)
          .map(([t, k]) => `${t} ${k.toLocaleString('en-US')}`)
          .join(
            ', ',
          )}; ${c.alerts.toLocaleString('en-US')} alerts of ${c.expectedAlerts.toLocaleString('en-US')} expected ` +
        `in ${c.events.toLocaleString('en-US')} events`,
    });
    rows.push({
      case: `worker RSS, ${n} indicators`,
      variant:
        c.source === 'generated'
          ? 'child: IntelStore.add × N, stages, events'
          : 'child: loadIntelStore(lake), stages, events',
      medianMs: c.buildMs,
      runsMs: [c.buildMs],
      rate: rate(f.indicators, c.buildMs, 'indicators'),
      ratio: '',
      notes:
        `VmHWM ${gib(c.hwmEnd)} (target < ${gib(INTEL_RSS_TARGET)}); RSS ${gib(c.rssStart)} → ${gib(c.rssIntel)} with ` +
        `the store (heap +${((c.heapIntel - c.heapStart) / 2 ** 20).toFixed(0)} MiB) → ${gib(c.rssEnd)} after stages + ` +
        `${RSS_EVENTS.toLocaleString('en-US')} events`,
    });
  }
  return { rows, checks };
}

/** Fork this file as the case-10 child and wait for its report. */
function runChild(args: string[]): Promise<IntelRssChild> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, ...args], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let report: IntelRssChild | undefined;
    child.on('message', (m) => {
      report = m as IntelRssChild;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (report !== undefined && code === 0) resolve(report);
      else reject(new Error(`bench: the intel RSS child exited with ${signal ?? `code ${code}`}`));
    });
  });
}

/** The child's side of case 10; the process is the measurement, so it does nothing else. */
async function intelRssChild(source: IntelSource, count: number, config: string, lake?: string) {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const settle = () => {
    gc();
    return { rss: process.memoryUsage.rss(), heap: process.memoryUsage().heapUsed };
  };
  const start = settle();
  const started = performance.now();
  const intel = source === 'lake' && lake !== undefined ? await loadIntelStore(lake) : buildIntelStore(count);
  const buildMs = performance.now() - started;
  const hwmIntel = processPeakRss();
  const withIntel = settle();
  const stages = loadStages(config, 'bro', { sources: { intel } });
  const gen = connLines();
  let events = 0;
  let alerts = 0;
  let expectedAlerts = 0;
  for (let done = 0; done < RSS_EVENTS; done += RECORDS_PER_BATCH) {
    const records: SourceRecord[] = [];
    for (let k = 0; k < RECORDS_PER_BATCH && done + k < RSS_EVENTS; k++) {
      const { line, alert } = gen.next();
      if (alert) expectedAlerts++;
      records.push({ bytes: Buffer.from(line) });
    }
    const out = await processBatch(stages, records);
    events += out.events.length;
    alerts += out.alerts.length;
  }
  const end = settle();
  const report: IntelRssChild = {
    source,
    indicators: count,
    sizes: intel.sizes(),
    rssStart: start.rss,
    heapStart: start.heap,
    rssIntel: withIntel.rss,
    heapIntel: withIntel.heap,
    hwmIntel,
    buildMs,
    rssEnd: end.rss,
    hwmEnd: processPeakRss(),
    events,
    alerts,
    expectedAlerts,
  };
  process.send?.(report, () => process.disconnect());
}

if (process.argv[2] === CHILD_FLAG && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [, , , source, count, config, lake] = process.argv;
  await intelRssChild(source as IntelSource, Number(count), config as string, lake);
}
