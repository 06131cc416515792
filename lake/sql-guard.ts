import type { DuckDBConnection, DuckDBExtractedStatements } from '@duckdb/node-api';
import { UsageError } from '#core';
import { sqlString } from './duckdb.js';

/**
 * The guard around lake SQL. Two layers, each enough for file access on its own:
 *
 * - DuckDB settings ({@link lockDown}): file access only under the lake's table folders and
 *   its `models` folder (and the session's private spill directory), no network, no extension
 *   loading, settings locked. DuckDB resolves links and `..` before that check, so neither
 *   leads out of them. The rest of the lake root is out of reach too: `<lake>/_auth` holds the
 *   API's users and token hashes, which SQL must not read.
 * - A statement check ({@link checkQuery}) before DuckDB binds anything: exactly one
 *   statement, parsed (not bound) by DuckDB and serialisable as a SELECT, whose table
 *   functions are on an allowlist and whose scalar functions are not on a denylist. It stops
 *   what the settings do not: SELECTs with side effects (`enable_logging` writes log files,
 *   into the lake if asked), SQL run from a string (`query`, `json_serialize_plan`), and every
 *   non-query statement, with a message that says why.
 */

/**
 * Table functions a query may use. An allowlist, so a table function added by a later DuckDB
 * stays refused until someone reads what it does. File readers are here because DuckDB's
 * `allowed_directories` confines them to the lake's tables and models.
 */
const TABLE_FUNCTIONS = new Set([
  // files (confined to the lake by DuckDB)
  'read_parquet',
  'parquet_scan',
  'parquet_metadata',
  'parquet_schema',
  'parquet_file_metadata',
  'parquet_kv_metadata',
  'parquet_full_metadata',
  'parquet_bloom_probe',
  'read_csv',
  'read_csv_auto',
  'sniff_csv',
  'read_json',
  'read_json_auto',
  'read_json_objects',
  'read_json_objects_auto',
  'read_ndjson',
  'read_ndjson_auto',
  'read_ndjson_objects',
  'read_ndjson_objects_auto',
  'read_text',
  'read_blob',
  'glob',
  // generators and table macros
  'range',
  'generate_series',
  'unnest',
  'repeat',
  'repeat_row',
  'json_each',
  'json_tree',
  'summary',
  'histogram',
  'histogram_values',
  'test_all_types',
  'test_vector_types',
  'pg_timezone_names',
  'icu_calendar_names',
  'sql_auto_complete',
  // catalog and settings, read-only. duckdb_settings() shows the lake path, which the caller
  // gave, and DuckDB's default folders; nothing else of the host.
  'duckdb_columns',
  'duckdb_constraints',
  'duckdb_databases',
  'duckdb_dependencies',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_settings',
  'duckdb_tables',
  'duckdb_types',
  'duckdb_views',
  'duckdb_memory',
  'duckdb_optimizers',
  'duckdb_temporary_files',
  'duckdb_variables',
  'duckdb_prepared_statements',
  'duckdb_approx_database_count',
  'duckdb_connection_count',
  'pragma_table_info',
  'pragma_show',
  'pragma_version',
  'pragma_platform',
  'pragma_user_agent',
  'pragma_collations',
  'pragma_database_size',
  'pragma_storage_info',
  'pragma_metadata_info',
]);

/** Why some table functions that exist are refused (for the message). */
const TABLE_FUNCTION_REASONS: Record<string, string> = {
  enable_logging: 'it changes the session and can write log files',
  disable_logging: 'it changes the session',
  truncate_duckdb_logs: 'it changes the session',
  enable_profiling: 'it changes the session and can write profile files',
  disable_profiling: 'it changes the session',
  enable_peg_parser: 'it changes how SQL is parsed',
  disable_peg_parser: 'it changes how SQL is parsed',
  checkpoint: 'it writes the database',
  force_checkpoint: 'it writes the database',
  query: 'it runs SQL given as a string, out of sight of this check',
  query_table: 'it runs SQL given as a string, out of sight of this check',
  json_execute_serialized_sql: 'it runs SQL given as a string, out of sight of this check',
  read_duckdb: 'it opens a DuckDB database file',
  duckdb_secrets: 'the session has no secrets and may not read the secrets folder',
  which_secret: 'the session has no secrets and may not read the secrets folder',
  duckdb_extensions: 'extensions are neither listed nor loaded',
  arrow_scan: 'it reads process memory by address',
  arrow_scan_dumb: 'it reads process memory by address',
};

