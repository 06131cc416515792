import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { blobValue, DuckDBDataChunk, type DuckDBValue, listValue, mapValue } from '@duckdb/node-api';
import { InfraError } from '#core';
import type { Leaf, PartitionColumns } from './delta/batch.js';
import { walkLeaves } from './delta/batch.js';
import {
  type DeltaField,
  type DeltaStruct,
  type DeltaType,
  duckdbType,
  EXTRA_COLUMN,
  sqlIdent,
} from './delta/schema.js';
import { type DuckDb, sqlString } from './duckdb.js';

/**
 * Writing one partition's columns to a Parquet file through DuckDB: the leaf columns are
 * appended as flat columns of a temporary table in 2048-row data chunks (DuckDB's vector
 * size), then `COPY` nests them into the schema's structs and writes zstd Parquet. This was
 * the fastest correct path measured (bench/RESULTS.md).
 */

/** Rows per Parquet row group: DuckDB's default, large enough for fast scans. */
const ROW_GROUP_SIZE = 122_880;
const CHUNK_ROWS = 2048;
const EXTRA = 'x';

type Convert = (v: unknown) => DuckDBValue;

/**
 * The stage column's type. Integers travel as DOUBLE and are cast to BIGINT by the COPY:
 * JavaScript numbers are doubles already (so nothing is lost), and it spares a BigInt per
 * value on the way into DuckDB.
 */
function stageType(type: DeltaType): DeltaType {
  if (type === 'long') return 'double';
  if (typeof type !== 'string' && type.type === 'array')
    return { ...type, elementType: stageType(type.elementType) };
  return type;
}

/** How a JS value becomes a DuckDB value for a stage column of `type`. */
function converter(type: DeltaType): Convert {
  if (type === 'binary') return (v) => (v === undefined || v === null ? null : blobValue(v as Uint8Array));
  if (typeof type !== 'string' && type.type === 'array') {
    const element = converter(type.elementType);
    return (v) => (v === undefined || v === null ? null : listValue((v as unknown[]).map(element)));
  }
  return (v) => (v === undefined ? null : (v as DuckDBValue));
}

const convertExtra: Convert = (v) =>
  v === undefined
    ? null
    : mapValue(Object.entries(v as Record<string, string>).map(([key, value]) => ({ key, value })));

let stageCounter = 0;

/**
 * Write a partition's rows, shaped by `schema` (the table's data columns, final for this
 * batch), to `file`; returns the file's size in bytes.
 */
export async function writeParquet(
  db: DuckDb,
  schema: DeltaStruct,
  leaves: readonly Leaf[],
  part: PartitionColumns,
  file: string,
): Promise<number> {
  const byPath = new Map(leaves.map((l) => [l.path.join('\u0000'), l]));
  const columns: { leaf: Leaf; name: string }[] = [];
  walkLeaves(schema, [], (path) => {
    const leaf = byPath.get(path.join('\u0000'));
    if (leaf) columns.push({ leaf, name: `c${leaf.id}` });
  });
  const hasExtra = schema.fields.some((f) => f.name === EXTRA_COLUMN);
  const stage = `palisade_stage_${++stageCounter}`;
  const connection = await db.connect();
  try {
    const ddl = columns.map((c) => `${c.name} ${duckdbType(stageType(c.leaf.field.type))}`);
    if (hasExtra) ddl.push(`${EXTRA} MAP(VARCHAR, VARCHAR)`);
    await connection.run(`CREATE TABLE ${stage} (${ddl.join(', ')})`);
    const types = (await connection.runAndReadAll(`SELECT * FROM ${stage} LIMIT 0`)).columnTypes();
    const converters = columns.map((c) => converter(c.leaf.field.type));
    const appender = await connection.createAppender(stage);
    const chunk = DuckDBDataChunk.create(types);
    for (let start = 0; start < part.rows; start += CHUNK_ROWS) {
      const size = Math.min(CHUNK_ROWS, part.rows - start);
      const data: DuckDBValue[][] = columns.map((c, i) => {
        const values = part.values[c.leaf.id];
        const convert = converters[i] as Convert;
        const out = new Array<DuckDBValue>(size);
        for (let j = 0; j < size; j++) out[j] = values ? convert(values[start + j]) : null;
        return out;
      });
      if (hasExtra) {
        const out = new Array<DuckDBValue>(size);
        for (let j = 0; j < size; j++) out[j] = convertExtra(part.extra[start + j]);
        data.push(out);
      }
      chunk.setColumns(data);
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    await mkdir(dirname(file), { recursive: true });
    const columnOf = new Map(columns.map((c) => [c.leaf.path.join('\u0000'), c.name]));
    const select = schema.fields.map((f) => `${expression(f, [f.name], columnOf)} AS ${sqlIdent(f.name)}`);
    await connection.run(
      `COPY (SELECT ${select.join(', ')} FROM ${stage}) TO ${sqlString(file)} ` +
        `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
    );
    await connection.run(`DROP TABLE ${stage}`);
    return (await stat(file)).size;
  } catch (e) {
    if (e instanceof InfraError) throw e;
    throw new InfraError('parquet.write', `cannot write ${file}: ${(e as Error).message}`, { cause: e });
  } finally {
    connection.closeSync();
  }
}

/** The SQL that rebuilds a field from the flat stage columns; a struct whose leaves are all null is null. */
function expression(f: DeltaField, path: string[], columnOf: Map<string, string>): string {
  if (path.length === 1 && f.name === EXTRA_COLUMN) return EXTRA;
  if (typeof f.type === 'string' || f.type.type !== 'struct') {
    const column = columnOf.get(path.join('\u0000'));
    if (column === undefined) return `CAST(NULL AS ${duckdbType(f.type)})`;
    return stageType(f.type) === f.type ? column : `CAST(${column} AS ${duckdbType(f.type)})`;
  }
  const leaves: string[] = [];
  walkLeaves(f.type, path, (p) => {
    const c = columnOf.get(p.join('\u0000'));
    if (c) leaves.push(c);
  });
  const members = f.type.fields.map(
    (child) => `${sqlIdent(child.name)} := ${expression(child, [...path, child.name], columnOf)}`,
  );
  const packed = `struct_pack(${members.join(', ')})`;
  return leaves.length === 0
    ? `CAST(NULL AS ${duckdbType(f.type)})`
    : `CASE WHEN ${leaves.map((c) => `${c} IS NULL`).join(' AND ')} THEN NULL ELSE ${packed} END`;
}
