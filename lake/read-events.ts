import { join } from 'node:path';
import type { Event } from '#core';
import { InfraError } from '#core';
import { readSnapshot } from './delta/log.js';
import { EXTRA_COLUMN, sqlIdent } from './delta/schema.js';
import { openDuckDb, sqlString } from './duckdb.js';
import { listTables } from './sql.js';
import { NON_SENSOR_TABLES } from './sql-events.js';
import { safeDataPath } from './table.js';
import { DAY_COLUMN, dayOf } from './tables.js';

/**
 * Events back out of the lake as the stream saw them: flat records with dotted names, for
 * jobs that replay history through the stream's own code (the batch profiler, backtests).
 * DuckDB reads the tables' current files, skips day partitions outside the window by their
 * partition value, and hands rows over a chunk at a time.
 */

export interface ReadEventsOptions {
  /** Sensor tables to read (default: every table of the lake but the system ones). */
  tables?: readonly string[];
  /** The time field (default `timestamp`); rows without a number there are skipped. */
  timeField?: string;
  /** Window in epoch ms: `from` inclusive, `to` exclusive. */
  from: number;
  to: number;
}

export interface EventChunk {
  table: string;
  events: Event[];
}

/** The lake's sensor tables, sorted. */
export async function sensorTables(lakeDir: string): Promise<string[]> {
  return (await listTables(lakeDir)).filter((t) => !NON_SENSOR_TABLES.has(t));
}

/**
 * Each table's events in the window, in time order (then `guid`, so a rerun sees the same
 * order), a chunk at a time; tables one after the other, by name.
 */
export async function* readEvents(lakeDir: string, options: ReadEventsOptions): AsyncGenerator<EventChunk> {
  const tables = options.tables ?? (await sensorTables(lakeDir));
  const time = options.timeField ?? 'timestamp';
  const db = await openDuckDb();
  try {
    for (const table of tables) {
      const tableDir = join(lakeDir, table);
      const snapshot = await readSnapshot(tableDir);
      if (!snapshot) continue;
      const firstDay = dayOf(options.from);
      const lastDay = dayOf(Math.max(options.from, options.to - 1));
      const files = [...snapshot.files].filter(([, add]) => {
        const day = add.partitionValues[DAY_COLUMN];
        return day === undefined || day === null || (day >= firstDay && day <= lastDay);
      });
      if (files.length === 0) continue;
      const fields = new Set(snapshot.schema.fields.map((f) => f.name));
      const timeColumn = timePath(time, fields);
      if (timeColumn === undefined) continue;
      const source = `read_parquet([${files.map(([key]) => sqlString(safeDataPath(tableDir, key))).join(', ')}], union_by_name = true, hive_partitioning = false)`;
      const order = fields.has('guid') ? `${timeColumn}, guid` : timeColumn;
      const sql =
        `SELECT * FROM ${source} WHERE ${timeColumn} >= ${Math.floor(options.from)} ` +
        `AND ${timeColumn} < ${Math.ceil(options.to)} ORDER BY ${order}`;
      let result: Awaited<ReturnType<typeof db.connection.stream>>;
      try {
        result = await db.connection.stream(sql);
      } catch (e) {
        throw new InfraError('lake.read', `cannot read ${tableDir}: ${(e as Error).message}`, { cause: e });
      }
      for await (const rows of result.yieldRowObjectJs()) {
        yield { table, events: rows.map((row) => eventOf(row)) };
      }
    }
  } finally {
    db.close();
  }
}

/** The SQL for a dotted time field (`a.b` is a struct path in the table). */
function timePath(name: string, topLevel: ReadonlySet<string>): string | undefined {
  if (topLevel.has(name)) return sqlIdent(name);
  const [head, ...rest] = name.split('.');
  if (head === undefined || !topLevel.has(head) || rest.length === 0) return undefined;
  return `${sqlIdent(head)}${rest.map((r) => `[${sqlString(r)}]`).join('')}`;
}

/** A row as an event: struct fields become dotted names, `_extra` entries come back. */
export function eventOf(row: Record<string, unknown>): Event {
  const event: Event = {};
  for (const [name, value] of Object.entries(row)) {
    if (name === EXTRA_COLUMN) {
      for (const entry of (value ?? []) as { key: string; value: string | null }[]) {
        if (entry.value !== null) event[entry.key] = JSON.parse(entry.value);
      }
    } else if (name !== DAY_COLUMN) put(event, name, value);
  }
  return event;
}

function put(event: Event, name: string, value: unknown): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'bigint') {
    event[name] = Number(value);
    return;
  }
  if (
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  ) {
    for (const [k, v] of Object.entries(value)) put(event, `${name}.${k}`, v);
    return;
  }
  if (Array.isArray(value)) {
    event[name] = value.map((v) => (typeof v === 'bigint' ? Number(v) : v));
    return;
  }
  event[name] = value as Event[string];
}
