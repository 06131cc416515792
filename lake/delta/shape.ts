import { DOUBLE_FIELDS, type Event } from '#core';
import {
  type DeltaArray,
  type DeltaField,
  type DeltaStruct,
  type DeltaType,
  EXTRA_COLUMN,
  extraType,
  field,
} from './schema.js';

/**
 * Turning flat events into nested rows that fit a table's schema.
 *
 * A dotted field name is a path into nested structs. New fields extend the schema; a value
 * that cannot be stored in its column (a string where the table has a number, a name that
 * collides with a struct) is kept as JSON text in the `_extra` map instead of being dropped.
 * Columns created in this batch may still widen (long → double), since nothing is written yet.
 */

type Row = Record<string, unknown>;

/** Running statistics of one leaf column, for the add action's `stats`. */
interface LeafStats {
  path: string[];
  nonNull: number;
  min: number | string | undefined;
  max: number | string | undefined;
  /** A string longer than the stats limit was seen: no max can be given. */
  maxUnknown: boolean;
}

/** Rows of one partition, with their statistics. */
export interface PartitionRows {
  partition: string;
  rows: Row[];
  stats: Map<string, LeafStats>;
}

/** Delta truncates string statistics; a prefix is a valid lower bound but not an upper one. */
const STATS_STRING_LIMIT = 32;

const RESERVED = new Set([EXTRA_COLUMN]);

/** Shapes events for one table; call {@link add} per event, then read {@link partitions}. */
export class BatchShaper {
  readonly schema: DeltaStruct;
  /** True once the batch added a column (or widened one) so a metaData action is needed. */
  schemaChanged = false;
  readonly partitions = new Map<string, PartitionRows>();
  private readonly fresh = new WeakSet<DeltaField>();
  private readonly reserved: Set<string>;

  /** `schema` is modified in place; pass a copy of the snapshot's. */
  constructor(schema: DeltaStruct, partitionColumns: readonly string[]) {
    this.schema = schema;
    this.reserved = new Set([...RESERVED, ...partitionColumns.map((c) => c.toLowerCase())]);
  }

  /** Place one event (flat, dotted names) into the rows of `partition`. */
  add(event: Event, partition: string): void {
    let part = this.partitions.get(partition);
    if (!part) {
      part = { partition, rows: [], stats: new Map() };
      this.partitions.set(partition, part);
    }
    const row: Row = {};
    let extra: Record<string, string> | undefined;
    const doubles = event[DOUBLE_FIELDS];
    for (const name in event) {
      const value = event[name];
      if (value === undefined || value === null) continue;
      if (!this.place(row, name, value, part.stats, doubles?.has(name) === true)) {
        extra ??= {};
        extra[name] = JSON.stringify(value);
      }
    }
    if (extra) {
      this.ensureExtra();
      row[EXTRA_COLUMN] = extra;
    }
    part.rows.push(row);
  }

  /**
   * Drop struct columns that ended up empty (a path whose leaf was refused); Delta and
   * DuckDB both reject an empty struct.
   */
  finish(): DeltaStruct {
    prune(this.schema);
    return this.schema;
  }

  private ensureExtra(): void {
    if (!this.schema.fields.some((f) => f.name === EXTRA_COLUMN)) {
      this.schema.fields.push(field(EXTRA_COLUMN, extraType));
      this.schemaChanged = true;
    }
  }

  /** Put a value at its path; false when it does not fit (the caller keeps it in `_extra`). */
  private place(
    row: Row,
    name: string,
    value: unknown,
    stats: Map<string, LeafStats>,
    double = false,
  ): boolean {
    if (isPlainObject(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0) return false;
      let all = true;
      for (const [k, v] of entries) {
        if (v === null || v === undefined) continue;
        all = this.place(row, `${name}.${k}`, v, stats) && all;
      }
      return all;
    }
    const path = name.split('.');
    if (path.some((p) => p === '')) return false;
    if (this.reserved.has((path[0] ?? '').toLowerCase())) return false;
    const inferred = inferType(value, double);
    if (inferred === undefined) return false;
    let struct = this.schema;
    let target = row;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i] as string;
      let f = findField(struct, seg);
      if (f === undefined) {
        f = field(seg, { type: 'struct', fields: [] });
        struct.fields.push(f);
        this.fresh.add(f);
        this.schemaChanged = true;
      } else if (f.name !== seg || typeof f.type === 'string' || f.type.type !== 'struct') {
        return false;
      }
      struct = f.type as DeltaStruct;
      let next = target[seg] as Row | undefined;
      if (next === undefined) {
        next = {};
        target[seg] = next;
      }
      target = next;
    }
    const leaf = path[path.length - 1] as string;
    let f = findField(struct, leaf);
    if (f === undefined) {
      f = field(leaf, inferred);
      struct.fields.push(f);
      this.fresh.add(f);
      this.schemaChanged = true;
    } else if (f.name !== leaf) {
      return false;
    } else if (!fits(f.type, inferred)) {
      const widened = this.fresh.has(f) ? widen(f.type, inferred) : undefined;
      if (widened === undefined) return false;
      f.type = widened;
      this.schemaChanged = true;
    }
    if (leaf in target) return false;
    // Binary goes to the writer as base64 text; it is decoded back to bytes in DuckDB.
    target[leaf] = value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
    if (typeof value === 'number' || typeof value === 'string') track(stats, path, name, value);
    return true;
  }
}

