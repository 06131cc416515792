import { createHash } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { type Event, faultError, faultPoint, type Logger, type ProfilerConfig, type Telemetry } from '#core';
import { committedTxn, type LakeWriter, measurementRow, PROFILES_TABLE } from '#lake';
import { type FunctionRegistry, type Measurement, type ProfileCache, toJson, type Value } from '#stellar';
import { type Flush, StreamProfiler } from '../profiler.js';
import { decodeEvent, encodeEvent } from './codec.js';
import { type Worker, workerLifecycle } from './worker.js';

/**
 * `palisade profile`: the streaming profiler, a consumer group on `indexing` (the enriched,
 * triaged events) that keeps each profile's per-entity state in memory and writes a period's
 * measurements to the `profiles` table when the watermark passes its end (see
 * {@link StreamProfiler}).
 *
 * Exactly once: each flush is one lake commit carrying a Delta txn (app id
 * `profiler-<group>`, version the last period it closes), and offsets are committed only up to
 * the first message of a period still open. After a crash the worker reads again from there,
 * skips the periods the lake already has and rebuilds the open ones — the rows are the same as
 * without the crash.
 *
 * `result.triage` values go back into the stream as Metron's profiler sends them: one message
 * per measurement on the `enrichments` topic (`source.type` profiler, `is_alert` "true", the
 * profile, entity, period and the triage values), sent before the lake commit with a guid made
 * from the measurement, so a replay after a crash repeats a message with the same guid rather
 * than losing it.
 *
 * One worker per group: the state of an entity lives in one process, so the group should have
 * one member (a second one would split entities between them).
 */

export interface ProfileWorkerOptions {
  kafka: Kafka;
  groupId: string;
  lake: LakeWriter;
  config: ProfilerConfig;
  periodMs: number;
  /** How late (event time behind the watermark) a message may be and still count. */
  latenessMs: number;
  /** The topic read (default `indexing`). */
  input?: string;
  /** Where triage messages go (default `enrichments`). */
  triageTopic?: string;
  /**
   * With every partition caught up and nothing new for this long, periods whose end plus the
   * lateness has passed on the wall clock are flushed (default 10 s; 0: only the watermark).
   */
  idleFlushMs?: number;
  /** Kept current with each flush, for PROFILE_GET in the same process. */
  cache?: ProfileCache;
  functions?: FunctionRegistry;
  globals?: Readonly<Record<string, unknown>>;
  sessionTimeoutMs?: number;
  telemetry?: Telemetry;
  log?: Logger;
  /** Called after each flush landed (tests, progress). */
  onFlush?: (flush: Flush) => void;
}

export interface ProfileWorker extends Worker {
  readonly profiler: StreamProfiler;
}

const partitionName = (topic: string, partition: number) => `${topic}:${partition}`;

/** Metron's triage message for a measurement with `result.triage` values. */
export function triageMessage(m: Measurement): Event {
  const guid = createHash('sha256')
    .update([m.profile, m.entity, m.periodMs, m.period, ...m.groups].join('\0'))
    .digest('hex');
  const event: Event = {
    guid: `${guid.slice(0, 8)}-${guid.slice(8, 12)}-${guid.slice(12, 16)}-${guid.slice(16, 20)}-${guid.slice(20, 32)}`,
    timestamp: m.start + m.periodMs,
    'source.type': 'profiler',
    is_alert: 'true',
    profile: m.profile,
    entity: m.entity,
    period: m.period,
    'period.start': m.start,
    'period.end': m.start + m.periodMs,
  };
  for (const [name, value] of m.triage) event[name] = toJson(value as Value) as Event[string];
  return event;
}

