import type { Event, ProfilerConfig } from '#core';
import { type FunctionRegistry, type Measurement, type ProfileFailure, Profiler } from '#stellar';

/**
 * The streaming profiler's bookkeeping around the shared {@link Profiler}: event-time periods
 * with a bounded lateness, a watermark per input partition, and the Kafka offsets that are safe
 * to commit because everything before them is either flushed to the lake or never needed.
 *
 * - A message's period is floor(time / period). A period is flushed once the watermark — the
 *   slowest busy partition's latest event time, less the allowed lateness — passes its end.
 *   Partitions that are caught up (nothing left to read) do not hold the watermark back.
 * - A message for a period already flushed is late: counted and left out (it is still in the
 *   lake; `palisade batch profile` over that window takes it in).
 * - Flushes are numbered by the last period they close; the lake records that number with the
 *   rows (a Delta txn), so after a crash periods up to it are skipped, and the messages of the
 *   periods still open are read again from the offsets committed here.
 */

export interface StreamProfilerOptions {
  config: ProfilerConfig;
  periodMs: number;
  /** How far behind the watermark a message may arrive and still count (ms). */
  latenessMs: number;
  /** The last period id already in the lake (-1: none). */
  flushedThrough: number;
  functions?: FunctionRegistry;
  globals?: Readonly<Record<string, unknown>>;
}

export type Offer = 'applied' | 'late' | 'skipped';

interface PartitionState {
  /** Latest event time seen (ms). */
  maxTime: number;
  /** Next offset to read, once a message was seen. */
  next: number;
  /** Whether the partition has nothing more to read right now. */
  caughtUp: boolean;
  /** Open period → the first offset of this partition that went into it. */
  firstOffset: Map<number, number>;
}

export interface Flush {
  measurements: Measurement[];
  failures: ProfileFailure[];
  /** The last period id this flush closes: the lake's txn version. */
  through: number;
}

export class StreamProfiler {
  readonly profiler: Profiler;
  readonly periodMs: number;
  readonly latenessMs: number;
  private flushed: number;
  private readonly partitions = new Map<string, PartitionState>();
  /** Messages left out because their period was already flushed. */
  late = 0;
  failures = 0;

  constructor(options: StreamProfilerOptions) {
    this.profiler = new Profiler(options.config, {
      periodMs: options.periodMs,
      ...(options.functions ? { functions: options.functions } : {}),
      ...(options.globals ? { globals: options.globals } : {}),
    });
    this.periodMs = options.periodMs;
    this.latenessMs = options.latenessMs;
    this.flushed = options.flushedThrough;
  }

  /** The last period id flushed. */
  get flushedThrough(): number {
    return this.flushed;
  }

  /**
   * Take one message from `partition` (a topic-partition name) at `offset`, with its event
   * time; failures of the profiles' expressions are returned.
   */
  offer(
    event: Event,
    time: number,
    partition: string,
    offset: number,
  ): { offer: Offer; failures: readonly ProfileFailure[] } {
    const state = this.partition(partition);
    state.next = Math.max(state.next, offset + 1);
    if (time > state.maxTime) state.maxTime = time;
    const period = Math.floor(time / this.periodMs);
    if (period <= this.flushed) {
      this.late++;
      return { offer: 'late', failures: [] };
    }
    const failures = this.profiler.apply(event, time);
    this.failures += failures.length;
    if (!state.firstOffset.has(period)) state.firstOffset.set(period, offset);
    return { offer: 'applied', failures };
  }

  /** Say whether `partition` has read all there is for now (its lag is 0). */
  caughtUp(partition: string, caughtUp: boolean): void {
    this.partition(partition).caughtUp = caughtUp;
  }

  /** Whether every partition seen has read all there is. */
  idle(): boolean {
    for (const p of this.partitions.values()) if (!p.caughtUp) return false;
    return true;
  }

  /** A partition is no longer this worker's: its watermark stops counting. */
  forget(partition: string): void {
    this.partitions.delete(partition);
  }

  /** The event-time watermark (ms): periods ending at or before it may be flushed. */
  watermark(): number {
    let busy = Number.POSITIVE_INFINITY;
    let any = Number.NEGATIVE_INFINITY;
    for (const p of this.partitions.values()) {
      if (p.maxTime > any) any = p.maxTime;
      if (!p.caughtUp && p.maxTime < busy) busy = p.maxTime;
    }
    const base = busy === Number.POSITIVE_INFINITY ? any : busy;
    return base - this.latenessMs;
  }

  /**
   * Flush every open period that ends at or before `before` (default: the watermark). Returns
   * undefined when none is due.
   */
  flush(before = this.watermark()): Flush | undefined {
    const due = this.profiler.openPeriods().filter((p) => (p + 1) * this.periodMs <= before);
    if (due.length === 0) return undefined;
    const through = due[due.length - 1] as number;
    const { measurements, failures } = this.profiler.flush((through + 1) * this.periodMs);
    this.failures += failures.length;
    this.flushed = Math.max(this.flushed, through);
    for (const p of this.partitions.values()) for (const period of due) p.firstOffset.delete(period);
    return { measurements, failures, through };
  }

  /**
   * Offsets safe to commit, by partition: the first offset feeding a period still open, or the
   * next offset to read when none does.
   */
  safeOffsets(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, p] of this.partitions) {
      if (p.next < 0) continue;
      let safe = p.next;
      for (const offset of p.firstOffset.values()) if (offset < safe) safe = offset;
      out.set(name, safe);
    }
    return out;
  }

  /** Profiles × entities × periods held in memory. */
  get tracked(): number {
    return this.profiler.size;
  }

  private partition(name: string): PartitionState {
    let p = this.partitions.get(name);
    if (!p) {
      p = { maxTime: Number.NEGATIVE_INFINITY, next: -1, caughtUp: false, firstOffset: new Map() };
      this.partitions.set(name, p);
    }
    return p;
  }
}
