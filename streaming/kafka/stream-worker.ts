import {
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type Message,
  Partitioners,
  type Producer,
  type TopicMessages,
} from 'kafkajs';
import { type Event, faultPoint, type Logger, type Telemetry } from '#core';
import { processBatch, type SensorStages, type SourceRecord } from '../pipeline.js';
import { PartitionBackoff } from './backoff.js';
import { type OutputTopics, outputTopics } from './client.js';
import { encodeEvent } from './codec.js';
import { type Worker, workerLifecycle } from './worker.js';

/**
 * `palisade stream`: a consumer group on the sensors' raw topics. Each batch of one partition
 * goes through parse → enrich → score → triage, and its events, alerts and errors are produced
 * to `indexing`, `alerts` and `errors` in one Kafka transaction together with the input
 * offsets: either all of a batch's output and its offsets are committed, or none. Readers
 * downstream read committed messages only, so a worker killed anywhere leaves no duplicate.
 *
 * Each input partition has its own transactional producer (id `<group>-<topic>-<partition>`):
 * when a partition moves to another worker, that worker's producer fences the old one, so a
 * worker that lost its partition but does not know it yet cannot commit a second copy.
 */

export interface StreamWorkerOptions {
  kafka: Kafka;
  groupId: string;
  /** Sensor stages by input topic. */
  stages: ReadonlyMap<string, SensorStages>;
  /** Where events, alerts and errors go (default `indexing`, `alerts`, `errors`). */
  topics?: OutputTopics;
  /** Input messages per transaction at most (a fetched batch is cut into pieces this long). */
  maxRecordsPerTransaction?: number;
  /**
   * Partitions processed at once (default 1). Each has its own producer and transaction, so
   * more overlap one partition's broker round trips with another's parsing — but with 3 a
   * fault test that SIGKILLs the worker at a random moment saw a partition processed twice
   * after the restart; until that is understood, 1 is the default.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * How long the group waits for a silent member before giving its partitions to others
   * (default 30 s): the delay before a crashed worker's partitions are picked up.
   */
  sessionTimeoutMs?: number;
  telemetry?: Telemetry;
  log?: Logger;
}

const DEFAULT_MAX_PER_TRANSACTION = 5_000;

/**
 * Bytes of messages per produce request: a broker refuses a partition's batch over its
 * `message.max.bytes` (1 MB by default), so a transaction's output goes in several requests.
 */
const REQUEST_BYTES = 768 * 1024;

/** Cut topic messages into produce requests of at most about REQUEST_BYTES each. */
function requests(topicMessages: readonly TopicMessages[]): TopicMessages[][] {
  const out: TopicMessages[][] = [];
  let request: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    let current: Message[] = [];
    for (const message of messages) {
      const size = (message.value as Buffer).length + 64;
      if (bytes + size > REQUEST_BYTES && bytes > 0) {
        if (current.length > 0) request.push({ topic, messages: current });
        out.push(request);
        request = [];
        current = [];
        bytes = 0;
      }
      current.push(message);
      bytes += size;
    }
    if (current.length > 0) request.push({ topic, messages: current });
  }
  if (request.length > 0) out.push(request);
  return out;
}

/**
 * The promise kept under `key`, made on first use; one that fails is forgotten (unless a newer
 * one has replaced it), so the retried batch makes a fresh one.
 */
function keptPromise<V>(cache: Map<string, Promise<V>>, key: string, make: () => Promise<V>): Promise<V> {
  const kept = cache.get(key);
  if (kept !== undefined) return kept;
  const made = make();
  made.catch(() => {
    if (cache.get(key) === made) cache.delete(key);
  });
  cache.set(key, made);
  return made;
}

