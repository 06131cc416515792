import type { DuckDBConnection } from '@duckdb/node-api';
import { walkLeaves } from '../delta/batch.js';
import { type DeltaStruct, sqlIdent } from '../delta/schema.js';
import { STATS_STRING_LIMIT, type StatsTree, setPath } from '../delta/stats.js';
import { sqlString } from '../duckdb.js';

type Tree = StatsTree;

/** A JSON-safe statistic, or undefined when it cannot be stated exactly (a long beyond 2^53). */
function jsonValue(v: unknown): number | string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return undefined;
}

/**
 * The add action's `stats` of a Parquet file written in `schema` (data columns), computed by
 * one DuckDB aggregate over the file: the same shape and rules as {@link statsJson} in
 * lake/delta/stats.ts (record count; min, max and null count of string, long and double
 * leaves, nested like the schema).
 */
export async function parquetStats(
  connection: DuckDBConnection,
  file: string,
  schema: DeltaStruct,
): Promise<{ numRecords: number; stats: string }> {
  const leaves: { path: string[]; kind: 'string' | 'number' }[] = [];
  walkLeaves(schema, [], (path, f) => {
    if (f.type === 'string') leaves.push({ path, kind: 'string' });
    else if (f.type === 'long' || f.type === 'double') leaves.push({ path, kind: 'number' });
  });
  const select = ['count(*) AS n'];
  leaves.forEach((leaf, i) => {
    const [head, ...rest] = leaf.path;
    let col = sqlIdent(head as string);
    for (const seg of rest) col = `struct_extract(${col}, ${sqlString(seg)})`;
    select.push(`count(${col}) AS v${i}`);
    if (leaf.kind === 'string') {
      select.push(`min(left(${col}, ${STATS_STRING_LIMIT})) AS lo${i}`, `max(${col}) AS hi${i}`);
      select.push(`bool_and(length(${col}) <= ${STATS_STRING_LIMIT}) AS short${i}`);
    } else {
      select.push(`min(${col}) AS lo${i}`, `max(${col}) AS hi${i}`);
    }
  });
  const reader = await connection.runAndReadAll(
    `SELECT ${select.join(', ')} FROM read_parquet(${sqlString(file)}, hive_partitioning = false)`,
  );
  const row = reader.getRowObjectsJS()[0] ?? {};
  const numRecords = Number(row.n ?? 0);
  const minValues: Tree = {};
  const maxValues: Tree = {};
  const nullCount: Tree = {};
  leaves.forEach((leaf, i) => {
    setPath(nullCount, leaf.path, numRecords - Number(row[`v${i}`] ?? 0));
    const lo = jsonValue(row[`lo${i}`]);
    const hi = jsonValue(row[`hi${i}`]);
    if (lo !== undefined) setPath(minValues, leaf.path, lo);
    if (hi !== undefined && (leaf.kind === 'number' || row[`short${i}`] !== false)) {
      setPath(maxValues, leaf.path, hi);
    }
  });
  return { numRecords, stats: JSON.stringify({ numRecords, minValues, maxValues, nullCount }) };
}
