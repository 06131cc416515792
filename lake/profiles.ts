import { join } from 'node:path';
import { type Event, InfraError } from '#core';
import { encodeProfileValue, type Measurement, type ProfileCache } from '#stellar';
import { readSnapshot } from './delta/log.js';
import { openDuckDb, sqlString } from './duckdb.js';
import { type AppendOptions, type AppendResult, parquetSource } from './table.js';
import { DAY_COLUMN, dayOf } from './tables.js';

/**
 * The `profiles` table: one row per profile, entity, groups and period, written by the
 * streaming profiler at each period's end and by `palisade batch profile`, read back by
 * `PROFILE_GET` through a {@link ProfileCache}.
 */

export const PROFILES_TABLE = 'profiles';

/** What the writers need of a lake: its append (a {@link LakeWriter} has it). */
export interface LakeAppender {
  append(table: string, events: readonly Event[], options?: AppendOptions): Promise<AppendResult>;
}

/** A measurement as a row of the table. */
export function measurementRow(m: Measurement): Event {
  const { text, num } = encodeProfileValue(m.value);
  const row: Event = {
    profile: m.profile,
    entity: m.entity,
    groups: m.groups,
    period_start: m.start,
    period_ms: m.periodMs,
    value: text,
  };
  if (num !== null && Number.isFinite(num)) row.value_num = num;
  return row;
}

/**
 * Replace the rows of `profiles` for periods starting in [from, to) with `measurements`, in one
 * commit: a reader sees the old periods or the new ones, never a mix. Rows of a profile older
 * than its `expire` cutoff (Metron's `expires`, in days) go in the same commit.
 */
export function replaceMeasurements(
  lake: LakeAppender,
  measurements: readonly Measurement[],
  window: {
    profiles: readonly string[];
    from: number;
    to: number;
    /** Per profile: periods starting before this (epoch ms) are dropped. */
    expire?: readonly { profile: string; before: number }[];
  },
): Promise<AppendResult> {
  const { profiles, from, to } = window;
  const expire = window.expire ?? [];
  const firstDay = dayOf(from);
  const lastDay = dayOf(Math.max(from, to - 1));
  const where = [
    `(profile IN (${profiles.length > 0 ? profiles.map(sqlString).join(', ') : 'NULL'}) ` +
      `AND period_start >= ${Math.floor(from)} AND period_start < ${Math.ceil(to)})`,
    ...expire.map((e) => `(profile = ${sqlString(e.profile)} AND period_start < ${Math.floor(e.before)})`),
  ].join(' OR ');
  // A day partition can hold an expired row only if it starts before the latest cutoff.
  const expiredBefore = expire.length === 0 ? '' : dayOf(Math.max(...expire.map((e) => e.before)));
  return lake.append(PROFILES_TABLE, measurements.map(measurementRow), {
    replace: {
      where,
      mayHold: (add) => {
        const day = add.partitionValues[DAY_COLUMN];
        return typeof day !== 'string' || (day >= firstDay && day <= lastDay) || day <= expiredBefore;
      },
    },
  });
}

export interface ProfileReadOptions {
  /** Only periods starting at or after this (epoch ms). */
  since?: number;
  /** Only periods starting before this (epoch ms). */
  until?: number;
}

/**
 * The DuckDB source over the `profiles` files that can hold periods in the window (judged by
 * their day partition) and the window's conditions, or undefined when no file can.
 */
async function profileSource(
  lakeDir: string,
  options: ProfileReadOptions,
): Promise<{ from: string; where: string[] } | undefined> {
  const tableDir = join(lakeDir, PROFILES_TABLE);
  const snapshot = await readSnapshot(tableDir);
  if (!snapshot || snapshot.files.size === 0) return undefined;
  const { since, until } = options;
  const firstDay = since === undefined ? undefined : dayOf(since);
  const lastDay = until === undefined ? undefined : dayOf(until - 1);
  const files = [...snapshot.files]
    .filter(([, add]) => {
      const day = add.partitionValues[DAY_COLUMN];
      if (typeof day !== 'string') return true;
      return (firstDay === undefined || day >= firstDay) && (lastDay === undefined || day <= lastDay);
    })
    .map(([key]) => key);
  if (files.length === 0) return undefined;
  const where = [
    ...(since === undefined ? [] : [`period_start >= ${Math.floor(since)}`]),
    ...(until === undefined ? [] : [`period_start < ${Math.ceil(until)}`]),
  ];
  return { from: parquetSource(tableDir, files), where };
}

/** Run `select` (columns) over the window's profile rows, chunk by chunk; wraps read failures. */
async function readProfileRows(
  lakeDir: string,
  select: string,
  options: ProfileReadOptions & { and?: string },
  onRow: (row: unknown[]) => void,
): Promise<void> {
  const source = await profileSource(lakeDir, options);
  if (source === undefined) return;
  const where = [...source.where, ...(options.and === undefined ? [] : [options.and])];
  const db = await openDuckDb();
  try {
    const result = await db.connection.stream(
      `SELECT ${select} FROM ${source.from}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`,
    );
    for await (const chunk of result.yieldRowsJs()) for (const row of chunk) onRow(row);
  } catch (e) {
    throw new InfraError(
      'lake.read',
      `cannot read ${join(lakeDir, PROFILES_TABLE)}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  } finally {
    db.close();
  }
}

/**
 * Fill a cache with the table's rows (periods starting at or after `since`), so `PROFILE_GET`
 * answers without I/O. No table leaves the cache as it was. Returns the rows read.
 */
export async function loadProfileCache(
  lakeDir: string,
  cache: ProfileCache,
  options: ProfileReadOptions = {},
): Promise<number> {
  let rows = 0;
  await readProfileRows(
    lakeDir,
    'profile, entity, groups, period_start, period_ms, value',
    options,
    ([profile, entity, groups, start, periodMs, value]) => {
      cache.put(
        {
          profile: String(profile),
          entity: String(entity),
          groups: ((groups ?? []) as unknown[]).map(String),
          start: Number(start),
          periodMs: Number(periodMs),
        },
        String(value),
      );
      rows++;
    },
  );
  return rows;
}

/** A profile's numeric value for one ungrouped entity and period. */
export interface ProfileNumber {
  profile: string;
  entity: string;
  start: number;
  value: number;
}

/**
 * The numeric values (`value_num`) of the named profiles, ungrouped, with period length
 * `periodMs`, for periods in the window: what model features are computed from.
 */
export async function readProfileNumbers(
  lakeDir: string,
  options: ProfileReadOptions & { profiles: readonly string[]; periodMs: number },
): Promise<ProfileNumber[]> {
  const out: ProfileNumber[] = [];
  if (options.profiles.length === 0) return out;
  await readProfileRows(
    lakeDir,
    'profile, entity, period_start, value_num',
    {
      ...options,
      and:
        `profile IN (${options.profiles.map(sqlString).join(', ')}) AND period_ms = ${Math.floor(options.periodMs)} ` +
        'AND len(groups) = 0 AND value_num IS NOT NULL',
    },
    ([profile, entity, start, value]) => {
      out.push({
        profile: String(profile),
        entity: String(entity),
        start: Number(start),
        value: Number(value),
      });
    },
  );
  return out;
}
