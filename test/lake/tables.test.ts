import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InfraError } from '#core';
import { openLakeWriter, readSnapshot, SENSOR_TABLE, tableSpec } from '#lake';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2024, 4, 1, 12);

describe('table specs', () => {
  it('gives system tables their own spec and every other table the sensor one', () => {
    expect(tableSpec('pcap').partitioning).toBe('day-hour');
    expect(tableSpec('profiles').timeColumn).toBe('period_start');
    expect(tableSpec('bro')).toBe(SENSOR_TABLE);
    // Only own keys: a name like a prototype member is a sensor table.
    expect(tableSpec('constructor')).toBe(SENSOR_TABLE);
  });

  it('creates a system table with its declared columns, then evolves it like any other', async () => {
    const lake = join(tempDir(), 'lake');
    const w = await openLakeWriter(lake);
    try {
      await w.append('profiles', [{ profile: 'p', entity: 'e', period_start: T0, value_num: 3, note: 'x' }]);
    } finally {
      w.close();
    }
    const snapshot = await readSnapshot(join(lake, 'profiles'));
    const names = snapshot?.schema.fields.map((f) => f.name);
    expect(names).toEqual([
      'profile',
      'entity',
      'groups',
      'period_start',
      'period_ms',
      'value',
      'value_num',
      'note',
      'dt',
    ]);
    expect(snapshot?.schema.fields.find((f) => f.name === 'value_num')?.type).toBe('double');
  });

  it('refuses rows without the table’s time column, naming it', async () => {
    const lake = join(tempDir(), 'lake');
    const w = await openLakeWriter(lake);
    try {
      const e = await w.append('profiles', [{ profile: 'p', entity: 'e' }]).catch((err: Error) => err);
      expect(e).toBeInstanceOf(InfraError);
      expect((e as Error).message).toBe(
        "every row of 'profiles' needs a numeric period_start (epoch ms) before it reaches the lake",
      );
    } finally {
      w.close();
    }
  });

  it('says so when a table is partitioned in a way the lake does not write', async () => {
    const lake = join(tempDir(), 'lake');
    const w = await openLakeWriter(lake);
    try {
      await w.append('t', [{ timestamp: T0, guid: 'a' }]);
      const log = join(lake, 't', '_delta_log', '00000000000000000000.json');
      const text = readFileSync(log, 'utf8').replace(
        '"partitionColumns":["dt"]',
        '"partitionColumns":["region"]',
      );
      writeFileSync(log, text);
      const e = await w.append('t', [{ timestamp: T0, guid: 'b' }]).catch((err: Error) => err);
      expect((e as Error).message).toMatch(
        /^table 't' is partitioned by \[region\]; Palisade appends only to tables partitioned by \[dt\] or \[dt, hour\]$/,
      );
    } finally {
      w.close();
    }
  });
});
