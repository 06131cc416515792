import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '#core';
import { type LakeWriter, openLakeWriter, openSql, readSnapshot } from '#lake';
import { python } from '../helpers/python.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2024, 4, 1);
const batch = (i: number): Event[] =>
  Array.from({ length: 4 }, (_, j) => ({
    timestamp: T0 + i * 3_600_000 + j,
    guid: `b${i}-${j}`,
    ip_src_addr: `10.0.${i}.${j}`,
    ...(i === 7 ? { 'later.field': 'x' } : {}),
  }));

async function count(lake: string, table: string): Promise<number> {
  const s = await openSql(lake);
  try {
    return (await s.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n as number;
  } finally {
    s.close();
  }
}

describe('checkpoints', () => {
  const lake = tempDir();
  const log = join(lake, 't', '_delta_log');
  let writer: LakeWriter;
  beforeAll(async () => {
    writer = await openLakeWriter(lake);
    for (let i = 0; i < 25; i++) {
      const r = await writer.append('t', batch(i), i === 3 ? { txn: { appId: 'bro-0', version: 99 } } : {});
      expect(r.warning).toBeUndefined();
      expect(r.checkpoint ?? false).toBe(i > 0 && i % 10 === 0);
    }
  });
  afterAll(() => writer.close());

  it('writes one every 10 commits and points _last_checkpoint at the newest', () => {
    const names = readdirSync(log).filter((n) => n.endsWith('.checkpoint.parquet'));
    expect(names).toEqual([
      '00000000000000000010.checkpoint.parquet',
      '00000000000000000020.checkpoint.parquet',
    ]);
    const last = JSON.parse(readFileSync(join(log, '_last_checkpoint'), 'utf8'));
    // protocol + metaData + 1 txn + 21 files (one per commit, all on one day).
    expect(last).toEqual({ version: 20, size: 24 });
  });

  it('rebuilds the same state from a checkpoint as from the whole log', async () => {
    const viaCheckpoint = await readSnapshot(join(lake, 't'));
    expect(viaCheckpoint?.version).toBe(24);
    expect(viaCheckpoint?.files.size).toBe(25);
    expect(viaCheckpoint?.txns.get('bro-0')).toBe(99);
    expect(viaCheckpoint?.schema.fields.map((f) => f.name)).toContain('later');
    const at15 = await readSnapshot(join(lake, 't'), 15);
    expect(at15?.files.size).toBe(16);
  });

  it('keeps working when the commits before the checkpoint are gone', async () => {
    for (let v = 0; v < 20; v++) rmSync(join(log, `${String(v).padStart(20, '0')}.json`));
    expect(await count(lake, 't')).toBe(100);
    await expect(readSnapshot(join(lake, 't'), 15)).rejects.toThrow(/no version 15/);
    // The stream writer's txn survived in the checkpoint: a replay still adds nothing.
    const replay = await writer.append('t', batch(3), { txn: { appId: 'bro-0', version: 99 } });
    expect(replay.skipped).toBe(true);
    expect(await count(lake, 't')).toBe(100);
  });

  it('is read by delta-rs, old commits gone, with the same rows', async () => {
    expect(existsSync(join(log, '00000000000000000000.json'))).toBe(false);
    const out = await python(
      'import sys, json, deltalake\n' +
        't = deltalake.DeltaTable(sys.argv[1])\n' +
        'print(json.dumps({"version": t.version(), "rows": t.to_pyarrow_table().num_rows}))',
      join(lake, 't'),
    );
    expect(JSON.parse(out)).toEqual({ version: 24, rows: 100 });
  });
});