/** Scalar functions refused, with why. Everything else DuckDB has is a pure function. */
const SCALAR_FUNCTIONS_REFUSED: Record<string, string> = {
  json_serialize_plan: 'it plans SQL given as a string, out of sight of this check',
  write_log: 'it writes to the log',
  sleep_ms: 'it only holds the session',
  pg_sleep: 'it only holds the session',
};

/** Why a non-query statement is refused, by its first keyword. */
const STATEMENT_REASONS: Record<string, string> = {
  COPY: 'SQL cannot copy data to or from files',
  EXPORT: 'SQL cannot copy data to or from files',
  IMPORT: 'SQL cannot copy data to or from files',
  ATTACH: 'the session sees only the lake',
  DETACH: 'the session sees only the lake',
  USE: 'the session sees only the lake',
  INSTALL: 'extensions cannot be installed or loaded',
  FORCE: 'extensions cannot be installed or loaded',
  LOAD: 'extensions cannot be installed or loaded',
  SET: 'the session settings are locked',
  RESET: 'the session settings are locked',
  PRAGMA: "the session settings are locked (for a table's columns, run DESCRIBE <table>)",
  CREATE: 'the lake is read-only',
  DROP: 'the lake is read-only',
  ALTER: 'the lake is read-only',
  COMMENT: 'the lake is read-only',
  INSERT: 'the lake is read-only',
  UPDATE: 'the lake is read-only',
  DELETE: 'the lake is read-only',
  MERGE: 'the lake is read-only',
  TRUNCATE: 'the lake is read-only',
  VACUUM: 'the lake is read-only',
  CHECKPOINT: 'the lake is read-only',
  ANALYZE: 'the lake is read-only',
};

const QUERY_FORMS =
  'only queries, one per call (SELECT, WITH, FROM, VALUES, TABLE, SHOW, DESCRIBE, SUMMARIZE, PIVOT, EXPLAIN of a query)';

/**
 * Confine a fresh DuckDB to reading `dirs` (real paths: DuckDB judges access by real paths):
 * spill files go to `spillDir` (else DuckDB's default `.tmp` under the working directory would
 * join the allowed folders, as DuckDB allows its temp directory itself), then file access is
 * limited to `dirs` and `spillDir`, external access is turned off, and settings are locked.
 */
export async function lockDown(
  connection: DuckDBConnection,
  dirs: readonly string[],
  spillDir: string,
): Promise<void> {
  await connection.run(`SET temp_directory = ${sqlString(spillDir)}`);
  // No secrets are stored or read; pointing the (unused) folder away from ~/.duckdb keeps the
  // host's home directory out of duckdb_settings().
  await connection.run(`SET secret_directory = ${sqlString(spillDir)}`);
  await connection.run('SET allow_persistent_secrets = false');
  const allowed = dirs.map((d) => sqlString(withSlash(d)));
  await connection.run(`SET allowed_directories = [${allowed.join(', ')}]`);
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
}

/** DuckDB matches allowed directories as path prefixes; the slash keeps `/lake` from allowing `/lake2`. */
const withSlash = (dir: string) => (dir.endsWith('/') ? dir : `${dir}/`);

/**
 * Check one query before DuckDB binds it; returns its extracted statement for preparing.
 * Throws a {@link UsageError} saying what is refused and why.
 */
