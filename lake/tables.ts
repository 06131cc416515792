import { type DeltaField, type DeltaStruct, type DeltaType, field } from './delta/schema.js';

/**
 * The lake's tables: how each one is partitioned, which column dates a row, the columns it
 * is created with and the order compaction sorts rows into. Sensor tables share one shape
 * (their columns come from the events); `alerts`, `errors`, `pcap`, `profiles` and
 * `alert_actions` declare their columns up front so their types never depend on the first
 * batch (an empty group list is still a list of strings, an integral score still a double).
 * Every table still takes fields nobody declared, as schema evolution, and keeps a value of
 * the wrong type in `_extra`.
 */

/** Which partition columns a table has. */
export type Partitioning = 'day' | 'day-hour';

export interface TableSpec {
  partitioning: Partitioning;
  /** The column (epoch ms) whose day (and hour) is the row's partition. */
  timeColumn: string;
  /** Columns the table is created with, in order; more are added as rows bring them. */
  columns: readonly DeltaField[];
  /** Compaction's sort order; a column the table lacks is skipped. */
  sortBy: readonly string[];
  /**
   * Retention (`vacuum --retain`) leaves its partitions alone: rows whose age says nothing about
   * whether they are still needed (indicators valid for years, the analysts' audit trail).
   */
  keepOnRetention?: boolean;
}

/** The day partition column every table has. */
export const DAY_COLUMN = 'dt';
/** The hour partition column of `day-hour` tables (0–23, UTC). */
export const HOUR_COLUMN = 'hour';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const strings: DeltaType = { type: 'array', elementType: 'string', containsNull: true };
const struct = (...fields: DeltaField[]): DeltaType => ({ type: 'struct', fields });

/** The normalised columns every event carries (Metron's names), in their usual order. */
const EVENT_HEAD: readonly DeltaField[] = [
  field('timestamp', 'long'),
  field('guid', 'string'),
  field('source', struct(field('type', 'string'))),
];

/** Sensor tables: everything comes from the events; "all traffic from this IP" is the common lookup. */
export const SENSOR_TABLE: TableSpec = {
  partitioning: 'day',
  timeColumn: 'timestamp',
  columns: [],
  sortBy: ['ip_src_addr', 'timestamp'],
};

/** The tables that are not sensor tables, by name. */
export const SYSTEM_TABLES: Readonly<Record<string, TableSpec>> = {
  /** Events that triage raised as alerts, as the stream saw them; `is_alert` is Metron's text "true". */
  alerts: {
    partitioning: 'day',
    timeColumn: 'timestamp',
    columns: [
      ...EVENT_HEAD,
      field('is_alert', 'string'),
      field('threat', struct(field('triage', struct(field('score', 'double'))))),
    ],
    sortBy: ['timestamp'],
  },
  /** Records that failed anywhere in the pipeline, with their original bytes (see streaming/error-record.ts). */
  errors: {
    partitioning: 'day',
    timeColumn: 'timestamp',
    columns: [
      ...EVENT_HEAD,
      field('failed_sensor_type', 'string'),
      field('error_type', 'string'),
      field('error_code', 'string'),
      field('message', 'string'),
      field('raw_message', 'string'),
      field('error_hash', 'string'),
      field('raw_message_bytes', 'binary'),
      field('hostname', 'string'),
      field('error_fields', 'string'),
      field('source_file', 'string'),
      field('source_line', 'long'),
    ],
    sortBy: ['timestamp'],
  },
  /** One row per captured packet, bytes exactly as captured; partitioned by hour too. */
  pcap: {
    partitioning: 'day-hour',
    timeColumn: 'timestamp',
    columns: [
      field('timestamp', 'long'),
      // The capture's own time, lossless: seconds and nanoseconds within the second (a
      // nanosecond epoch does not fit a JavaScript number; these two do).
      field('ts_sec', 'long'),
      field('ts_nsec', 'long'),
      field('ip_src_addr', 'string'),
      field('ip_src_port', 'long'),
      field('ip_dst_addr', 'string'),
      field('ip_dst_port', 'long'),
      field('protocol', 'long'),
      field('vlan', 'long'),
      field('caplen', 'long'),
      field('len', 'long'),
      field('linktype', 'long'),
      field('community_id', 'string'),
      field('packet', 'binary'),
      // The packet's position in its source (frame number in a file, offset in Kafka): it
      // orders packets with the same timestamp as they were captured.
      field('seq', 'long'),
    ],
    sortBy: ['ts_sec', 'ts_nsec', 'seq'],
  },
  /** Profiler results: one row per profile, entity, groups and period. */
  profiles: {
    partitioning: 'day',
    timeColumn: 'period_start',
    columns: [
      field('profile', 'string'),
      field('entity', 'string'),
      field('groups', strings),
      field('period_start', 'long'),
      field('period_ms', 'long'),
      field('value', 'string'),
      field('value_num', 'double'),
    ],
    sortBy: ['profile', 'entity', 'period_start'],
  },
  /** The append-only audit trail of analyst actions on alerts; an alert's state is derived from it. */
  alert_actions: {
    partitioning: 'day',
    timeColumn: 'timestamp',
    columns: [
      field('timestamp', 'long'),
      field('action_id', 'string'),
      field('alert_guid', 'string'),
      field('actor', 'string'),
      field('action', 'string'),
      field('status', 'string'),
      field('assignee', 'string'),
      field('comment', 'string'),
      field('meta_alert', 'string'),
    ],
    sortBy: ['alert_guid', 'timestamp'],
    keepOnRetention: true,
  },
  /** Threat-intel indicators by Metron type (`palisade batch intel load`); the stream's store is read from it. */
  threatintel: {
    partitioning: 'day',
    timeColumn: 'timestamp',
    columns: [
      // When the row was loaded.
      field('timestamp', 'long'),
      field('type', 'string'),
      // As lookups compare it: trimmed, lower-cased unless an IPv4 address or block.
      field('indicator', 'string'),
      field('kind', 'string'),
      field('source', 'string'),
      field('stix_id', 'string'),
      // Epoch ms from which the indicator no longer counts; null: no end.
      field('valid_until', 'long'),
    ],
    sortBy: ['type', 'indicator'],
    keepOnRetention: true,
  },
  /**
   * The model registry's history (models/registry): one row per register, promote and rollback;
   * which version of a model is live is derived from it. The ONNX files live in `<lake>/models`.
   */
  model_registry: {
    partitioning: 'day',
    timeColumn: 'timestamp',
    columns: [
      field('timestamp', 'long'),
      // Commit order, 1, 2, 3 …: two actions in one millisecond still replay in the order they landed.
      field('seq', 'long'),
      field('name', 'string'),
      field('version', 'long'),
      field('action', 'string'),
      field('actor', 'string'),
      field('kind', 'string'),
      field('features', strings),
      field('sha256', 'string'),
      // JSON: a register's metrics, a promote's {from}, a rollback's {from, to}.
      field('detail', 'string'),
    ],
    sortBy: ['name', 'version', 'timestamp'],
    keepOnRetention: true,
  },
};

