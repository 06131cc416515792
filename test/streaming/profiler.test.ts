import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profilerConfigSchema } from '#core';
import { openSql } from '#lake';
import type { Value } from '#stellar';
import { StreamProfiler, triageMessage } from '#streaming';
import { palisade } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const MINUTE = 60_000;
const config = profilerConfigSchema.parse({
  timestampField: 'timestamp',
  profiles: [{ profile: 'n', foreach: 'ip', init: { n: '0' }, update: { n: 'n + 1' }, result: 'n' }],
});
const make = (flushedThrough = -1) =>
  new StreamProfiler({ config, periodMs: MINUTE, latenessMs: 10_000, flushedThrough });

describe('StreamProfiler', () => {
  it('flushes a period once the slowest busy partition is the lateness past its end', () => {
    const p = make();
    p.offer({ ip: 'a' }, 1_000, 't:0', 0);
    p.offer({ ip: 'a' }, 2_000, 't:1', 0);
    // Partition 0 is well into the next period, partition 1 is not: nothing is due.
    p.offer({ ip: 'a' }, MINUTE + 30_000, 't:0', 1);
    expect(p.watermark()).toBe(2_000 - 10_000);
    expect(p.flush()).toBeUndefined();
    // Partition 1 moves past the end plus the lateness: period 0 is due, with both messages.
    p.offer({ ip: 'a' }, MINUTE + 10_000, 't:1', 1);
    const flush = p.flush();
    expect(flush?.through).toBe(0);
    expect(flush?.measurements.map((m) => m.value)).toEqual([2]);
    expect(p.flushedThrough).toBe(0);
  });

  it('lets a caught-up partition stop holding the watermark back', () => {
    const p = make();
    p.offer({ ip: 'a' }, 1_000, 't:0', 0);
    p.offer({ ip: 'a' }, 2 * MINUTE, 't:1', 0);
    expect(p.flush()).toBeUndefined();
    p.caughtUp('t:0', true);
    expect(p.watermark()).toBe(2 * MINUTE - 10_000);
    expect(p.flush()?.through).toBe(0);
    expect(p.idle()).toBe(false);
    p.caughtUp('t:1', true);
    expect(p.idle()).toBe(true);
  });

  it('counts a message for a period already flushed as late and leaves it out', () => {
    const p = make(4);
    expect(p.offer({ ip: 'a' }, 4 * MINUTE + 5, 't:0', 7).offer).toBe('late');
    expect(p.offer({ ip: 'a' }, 5 * MINUTE, 't:0', 8).offer).toBe('applied');
    expect(p.late).toBe(1);
    expect(p.tracked).toBe(1);
  });

  it('commits offsets only up to the first message of a period still open', () => {
    const p = make();
    p.offer({ ip: 'a' }, 1_000, 't:0', 10);
    p.offer({ ip: 'b' }, MINUTE + 1_000, 't:0', 11);
    p.offer({ ip: 'a' }, 2_000, 't:0', 12);
    p.offer({ ip: 'a' }, 3_000, 't:1', 40);
    expect(Object.fromEntries(p.safeOffsets())).toEqual({ 't:0': 10, 't:1': 40 });
    // Period 0 flushed: partition 0 is held by period 1's first message, partition 1 by nothing.
    p.flush(MINUTE);
    expect(Object.fromEntries(p.safeOffsets())).toEqual({ 't:0': 11, 't:1': 41 });
    p.flush(2 * MINUTE);
    expect(Object.fromEntries(p.safeOffsets())).toEqual({ 't:0': 13, 't:1': 41 });
  });
});

describe('triage messages', () => {
  it("come back in as Metron's profiler sensor: the shipped config parses them, guid and all", async () => {
    const dir = tempDir();
    const measurement = {
      profile: 'rejected',
      entity: '10.0.0.7',
      groups: [],
      period: 2_000_000,
      start: 2_000_000 * MINUTE,
      periodMs: MINUTE,
      value: 12,
      triage: new Map<string, Value>([
        ['rejected', 12],
        ['many', true],
      ]),
    };
    const message = triageMessage(measurement);
    const file = join(dir, 'enrichments.json');
    writeFileSync(file, `${JSON.stringify(message)}\n`);
    const lake = join(dir, 'lake');
    const r = palisade(['ingest', '--sensor', 'profiler', '--lake', lake, file]);
    expect(r.code, r.stderr).toBe(0);
    const s = await openSql(lake);
    try {
      const rows = (await s.query('SELECT guid, entity, profile, is_alert, rejected, many FROM alerts')).rows;
      expect(rows).toEqual([
        {
          guid: message.guid,
          entity: '10.0.0.7',
          profile: 'rejected',
          is_alert: 'true',
          rejected: 12,
          many: true,
        },
      ]);
    } finally {
      s.close();
    }
    // The guid is the measurement's: a replay sends the same one.
    expect(triageMessage(measurement).guid).toBe(message.guid);
  });
});
