import type { Event, Logger, Telemetry } from '#core';
import type { AppendResult, LakeWriter } from '#lake';

/** The errors table's name. */
export const ERRORS_TABLE = 'errors';
/** The alerts table's name. */
export const ALERTS_TABLE = 'alerts';

/**
 * Buffers events per table and appends them to the lake in batches: one Delta commit per
 * table per flush. Events are durable once {@link flush} resolves.
 */
export class LakeSink {
  private readonly buffers = new Map<string, Event[]>();
  private buffered = 0;
  readonly commits: AppendResult[] = [];

  constructor(
    private readonly lake: LakeWriter,
    private readonly batchSize: number,
    private readonly telemetry?: Telemetry,
    private readonly log?: Logger,
  ) {}

  /** Queue events for `table`; flushes when the batch is full. */
  async writeAll(table: string, events: readonly Event[]): Promise<void> {
    let at = 0;
    while (at < events.length) {
      let buffer = this.buffers.get(table);
      if (!buffer) {
        buffer = [];
        this.buffers.set(table, buffer);
      }
      // Up to the batch size, so a commit never holds more than batchSize events.
      const take = Math.min(events.length - at, this.batchSize - this.buffered);
      for (let i = at; i < at + take; i++) buffer.push(events[i] as Event);
      at += take;
      this.buffered += take;
      if (this.buffered >= this.batchSize) await this.flush();
    }
  }

  /** Append everything buffered. */
  async flush(): Promise<void> {
    for (const [table, events] of this.buffers) {
      if (events.length === 0) continue;
      const stop = this.telemetry?.commitSeconds.startTimer({ table });
      const result = await this.lake.append(table, events);
      stop?.();
      this.log?.debug(
        { table, version: result.version, rows: result.rows, files: result.files },
        'committed',
      );
      this.commits.push(result);
      this.buffers.set(table, []);
    }
    this.buffered = 0;
  }
}
