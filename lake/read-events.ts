import { join } from 'node:path';
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { type Event, type FieldValue, InfraError } from '#core';
import { readSnapshot } from './delta/log.js';
import { EXTRA_COLUMN, sqlIdent } from './delta/schema.js';
import { openDuckDb, sqlString } from './duckdb.js';
import { listTables } from './sql.js';
import { NON_SENSOR_TABLES } from './sql-events.js';
import { parquetSource } from './table.js';
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
  /**
   * Only these fields (dotted names read from their top-level column; the time field always
   * comes). Names no column holds are looked for in `_extra`. Default: every column.
   */
  fields?: ReadonlySet<string>;
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
      const source = parquetSource(
        tableDir,
        files.map(([key]) => key),
      );
      const order = fields.has('guid') ? `${timeColumn}, guid` : timeColumn;
      const select = options.fields ? columnsFor(options.fields, fields, time) : '*';
      const sql =
        `SELECT ${select} FROM ${source} WHERE ${timeColumn} >= ${Math.floor(options.from)} ` +
        `AND ${timeColumn} < ${Math.ceil(options.to)} ORDER BY ${order}`;
      let result: Awaited<ReturnType<typeof db.connection.stream>>;
      try {
        result = await db.connection.stream(sql);
      } catch (e) {
        throw new InfraError('lake.read', `cannot read ${tableDir}: ${(e as Error).message}`, { cause: e });
      }
      const names = result.columnNames();
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        yield { table, events: eventsOf(names, chunk.getColumns()) };
      }
    }
  } finally {
    db.close();
  }
}

/** The top-level columns holding `wanted` (plus the time, and `_extra` for names not found). */
function columnsFor(wanted: ReadonlySet<string>, columns: ReadonlySet<string>, time: string): string {
  const out = new Set<string>();
  let unresolved = false;
  for (const name of [...wanted, time]) {
    if (columns.has(name)) out.add(name);
    else {
      const head = name.split('.')[0] as string;
      if (name.includes('.') && columns.has(head)) out.add(head);
      else unresolved = true;
    }
  }
  if (unresolved && columns.has(EXTRA_COLUMN)) out.add(EXTRA_COLUMN);
  return out.size === 0 ? 'NULL AS _none' : [...out].map(sqlIdent).join(', ');
}

/** The SQL for a dotted time field (`a.b` is a struct path in the table). */
function timePath(name: string, topLevel: ReadonlySet<string>): string | undefined {
  if (topLevel.has(name)) return sqlIdent(name);
  const [head, ...rest] = name.split('.');
  if (head === undefined || !topLevel.has(head) || rest.length === 0) return undefined;
  return `${sqlIdent(head)}${rest.map((r) => `[${sqlString(r)}]`).join('')}`;
}

/**
 * A chunk's rows as events, column by column (no row object in between): struct fields
 * become dotted names, `_extra` entries come back, BIGINT becomes a number.
 */
function eventsOf(names: readonly string[], columns: readonly (readonly DuckDBValue[])[]): Event[] {
  const rows = columns[0]?.length ?? 0;
  const events: Event[] = new Array(rows);
  for (let i = 0; i < rows; i++) events[i] = {};
  names.forEach((name, c) => {
    const column = columns[c] as readonly DuckDBValue[];
    if (name === DAY_COLUMN) return;
    if (name === EXTRA_COLUMN) {
      for (let i = 0; i < rows; i++) {
        const v = column[i];
        if (!(v instanceof DuckDBMapValue)) continue;
        for (const { key, value } of v.entries)
          if (typeof value === 'string') (events[i] as Event)[String(key)] = JSON.parse(value);
      }
      return;
    }
    for (let i = 0; i < rows; i++) {
      const v = column[i];
      if (v !== null && v !== undefined) put(events[i] as Event, name, v);
    }
  });
  return events;
}

function put(event: Event, name: string, value: DuckDBValue): void {
  if (value === null) return;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      event[name] = value;
      return;
    case 'bigint':
      event[name] = Number(value);
      return;
  }
  if (value instanceof DuckDBStructValue) {
    for (const [k, v] of Object.entries(value.entries)) put(event, `${name}.${k}`, v);
    return;
  }
  event[name] = plain(value);
}

/** A nested DuckDB value (list, map, blob, date, …) as a plain JavaScript value. */
function plain(value: DuckDBValue): FieldValue {
  if (value === null) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object') return value;
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(plain);
  if (value instanceof DuckDBStructValue) {
    const out: Record<string, FieldValue> = {};
    for (const [k, v] of Object.entries(value.entries)) out[k] = plain(v);
    return out;
  }
  if (value instanceof DuckDBMapValue) {
    const out: Record<string, FieldValue> = {};
    for (const { key, value: v } of value.entries) out[String(key)] = plain(v);
    return out;
  }
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
  return value.toString();
}