/** A table's spec: its own when it is a system table, else the sensor table's. */
export function tableSpec(table: string): TableSpec {
  return Object.hasOwn(SYSTEM_TABLES, table) ? (SYSTEM_TABLES[table] as TableSpec) : SENSOR_TABLE;
}

/** The partition columns of a partitioning, outermost first. */
export function partitionColumns(partitioning: Partitioning): string[] {
  return partitioning === 'day-hour' ? [DAY_COLUMN, HOUR_COLUMN] : [DAY_COLUMN];
}

/** The partition columns as fields of the table's schema. */
export function partitionFields(partitioning: Partitioning): DeltaField[] {
  const fields = [field(DAY_COLUMN, 'date')];
  if (partitioning === 'day-hour') fields.push(field(HOUR_COLUMN, 'long'));
  return fields;
}

/** The columns a new table starts with (a copy the caller may extend). */
export function initialColumns(spec: TableSpec): DeltaStruct {
  return { type: 'struct', fields: structuredClone([...spec.columns]) };
}

/** UTC day of an epoch-ms timestamp, as the `dt` partition value. */
export function dayOf(timestamp: number): string {
  return new Date(timestamp).toISOString().slice(0, 10);
}

/** A row's partition: its directory (`dt=…/hour=…`) and the values the log records. */
export interface Partition {
  dir: string;
  values: Record<string, string>;
}

/**
 * The partition of a stream of timestamps: rows of a batch mostly share a day (or hour), so
 * the partition is made once per day (or hour) rather than once per row.
 */
export function partitioner(partitioning: Partitioning): (timestamp: number) => Partition {
  const width = partitioning === 'day-hour' ? HOUR_MS : DAY_MS;
  let start = Number.NaN;
  let last: Partition = { dir: '', values: {} };
  return (ts) => {
    if (!(ts >= start && ts < start + width)) {
      start = Math.floor(ts / width) * width;
      const day = dayOf(start);
      if (partitioning === 'day-hour') {
        const hour = String(new Date(start).getUTCHours());
        last = {
          dir: `${DAY_COLUMN}=${day}/${HOUR_COLUMN}=${hour}`,
          values: { [DAY_COLUMN]: day, [HOUR_COLUMN]: hour },
        };
      } else {
        last = { dir: `${DAY_COLUMN}=${day}`, values: { [DAY_COLUMN]: day } };
      }
    }
    return last;
  };
}
