import { createHash } from 'node:crypto';

/**
 * Delta table schemas (the `schemaString` of a metaData action) and their DuckDB spelling.
 * Only the types Palisade writes are modelled; a table written by someone else with other
 * types still opens, it just cannot be appended to by us.
 */

export type DeltaPrimitive = 'string' | 'long' | 'double' | 'boolean' | 'binary' | 'date' | 'timestamp';

export interface DeltaArray {
  type: 'array';
  elementType: DeltaType;
  containsNull: boolean;
}

export interface DeltaMap {
  type: 'map';
  keyType: DeltaType;
  valueType: DeltaType;
  valueContainsNull: boolean;
}

export interface DeltaStruct {
  type: 'struct';
  fields: DeltaField[];
}

export type DeltaType = DeltaPrimitive | DeltaArray | DeltaMap | DeltaStruct;

export interface DeltaField {
  name: string;
  type: DeltaType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

/** A nullable field with no metadata. */
export const field = (name: string, type: DeltaType): DeltaField => ({
  name,
  type,
  nullable: true,
  metadata: {},
});

/** An empty struct. */
export const emptyStruct = (): DeltaStruct => ({ type: 'struct', fields: [] });

/** The `_extra` column: values that did not fit the table's schema, as field name → JSON text. */
export const EXTRA_COLUMN = '_extra';
export const extraType: DeltaMap = {
  type: 'map',
  keyType: 'string',
  valueType: 'string',
  valueContainsNull: true,
};

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** DuckDB type text for a Delta type, e.g. `STRUCT("geo" STRUCT("country" VARCHAR))`. */
export function duckdbType(t: DeltaType): string {
  if (typeof t === 'string') {
    switch (t) {
      case 'string':
        return 'VARCHAR';
      case 'long':
        return 'BIGINT';
      case 'double':
        return 'DOUBLE';
      case 'boolean':
        return 'BOOLEAN';
      case 'binary':
        return 'BLOB';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP WITH TIME ZONE';
    }
  }
  switch (t.type) {
    case 'array':
      return `${duckdbType(t.elementType)}[]`;
    case 'map':
      return `MAP(${duckdbType(t.keyType)}, ${duckdbType(t.valueType)})`;
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${quote(f.name)} ${duckdbType(f.type)}`).join(', ')})`;
  }
}

/** Quote an identifier for DuckDB SQL. */
export const sqlIdent = quote;

/** Parse a `schemaString`. */
export function parseSchemaString(text: string): DeltaStruct {
  const value = JSON.parse(text) as DeltaStruct;
  if (value?.type !== 'struct' || !Array.isArray(value.fields))
    throw new Error('schemaString is not a struct');
  return value;
}

/**
 * The `tags` key of an add action naming the data schema its file was written with (see
 * {@link schemaTag}). Readers use it to skip `union_by_name` when every file has the table's
 * current columns; files without it (other writers) are simply read by name.
 */
export const SCHEMA_TAG = 'palisade.schema';

/**
 * The `tags` key marking a file written without compression (`uncompressed`): the packet
 * store's, written for speed. Compaction rewrites such files with zstd even when they are
 * large or alone in their partition.
 */
export const CODEC_TAG = 'palisade.codec';

/** A short fingerprint of a data schema (the table's fields without its partition columns). */
export function schemaTag(dataSchema: DeltaStruct): string {
  return createHash('sha256').update(JSON.stringify(dataSchema.fields)).digest('hex').slice(0, 16);
}
