import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { type Event, faultError, faultPoint, type Logger, type Telemetry } from '#core';
import {
  type AppendResult,
  checkTableName,
  committedTxn,
  decodeBatch,
  type LakeWriter,
  PCAP_TABLE,
  PcapStore,
} from '#lake';
import { errorRecord } from '../error-record.js';
import { ALERTS_TABLE, ERRORS_TABLE } from '../sinks/lake.js';
import { PartitionBackoff } from './backoff.js';
import { type OutputTopics, outputTopics } from './client.js';
import { decodeEvent } from './codec.js';
import { decodePackets, packetProblem } from './pcap-codec.js';
import { type Worker, workerLifecycle } from './worker.js';

/**
 * `palisade index`: a consumer group on `indexing`, `alerts` and `errors` that lands each
 * fetched batch in the lake — events in their sensor's table (`source.type`), alerts in
 * `alerts`, errors in `errors` — and commits the Kafka offsets only after the lake commits.
 *
 * Every lake commit carries a Delta `txn` action: app id `<topic>-<partition>`, version the
 * batch's last offset. A worker killed between the lake commit and the offset commit reads the
 * batch again, and the lake leaves out every event at or before the version it recorded — so
 * nothing is added twice however the replayed batches are cut, and nothing is lost because
 * offsets never run ahead of the lake. A message that is not an encoded event goes to `errors`
 * with its bytes (`indexing_error`). Packets from the `pcap` topic land in the `pcap` table
 * the same way (same txn ids, offsets at or before the recorded version left out).
 */

export interface IndexWorkerOptions {
  kafka: Kafka;
  groupId: string;
  lake: LakeWriter;
  /** Topics to land (default `indexing`, `alerts`, `errors`). */
  topics?: OutputTopics;
  /** The broker waits for this many bytes (or `maxWaitMs`) before answering a fetch: bigger files. */
  minBytes?: number;
  maxWaitMs?: number;
  /**
   * How long the group waits for a silent member before giving its partitions to others
   * (default 30 s): the delay before a crashed worker's partitions are picked up.
   */
  sessionTimeoutMs?: number;
  telemetry?: Telemetry;
  log?: Logger;
}

/** Table a message of `topic` lands in. */
function tableOf(topics: OutputTopics, topic: string, event: Event): string {
  if (topic === topics.alerts) return ALERTS_TABLE;
  if (topic === topics.errors) return ERRORS_TABLE;
  const type = event['source.type'];
  if (typeof type !== 'string') throw new Error('event has no source.type to name its table');
  return checkTableName(type);
}

function indexError(reason: string, bytes: Buffer, topic: string, partition: number, offset: number): Event {
  return errorRecord({ stage: 'indexing_error', code: 'indexing.decode', message: reason }, bytes, {
    sensor: topic,
    file: `kafka://${topic}/${partition}`,
    line: offset,
  });
}

/** Packets of one topic-partition batch into `pcap`, under the batch's txn id. */
async function landPackets(
  lakeDir: string,
  appId: string,
  last: number,
  messages: KafkaMessage[],
): Promise<AppendResult> {
  const committed = await committedTxn(lakeDir, PCAP_TABLE, appId);
  const fresh = messages.filter((m) => Number(m.offset) > committed);
  const store = new PcapStore(lakeDir);
  if (fresh.length > 0) await store.add(decodeBatch(decodePackets(fresh)));
  return store.finish({ txn: { appId, version: last } });
}

export async function startIndexWorker(options: IndexWorkerOptions): Promise<Worker> {
  const { kafka, groupId, lake, telemetry, log } = options;
  const topics = options.topics ?? outputTopics();
  const consumer: Consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    minBytes: options.minBytes ?? 256 * 1024,
    maxWaitTimeInMs: options.maxWaitMs ?? 500,
    maxBytesPerPartition: 16 * 1024 * 1024,
    maxBytes: 64 * 1024 * 1024,
  });

  const backoff = new PartitionBackoff(log);
  const eachBatch = async (payload: EachBatchPayload) => {
    const { batch, resolveOffset, heartbeat, isStale } = payload;
    if (batch.messages.length === 0 || isStale()) return;
    const started = performance.now();
    telemetry?.inFlight.inc({ worker: 'index' });
    try {
      const appId = `${batch.topic}-${batch.partition}`;
      const last = Number(batch.lastOffset());
      const byTable = new Map<string, { events: Event[]; offsets: number[] }>();
      const add = (table: string, event: Event, offset: number) => {
        let entry = byTable.get(table);
        if (entry === undefined) {
          entry = { events: [], offsets: [] };
          byTable.set(table, entry);
        }
        entry.events.push(event);
        entry.offsets.push(offset);
      };
      const packets: KafkaMessage[] = [];
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        const bytes = message.value ?? Buffer.alloc(0);
        if (batch.topic === topics.pcap) {
          const problem = packetProblem(message);
          if (problem === undefined) packets.push(message);
          else add(ERRORS_TABLE, indexError(problem, bytes, batch.topic, batch.partition, offset), offset);
          continue;
        }
        try {
          const event = decodeEvent(bytes);
          add(tableOf(topics, batch.topic, event), event, offset);
        } catch (e) {
          add(
            ERRORS_TABLE,
            indexError((e as Error).message, bytes, batch.topic, batch.partition, offset),
            offset,
          );
        }
      }
      const results: AppendResult[] = [];
      try {
        for (const [table, { events, offsets }] of byTable) {
          const stop = telemetry?.commitSeconds.startTimer({ table });
          faultError('index.append-error');
          results.push(await lake.append(table, events, { txn: { appId, version: last }, offsets }));
          stop?.();
          if (table !== ERRORS_TABLE && table !== ALERTS_TABLE)
            telemetry?.events.inc({ stage: 'index', sensor: table }, events.length);
        }
        if (packets.length > 0) results.push(await landPackets(lake.dir, appId, last, packets));
        for (const r of results) if (r.warning) log?.warn({ table: r.table }, r.warning);
        faultPoint('index.after-lake-commit');
        // The lake holds the batch: now, and only now, the offsets move.
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: String(last + 1) },
        ]);
      } catch (e) {
        // Tables already appended keep their rows; the txn ids skip them on the retry.
        backoff.failed(payload, e);
        return;
      }
      backoff.succeeded(batch.topic, batch.partition);
      resolveOffset(String(last));
      await heartbeat();
      telemetry?.lag.set(
        { group: groupId, topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - 1 - last),
      );
      telemetry?.batchSeconds.observe({ worker: 'index' }, (performance.now() - started) / 1000);
      log?.debug(
        { appId, last, tables: results.map((r) => `${r.table} v${r.version} +${r.rows}`) },
        'landed',
      );
    } finally {
      telemetry?.inFlight.dec({ worker: 'index' });
    }
  };

  const worker = workerLifecycle(consumer, log);

  await consumer.connect();
  for (const topic of Object.values(topics)) await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
  return worker;
}
