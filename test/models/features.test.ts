// Features from profiles: labelled traffic goes into a lake, `rebuildProfiles` runs the default
// profiler config over it, and the host feature set is read back from the `profiles` table. The
// rows must be what the events say, and the stream's path (a profile cache) must give the same.

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProfileCache } from '#lake';
import { cachedFeatureRow, type FeatureTable, featureNames, HOST_FEATURES, readFeatureTable } from '#models';
import { ProfileCache } from '#stellar';
import { tempDir } from '../helpers/tmp.js';
import { HOUR_MS, TRAFFIC_START, type Traffic, trafficLake } from '../helpers/traffic.js';

const lake = join(tempDir('palisade-features-'), 'lake');
let traffic: Traffic;
let table: FeatureTable;

beforeAll(async () => {
  const made = await trafficLake(lake, { seed: 3, hosts: 30, hours: 8, attacks: 4 });
  traffic = made.traffic;
  table = await readFeatureTable(lake, HOST_FEATURES, { from: made.from, to: made.to, periodMs: HOUR_MS });
}, 120_000);

describe('host features from the profiles table', () => {
  it('has one row per active host and hour, in (period, host) order', () => {
    const active = new Set(
      traffic.events.map(
        (e) => `${Math.floor((e.timestamp as number) / HOUR_MS) * HOUR_MS}\0${e.ip_src_addr as string}`,
      ),
    );
    expect(table.rows.length).toBe(active.size);
    expect(new Set(table.keys.map((k) => `${k.start}\0${k.entity}`))).toEqual(active);
    const order = table.keys.map((k) => [k.start, k.entity] as const);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1)));
    expect(featureNames(HOST_FEATURES)).toEqual([
      'connections',
      'bytes_out',
      'bytes_in',
      'distinct_peers',
      'distinct_ports',
      'failed_ratio',
      'night_share',
    ]);
  });

  it('computes each feature as the events of that host and hour say', () => {
    // Check every row against the raw events, for the attacked periods and a few others.
    const sample = table.keys.flatMap((k, i) =>
      traffic.attacks.has(`${k.entity}\0${k.start}`) || i % 37 === 0 ? [i] : [],
    );
    expect(sample.length).toBeGreaterThan(8);
    for (const i of sample) {
      const { entity, start } = table.keys[i] as { entity: string; start: number };
      const mine = traffic.events.filter(
        (e) =>
          e.ip_src_addr === entity &&
          (e.timestamp as number) >= start &&
          (e.timestamp as number) < start + HOUR_MS,
      );
      const n = mine.length;
      const sum = (f: string) => mine.reduce((s, e) => s + (e[f] as number), 0);
      const failed = mine.filter((e) =>
        ['S0', 'REJ', 'RSTOS0', 'RSTRH', 'SH', 'SHR'].includes(e.conn_state as string),
      );
      const night = new Date(start).getUTCHours() < 6 ? n : 0;
      const expected = [
        Math.log1p(n),
        Math.log1p(sum('orig_bytes')),
        Math.log1p(sum('resp_bytes')),
        Math.log1p(new Set(mine.map((e) => e.ip_dst_addr)).size),
        Math.log1p(new Set(mine.map((e) => e.ip_dst_port)).size),
        failed.length / n,
        night / n,
      ];
      const row = Array.from(table.rows[i] as Float64Array);
      row.forEach((v, f) => {
        expect(v, `${entity} ${start} ${featureNames(HOST_FEATURES)[f]}`).toBeCloseTo(
          expected[f] as number,
          9,
        );
      });
    }
  });

  it('the stream path reads the same rows from a profile cache', async () => {
    const cache = new ProfileCache();
    await loadProfileCache(lake, cache);
    const width = HOST_FEATURES.features.length;
    const into = new Float32Array(width);
    let compared = 0;
    table.keys.forEach(({ entity, start }, i) => {
      // An event in the next period is scored on this (closed) one.
      expect(cachedFeatureRow(HOST_FEATURES, cache, entity, start + HOUR_MS + 5, HOUR_MS, into, 0)).toBe(
        true,
      );
      expect(Array.from(into)).toEqual(Array.from(Float32Array.from(table.rows[i] as Float64Array)));
      compared++;
    });
    expect(compared).toBe(table.rows.length);
    // No measurement for the period before the first: nothing to score.
    expect(
      cachedFeatureRow(
        HOST_FEATURES,
        cache,
        table.keys[0]?.entity as string,
        TRAFFIC_START,
        HOUR_MS,
        into,
        0,
      ),
    ).toBe(false);
  });
});
