import { UsageError } from '#core';
import { readProfileNumbers } from '#lake';
import type { ProfileCache } from '#stellar';

/**
 * Model features, defined once: which profiles each feature reads and how it turns their values
 * into a number. Training reads the values from the `profiles` table; the stream reads them
 * from its profile cache (the lake's recent measurements, reloaded as the profiler lands new
 * periods). Both go through {@link featureRow}, so a model sees the same numbers in both.
 *
 * A feature set's rows are per entity and period. A row exists when the set's anchor profile
 * has a value for that entity and period; another profile without a value counts as 0 (a
 * profile's `onlyif` skipped every message, so there was nothing to count).
 */

export interface FeatureDef {
  readonly name: string;
  /** The profiles it reads, in the order `compute` takes their values. */
  readonly profiles: readonly string[];
  readonly compute: (values: readonly number[]) => number;
  readonly description: string;
}

export interface FeatureSet {
  readonly name: string;
  /** The event field naming the entity (the profiles' `foreach`). */
  readonly entity: string;
  /** The profile whose value makes a row exist. */
  readonly anchor: string;
  readonly features: readonly FeatureDef[];
  readonly description: string;
}

/** Volumes vary over orders of magnitude between hosts; trees and medians see them on a log scale. */
const log1p = (name: string, profile: string, what: string): FeatureDef => ({
  name,
  profiles: [profile],
  compute: ([v = 0]) => Math.log1p(Math.max(0, v)),
  description: `ln(1 + ${what})`,
});

const share = (name: string, profile: string, what: string): FeatureDef => ({
  name,
  profiles: [profile, 'connections'],
  compute: ([part = 0, all = 0]) => (all > 0 ? Math.min(1, part / all) : 0),
  description: `${what} ÷ connections`,
});

/**
 * Per source IP and period, from the default profiles (config/profiler.json): how much it
 * talks, to how many peers and ports, how often it fails to connect, and how much of it is at
 * night (00:00–06:00 UTC).
 */
export const HOST_FEATURES: FeatureSet = {
  name: 'host',
  entity: 'ip_src_addr',
  anchor: 'connections',
  description: 'per source IP and period: volumes, fan-out, failures and night-time activity',
  features: [
    log1p('connections', 'connections', 'connections'),
    log1p('bytes_out', 'bytes-out', 'bytes sent'),
    log1p('bytes_in', 'bytes-in', 'bytes received'),
    log1p('distinct_peers', 'distinct-peers', 'distinct destination addresses'),
    log1p('distinct_ports', 'distinct-ports', 'distinct destination ports'),
    share('failed_ratio', 'failed-connections', 'connections refused or unanswered'),
    share('night_share', 'night-connections', 'connections between 00:00 and 06:00 UTC'),
  ],
};

/** Feature sets by name (`--features` of `palisade batch train`, `featureSet` in model.json). */
export const FEATURE_SETS: Readonly<Record<string, FeatureSet>> = { host: HOST_FEATURES };

export function featureSet(name: string): FeatureSet {
  const set = FEATURE_SETS[name];
  if (!set) {
    throw new UsageError(`unknown feature set '${name}' (known: ${Object.keys(FEATURE_SETS).join(', ')})`);
  }
  return set;
}

/** Every profile a set reads, each once, the anchor first. */
export function profilesOf(set: FeatureSet): string[] {
  return [...new Set([set.anchor, ...set.features.flatMap((f) => f.profiles)])];
}

export function featureNames(set: FeatureSet): string[] {
  return set.features.map((f) => f.name);
}

/**
 * One row of a set's features from its profiles' values (`value(profile)`, undefined when the
 * profile has none), or undefined when the anchor has none. Writes into `into` at `offset`
 * when given (a batch's flat input), else returns a new array.
 */
export function featureRow(
  set: FeatureSet,
  value: (profile: string) => number | undefined,
  into?: Float32Array | Float64Array,
  offset = 0,
): Float32Array | Float64Array | undefined {
  if (value(set.anchor) === undefined) return undefined;
  const row = into ?? new Float64Array(set.features.length);
  set.features.forEach((feature, i) => {
    row[offset + i] = feature.compute(feature.profiles.map((p) => value(p) ?? 0));
  });
  return row;
}

/** Feature rows read from the lake: one per entity and period, in (period, entity) order. */
export interface FeatureTable {
  readonly set: FeatureSet;
  readonly periodMs: number;
  readonly keys: readonly { entity: string; start: number }[];
  readonly rows: readonly Float64Array[];
}

/**
 * A set's rows for periods starting in [from, to), computed from the `profiles` table's
 * measurements with period length `periodMs` (`palisade batch profile --period`).
 */
export async function readFeatureTable(
  lakeDir: string,
  set: FeatureSet,
  window: { from: number; to: number; periodMs: number },
): Promise<FeatureTable> {
  const numbers = await readProfileNumbers(lakeDir, {
    profiles: profilesOf(set),
    periodMs: window.periodMs,
    since: window.from,
    until: window.to,
  });
  const byKey = new Map<string, { entity: string; start: number; values: Map<string, number> }>();
  for (const n of numbers) {
    const key = `${n.start}\0${n.entity}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { entity: n.entity, start: n.start, values: new Map() };
      byKey.set(key, entry);
    }
    entry.values.set(n.profile, n.value);
  }
  const entries = [...byKey.values()].sort((a, b) =>
    a.start !== b.start ? a.start - b.start : a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0,
  );
  const keys: { entity: string; start: number }[] = [];
  const rows: Float64Array[] = [];
  for (const entry of entries) {
    const row = featureRow(set, (p) => entry.values.get(p));
    if (!row) continue;
    keys.push({ entity: entry.entity, start: entry.start });
    rows.push(row as Float64Array);
  }
  return { set, periodMs: window.periodMs, keys, rows };
}

/**
 * The stream's side: features for an entity from a profile cache. An event at time t is
 * scored on its entity's last closed period (the one before t's), the newest a profiler can
 * have landed.
 */
export function cachedFeatureRow(
  set: FeatureSet,
  cache: ProfileCache,
  entity: string,
  at: number,
  periodMs: number,
  into: Float32Array,
  offset: number,
): boolean {
  const start = lastClosedPeriod(at, periodMs);
  const value = (profile: string) => {
    const v = cache.get({ profile, entity, groups: [], start, periodMs });
    return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
  };
  return featureRow(set, value, into, offset) !== undefined;
}

/** The start of the last closed period for time `at`, as {@link cachedFeatureRow} reads it. */
export function lastClosedPeriod(at: number, periodMs: number): number {
  return Math.floor(at / periodMs) * periodMs - periodMs;
}
