import type { Leaf, PartitionColumns } from './batch.js';

/** Delta truncates string statistics; a prefix is a valid lower bound but not an upper one. */
export const STATS_STRING_LIMIT = 32;

/** A stats object (`minValues`, `maxValues`, `nullCount`), nested like the schema. */
export type StatsTree = Record<string, unknown>;
type Tree = StatsTree;

/** Set a value at a nested path of a stats object, creating the structs on the way. */
export function setPath(target: Tree, path: readonly string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i] as string;
    node[seg] ??= {};
    node = node[seg] as Tree;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * The `stats` JSON of an add action: record count, and min/max/null counts of the scalar
 * columns, nested like the schema, so readers can skip files.
 */
export function statsJson(leaves: readonly Leaf[], part: PartitionColumns): string {
  const numRecords = part.rows;
  const minValues: Tree = {};
  const maxValues: Tree = {};
  const nullCount: Tree = {};
  for (const leaf of leaves) {
    const type = leaf.field.type;
    if (type !== 'string' && type !== 'long' && type !== 'double') continue;
    const column = part.values[leaf.id];
    let nonNull = 0;
    let min: number | string | undefined;
    let max: number | string | undefined;
    let maxKnown = true;
    if (column) {
      for (const v of column) {
        if (v === undefined || v === null) continue;
        nonNull++;
        if (typeof v === 'string') {
          const lower = v.length > STATS_STRING_LIMIT ? v.slice(0, STATS_STRING_LIMIT) : v;
          if (min === undefined || lower < min) min = lower;
          if (v.length > STATS_STRING_LIMIT) maxKnown = false;
          else if (max === undefined || v > max) max = v;
        } else {
          const n = v as number;
          if (min === undefined || n < (min as number)) min = n;
          if (max === undefined || n > (max as number)) max = n;
        }
      }
    }
    setPath(nullCount, leaf.path, numRecords - nonNull);
    if (min !== undefined) setPath(minValues, leaf.path, min);
    if (max !== undefined && maxKnown) setPath(maxValues, leaf.path, max);
  }
  return JSON.stringify({ numRecords, minValues, maxValues, nullCount });
}
