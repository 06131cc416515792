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
  const tableDir = join(lakeDir, PROFILES_TABLE);
  const snapshot = await readSnapshot(tableDir);
  if (!snapshot || snapshot.files.size === 0) return 0;
  const since = options.since;
  const firstDay = since === undefined ? undefined : dayOf(since);
  const files = [...snapshot.files]
    .filter(([, add]) => {
      const day = add.partitionValues[DAY_COLUMN];
      return firstDay === undefined || typeof day !== 'string' || day >= firstDay;
    })
    .map(([key]) => key);
  if (files.length === 0) return 0;
  const where = since === undefined ? '' : ` WHERE period_start >= ${Math.floor(since)}`;
  const db = await openDuckDb();
  let rows = 0;
  try {
    const result = await db.connection.stream(
      `SELECT profile, entity, groups, period_start, period_ms, value FROM ${parquetSource(tableDir, files)}${where}`,
    );
    for await (const chunk of result.yieldRowsJs()) {
      for (const [profile, entity, groups, start, periodMs, value] of chunk) {
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
      }
    }
  } catch (e) {
    throw new InfraError('lake.read', `cannot read ${tableDir}: ${(e as Error).message}`, { cause: e });
  } finally {
    db.close();
  }
  return rows;
}
