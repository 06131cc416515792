import type { EachBatchPayload } from 'kafkajs';
import type { Logger } from '#core';

/**
 * Backpressure for a sink that fails for a while (a lake that cannot be written, a produce
 * the broker refuses): the partition is paused and resumed after a growing delay, its batch
 * unacknowledged so it is fetched again, while the worker's other partitions keep flowing.
 * After `maxAttempts` failures in a row the error is thrown, and the worker stops without
 * committing (its retries are spent).
 */
export class PartitionBackoff {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly log: Logger | undefined,
    private readonly maxAttempts = 8,
    private readonly firstDelayMs = 1000,
    private readonly maxDelayMs = 30_000,
  ) {}

  /** The partition's batch landed: its next failure starts the delays afresh. */
  succeeded(topic: string, partition: number): void {
    this.failures.delete(`${topic}-${partition}`);
  }

  /** The partition's batch failed: pause it and schedule a retry, or throw when out of attempts. */
  failed(payload: EachBatchPayload, error: unknown): void {
    const { topic, partition } = payload.batch;
    const key = `${topic}-${partition}`;
    const attempt = (this.failures.get(key) ?? 0) + 1;
    if (attempt > this.maxAttempts) {
      this.failures.delete(key);
      throw error;
    }
    this.failures.set(key, attempt);
    const delay = Math.min(this.maxDelayMs, this.firstDelayMs * 2 ** (attempt - 1));
    this.log?.warn(
      { topic, partition, attempt, retryInMs: delay, error: (error as Error).message },
      'batch failed; partition paused, will retry',
    );
    const resume = payload.pause();
    setTimeout(resume, delay).unref();
  }
}
