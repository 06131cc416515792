import { join, resolve } from 'node:path';
import { InfraError } from '#core';
import { openDuckDb, parquetSource, readSnapshot, sqlString } from '#lake';
import { IntelStore } from './intel.js';

/** The lake table `palisade batch intel load` fills (Metron's threat-intel table name). */
const THREAT_INTEL_TABLE = 'threatintel';

export interface IntelStoreOptions {
  /** Epoch ms: indicators whose `valid_until` is at or before it are left out (default: now). */
  now?: number;
}

/**
 * The stream's threat-intel store, filled from the lake's `threatintel` table with the
 * indicators still valid at `now`, and frozen. No table gives an empty store. DuckDB reads the
 * table's current files and hands the rows over a chunk at a time, so they are never all held
 * as JavaScript objects (a million rows take about three seconds, half of it classifying).
 *
 * @example
 * const intel = await loadIntelStore('data/lake');
 * intel.has('malicious_ip', '198.51.100.7');
 */
export async function loadIntelStore(lakeDir: string, options: IntelStoreOptions = {}): Promise<IntelStore> {
  const store = new IntelStore();
  const tableDir = resolve(lakeDir, THREAT_INTEL_TABLE);
  const snapshot = await readSnapshot(tableDir);
  if (snapshot === undefined || snapshot.files.size === 0) return store.freeze();
  const now = Math.floor(options.now ?? Date.now());
  const source = parquetSource(tableDir, snapshot.files.keys());
  const valid = `type IS NOT NULL AND indicator IS NOT NULL AND (valid_until IS NULL OR valid_until > ${now})`;
  const db = await openDuckDb();
  try {
    // Types are few and indicators many: the types come first, then each row names its type
    // by number, which spares making a JavaScript string for it on every row.
    const types = ((
      await db.connection.runAndReadAll(`SELECT DISTINCT type FROM ${source} WHERE ${valid}`)
    ).getColumns()[0] ?? []) as string[];
    if (types.length > 0) {
      const list = `[${types.map(sqlString).join(', ')}]`;
      const result = await db.connection.stream(
        `SELECT list_position(${list}, type)::INTEGER - 1, indicator FROM ${source} WHERE ${valid}`,
      );
      for await (const chunk of result) {
        const typeOf = chunk.getColumnValues(0) as number[];
        const indicators = chunk.getColumnValues(1) as string[];
        for (let i = 0; i < indicators.length; i++)
          store.add(types[typeOf[i] as number] as string, indicators[i] as string);
      }
    }
  } catch (e) {
    throw new InfraError(
      'lake.read',
      `cannot read ${join(lakeDir, THREAT_INTEL_TABLE)}: ${(e as Error).message}`,
      { cause: e },
    );
  } finally {
    db.close();
  }
  return store.freeze();
}
