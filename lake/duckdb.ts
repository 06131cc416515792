import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { InfraError } from '#core';

/** An in-memory DuckDB; the lake uses one for writing and one per SQL session. */
export interface DuckDb {
  /** The shared connection (SQL sessions). */
  connection: DuckDBConnection;
  /** A new connection, for work that runs beside other work on the same database. */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/** Open an in-memory DuckDB. `threads` defaults to DuckDB's own choice (all cores). */
export async function openDuckDb(options: { threads?: number } = {}): Promise<DuckDb> {
  try {
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    };
    if (options.threads) config.threads = String(options.threads);
    const instance = await DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    return {
      connection,
      connect: () => instance.connect(),
      close() {
        connection.closeSync();
        instance.closeSync();
      },
    };
  } catch (e) {
    throw new InfraError('duckdb.open', `cannot start DuckDB: ${(e as Error).message}`, { cause: e });
  }
}

/** Quote a string literal for DuckDB SQL. */
export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
