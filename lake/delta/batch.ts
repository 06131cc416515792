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
 * A batch of events laid out as columns, one per leaf of the table's schema, per partition.
 *
 * A dotted field name is a path into nested structs; it is resolved against the schema once
 * per batch, not once per event. New fields extend the schema; a value that cannot be stored
 * in its column (a string where the table has a number, a name that collides with a struct)
 * is kept as JSON text in the `_extra` map instead of being dropped. Columns created in this
 * batch may still widen (long → double), since nothing is written yet.
 */

/** One scalar or list column of the schema, addressed by its path. */
export interface Leaf {
  /** Index into a partition's `values`. */
  id: number;
  path: string[];
  field: DeltaField;
  /** Created by this batch, so its type may still widen. */
  fresh: boolean;
  /** A fresh list column that has seen only empty lists: its element type is a guess. */
  guessed?: boolean;
}

/** The rows of one partition, column by column. */
export interface PartitionColumns {
  partition: string;
  rows: number;
  /** `values[leaf.id][row]`; holes and missing columns are nulls. */
  values: unknown[][];
  /** Per row: fields kept as JSON text because they did not fit. */
  extra: (Record<string, string> | undefined)[];
  hasExtra: boolean;
}

const RESERVED = [EXTRA_COLUMN];

export class ColumnBatch {
  readonly schema: DeltaStruct;
  /** True once the batch added or widened a column, so a metaData action is needed. */
  schemaChanged = false;
  readonly leaves: Leaf[] = [];
  readonly partitions = new Map<string, PartitionColumns>();
  /** dotted name → its leaf, or null when the name can never fit the schema. */
  private readonly slots = new Map<string, Leaf | null>();
  private readonly reserved: Set<string>;
  private last: PartitionColumns | undefined;

  /** `schema` is modified in place; pass a copy of the snapshot's (without partition columns). */
  constructor(schema: DeltaStruct, partitionColumns: readonly string[]) {
    this.schema = schema;
    this.reserved = new Set([...RESERVED, ...partitionColumns].map((c) => c.toLowerCase()));
    walkLeaves(schema, [], (path, f) => {
      if (f.name === EXTRA_COLUMN && path.length === 1) return;
      const leaf: Leaf = { id: this.leaves.length, path, field: f, fresh: false };
      this.leaves.push(leaf);
      this.slots.set(path.join('.'), leaf);
    });
  }

  /** Add one event (flat, dotted names) to the rows of `partition`. */
  add(event: Event, partition: string): void {
    let part = this.last;
    if (part?.partition !== partition) {
      part = this.partitions.get(partition);
      if (!part) {
        part = { partition, rows: 0, values: [], extra: [], hasExtra: false };
        this.partitions.set(partition, part);
      }
      this.last = part;
    }
    const row = part.rows++;
    const doubles = event[DOUBLE_FIELDS];
    let extra: Record<string, string> | undefined;
    for (const name in event) {
      const value = event[name];
      if (value === undefined || value === null) continue;
      if (!this.put(part, row, name, value, doubles?.has(name) === true)) {
        extra ??= {};
        extra[name] = JSON.stringify(value);
      }
    }
    if (extra) {
      this.ensureExtra();
      part.extra[row] = extra;
      part.hasExtra = true;
    }
  }

  /**
   * The final schema: struct columns that ended up empty (a path whose leaf was refused) are
   * dropped, since Delta and DuckDB both reject an empty struct.
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

  /** Store a value in its column; false when it does not fit (the caller keeps it in `_extra`). */
  private put(part: PartitionColumns, row: number, name: string, value: unknown, double: boolean): boolean {
    if (isPlainObject(value)) {
      // A nested map is the same as its dotted names.
      let all = Object.keys(value).length > 0;
      for (const [k, v] of Object.entries(value)) {
        if (v !== null && v !== undefined) all = this.put(part, row, `${name}.${k}`, v, false) && all;
      }
      return all;
    }
    let leaf = this.slots.get(name);
    if (leaf === undefined) {
      leaf = this.resolve(name, value, double);
      if (leaf === undefined) return false;
    }
    if (leaf === null || !this.accepts(leaf, value, double)) return false;
    let column = part.values[leaf.id];
    if (!column) {
      column = [];
      part.values[leaf.id] = column;
    }
    if (column[row] !== undefined) return false;
    column[row] = value;
    return true;
  }

