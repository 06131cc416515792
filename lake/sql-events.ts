import type { DeltaField, DeltaType } from './delta/schema.js';
import { sqlIdent } from './delta/schema.js';
import { sqlString } from './duckdb.js';
import { SYSTEM_TABLES } from './tables.js';

/**
 * The `events` view: every sensor table over Metron's normalised columns, plus `sensor`, the
 * table a row comes from. `source` stays the struct the tables have (`source.type` reads the
 * same in both). A table without a column gives NULL; a column of another type is cast with
 * TRY_CAST, so one odd table cannot fail the view.
 */

/** The view's name. A table of that name keeps it, and the spanning view is then not made. */
export const EVENTS_VIEW = 'events';

/** Lake tables that are not sensor tables (the system tables), so not part of `events`. */
export const NON_SENSOR_TABLES: ReadonlySet<string> = new Set(Object.keys(SYSTEM_TABLES));

const SOURCE_TYPE = 'STRUCT("type" VARCHAR)';

/** The columns of `events`, in order, with their DuckDB types (`sensor` comes last). */
export const EVENT_COLUMNS: readonly { name: string; type: string }[] = [
  { name: 'timestamp', type: 'BIGINT' },
  { name: 'guid', type: 'VARCHAR' },
  { name: 'source', type: SOURCE_TYPE },
  { name: 'ip_src_addr', type: 'VARCHAR' },
  { name: 'ip_src_port', type: 'BIGINT' },
  { name: 'ip_dst_addr', type: 'VARCHAR' },
  { name: 'ip_dst_port', type: 'BIGINT' },
  { name: 'protocol', type: 'VARCHAR' },
  // The flow's Community ID: joins an event to its packets (`pcap`) and to other sensors' records.
  { name: 'community_id', type: 'VARCHAR' },
  { name: 'original_string', type: 'VARCHAR' },
  { name: 'dt', type: 'DATE' },
];

const PRIMITIVE_TYPES: Record<string, string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  binary: 'BLOB',
  date: 'DATE',
  timestamp: 'TIMESTAMP WITH TIME ZONE',
};

/** A sensor table's name and its schema's top-level fields. */
export interface SensorTable {
  name: string;
  fields: readonly DeltaField[];
}

/** The SELECT behind `events` over the given sensor tables' views. */
export function eventsViewQuery(tables: readonly SensorTable[]): string {
  if (tables.length === 0) {
    const cols = [...EVENT_COLUMNS, { name: 'sensor', type: 'VARCHAR' }].map(
      (c) => `CAST(NULL AS ${c.type}) AS ${sqlIdent(c.name)}`,
    );
    return `SELECT ${cols.join(', ')} WHERE false`;
  }
  return tables
    .map((t) => {
      const byName = new Map(t.fields.map((f) => [f.name, f.type]));
      const cols = EVENT_COLUMNS.map(
        (c) => `${column(c.name, c.type, byName.get(c.name))} AS ${sqlIdent(c.name)}`,
      );
      cols.push(`${sqlString(t.name)} AS sensor`);
      return `SELECT ${cols.join(', ')} FROM ${sqlIdent(t.name)}`;
    })
    .join(' UNION ALL ');
}

/** One table's expression for one `events` column. */
function column(name: string, type: string, have: DeltaType | undefined): string {
  const nothing = `CAST(NULL AS ${type})`;
  if (have === undefined) return nothing;
  const ref = sqlIdent(name);
  if (name === 'source') {
    if (typeof have === 'string' || have.type !== 'struct') return nothing;
    const inner = have.fields.find((f) => f.name === 'type');
    if (!inner || typeof inner.type !== 'string') return nothing;
    const value = `struct_extract(${ref}, 'type')`;
    const text = inner.type === 'string' ? value : `TRY_CAST(${value} AS VARCHAR)`;
    return `CASE WHEN ${ref} IS NULL THEN NULL ELSE struct_pack("type" := ${text}) END`;
  }
  if (typeof have !== 'string') return nothing;
  const haveType = PRIMITIVE_TYPES[have];
  if (haveType === type) return ref;
  if (name === 'timestamp' && have === 'timestamp') return `epoch_ms(${ref})`;
  return `TRY_CAST(${ref} AS ${type})`;
}
