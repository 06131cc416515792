import type { Consumer } from 'kafkajs';
import type { Logger } from '#core';

/** A running Kafka worker (`palisade stream`, `palisade index`). */
export interface Worker {
  /**
   * Resolves when the worker has stopped: after {@link stop} with no reason, or with the
   * reason when it failed for good (retries exhausted; nothing uncommitted was committed).
   */
  readonly done: Promise<string | undefined>;
  /** Finish the batch in hand, commit it, leave the group and disconnect. */
  stop(): Promise<string | undefined>;
}

/**
 * The lifecycle both workers share: a consumer crash that kafkajs will not restart from (its
 * retries are spent) stops the worker with that reason; `stop` disconnects the consumer —
 * which lets the batch in hand finish and commit — then runs `cleanup`, once.
 */
export function workerLifecycle(
  consumer: Consumer,
  log: Logger | undefined,
  cleanup?: () => Promise<void>,
): Worker {
  let stopping = false;
  let failure: string | undefined;
  let finished: (reason: string | undefined) => void = () => {};
  const done = new Promise<string | undefined>((resolve) => {
    finished = resolve;
  });
  const stop = async () => {
    if (stopping) return done;
    stopping = true;
    await consumer.disconnect().catch(() => {});
    await cleanup?.();
    finished(failure);
    return done;
  };
  consumer.on(consumer.events.CRASH, (e) => {
    log?.error({ error: e.payload.error.message, restart: e.payload.restart }, 'consumer crashed');
    if (!e.payload.restart && !stopping) {
      failure = e.payload.error.message;
      void stop();
    }
  });
  return { done, stop };
}