  /**
   * Find or create the leaf for a dotted name. Returns null (cached) when the name can never
   * fit, undefined (not cached) when only this value's type could not be inferred.
   */
  private resolve(name: string, value: unknown, double: boolean): Leaf | null | undefined {
    const path = name.split('.');
    const never = () => {
      this.slots.set(name, null);
      return null;
    };
    if (path.some((p) => p === '') || this.reserved.has((path[0] as string).toLowerCase())) return never();
    const type = inferType(value, double);
    if (type === undefined) return undefined;
    let struct = this.schema;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i] as string;
      const f = findField(struct, seg);
      if (f === undefined) {
        const created = field(seg, { type: 'struct', fields: [] });
        struct.fields.push(created);
        this.schemaChanged = true;
        struct = created.type as DeltaStruct;
      } else if (f.name !== seg || typeof f.type === 'string' || f.type.type !== 'struct') {
        return never();
      } else {
        struct = f.type;
      }
    }
    const leafName = path[path.length - 1] as string;
    // An existing leaf under another spelling (case) or a struct where a value should go.
    if (findField(struct, leafName) !== undefined) return never();
    const created = field(leafName, type);
    struct.fields.push(created);
    this.schemaChanged = true;
    const leaf: Leaf = { id: this.leaves.length, path, field: created, fresh: true };
    if (Array.isArray(value) && !value.some((v) => v !== null)) leaf.guessed = true;
    this.leaves.push(leaf);
    this.slots.set(name, leaf);
    return leaf;
  }

  /** Whether a value can go in a leaf's column, widening a fresh column when that keeps every value. */
  private accepts(leaf: Leaf, value: unknown, double: boolean): boolean {
    const column = leaf.field.type;
    if (fitsType(column, value)) return true;
    if (!leaf.fresh) return false;
    const inferred = inferType(value, double);
    if (leaf.guessed && inferred !== undefined && typeof inferred !== 'string' && inferred.type === 'array') {
      // The first real elements decide the type of a list column seen empty so far.
      leaf.field.type = inferred;
      leaf.guessed = !(value as unknown[]).some((v) => v !== null);
      return true;
    }
    const widened = inferred === undefined ? undefined : widen(column, inferred);
    if (widened === undefined) return false;
    leaf.field.type = widened;
    this.schemaChanged = true;
    return true;
  }
}

/** Whether a value can be written to a column of the given type as it is. */
function fitsType(type: DeltaType, value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return type === 'string';
    case 'boolean':
      return type === 'boolean';
    case 'number':
      return type === 'double' ? Number.isFinite(value) : type === 'long' && Number.isSafeInteger(value);
    case 'object':
      if (value instanceof Uint8Array) return type === 'binary';
      if (Array.isArray(value) && typeof type !== 'string' && type.type === 'array') {
        const element = type.elementType;
        for (const item of value) if (item !== null && !fitsType(element, item)) return false;
        return true;
      }
      return false;
    default:
      return false;
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

/** Field lookup is case-insensitive, as in DuckDB and Spark; callers reject a case mismatch. */
function findField(struct: DeltaStruct, name: string): DeltaField | undefined {
  const lower = name.toLowerCase();
  return (
    struct.fields.find((f) => f.name === name) ?? struct.fields.find((f) => f.name.toLowerCase() === lower)
  );
}

/** The narrowest type that holds a value, or undefined when none does (mixed lists, objects in lists). */
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
        if (t === undefined || typeof t !== 'string' || t === 'binary') return undefined;
        element = element === undefined ? t : widen(element, t);
        if (element === undefined) return undefined;
      }
      // An empty list says nothing of its elements; strings are Zeek's usual case.
      const arr: DeltaArray = { type: 'array', elementType: element ?? 'string', containsNull: true };
      return arr;
    }
    default:
      return undefined;
  }
}

/** A type holding both, when one exists without losing values (long + double → double). */
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

/** Visit the non-struct fields of a schema with their paths. */
export function walkLeaves(
  struct: DeltaStruct,
  prefix: string[],
  fn: (path: string[], f: DeltaField) => void,
): void {
  for (const f of struct.fields) {
    const path = [...prefix, f.name];
    if (typeof f.type !== 'string' && f.type.type === 'struct') walkLeaves(f.type, path, fn);
    else fn(path, f);
  }
}