export async function startProfileWorker(options: ProfileWorkerOptions): Promise<ProfileWorker> {
  const { kafka, groupId, lake, config, telemetry, log } = options;
  const input = options.input ?? 'indexing';
  const triageTopic = options.triageTopic ?? 'enrichments';
  const appId = `profiler-${groupId}`;
  const idleFlushMs = options.idleFlushMs ?? 10_000;
  const timeField = config.timestampField;
  const flushedThrough = await committedTxn(lake.dir, PROFILES_TABLE, appId);
  const profiler = new StreamProfiler({
    config,
    periodMs: options.periodMs,
    latenessMs: options.latenessMs,
    flushedThrough,
    ...(options.functions ? { functions: options.functions } : {}),
    ...(options.globals ? { globals: options.globals } : {}),
  });
  const hasTriage = config.profiles.some((p) => Object.keys(p.result.triage).length > 0);
  const producer: Producer | undefined = hasTriage ? kafka.producer({ idempotent: true }) : undefined;
  const consumer: Consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    maxWaitTimeInMs: 500,
  });

  let lastMessage = Date.now();
  // Flushes and offset commits run one at a time, whether a batch or the idle timer asks.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work);
    chain = next.catch(() => {});
    return next;
  };

  const land = async (flush: Flush) => {
    const triage = flush.measurements.filter((m) => m.triage.size > 0).map(triageMessage);
    if (producer && triage.length > 0)
      await producer.send({
        topic: triageTopic,
        messages: triage.map((e) => ({ key: String(e.entity), value: encodeEvent(e) })),
      });
    faultPoint('profile.before-lake-commit');
    faultError('profile.append-error');
    const rows = flush.measurements.map(measurementRow);
    const result = await lake.append(PROFILES_TABLE, rows, { txn: { appId, version: flush.through } });
    if (result.warning) log?.warn({ table: PROFILES_TABLE }, result.warning);
    flush.measurements.forEach((m, i) => {
      const key = {
        profile: m.profile,
        entity: m.entity,
        groups: m.groups,
        start: m.start,
        periodMs: m.periodMs,
      };
      options.cache?.put(key, (rows[i] as Event).value as string);
    });
    for (const f of flush.failures.slice(0, 5)) log?.warn(f, 'profile flush failed');
    log?.info(
      {
        through: flush.through,
        measurements: flush.measurements.length,
        version: result.version,
        skipped: result.skipped,
      },
      'profiles flushed',
    );
    options.onFlush?.(flush);
  };

  const commitSafe = async () => {
    const offsets = [...profiler.safeOffsets()].map(([name, offset]) => {
      const at = name.lastIndexOf(':');
      return { topic: name.slice(0, at), partition: Number(name.slice(at + 1)), offset: String(offset) };
    });
    if (offsets.length > 0) await consumer.commitOffsets(offsets);
  };

  // Flushed periods not yet in the lake: their state has left the profiler, so a failed lake
  // append keeps them here and they are landed, in order, before anything newer. Offsets move
  // only when none is left.
  const pending: Flush[] = [];
  const flushDue = (before?: number) =>
    serial(async () => {
      for (let flush = profiler.flush(before); flush; flush = profiler.flush(before)) pending.push(flush);
      while (pending.length > 0) {
        await land(pending[0] as Flush);
        pending.shift();
      }
      faultPoint('profile.after-lake-commit');
      await commitSafe();
      telemetry?.profileStates.set(profiler.tracked);
    });

  const eachBatch = async (payload: EachBatchPayload) => {
    const { batch, resolveOffset, heartbeat, isStale } = payload;
    if (batch.messages.length === 0 || isStale()) return;
    const name = partitionName(batch.topic, batch.partition);
    let late = 0;
    for (const message of batch.messages) {
      let event: Event;
      try {
        event = decodeEvent(message.value ?? Buffer.alloc(0));
      } catch {
        continue; // `palisade index` sends it to errors with its bytes.
      }
      const time = timeField === undefined ? Date.now() : event[timeField];
      // Metron drops a message without a numeric event time when the config names the field.
      if (typeof time !== 'number' || !Number.isFinite(time)) continue;
      const { offer, failures } = profiler.offer(event, time, name, Number(message.offset));
      if (offer === 'late') late++;
      for (const f of failures.slice(0, 3)) log?.debug(f, 'profile expression failed');
    }
    if (late > 0) telemetry?.profileLate.inc(late);
    const last = Number(batch.lastOffset());
    profiler.caughtUp(name, last + 1 >= Number(batch.highWatermark));
    lastMessage = Date.now();
    // The batch is applied: whatever happens to the flush, it must not be applied again, so a
    // failed flush is retried by the next batch or the idle timer, never by redelivery.
    await flushDue().catch((e: Error) => log?.warn({ error: e.message }, 'profile flush failed; will retry'));
    resolveOffset(String(last));
    await heartbeat();
  };

  const idle =
    idleFlushMs > 0
      ? setInterval(
          () => {
            if (Date.now() - lastMessage < idleFlushMs || !profiler.idle()) return;
            flushDue(Date.now() - options.latenessMs).catch((e: Error) =>
              log?.warn({ error: e.message }, 'idle flush failed; will retry'),
            );
          },
          Math.min(1000, idleFlushMs),
        )
      : undefined;
  idle?.unref();

  const worker = workerLifecycle(consumer, log, async () => {
    if (idle) clearInterval(idle);
    await chain;
    await producer?.disconnect().catch(() => {});
  });
  await producer?.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
  return { ...worker, profiler };
}
