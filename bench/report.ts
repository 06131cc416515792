import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DuckDBInstance } from '@duckdb/node-api';

/** Timing, medians, the results table and the machine description. */

/** One timed case: each timed run's wall-clock ms and what it returned. */
export interface Timing<T> {
  runs: number[];
  median: number;
  values: T[];
}

export interface MeasureOptions<T> {
  /** Timed runs after the warm-up. */
  runs: number;
  /** Untimed work before each run (warm-up included), e.g. removing the previous output. */
  before?: (run: number) => Promise<void> | void;
  /** The timed span. Run -1 is the warm-up, whose time and value are dropped. */
  run: (run: number) => Promise<T> | T;
  /** Untimed work after each run, e.g. closing what `before` opened. */
  after?: (run: number) => Promise<void> | void;
}

/**
 * Time two variants in turns (a, b, a, b, …) after one warm-up each, so a busy neighbour or a
 * growing heap weighs on both alike: the fair way to compare a pipeline with and without a stage.
 */
export async function measurePair<A, B>(
  runs: number,
  a: () => Promise<A> | A,
  b: () => Promise<B> | B,
): Promise<[Timing<A>, Timing<B>]> {
  const timings: [Timing<A>, Timing<B>] = [
    { runs: [], median: 0, values: [] },
    { runs: [], median: 0, values: [] },
  ];
  const time = async <T>(run: () => Promise<T> | T, into: Timing<T>, keep: boolean) => {
    const start = performance.now();
    const value = await run();
    if (keep) {
      into.runs.push(performance.now() - start);
      into.values.push(value);
    }
  };
  for (let i = -1; i < runs; i++) {
    await time(a, timings[0], i >= 0);
    await time(b, timings[1], i >= 0);
  }
  for (const t of timings) t.median = median(t.runs);
  return timings;
}

/** Warm up once, then time `runs` runs; the median is the figure reported. */
export async function measure<T>(options: MeasureOptions<T>): Promise<Timing<T>> {
  const runs: number[] = [];
  const values: T[] = [];
  for (let i = -1; i < options.runs; i++) {
    await options.before?.(i);
    const start = performance.now();
    const value = await options.run(i);
    const ms = performance.now() - start;
    await options.after?.(i);
    if (i >= 0) {
      runs.push(ms);
      values.push(value);
    }
  }
  return { runs, median: median(runs), values };
}

/**
 * The floor for reading JSON lines in JavaScript: UTF-8 decoding + `JSON.parse` of each
 * line's bytes. Returns how many lines gave a value.
 */
export function jsonParseFloor(lines: readonly Buffer[]): number {
  let n = 0;
  for (const l of lines) n += JSON.parse(l.toString('utf8')) === null ? 0 : 1;
  return n;
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** A row of the results table. */
export interface ResultRow {
  case: string;
  variant: string;
  medianMs: number;
  runsMs: readonly number[];
  /** Throughput, already formatted (`812k rows/s`). */
  rate: string;
  /** Extra figures: file size, phase split. */
  notes: string;
  /** Ratio of this row's time to the baseline's, formatted (`1.84x`), or '' for none. */
  ratio: string;
}

/** A correctness check; any failed check makes the suite exit 1. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Time per item (`ms` over `count`) as a rate with a unit. */
export function rate(count: number, ms: number, unit: string): string {
  const perSecond = (count / ms) * 1000;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M ${unit}/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k ${unit}/s`;
  return `${perSecond.toFixed(1)} ${unit}/s`;
}

/** `ours / baseline` time ratio: above 1 means ours is slower by that factor. */
export function ratio(ours: number, baseline: number): string {
  return `${(ours / baseline).toFixed(2)}x`;
}

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Bytes as GiB, for memory. */
export const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** Linux's peak resident set of this process (`VmHWM`), in bytes; undefined elsewhere. */
function highWaterMark(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The largest peak seen before a {@link watchRss} reset the kernel's, so the suite's peak survives. */
let earlierPeak = 0;

/** Peak RSS of the whole process so far, in bytes, across the resets {@link watchRss} makes. */
export function processPeakRss(): number {
  return Math.max(earlierPeak, highWaterMark() ?? process.resourceUsage().maxRSS * 1024);
}

/** A full garbage collection, so a case does not start amid the previous one's garbage. */
function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as (() => void) | undefined)?.();
  } catch {
    // Without it the figures still hold; the start RSS is just higher.
  }
}

/**
 * Watch the peak RSS (Node heap, DuckDB and everything else in the process) over a span,
 * after a full garbage collection. On Linux the kernel's high-water mark is reset at the start
 * (`5` to /proc/self/clear_refs, which sets it to the current RSS) and read at the end, which
 * catches peaks inside synchronous work and native calls; elsewhere, or if the reset is refused,
 * `process.memoryUsage.rss()` is sampled every 50 ms.
 */
export function watchRss(): { startBytes: number; method: string; stop(): number } {
  earlierPeak = processPeakRss();
  collectGarbage();
  let reset = false;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    reset = highWaterMark() !== undefined;
  } catch {
    reset = false;
  }
  const startBytes = process.memoryUsage.rss();
  let sampled = startBytes;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage.rss());
  }, 50);
  timer.unref();
  return {
    startBytes,
    method: reset ? 'VmHWM after a clear_refs reset' : 'rss sampled every 50 ms',
    stop() {
      clearInterval(timer);
      return Math.max(sampled, process.memoryUsage.rss(), (reset && highWaterMark()) || 0);
    },
  };
}

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

/** A Markdown table, padded so it also reads well on a terminal. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The results as a table: one line per measured variant. */
export function resultsTable(rows: readonly ResultRow[]): string {
  return markdownTable(
    ['case', 'variant', 'median ms', 'runs ms', 'throughput', 'ratio vs baseline', 'notes'],
    rows.map((r) => [
      r.case,
      r.variant,
      fmtMs(r.medianMs),
      r.runsMs.map(fmtMs).join(' / '),
      r.rate,
      r.ratio,
      r.notes,
    ]),
  );
}

/** What the figures were measured on. */
export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
  duckdb: string;
}

/** Describe this machine; DuckDB's version comes from `SELECT version()`. */
export async function describeMachine(): Promise<Machine> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  let duckdb = 'unknown';
  try {
    const reader = await connection.runAndReadAll('SELECT version() AS v');
    duckdb = String(reader.getRowObjects()[0]?.v ?? 'unknown');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const list = cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${list[0]?.model ?? 'unknown'}${list[0]?.speed ? ` (${list[0].speed} MHz)` : ''}`,
    cores: list.length,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${platform()} ${release()}`,
    node: process.version,
    duckdb,
  };
}

/** The machine as Markdown list lines. */
export function machineLines(m: Machine): string[] {
  return [
    `- Date: ${m.date}`,
    `- CPU: ${m.cpu}, ${m.cores} logical cores (\`os.cpus()\`)`,
    `- Memory: ${m.memory} (\`os.totalmem()\`)`,
    `- OS: ${m.os}`,
    `- Node: ${m.node}`,
    `- DuckDB: ${m.duckdb} (\`SELECT version()\`, @duckdb/node-api)`,
  ];
}
