// The streaming profiler against the batch profiler: the same telemetry, streamed through a
// real Kafka broker (out of order within the lateness bound, the worker SIGKILLed once mid-run
// and restarted, then one failed lake append) and rebuilt from the lake in batch, gives
// byte-identical `profiles` rows
// (order-sensitive STATS sketches: the same statistics).

import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { rebuildProfiles } from '#batch';
import { type Event, profilerConfigSchema, seededRandom } from '#core';
import { committedTxn, openLakeWriter } from '#lake';
import { compile, decodeProfileValue } from '#stellar';
import { decodeEvent, encodeEvent } from '#streaming';
import { profileRows } from '../helpers/profiles.js';
import { kafkaBootstrap, startWorker, type WorkerProcess, waitFor } from '../helpers/streaming.js';
import { tempDir } from '../helpers/tmp.js';

const EVENTS = 120_000;
const PERIOD_MS = 60_000;
const PERIODS = 8;
const LATENESS_MS = 30_000;
/** How far an event's time may lag the one produced before it: inside the lateness bound. */
const JITTER_MS = 20_000;
const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

/** Bro-like connection events over PERIODS periods, in produce order, times jittered back. */
function telemetry(): Event[] {
  const random = seededRandom(20261128);
  const step = (PERIODS * PERIOD_MS - JITTER_MS) / EVENTS;
  const events: Event[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const nominal = T0 + JITTER_MS + Math.floor(i * step);
    const host = Math.floor(random() * random() * 400);
    events.push({
      guid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      timestamp: nominal - Math.floor(random() * JITTER_MS),
      'source.type': 'bro',
      protocol: 'conn',
      ip_src_addr: `10.1.${host >> 8}.${host & 255}`,
      ip_dst_addr: `198.51.100.${Math.floor(random() * 60)}`,
      ip_dst_port: [80, 443, 22, 53, 8080][Math.floor(random() * 5)] as number,
      orig_bytes: Math.floor(random() * 20_000),
      resp_bytes: Math.floor(random() * 90_000),
      conn_state: random() < 0.1 ? 'REJ' : 'SF',
    });
  }
  return events;
}

const CONFIG = {
  timestampField: 'timestamp',
  profiles: [
    {
      profile: 'connections',
      foreach: 'ip_src_addr',
      init: { n: '0' },
      update: { n: 'n + 1' },
      result: 'n',
    },
    {
      profile: 'bytes-out',
      foreach: 'ip_src_addr',
      onlyif: 'exists(orig_bytes)',
      init: { bytes: '0' },
      update: { bytes: 'bytes + orig_bytes' },
      result: 'bytes',
    },
    {
      profile: 'peers',
      foreach: 'ip_src_addr',
      init: { peers: 'SET_INIT()' },
      update: { peers: 'SET_ADD(peers, ip_dst_addr)' },
      result: 'LENGTH(peers)',
    },
    {
      profile: 'rejected-by-port',
      foreach: 'ip_src_addr',
      onlyif: "conn_state == 'REJ'",
      init: { n: '0' },
      update: { n: 'n + 1' },
      groupBy: ['TO_STRING(ip_dst_port)'],
      result: { profile: 'n', triage: { rejected: 'n', many: 'n > 3' } },
    },
    {
      profile: 'port-stats',
      foreach: "'all'",
      init: { s: 'STATS_INIT()' },
      update: { s: 'STATS_ADD(s, ip_dst_port)' },
      result: 's',
    },
  ],
};

