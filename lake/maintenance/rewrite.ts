import { randomUUID } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InfraError } from '#core';
import type { AddFile } from '../delta/log.js';
import { type DeltaStruct, SCHEMA_TAG, schemaTag, sqlIdent } from '../delta/schema.js';
import { sqlString } from '../duckdb.js';
import { tableSpec } from '../tables.js';
import { parquetStats } from './file-stats.js';
import type { CompactionBin } from './plan.js';
import { projection } from './projection.js';

/**
 * Rewritten files are sorted, so their row groups are narrow in the sort columns, and
 * smaller than the writer's, so a lookup skips most of them by their Parquet min/max.
 */
const ROW_GROUP_SIZE = 32_768;

/**
 * The order a rewritten file's rows are put in: the table's sort columns (see tables.ts;
 * sensor tables by source address then time, the analyst's most common pivot being
 * "everything from this IP") that it has as plain columns.
 */
export function sortOrder(table: string, dataSchema: DeltaStruct): string[] {
  return tableSpec(table).sortBy.filter((name) =>
    dataSchema.fields.some((f) => f.name === name && typeof f.type === 'string' && f.type !== 'binary'),
  );
}

/**
 * Rewrite one bin of small files as one zstd Parquet file in the same partition directory,
 * sorted by {@link sortOrder} and shaped by `dataSchema` (the table's current columns without the partition columns), and
 * return its add action (dataChange false, with stats) and row count. Fails, leaving no file
 * behind, if the new file does not hold exactly as many rows as the inputs.
 */
export async function rewriteBin(
  connection: DuckDBConnection,
  tableDir: string,
  dataSchema: DeltaStruct,
  bin: CompactionBin,
): Promise<{ add: AddFile; rows: number }> {
  const first = bin.files[0];
  if (!first) throw new InfraError('lake.compact', 'empty compaction bin');
  // The add path keeps the partition directory exactly as the log spells it (URL-encoded).
  const dir = posix.dirname(first.add.path);
  const name = `part-00000-${randomUUID()}.c000.zstd.parquet`;
  const path = dir === '.' ? name : `${dir}/${name}`;
  const file = join(tableDir, decodeURIComponent(path));
  const inputs = `[${bin.files.map((f) => sqlString(join(tableDir, f.key))).join(', ')}]`;
  // Partition values live in the log and the path, never in our files: no hive columns.
  const source = `read_parquet(${inputs}, union_by_name = true, hive_partitioning = false)`;
  try {
    const shape = await connection.runAndReadAll(`SELECT * FROM ${source} LIMIT 0`);
    const names = shape.columnNames();
    const types = shape.columnTypes();
    const columns = new Map(names.map((n, i) => [n, types[i] as (typeof types)[number]]));
    const inputRows = Number(
      (await connection.runAndReadAll(`SELECT count(*) AS n FROM ${source}`)).getRowObjectsJS()[0]?.n,
    );
    const order = sortOrder(basename(tableDir), dataSchema);
    const orderBy = order.length > 0 ? ` ORDER BY ${order.map(sqlIdent).join(', ')}` : '';
    await connection.run(
      `COPY (SELECT ${projection(dataSchema.fields, columns)} FROM ${source}${orderBy}) TO ${sqlString(file)} ` +
        `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
    );
    const { numRecords, stats } = await parquetStats(connection, file, dataSchema);
    if (numRecords !== inputRows) {
      throw new InfraError(
        'lake.compact',
        `${bin.partition}: rewrote ${inputRows} rows but the new file holds ${numRecords}; nothing was committed`,
      );
    }
    const add: AddFile = {
      path,
      partitionValues: bin.partitionValues,
      size: (await stat(file)).size,
      modificationTime: Date.now(),
      dataChange: false,
      stats,
      tags: { [SCHEMA_TAG]: schemaTag(dataSchema) },
    };
    return { add, rows: numRecords };
  } catch (e) {
    await rm(file, { force: true });
    if (e instanceof InfraError) throw e;
    throw new InfraError(
      'lake.compact',
      `cannot compact ${bin.partition} of ${tableDir}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}
