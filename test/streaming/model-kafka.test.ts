// In-process model scoring in `palisade stream` on a real broker, with the live version changed
// under it. Events go in three waves: the first is scored by version 1; version 2 is promoted and
// the second wave, produced after the promote, must be scored by version 2 only; the third is
// produced in chunks while version 1 is rolled back to, and each partition must switch once.
// No event may be lost, repeated, left unscored or scored by a version other than the one it names.

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainModel } from '#batch';
import type { Event } from '#core';
import { HOST_FEATURES, lastClosedPeriod, ModelRegistry, ModelSession, readFeatureTable } from '#models';
import {
  kafkaBootstrap,
  produceLines,
  readTopic,
  startWorker,
  type TopicReader,
  waitFor,
} from '../helpers/streaming.js';
import { tempDir } from '../helpers/tmp.js';
import { HOUR_MS, trafficLake, zeekConnLine } from '../helpers/traffic.js';

describe('stream --score with promote and rollback', () => {
  it('switches versions at batch boundaries, scoring every event exactly once', {
    timeout: 600_000,
  }, async () => {
    const bootstrap = kafkaBootstrap();
    const dir = tempDir();
    const lake = join(dir, 'lake');
    // Recent traffic: the stream keeps the last 14 days of profiles in memory.
    const start = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 8 * HOUR_MS;
    const { traffic, from, to } = await trafficLake(lake, {
      seed: 31,
      hosts: 40,
      hours: 6,
      attacks: 6,
      start,
    });
    const train = (seed: number, promote: boolean) =>
      trainModel(lake, {
        name: 'hosts',
        kind: 'isolation-forest',
        periodMs: HOUR_MS,
        from,
        to,
        seed,
        promote,
        actor: 'test',
      });
    await train(1, true);
    await train(2, false);

    // The score each version gives each entity and period.
    const table = await readFeatureTable(lake, HOST_FEATURES, { from, to, periodMs: HOUR_MS });
    const registry = new ModelRegistry(lake);
    const expected = new Map<number, Map<string, number>>();
    for (const version of [1, 2]) {
      const { spec, onnx } = await registry.load('hosts', version);
      const session = await ModelSession.open(spec, onnx);
      const flat = new Float32Array(table.rows.length * spec.features.length);
      table.rows.forEach((row, i) => {
        flat.set(row, i * spec.features.length);
      });
      const scores = await session.score(flat, table.rows.length);
      await session.close();
      expected.set(
        version,
        new Map(table.keys.map((k, i) => [`${k.entity}\0${k.start}`, scores[i] as number])),
      );
    }

    // Every event after the first hour has a closed period to be scored on.
    const events = traffic.events.filter((e) => (e.timestamp as number) >= from + HOUR_MS);
    const third = Math.floor(events.length / 3);
    const waves = [events.slice(0, third), events.slice(third, 2 * third), events.slice(2 * third)];
    const prefix = `model-${randomUUID().slice(0, 8)}.`;
    const produce = (batch: readonly Event[]) =>
      produceLines(
        bootstrap,
        prefix,
        batch.map((e) => ({
          sensor: 'bro' as const,
          text: zeekConnLine(e),
          key: '',
          broken: false,
          alert: false,
          threat: false,
        })),
      );

    const stream = startWorker([
      'stream',
      '--bootstrap',
      bootstrap,
      '--topic-prefix',
      prefix,
      '--sensors',
      'bro',
      '--lake',
      lake,
      '--score',
      'hosts',
    ]);
    let reader: TopicReader | undefined;
    try {
      // The stream creates its output topics as it starts.
      await waitFor(
        async () => stream.output().includes('stream: group'),
        60_000,
        () => stream.output(),
      );
      reader = await readTopic(bootstrap, `${prefix}indexing`);
      const landed = (n: number) =>
        waitFor(
          async () => (reader?.messages.length ?? 0) >= n,
          180_000,
          () => `${reader?.messages.length} of ${n}\n${stream.output()}`,
        );

      await produce(waves[0] as Event[]);
      await landed(third);
      const promoted = await registry.promote('hosts', 2, 'test');
      expect(promoted).toEqual({ from: 1, to: 2 });
      await produce(waves[1] as Event[]);
      await landed(2 * third);
      // The third wave in chunks, with the rollback landing in the middle of it.
      const chunks = 8;
      const wave = waves[2] as Event[];
      const size = Math.ceil(wave.length / chunks);
      let afterRollback = new Set<string>();
      for (let c = 0; c < chunks; c++) {
        const chunk = wave.slice(c * size, (c + 1) * size);
        if (c === chunks / 2) {
          expect(await registry.rollback('hosts', 'test')).toEqual({ from: 2, to: 1 });
          afterRollback = new Set(wave.slice(c * size).map((e) => e.guid as string));
        }
        await produce(chunk);
        await new Promise((r) => setTimeout(r, 150));
      }
      await landed(events.length);
      await reader.settle(events.length);

      const messages = reader.messages;
      // Nothing lost, nothing twice.
      expect(messages.length).toBe(events.length);
      // The stream gives events new guids; the source line's uid (our guid) identifies them.
      const uid = (m: { event: Record<string, unknown> }) => m.event.uid as string;
      expect(new Set(messages.map(uid)).size).toBe(events.length);
      const wave0 = new Set((waves[0] as Event[]).map((e) => e.guid as string));
      const wave1 = new Set((waves[1] as Event[]).map((e) => e.guid as string));
      for (const m of messages) {
        const version = m.event['model.hosts.version'] as number;
        const score = m.event['model.hosts.score'] as number;
        expect(m.event['model.hosts.error']).toBeUndefined();
        // Scored once, by the version it names, on its host's last closed period.
        const key = `${m.event.ip_src_addr as string}\0${lastClosedPeriod(m.event.timestamp as number, HOUR_MS)}`;
        expect(score).toBe(expected.get(version)?.get(key));
        if (wave0.has(uid(m))) expect(version).toBe(1);
        else if (wave1.has(uid(m))) expect(version).toBe(2);
        else if (afterRollback.has(uid(m))) expect(version).toBe(1);
      }
      // In each partition the third wave switches from 2 to 1 once.
      const third3 = messages.filter((m) => !wave0.has(uid(m)) && !wave1.has(uid(m)));
      for (const partition of new Set(third3.map((m) => m.partition))) {
        const versions = third3
          .filter((m) => m.partition === partition)
          .sort((a, b) => a.offset - b.offset)
          .map((m) => m.event['model.hosts.version']);
        const switches = versions.filter((v, i) => i > 0 && v !== versions[i - 1]).length;
        expect(switches, `partition ${partition}: ${versions.join('')}`).toBeLessThanOrEqual(1);
        expect(versions[versions.length - 1]).toBe(1);
      }
    } finally {
      await reader?.close();
      stream.proc.kill('SIGTERM');
      await stream.exited;
    }
  });
});