function prune(struct: DeltaStruct): void {
  struct.fields = struct.fields.filter((f) => {
    if (typeof f.type === 'string' || f.type.type !== 'struct') return true;
    prune(f.type);
    return f.type.fields.length > 0;
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Field lookup is case-insensitive, as in DuckDB and Spark; the caller rejects a case mismatch. */
function findField(struct: DeltaStruct, name: string): DeltaField | undefined {
  const lower = name.toLowerCase();
  return (
    struct.fields.find((f) => f.name === name) ?? struct.fields.find((f) => f.name.toLowerCase() === lower)
  );
}

/** The narrowest type that holds a value, or undefined when none does (mixed lists, nested objects in lists). */
export function inferType(value: unknown, double = false): DeltaType | undefined {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      if (!Number.isFinite(value)) return undefined;
      return Number.isSafeInteger(value) && !double ? 'long' : 'double';
    case 'object': {
      if (value instanceof Uint8Array) return 'binary';
      if (!Array.isArray(value)) return undefined;
      let element: DeltaType | undefined;
      for (const item of value) {
        if (item === null) continue;
        const t = inferType(item, double);
        if (t === undefined || typeof t !== 'string') return undefined;
        if (element === undefined) element = t;
        else if (element !== t) {
          const w = widen(element, t);
          if (w === undefined) return undefined;
          element = w;
        }
      }
      const arr: DeltaArray = { type: 'array', elementType: element ?? 'string', containsNull: true };
      return arr;
    }
    default:
      return undefined;
  }
}

/** Whether a value of type `value` can be written to a column of type `column`. */
function fits(column: DeltaType, value: DeltaType): boolean {
  if (typeof column === 'string' || typeof value === 'string') {
    return column === value || (column === 'double' && value === 'long');
  }
  if (column.type === 'array' && value.type === 'array') {
    // An empty list inferred as array<string> fits any list column.
    return fits(column.elementType, value.elementType) || value.elementType === 'string';
  }
  return false;
}

/** A type holding both, when one exists without losing values (long+double → double). */
function widen(a: DeltaType, b: DeltaType): DeltaType | undefined {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return a;
    if ((a === 'long' && b === 'double') || (a === 'double' && b === 'long')) return 'double';
    return undefined;
  }
  if (typeof a !== 'string' && typeof b !== 'string' && a.type === 'array' && b.type === 'array') {
    const e = widen(a.elementType, b.elementType);
    return e === undefined ? undefined : { type: 'array', elementType: e, containsNull: true };
  }
  return undefined;
}

function track(stats: Map<string, LeafStats>, path: string[], key: string, value: number | string): void {
  let s = stats.get(key);
  if (!s) {
    s = { path, nonNull: 0, min: undefined, max: undefined, maxUnknown: false };
    stats.set(key, s);
  }
  s.nonNull++;
  if (typeof value === 'string') {
    const lower = value.length > STATS_STRING_LIMIT ? value.slice(0, STATS_STRING_LIMIT) : value;
    if (s.min === undefined || lower < (s.min as string)) s.min = lower;
    if (value.length > STATS_STRING_LIMIT) s.maxUnknown = true;
    else if (s.max === undefined || value > (s.max as string)) s.max = value;
  } else {
    if (s.min === undefined || value < (s.min as number)) s.min = value;
    if (s.max === undefined || value > (s.max as number)) s.max = value;
  }
}

/**
 * The `stats` JSON of an add action: record count, and min/max/null counts for the scalar
 * leaves of the schema (nested like the schema). A column whose type changed in the batch
 * may mix kinds; its bounds are then left out rather than guessed.
 */
export function statsJson(schema: DeltaStruct, part: PartitionRows): string {
  const numRecords = part.rows.length;
  const minValues: Row = {};
  const maxValues: Row = {};
  const nullCount: Row = {};
  walkLeaves(schema, [], (path, type) => {
    const s = part.stats.get(path.join('.'));
    const nonNull = s?.nonNull ?? 0;
    if (typeof type === 'string' && type !== 'binary' && type !== 'boolean') {
      setPath(nullCount, path, numRecords - nonNull);
      if (s && s.min !== undefined && kindMatches(type, s.min)) setPath(minValues, path, s.min);
      if (s && s.max !== undefined && !s.maxUnknown && kindMatches(type, s.max))
        setPath(maxValues, path, s.max);
    }
  });
  return JSON.stringify({ numRecords, minValues, maxValues, nullCount });
}

function kindMatches(type: DeltaType, v: unknown): boolean {
  return type === 'string' ? typeof v === 'string' : typeof v === 'number';
}

function walkLeaves(
  struct: DeltaStruct,
  prefix: string[],
  fn: (path: string[], type: DeltaType) => void,
): void {
  for (const f of struct.fields) {
    const path = [...prefix, f.name];
    if (typeof f.type !== 'string' && f.type.type === 'struct') walkLeaves(f.type, path, fn);
    else fn(path, f.type);
  }
}

function setPath(target: Row, path: string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i] as string;
    node[seg] ??= {};
    node = node[seg] as Row;
  }
  node[path[path.length - 1] as string] = value;
}