export async function startStreamWorker(options: StreamWorkerOptions): Promise<Worker> {
  const { kafka, groupId, telemetry, log } = options;
  const maxPerTxn = options.maxRecordsPerTransaction ?? DEFAULT_MAX_PER_TRANSACTION;
  const out = options.topics ?? outputTopics();
  const producers = new Map<string, Promise<Producer>>();
  const consumer: Consumer = kafka.consumer({
    groupId,
    // Read only what producers committed: a raw topic written transactionally shows no aborted data.
    readUncommitted: false,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });

  const producerFor = (topic: string, partition: number): Promise<Producer> =>
    keptPromise(producers, `${topic}-${partition}`, async () => {
      const producer = kafka.producer({
        transactionalId: `${groupId}-${topic}-${partition}`,
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 30_000,
      });
      await producer.connect();
      return producer;
    });
  const dropProducer = async (key: string) => {
    const made = producers.get(key);
    producers.delete(key);
    await made?.then((p) => p.disconnect()).catch(() => {});
  };

  const backoff = new PartitionBackoff(log);
  const eachBatch = async (payload: EachBatchPayload) => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const stages = options.stages.get(batch.topic);
    if (stages === undefined || batch.messages.length === 0) return;
    const started = performance.now();
    telemetry?.inFlight.inc({ worker: 'stream' });
    try {
      for (let i = 0; i < batch.messages.length; i += maxPerTxn) {
        if (!isRunning() || isStale()) return;
        const messages = batch.messages.slice(i, i + maxPerTxn);
        try {
          await processAndCommit(stages, batch.topic, batch.partition, messages);
        } catch (e) {
          // The transaction was aborted: nothing of this piece is out. Pause, then fetch it again.
          backoff.failed(payload, e);
          return;
        }
        backoff.succeeded(batch.topic, batch.partition);
        resolveOffset((messages[messages.length - 1] as { offset: string }).offset);
        await heartbeat();
      }
      const last = Number(batch.lastOffset());
      telemetry?.lag.set(
        { group: groupId, topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - 1 - last),
      );
      telemetry?.batchSeconds.observe({ worker: 'stream' }, (performance.now() - started) / 1000);
    } finally {
      telemetry?.inFlight.dec({ worker: 'stream' });
    }
  };

  const processAndCommit = async (
    stages: SensorStages,
    topic: string,
    partition: number,
    messages: readonly { offset: string; value: Buffer | null }[],
  ) => {
    const source = `kafka://${topic}/${partition}`;
    const records: SourceRecord[] = messages.map((m) => ({
      bytes: m.value ?? Buffer.alloc(0),
      file: source,
      line: Number(m.offset),
    }));
    const result = await processBatch(stages, records, telemetry ? { telemetry } : {});
    const asMessages = (events: readonly Event[]): Message[] =>
      events.map((e) => ({ key: typeof e.guid === 'string' ? e.guid : null, value: encodeEvent(e) }));
    const topicMessages = [
      { topic: out.indexing, messages: asMessages(result.events) },
      { topic: out.alerts, messages: asMessages(result.alerts) },
      { topic: out.errors, messages: asMessages(result.errors) },
    ].filter((t) => t.messages.length > 0);
    const next = String(Number((messages[messages.length - 1] as { offset: string }).offset) + 1);
    const key = `${topic}-${partition}`;
    const producer = await producerFor(topic, partition);
    const txn = await producer.transaction();
    try {
      for (const request of requests(topicMessages))
        await txn.sendBatch({ topicMessages: request, acks: -1 });
      await txn.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic, partitions: [{ partition, offset: next }] }],
      });
      faultPoint('stream.before-txn-commit');
      await txn.commit();
    } catch (e) {
      await txn.abort().catch(() => {});
      // The producer may be fenced or broken; the retried batch gets a fresh one.
      await dropProducer(key);
      throw e;
    }
    log?.debug(
      { topic, partition, next, events: result.events.length, errors: result.errors.length },
      'committed',
    );
  };

  const worker = workerLifecycle(consumer, log, async () => {
    await Promise.all([...producers.keys()].map(dropProducer));
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    // Producers of partitions this worker no longer holds may be fenced by their new owner.
    const held = new Set<string>();
    for (const [topic, partitions] of Object.entries(e.payload.memberAssignment))
      for (const p of partitions) held.add(`${topic}-${p}`);
    for (const key of [...producers.keys()]) if (!held.has(key)) void dropProducer(key);
    log?.info({ assignment: e.payload.memberAssignment }, 'joined group');
  });
  await consumer.connect();
  for (const topic of options.stages.keys()) await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachBatch,
  });
  return worker;
}
