import { type DuckDBStructType, type DuckDBType, DuckDBTypeId } from '@duckdb/node-api';
import { type DeltaField, type DeltaType, duckdbType, sqlIdent } from '../delta/schema.js';
import { sqlString } from '../duckdb.js';

/**
 * The SELECT list that reshapes rows read from older Parquet files into the table's current
 * schema. `source` holds the columns the files actually have (as DuckDB unified them with
 * `union_by_name`); a column or nested field they lack comes out as a typed NULL, and a NULL
 * struct stays NULL rather than becoming a struct of NULLs, so every row keeps its content.
 */
export function projection(fields: readonly DeltaField[], source: ReadonlyMap<string, DuckDBType>): string {
  return fields
    .map((f) => {
      const found = lookup(source, f.name);
      const expr = expression(f.type, found ? sqlIdent(found[0]) : '', found?.[1]);
      return `${expr} AS ${sqlIdent(f.name)}`;
    })
    .join(', ');
}

function expression(type: DeltaType, src: string, have: DuckDBType | undefined): string {
  const target = duckdbType(type);
  if (have === undefined) return `CAST(NULL AS ${target})`;
  if (typeof type !== 'string' && type.type === 'struct' && have.typeId === DuckDBTypeId.STRUCT) {
    const struct = have as DuckDBStructType;
    const children = new Map(struct.entryNames.map((n, i) => [n, struct.entryTypes[i] as DuckDBType]));
    const members = type.fields.map((child) => {
      const found = lookup(children, child.name);
      const childSrc = found ? `struct_extract(${src}, ${sqlString(found[0])})` : '';
      return `${sqlIdent(child.name)} := ${expression(child.type, childSrc, found?.[1])}`;
    });
    return `CASE WHEN ${src} IS NULL THEN NULL ELSE struct_pack(${members.join(', ')}) END`;
  }
  return `CAST(${src} AS ${target})`;
}

/** Name lookup as DuckDB and Spark do it: exact first, then case-insensitive. */
function lookup<T>(map: ReadonlyMap<string, T>, name: string): [string, T] | undefined {
  const exact = map.get(name);
  if (exact !== undefined) return [name, exact];
  const lower = name.toLowerCase();
  for (const [k, v] of map) if (k.toLowerCase() === lower) return [k, v];
  return undefined;
}
