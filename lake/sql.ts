import { rmSync } from 'node:fs';
import { mkdtemp, readdir, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { StatementType } from '@duckdb/node-api';
import { InfraError, UsageError } from '#core';
import { findCheckpoint } from './delta/checkpoint.js';
import { versionAt } from './delta/history.js';
import { LOG_DIR, listVersions, readSnapshot, type Snapshot } from './delta/log.js';
import { duckdbType, SCHEMA_TAG, schemaTag, sqlIdent } from './delta/schema.js';
import { type DuckDb, openDuckDb, sqlString } from './duckdb.js';
import { EVENTS_VIEW, eventsViewQuery, NON_SENSOR_TABLES, type SensorTable } from './sql-events.js';
import { ALL_TABLES, checkQuery, type ErrorContext, explainError, lockDown } from './sql-guard.js';
import { safeDataPath } from './table.js';

/**
 * SQL over the lake: one DuckDB view per Delta table, over exactly the files of the table's
 * snapshot, plus `events` across the sensor tables, in a DuckDB that may read only the lake's
 * table folders and its `models` folder (not the rest of the lake root: `_auth` holds the API's
 * users) and runs only queries (see `sql-guard.ts`).
 */

/** The folder of the lake that holds the model registry's files (models/registry/files.ts). */
const MODELS_DIR = 'models';

/** A query result with plain JSON-ready values (int64 as number when exact, else string). */
export interface SqlResult {
  columns: string[];
  types: string[];
  rows: Record<string, unknown>[];
}

/**
 * Time travel: which version of each table the session shows. A table named in `versions` or
 * `timestamps` uses that; every other table uses `all` when it is given, else its latest
 * version. At a timestamp a table shows its latest version whose commit time (the commit's
 * `commitInfo` timestamp, else the commit file's mtime) is at or before it; a table with no
 * commit that early is not visible, and a query naming it fails with "no table … as of …".
 *
 * @example
 * openSql('data/lake', { asOf: { versions: { bro: 3 }, all: Date.parse('2026-11-27T12:00:00Z') } })
 */
export interface AsOf {
  /** Table → version. */
  versions?: Record<string, number>;
  /** Table → epoch ms. */
  timestamps?: Record<string, number>;
  /** Epoch ms for every table not named above. */
  all?: number;
}

export interface SqlOptions {
  /** Time travel; see {@link AsOf}. */
  asOf?: AsOf;
}

export interface QueryOptions {
  /** Stop the query after this many milliseconds (it fails with code `sql.timeout`). */
  timeoutMs?: number;
}

/** A read-only SQL session over one lake directory. */
export interface SqlSession {
  /** Tables visible as views, with the version each one shows. */
  readonly tables: ReadonlyMap<string, number>;
  /** Tables of the lake that time travel hides (no commit yet at the time asked), with why. */
  readonly hidden: ReadonlyMap<string, string>;
  query(sql: string, options?: QueryOptions): Promise<SqlResult>;
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

/**
 * Open a SQL session: lock DuckDB down to reading the lake and settle which version of each
 * table it shows. A table's view is made the first time a query names it (all sensor tables
 * for `events`), so a query pays for reading the logs of the tables it reads, not the lake's.
 */
export async function openSql(lakeDir: string, options: SqlOptions = {}): Promise<SqlSession> {
  const root = await lakeRoot(lakeDir);
  const names = await listTables(root);
  const dirs: string[] = [];
  for (const name of names) dirs.push(await checkInside(root, name));
  const models = await modelsDir(root);
  if (models !== undefined) dirs.push(models);
  const asOf = checkAsOf(options, names, lakeDir);

  const tables = new Map<string, number>();
  const hidden = new Map<string, string>();
  const snapshots = new Map<string, Snapshot>();
  for (const name of names) {
    const pick = await pickVersion(join(root, name), name, asOf);
    if (typeof pick === 'string') hidden.set(name.toLowerCase(), pick);
    else if (pick !== undefined) {
      // A version asked for is checked now, so a wrong one fails before any query.
      const snapshot = await snapshotAt(join(root, name), name, pick);
      if (snapshot) snapshots.set(name, snapshot);
      tables.set(name, pick);
    } else {
      const version = await latestVersion(join(root, name));
      if (version !== undefined) tables.set(name, version);
    }
  }
  const spillDir = await mkdtemp(join(tmpdir(), 'palisade-sql-'));
  let db: DuckDb | undefined;
  try {
    db = await openDuckDb();
    await lockDown(db.connection, dirs, spillDir);
  } catch (e) {
    db?.close();
    await rm(spillDir, { recursive: true, force: true });
    if (e instanceof Error && !(e instanceof UsageError) && /Permission Error/.test(e.message)) {
      throw new UsageError(explainError(e.message, { root, hidden: new Map() }));
    }
    throw e;
  }
  const views = new Views(db, root, tables, snapshots);
  const context: ErrorContext = { root, hidden, tables: views.names() };
  const open = db;
  return {
    tables,
    hidden,
    query: (sql, queryOptions = {}) => runQuery(open, sql, context, views, queryOptions.timeoutMs),
    close: () => {
      open.close();
      rmSync(spillDir, { recursive: true, force: true });
    },
  };
}

/** The views of a session, made on first use. */
class Views {
  private readonly made = new Set<string>();
  /** Lower-cased name → the table's own spelling. */
  private readonly byName: Map<string, string>;
  private readonly hasEventsTable: boolean;

  constructor(
    private readonly db: DuckDb,
    private readonly root: string,
    private readonly versions: ReadonlyMap<string, number>,
    /** Snapshots read already, by table name. */
    private readonly snapshots: Map<string, Snapshot>,
  ) {
    this.byName = new Map([...versions.keys()].map((n) => [n.toLowerCase(), n]));
    this.hasEventsTable = this.byName.has(EVENTS_VIEW);
  }

  /** Every name a query can read. */
  names(): string[] {
    return [...this.byName.keys(), ...(this.hasEventsTable ? [] : [EVENTS_VIEW])];
  }

  /** Make the views a query names (lower-cased; names that are not tables are ignored). */
  async ensure(referenced: readonly string[]): Promise<void> {
    const refs = referenced.includes(ALL_TABLES) ? this.names() : referenced;
    for (const ref of refs) {
      if (ref === EVENTS_VIEW && !this.hasEventsTable) await this.ensureEvents();
      else await this.ensureTable(ref);
    }
  }

  private async ensureTable(ref: string): Promise<Snapshot | undefined> {
    const name = this.byName.get(ref);
    if (name === undefined) return undefined;
    let snapshot = this.snapshots.get(name);
    if (!snapshot) {
      snapshot = await snapshotAt(join(this.root, name), name, this.versions.get(name));
      if (!snapshot) return undefined;
      this.snapshots.set(name, snapshot);
    }
    if (!this.made.has(ref)) {
      await this.db.connection.run(
        `CREATE VIEW ${sqlIdent(name)} AS ${viewQuery(this.root, name, snapshot)}`,
      );
      this.made.add(ref);
    }
    return snapshot;
  }

  private async ensureEvents(): Promise<void> {
    if (this.made.has(EVENTS_VIEW)) return;
    const sensors: SensorTable[] = [];
    for (const [ref, name] of this.byName) {
      if (NON_SENSOR_TABLES.has(name)) continue;
      const snapshot = await this.ensureTable(ref);
      if (snapshot) sensors.push({ name, fields: snapshot.schema.fields });
    }
    await this.db.connection.run(`CREATE VIEW ${sqlIdent(EVENTS_VIEW)} AS ${eventsViewQuery(sensors)}`);
    this.made.add(EVENTS_VIEW);
  }
}

/** A table's newest version by its log listing (commits and checkpoints); undefined when empty. */
async function latestVersion(dir: string): Promise<number | undefined> {
  const versions = await listVersions(dir);
  const checkpoint = await findCheckpoint(dir);
  const latest = Math.max(versions[versions.length - 1] ?? -1, checkpoint ?? -1);
  return latest < 0 ? undefined : latest;
}

/** The lake's real path: DuckDB judges file access by real paths, so the lake is named by one. */
async function lakeRoot(lakeDir: string): Promise<string> {
  let root: string;
  try {
    root = await realpath(resolve(lakeDir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`lake not found: ${lakeDir}`);
    throw new InfraError('lake.read', `cannot read ${lakeDir}`, { cause: e });
  }
  if (root.includes('=')) {
    throw new UsageError(`lake path must not contain '=' (it would be read as a partition): ${root}`);
  }
  return root;
}

/**
 * A table directory's real path, which SQL may read. One that is a link out of the lake could
 * not be read under the guard: say so up front.
 */
async function checkInside(root: string, name: string): Promise<string> {
  const real = await realpath(join(root, name));
  if (!isInside(root, real)) {
    throw new UsageError(
      `table '${name}' links outside the lake (to ${real}); lake SQL reads only inside ${root}`,
    );
  }
  return real;
}

/**
 * The real path of the registry's folder of model files (model.json, model.onnx), which SQL may
 * read too; undefined when there is none, or when it links out of the lake.
 */
async function modelsDir(root: string): Promise<string | undefined> {
  const real = await realpath(join(root, MODELS_DIR)).catch(() => undefined);
  return real !== undefined && isInside(root, real) ? real : undefined;
}

const isInside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/** Validated time travel. */
function checkAsOf(options: SqlOptions, names: readonly string[], lakeDir: string): AsOf {
  const versions = { ...options.asOf?.versions };
  const timestamps = { ...options.asOf?.timestamps };
  const all = options.asOf?.all;
  for (const [table, version] of Object.entries(versions)) {
    if (!Number.isSafeInteger(version) || version < 0)
      throw new UsageError(`version of '${table}' must be a whole number ≥ 0, got ${version}`);
    if (table in timestamps)
      throw new UsageError(`'${table}' is given both a version and a timestamp; give one`);
  }
  for (const [table, at] of Object.entries(timestamps)) checkTime(at, table);
  if (all !== undefined) checkTime(all, 'all tables');
  for (const table of [...Object.keys(versions), ...Object.keys(timestamps)]) {
    if (!names.includes(table)) throw new UsageError(`no table '${table}' in ${lakeDir}`);
  }
  return { versions, timestamps, ...(all === undefined ? {} : { all }) };
}

function checkTime(at: number, what: string): void {
  if (!Number.isFinite(at) || Number.isNaN(new Date(at).getTime()))
    throw new UsageError(`time for ${what} must be epoch milliseconds, got ${at}`);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The version a table shows (undefined: latest), or why it is hidden. */
async function pickVersion(dir: string, name: string, asOf: AsOf): Promise<number | undefined | string> {
  const pinned = asOf.versions?.[name];
  if (pinned !== undefined) return pinned;
  const at = asOf.timestamps?.[name] ?? asOf.all;
  if (at === undefined) return undefined;
  const found = await versionAt(dir, at);
  switch (found.kind) {
    case 'version':
      return found.version;
    case 'empty':
      return undefined;
    case 'before-first':
      return `no table '${name}' as of ${iso(at)}: its first commit is at ${iso(found.first)}`;
    case 'cleaned':
      throw new UsageError(
        `cannot read table '${name}' as of ${iso(at)}: its log now starts at version ` +
          `${found.oldest.version} (${iso(found.oldest.timestamp)}); older commits were cleaned up`,
      );
  }
}

/** The table's snapshot at `version` (latest when undefined); a missing version is bad input. */
async function snapshotAt(
  dir: string,
  name: string,
  version: number | undefined,
): Promise<Snapshot | undefined> {
  try {
    return await readSnapshot(dir, version);
  } catch (e) {
    if (version !== undefined && e instanceof InfraError && e.code === 'delta.version') {
      const versions = await listVersions(dir);
      const latest = versions[versions.length - 1];
      throw new UsageError(
        `no version ${version} of table '${name}'` +
          (latest === undefined ? '' : ` (latest is ${latest})`) +
          (version >= 1e9 ? '; a time is given in epoch milliseconds' : ''),
      );
    }
    throw e;
  }
}

/** The SELECT behind a table's view: its snapshot's files, columns in schema order. */
function viewQuery(root: string, name: string, snapshot: Snapshot): string {
  const tableDir = join(root, name);
  const fields = snapshot.schema.fields;
  if (snapshot.files.size === 0) {
    const cols = fields.map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${sqlIdent(f.name)}`);
    return `SELECT ${cols.join(', ')} WHERE false`;
  }
  const files = [...snapshot.files.keys()].map((p) =>
    sqlString(safeDataPath(tableDir, p, 'lake SQL reads only the lake')),
  );
  const partitionTypes = snapshot.metadata.partitionColumns
    .map((c) => {
      const f = fields.find((x) => x.name === c);
      return `${sqlString(c)}: ${sqlString(f ? duckdbType(f.type) : 'VARCHAR')}`;
    })
    .join(', ');
  const hive = snapshot.metadata.partitionColumns.length > 0;
  // When every file was written with the table's current columns, DuckDB can bind the view
  // to one file's footer instead of opening them all to line their columns up by name.
  const dataFields = fields.filter((f) => !snapshot.metadata.partitionColumns.includes(f.name));
  const current = schemaTag({ type: 'struct', fields: dataFields });
  const uniform = [...snapshot.files.values()].every((a) => a.tags?.[SCHEMA_TAG] === current);
  const source =
    `read_parquet([${files.join(', ')}], union_by_name = ${uniform ? 'false' : 'true'}` +
    (hive ? `, hive_partitioning = true, hive_types = {${partitionTypes}}` : '') +
    ')';
  return `SELECT ${fields.map((f) => sqlIdent(f.name)).join(', ')} FROM ${source}`;
}

async function runQuery(
  db: DuckDb,
  sql: string,
  context: ErrorContext,
  views: Views,
  timeoutMs: number | undefined,
): Promise<SqlResult> {
  const { statements, tables } = await checkQuery(db.connection, sql, context);
  await views.ensure(tables);
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          db.connection.interrupt();
        }, timeoutMs);
  try {
    const prepared = await statements.prepare(0);
    // The check above already refused anything that is not a SELECT; this is the second lock.
    const type = prepared.statementType;
    if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN) {
      throw new UsageError(`${StatementType[type]} is not allowed: lake SQL runs only queries`);
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
    if (timedOut) {
      throw new InfraError('sql.timeout', `query stopped after its time limit of ${timeoutMs} ms`, {
        cause: e,
      });
    }
    if (e instanceof UsageError) throw e;
    throw new UsageError(explainError((e as Error).message, context));
  } finally {
    clearTimeout(timer);
  }
}

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