export async function checkQuery(
  connection: DuckDBConnection,
  sql: string,
  context: ErrorContext,
): Promise<CheckedQuery> {
  // A statement known by its first word is refused before DuckDB even extracts it: extracting
  // IMPORT DATABASE already reads the files it names.
  const [first = ''] = keywords(sql);
  if (first === '') throw new UsageError(`empty query: lake SQL runs ${QUERY_FORMS}`);
  if (own(STATEMENT_REASONS, first)) throw new UsageError(notAQuery(sql));
  const explained = EXPLAIN.exec(sql);
  if (explained) {
    // EXPLAIN [ANALYZE] of a query: the query itself passes the same check, and ANALYZE only
    // runs what would have run anyway.
    const inner = await checkQuery(connection, sql.slice(explained[0].length), context);
    inner.statements = await extract(connection, sql, context);
    if (inner.statements.count !== 1) throw new UsageError(tooMany(inner.statements.count, sql));
    return inner;
  }
  const statements = await extract(connection, sql, context);
  if (statements.count === 0) throw new UsageError(`empty query: lake SQL runs ${QUERY_FORMS}`);
  if (statements.count > 1) throw new UsageError(tooMany(statements.count, sql));

  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const ast = JSON.parse(String(reader.getRows()[0]?.[0])) as {
    error: boolean;
    error_message?: string;
    statements?: unknown[];
  };
  if (ast.error) {
    if (ast.error_message?.startsWith('Only SELECT')) throw new UsageError(notAQuery(sql));
    throw new UsageError(duckdbMessage(ast.error_message ?? 'cannot parse the query'));
  }
  if (ast.statements?.length !== 1) throw new UsageError(tooMany(ast.statements?.length ?? 0, sql));

  for (const call of functionCalls(ast.statements)) {
    const name = call.name.toLowerCase();
    if (call.table && !TABLE_FUNCTIONS.has(name)) {
      const reason = own(TABLE_FUNCTION_REASONS, name);
      throw new UsageError(
        reason
          ? `${call.name}() is not allowed in lake SQL: ${reason}`
          : `table function ${call.name}() is unknown or not allowed in lake SQL${suggest(name)}`,
      );
    }
    const refused = call.table ? undefined : own(SCALAR_FUNCTIONS_REFUSED, name);
    if (refused) throw new UsageError(`${call.name}() is not allowed in lake SQL: ${refused}`);
  }
  return { statements, tables: [...new Set(tableNames(ast.statements))] };
}

/** `EXPLAIN` or `EXPLAIN ANALYZE` at the start of a statement, past comments. */
const EXPLAIN = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*explain(?:\s+analyze)?(?![\w$])/i;

async function extract(
  connection: DuckDBConnection,
  sql: string,
  context: ErrorContext,
): Promise<DuckDBExtractedStatements> {
  try {
    return await connection.extractStatements(sql);
  } catch (e) {
    throw new UsageError(explainError((e as Error).message, context));
  }
}

/** A query that passed {@link checkQuery}. */
export interface CheckedQuery {
  statements: DuckDBExtractedStatements;
  /** Names the query reads as tables (CTE names among them), lower-cased, for the caller's views. */
  tables: string[];
}

/** Stands for every table in {@link CheckedQuery.tables}: the query looks at the catalog. */
export const ALL_TABLES = '*';

const CATALOG_SCHEMAS = new Set(['information_schema', 'pg_catalog']);
const isCatalogName = (name: string) => /^(duckdb_|pragma_|pg_)/.test(name) || name === 'sql_auto_complete';

/**
 * The table names a serialised statement reads, lower-cased; {@link ALL_TABLES} when it reads
 * the catalog (SHOW, DESCRIBE, duckdb_tables(), information_schema…), which lists every view.
 */