describe('streaming profiler on Kafka', () => {
  it('gives byte-identical profiles rows to the batch rebuild, across a SIGKILL and restart', {
    timeout: 600_000,
  }, async () => {
    const bootstrap = kafkaBootstrap();
    const dir = tempDir();
    const prefix = `profile-${randomUUID().slice(0, 8)}.`;
    const group = `${prefix}profiler`;
    const configFile = join(dir, 'profiler.json');
    writeFileSync(configFile, JSON.stringify(CONFIG));
    const events = telemetry();
    // The batch side: the same events in the lake's `bro` table.
    const history = join(dir, 'history');
    const writer = await openLakeWriter(history);
    try {
      for (let i = 0; i < events.length; i += 20_000) await writer.append('bro', events.slice(i, i + 20_000));
    } finally {
      writer.close();
    }
    // The stream side: the events on `indexing`, three partitions, in produce order.
    const kafka = new Kafka({ clientId: 'profile-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: `${prefix}indexing`, numPartitions: 3 },
        { topic: `${prefix}enrichments`, numPartitions: 1 },
      ],
    });
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let i = 0; i < events.length; i += 5_000) {
      await producer.send({
        topic: `${prefix}indexing`,
        acks: -1,
        messages: events.slice(i, i + 5_000).map((e) => ({ key: e.guid as string, value: encodeEvent(e) })),
      });
    }
    await producer.disconnect();

    const streamed = join(dir, 'streamed');
    const args = [
      'profile',
      '--bootstrap',
      bootstrap,
      '--lake',
      streamed,
      '--config',
      configFile,
      '--period',
      '1m',
      '--lateness',
      `${LATENESS_MS / 1000}s`,
      '--idle-flush',
      '2s',
      '--topic-prefix',
      prefix,
      '--group',
      group,
    ];
    const workers: WorkerProcess[] = [];
    try {
      // Killed at its third flush, after the triage messages went out and before the lake commit.
      const doomed = startWorker(args, { PALISADE_FAULT: 'profile.before-lake-commit:3' });
      workers.push(doomed);
      expect(await doomed.exited, doomed.output()).toBe(-1);
      const flushedAtCrash = await committedTxn(streamed, 'profiles', `profiler-${group}`);
      expect(flushedAtCrash).toBeGreaterThanOrEqual(0);
      // The restarted worker's second lake append fails once: the flush is kept and landed later.
      const worker = startWorker(args, { PALISADE_FAULT: 'profile.append-error:2' });
      workers.push(worker);
      const lastPeriod = Math.floor((T0 + PERIODS * PERIOD_MS - 1) / PERIOD_MS);
      await waitFor(
        async () => (await committedTxn(streamed, 'profiles', `profiler-${group}`)) >= lastPeriod,
        240_000,
        () => worker.output(),
      );
      worker.proc.kill('SIGTERM');
      expect(await worker.exited, worker.output()).toBe(0);
      expect(worker.output()).toMatch(/injected fault at profile\.append-error/);
    } finally {
      for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
    }

    const report = await rebuildProfiles(history, {
      config: profilerConfigSchema.parse(CONFIG),
      periodMs: PERIOD_MS,
      from: T0,
      to: T0 + PERIODS * PERIOD_MS,
    });
    expect(report.events).toBe(EVENTS);
    expect(report.failures).toBe(0);
    const batchRows = await profileRows(history);
    const streamRows = await profileRows(streamed);
    expect(batchRows.length).toBe(report.measurements);
    expect(new Set(batchRows.map((r) => r.period_start)).size).toBe(PERIODS);
    // A STATS sketch's internals depend on the order values arrive in (its t-digest and its
    // floating-point moments), and the stream's order is not the lake's: those rows must agree
    // on what the sketch says, every other row byte for byte.
    const exact = (rows: Record<string, unknown>[]) => rows.filter((r) => r.profile !== 'port-stats');
    const sketches = (rows: Record<string, unknown>[]) =>
      rows
        .filter((r) => r.profile === 'port-stats')
        .map((r) => {
          const stats = decodeProfileValue(r.value as string);
          const read = (f: string) => compile(`${f}(s)`).evaluate({ s: stats });
          return [
            r.period_start,
            read('STATS_COUNT'),
            read('STATS_SUM'),
            read('STATS_MIN'),
            read('STATS_MAX'),
          ];
        });
    const differs = exact(batchRows).findIndex(
      (row, i) => JSON.stringify(row) !== JSON.stringify(exact(streamRows)[i]),
    );
    expect(
      differs === -1 ? undefined : { batch: exact(batchRows)[differs], stream: exact(streamRows)[differs] },
    ).toBeUndefined();
    expect(JSON.stringify(exact(streamRows))).toBe(JSON.stringify(exact(batchRows)));
    expect(sketches(batchRows)).toHaveLength(PERIODS);
    expect(sketches(streamRows)).toEqual(sketches(batchRows));

    // Triage values went back into the stream, Metron's way: one message per measurement of
    // the triage profile on `enrichments` (a replay after the kill may repeat one, same guid).
    const triage = await readTopic(kafka, `${prefix}enrichments`);
    const expected = batchRows.filter((r) => r.profile === 'rejected-by-port');
    const guids = new Set(triage.map((e) => e.guid));
    expect(guids.size).toBe(expected.length);
    for (const e of triage) {
      expect(e['source.type']).toBe('profiler');
      expect(e.is_alert).toBe('true');
      expect(e.many).toBe((e.rejected as number) > 3);
    }
  });
});

/** Every message on a topic, decoded (the topic is written before this reads it). */
async function readTopic(kafka: Kafka, topic: string): Promise<Event[]> {
  const admin = kafka.admin();
  await admin.connect();
  const end = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `${topic}-reader-${randomUUID()}` });
  const out: Event[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      out.push(decodeEvent(message.value as Buffer));
    },
  });
  await waitFor(
    async () => out.length >= end,
    60_000,
    () => `${out.length} of ${end}`,
  );
  await consumer.disconnect();
  return out;
}
