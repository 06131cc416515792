import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { StatementType } from '@duckdb/node-api';
import { InfraError, UsageError } from '#core';
import { LOG_DIR, readSnapshot, type Snapshot } from './delta/log.js';
import { duckdbType, sqlIdent } from './delta/schema.js';
import { type DuckDb, openDuckDb, sqlString } from './duckdb.js';

/**
 * SQL over the lake: one DuckDB view per Delta table, over exactly the files of the table's
 * snapshot, in a DuckDB that may read only the lake directory and accepts only queries.
 */

/** A query result with plain JSON-ready values (int64 as number when exact, else string). */
export interface SqlResult {
  columns: string[];
  types: string[];
  rows: Record<string, unknown>[];
}

export interface SqlOptions {
  /** Pin tables to a version (time travel); others use their latest. */
  versions?: Record<string, number>;
}

/** A read-only SQL session over one lake directory. */
export interface SqlSession {
  /** Tables visible as views, with the version each one shows. */
  readonly tables: ReadonlyMap<string, number>;
  query(sql: string): Promise<SqlResult>;
  close(): void;
}

/** Delta tables in a lake directory: sub-directories that hold a `_delta_log`. */
export async function listTables(lakeDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(lakeDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`lake not found: ${lakeDir}`);
    throw new InfraError('lake.read', `cannot read ${lakeDir}`, { cause: e });
  }
  const tables: string[] = [];
  for (const name of names.sort()) {
    const isTable = await stat(join(lakeDir, name, LOG_DIR)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (isTable) tables.push(name);
  }
  return tables;
}

/** Open a SQL session: register views, then lock DuckDB down to reading the lake. */
export async function openSql(lakeDir: string, options: SqlOptions = {}): Promise<SqlSession> {
  const root = resolve(lakeDir);
  if (root.includes('=')) {
    throw new UsageError(`lake path must not contain '=' (it would be read as a partition): ${root}`);
  }
  const names = await listTables(root);
  for (const pinned of Object.keys(options.versions ?? {})) {
    if (!names.includes(pinned)) throw new UsageError(`no table '${pinned}' in ${lakeDir}`);
  }
  const db = await openDuckDb();
  try {
    const tables = new Map<string, number>();
    for (const name of names) {
      const snapshot = await readSnapshot(join(root, name), options.versions?.[name]);
      if (!snapshot) continue;
      await db.connection.run(`CREATE VIEW ${sqlIdent(name)} AS ${viewQuery(join(root, name), snapshot)}`);
      tables.set(name, snapshot.version);
    }
    await lockDown(db, root);
    return {
      tables,
      query: (sql) => runQuery(db, sql),
      close: () => db.close(),
    };
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The SELECT behind a table's view: its snapshot's files, columns in schema order. */
function viewQuery(tableDir: string, snapshot: Snapshot): string {
  const fields = snapshot.schema.fields;
  if (snapshot.files.size === 0) {
    const cols = fields.map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${sqlIdent(f.name)}`);
    return `SELECT ${cols.join(', ')} WHERE false`;
  }
  const files = [...snapshot.files.keys()].map((p) => sqlString(join(tableDir, p)));
  const partitionTypes = snapshot.metadata.partitionColumns
    .map((c) => {
      const f = fields.find((x) => x.name === c);
      return `${sqlString(c)}: ${sqlString(f ? duckdbType(f.type) : 'VARCHAR')}`;
    })
    .join(', ');
  const hive = snapshot.metadata.partitionColumns.length > 0;
  const source =
    `read_parquet([${files.join(', ')}], union_by_name = true` +
    (hive ? `, hive_partitioning = true, hive_types = {${partitionTypes}}` : '') +
    ')';
  return `SELECT ${fields.map((f) => sqlIdent(f.name)).join(', ')} FROM ${source}`;
}

async function lockDown(db: DuckDb, root: string): Promise<void> {
  const dir = root.endsWith(sep) ? root : root + sep;
  await db.connection.run(`SET allowed_directories = [${sqlString(dir)}]`);
  await db.connection.run('SET enable_external_access = false');
  await db.connection.run('SET lock_configuration = true');
}

async function runQuery(db: DuckDb, sql: string): Promise<SqlResult> {
  let statements: Awaited<ReturnType<typeof db.connection.extractStatements>>;
  try {
    statements = await db.connection.extractStatements(sql);
  } catch (e) {
    throw new UsageError(oneLine((e as Error).message));
  }
  if (statements.count !== 1)
    throw new UsageError(`expected exactly one SQL statement, got ${statements.count}`);
  try {
    const prepared = await statements.prepare(0);
    if (prepared.statementType !== StatementType.SELECT) {
      throw new UsageError(
        `only queries are allowed: the lake is read-only (got ${StatementType[prepared.statementType]})`,
      );
    }
    const reader = await prepared.runAndReadAll();
    const columns = reader.columnNames();
    const types = reader.columnTypes().map((t) => t.toString());
    const rows = reader.getRowObjectsJS().map((row) => {
      const out: Record<string, unknown> = {};
      columns.forEach((c, i) => {
        out[c] = plain(row[c], types[i] ?? '');
      });
      return out;
    });
    return { columns, types, rows };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(oneLine((e as Error).message));
  }
}

/** DuckDB messages carry the query with a caret on later lines; keep the first. */
const oneLine = (s: string) => (s.split('\n')[0] ?? s).trim();

/** DuckDB's JS values made JSON-friendly; `type` is the column's DuckDB type text. */
export function plain(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return type === 'DATE' ? value.toISOString().slice(0, 10) : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) {
    if (type.startsWith('MAP(')) {
      const out: Record<string, unknown> = {};
      for (const entry of value as { key: unknown; value: unknown }[])
        out[String(entry.key)] = plain(entry.value, '');
      return out;
    }
    return value.map((v) => plain(v, ''));
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v, '');
    return out;
  }
  return value;
}