function* tableNames(node: unknown): Generator<string> {
  if (Array.isArray(node)) {
    for (const item of node) yield* tableNames(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  if (o.type === 'SHOW_REF') yield ALL_TABLES;
  if (o.type === 'BASE_TABLE' && typeof o.table_name === 'string') {
    const name = o.table_name.toLowerCase();
    const schema = typeof o.schema_name === 'string' ? o.schema_name.toLowerCase() : '';
    yield CATALOG_SCHEMAS.has(schema) || isCatalogName(name) ? ALL_TABLES : name;
  }
  if (o.type === 'TABLE_FUNCTION' && typeof o.function === 'object' && o.function !== null) {
    const f = (o.function as Record<string, unknown>).function_name;
    if (typeof f === 'string' && isCatalogName(f.toLowerCase())) yield ALL_TABLES;
  }
  for (const v of Object.values(o)) yield* tableNames(v);
}

/** A record's own entry (so `constructor` and friends are not found on the prototype). */
const own = (record: Record<string, string>, key: string) =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** Every function call in a serialised statement; `table` for those in a FROM clause. */
function* functionCalls(node: unknown): Generator<{ name: string; table: boolean }> {
  if (Array.isArray(node)) {
    for (const item of node) yield* functionCalls(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  if (o.type === 'TABLE_FUNCTION' && typeof o.function === 'object' && o.function !== null) {
    const f = o.function as Record<string, unknown>;
    if (typeof f.function_name === 'string') yield { name: f.function_name, table: true };
    for (const [k, v] of Object.entries(o)) if (k !== 'function') yield* functionCalls(v);
    for (const v of Object.values(f)) yield* functionCalls(v);
    return;
  }
  if (typeof o.function_name === 'string') yield { name: o.function_name, table: false };
  for (const v of Object.values(o)) yield* functionCalls(v);
}

function tooMany(count: number, sql: string): string {
  const pivot = /\bpivot\b/i.test(sql) ? ' (a PIVOT without an explicit IN list counts as two)' : '';
  return `expected exactly one SQL statement, got ${count}${pivot}`;
}

/** The refusal of a statement that is not a query, named by its first keyword. */
function notAQuery(sql: string): string {
  const [first = '', second = ''] = keywords(sql);
  if (first === 'UPDATE' && second === 'EXTENSIONS')
    return `UPDATE EXTENSIONS is not allowed: extensions cannot be installed or loaded; lake SQL runs ${QUERY_FORMS}`;
  const reason = own(STATEMENT_REASONS, first);
  if (reason) return `${first} is not allowed: ${reason}; lake SQL runs ${QUERY_FORMS}`;
  if (['WITH', 'SELECT', 'FROM', 'VALUES', 'TABLE'].includes(first))
    return `this ${first} statement is not a query and is not allowed: lake SQL runs ${QUERY_FORMS}`;
  return `${first || 'this statement'} is not allowed: lake SQL runs ${QUERY_FORMS}`;
}

/** The statement's first two words, upper-cased, past comments and brackets. */
function keywords(sql: string): string[] {
  return sql
    .replace(/--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/g, ' ')
    .replace(/[();]/g, ' ')
    .trim()
    .split(/\s+/, 2)
    .filter((w) => w !== '')
    .map((w) => w.toUpperCase());
}

/** " (did you mean x()?)" for an allowed table function close to `name`. */
function suggest(name: string): string {
  const best = closest(name, TABLE_FUNCTIONS);
  return best ? ` (did you mean ${best}()?)` : '';
}

/** The candidate within two edits of `name`, if any. */
function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** What the caller needs to explain a DuckDB error about the lake. */
export interface ErrorContext {
  /** The lake directory (real path). */
  root: string;
  /** Tables of the lake hidden by time travel, with the reason to give. */
  hidden: ReadonlyMap<string, string>;
  /** Names a query can read (tables and views), for "did you mean". */
  tables?: Iterable<string>;
}

/**
 * A DuckDB error as one line: its first line (plus a "Did you mean" line), with file access
 * refusals and tables hidden by time travel said in lake terms.
 */
export function explainError(message: string, context: ErrorContext): string {
  const text = duckdbMessage(message);
  const access = /Permission Error: Cannot access (?:file|directory) "([^"]*)"/.exec(text);
  if (access) {
    return `no permission to read "${access[1]}": lake SQL reads only files inside the lake ${context.root}, in its tables and its models folder (a link counts as where it points)`;
  }
  const table = /Table with name "?([^"\s!]+)"? does not exist/.exec(text);
  if (table?.[1]) {
    const hidden = context.hidden.get(table[1].toLowerCase());
    if (hidden) return hidden;
    const near = context.tables && closest(table[1].toLowerCase(), context.tables);
    const first = text.replace(/ Did you mean .*$/, '');
    return `${first}${near ? ` Did you mean "${near}"?` : ''}`;
  }
  return text;
}

/** DuckDB messages carry the query with a caret on later lines: keep the first line and a "Did you mean". */
export function duckdbMessage(message: string): string {
  const lines = message.replace(/^Failed to extract statements: /, '').split('\n');
  const first = (lines[0] ?? message).trim();
  const hint = lines.find((l) => l.startsWith('Did you mean'));
  return hint ? `${first} ${hint.trim()}` : first;
}
