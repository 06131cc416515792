import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Event, UsageError } from '#core';
import { openLakeWriter, openSql, type SqlSession } from '#lake';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2024, 4, 1, 12);
const SECRET = 'TOP-SECRET-OUTSIDE-THE-LAKE';

const events = (n: number): Event[] =>
  Array.from({ length: n }, (_, i) => ({
    timestamp: T0 + i,
    guid: `g-${i}`,
    'source.type': 'test',
    ip_src_addr: `10.0.0.${i}`,
  }));

/** Every path under `dir` with its size and mtime, links listed as links (not followed). */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const s = lstatSync(path);
      out.push(`${relative(dir, path)} ${s.isSymbolicLink() ? 'link' : s.size} ${s.mtimeMs}`);
      if (s.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out;
}

/** Run `sql` in a fresh session; returns the error it was refused with (fails if it ran). */
async function refusal(lake: string, sql: string): Promise<Error> {
  const s = await openSql(lake);
  try {
    const result = await s.query(sql);
    throw new Error(`not refused: ${sql} returned ${JSON.stringify(result.rows).slice(0, 200)}`);
  } catch (e) {
    return e as Error;
  } finally {
    s.close();
  }
}

async function rows(lake: string, sql: string) {
  const s = await openSql(lake);
  try {
    return (await s.query(sql)).rows;
  } finally {
    s.close();
  }
}

describe('SQL guard', () => {
  const base = tempDir();
  const lake = join(base, 'lake');
  const outside = join(base, 'outside');
  const commit0 = join(lake, 't', '_delta_log', '00000000000000000000.json');
  let before: { lake: string[]; outside: string[] };

  beforeAll(async () => {
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), `${SECRET}\n`);
    writeFileSync(join(outside, 'secret.csv'), `a,b\n${SECRET},1\n`);
    const w = await openLakeWriter(lake);
    await w.append('t', events(3));
    w.close();
    symlinkSync(join(outside, 'secret.txt'), join(lake, 'leak.txt'));
    symlinkSync(outside, join(lake, 'outdir'));
    writeFileSync(join(base, 'lake2.txt'), SECRET);
    mkdirSync(join(base, 'lake2'));
    writeFileSync(join(base, 'lake2', 'x.txt'), SECRET);
    before = { lake: listing(lake), outside: listing(outside) };
  });

  const outsideRead = /^no permission to read ".*": lake SQL reads only files inside the lake /;
  const reads: [string, string][] = [
    ['read_csv of /etc', "SELECT * FROM read_csv('/etc/passwd')"],
    ['read_text of /etc', "SELECT * FROM read_text('/etc/hostname')"],
    ['read_parquet of /etc', "SELECT * FROM read_parquet('/etc/passwd')"],
    ['read_json of /etc', "SELECT * FROM read_json('/etc/passwd')"],
    ['read_blob of /etc', "SELECT * FROM read_blob('/etc/hostname')"],
    ['glob of /etc', "SELECT * FROM glob('/etc/*')"],
    ['a file named as a table', `SELECT * FROM '${outside}/secret.csv'`],
    ['sniff_csv of /etc', "SELECT * FROM sniff_csv('/etc/passwd')"],
    ['parquet_metadata of /etc', "SELECT * FROM parquet_metadata('/etc/passwd')"],
    ['the environment through /proc', "SELECT * FROM read_text('/proc/self/environ')"],
    ['a list with one outside file', `SELECT * FROM read_text(['${commit0}', '/etc/hostname'])`],
    ['<lake>/..', `SELECT * FROM read_text('${lake}/../outside/secret.txt')`],
    ['<lake>/t/../..', `SELECT * FROM read_text('${lake}/t/../../outside/secret.txt')`],
    ['<lake>/./..', `SELECT * FROM read_csv('${lake}/./../outside/secret.csv')`],
    ['glob of <lake>/..', `SELECT * FROM glob('${lake}/../*')`],
    ['a sibling whose name starts like the lake', `SELECT * FROM read_text('${base}/lake2/x.txt')`],
    ['a file whose name starts like the lake', `SELECT * FROM read_text('${base}/lake2.txt')`],
    ['a file link out of the lake', `SELECT * FROM read_text('${lake}/leak.txt')`],
    ['a directory link out of the lake', `SELECT * FROM read_text('${lake}/outdir/secret.txt')`],
    ['glob through a directory link', `SELECT * FROM glob('${lake}/outdir/*')`],
    ['a pattern that matches a link', `SELECT * FROM read_text('${lake}/*.txt')`],
    ['a pattern through a directory link', `SELECT * FROM read_csv('${lake}/*/secret.csv')`],
    ['https', "SELECT * FROM read_text('https://example.com/')"],
    ['http', "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')"],
    ['s3', "SELECT * FROM read_parquet('s3://bucket/x.parquet')"],
    ['file URL', "SELECT * FROM read_text('file:///etc/hostname')"],
    ['home directory', "SELECT * FROM read_text('~/.bashrc')"],
    ['a union with an outside read', "SELECT * FROM read_text('/etc/hostname') UNION ALL SELECT 1, 2, 3, 4"],
  ];

  it.each(reads)('refuses reading outside: %s', async (_name, sql) => {
    const e = await refusal(lake, sql);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(outsideRead);
    expect(e.message).not.toContain('\n');
    expect(e.message).not.toContain(SECRET);
  });

  const statements: [string, RegExp][] = [
    [`COPY t TO '${outside}/out.csv'`, /^COPY is not allowed: SQL cannot copy data to or from files/],
    [`COPY (SELECT 1) TO '${lake}/out.csv'`, /^COPY is not allowed/],
    ["COPY t FROM '/etc/passwd'", /^COPY is not allowed/],
    [`EXPORT DATABASE '${outside}/export'`, /^EXPORT is not allowed/],
    [`IMPORT DATABASE '${lake}'`, /^IMPORT is not allowed/],
    [`ATTACH '${outside}/x.duckdb' AS x`, /^ATTACH is not allowed: the session sees only the lake/],
    ["ATTACH ':memory:' AS m", /^ATTACH is not allowed/],
    ['DETACH memory', /^DETACH is not allowed/],
    ['USE system', /^USE is not allowed/],
    ['INSTALL httpfs', /^INSTALL is not allowed: extensions cannot be installed or loaded/],
    ['FORCE INSTALL httpfs', /^FORCE is not allowed: extensions/],
    ['LOAD httpfs', /^LOAD is not allowed/],
    [`LOAD '${outside}/evil.duckdb_extension'`, /^LOAD is not allowed/],
    ['UPDATE EXTENSIONS', /^UPDATE EXTENSIONS is not allowed/],
    ['SET enable_external_access = true', /^SET is not allowed: the session settings are locked/],
    ["SET allowed_directories = ['/']", /^SET is not allowed/],
    ['SET VARIABLE x = 1', /^SET is not allowed/],
    ['RESET lock_configuration', /^RESET is not allowed/],
    ['PRAGMA enable_profiling', /^PRAGMA is not allowed/],
    ["PRAGMA table_info('t')", /^PRAGMA is not allowed: .*DESCRIBE <table>/],
    ['CALL enable_logging()', /^CALL is not allowed/],
    ['CALL pragma_version()', /^CALL is not allowed/],
    ['CREATE TABLE x AS SELECT 1', /^CREATE is not allowed: the lake is read-only/],
    ['CREATE TEMP TABLE x (a INTEGER)', /^CREATE is not allowed/],
    ['CREATE VIEW v AS SELECT 1', /^CREATE is not allowed/],
    ['CREATE OR REPLACE VIEW t AS SELECT 1', /^CREATE is not allowed/],
    ['CREATE MACRO m(a) AS a + 1', /^CREATE is not allowed/],
    ["CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')", /^CREATE is not allowed/],
    ["INSERT INTO t (guid) VALUES ('x')", /^INSERT is not allowed: the lake is read-only/],
    ['DELETE FROM t', /^DELETE is not allowed/],
    ["UPDATE t SET guid = 'x'", /^UPDATE is not allowed/],
    [
      'MERGE INTO t USING (SELECT 1 AS a) s ON false WHEN NOT MATCHED THEN INSERT (guid) VALUES (1)',
      /^MERGE is not allowed/,
    ],
    ['TRUNCATE t', /^TRUNCATE is not allowed/],
    ['DROP VIEW t', /^DROP is not allowed/],
    ['ALTER VIEW t RENAME TO u', /^ALTER is not allowed/],
    ["COMMENT ON VIEW t IS 'x'", /^COMMENT is not allowed/],
    ['CHECKPOINT', /^CHECKPOINT is not allowed/],
    ['VACUUM', /^VACUUM is not allowed/],
    ['BEGIN', /^BEGIN is not allowed/],
    ['PREPARE p AS SELECT 1', /^PREPARE is not allowed/],
    ['EXECUTE p', /^EXECUTE is not allowed/],
    [`EXPLAIN COPY t TO '${outside}/out-explain.csv'`, /^COPY is not allowed/],
    [`EXPLAIN ANALYZE SELECT * FROM read_csv('${outside}/secret.csv')`, /^no permission to read/],
    ['EXPLAIN SELECT 1; DROP VIEW t', /^expected exactly one SQL statement, got 2$/],
    ['/* x */ explain analyze DROP VIEW t', /^DROP is not allowed/],
    [
      'WITH x AS (SELECT 1 AS guid) INSERT INTO t (guid) SELECT guid FROM x',
      /^this WITH statement is not a query/,
    ],
    ['/* SELECT */ DROP VIEW t', /^DROP is not allowed/],
    ['(DROP VIEW t)', /^DROP is not allowed/],
    ['SELECT 1; SELECT 2', /^expected exactly one SQL statement, got 2$/],
    ['SELECT 1; DROP VIEW t', /^expected exactly one SQL statement, got 2$/],
    [`SELECT 1; COPY t TO '${outside}/out2.csv'`, /^expected exactly one SQL statement, got 2$/],
    ['SELECT 1; /* ; */ DROP VIEW t;', /^expected exactly one SQL statement, got 2$/],
    ['PIVOT t ON guid', /^expected exactly one SQL statement, got 2 \(a PIVOT without an explicit IN list/],
    ['-- nothing but a comment', /^empty query/],
    [' ;; ', /^empty query/],
    [`WITH c AS (COPY (SELECT 1) TO '${outside}/cte.csv') SELECT * FROM c`, /^Parser Error/],
    [`SELECT * FROM (COPY (SELECT 1) TO '${outside}/sub.csv')`, /^Parser Error: syntax error/],
    [
      `SELECT * FROM enable_logging(storage = 'file', storage_path = '${lake}/logs')`,
      /^enable_logging\(\) is not allowed in lake SQL: it changes the session and can write log files$/,
    ],
    [
      `SELECT * FROM enable_logging(storage = 'file', storage_path = '${outside}/logs')`,
      /^enable_logging\(\) is not allowed/,
    ],
    ['SELECT * FROM ENABLE_LOGGING()', /^enable_logging\(\) is not allowed/],
    ['SELECT * FROM system.main.enable_logging()', /^enable_logging\(\) is not allowed/],
    ['SELECT (SELECT count(*) FROM enable_logging()) AS n', /^enable_logging\(\) is not allowed/],
    ['WITH x AS (SELECT * FROM enable_logging()) SELECT 1', /^enable_logging\(\) is not allowed/],
    ['SELECT * FROM t, disable_logging()', /^disable_logging\(\) is not allowed/],
    ['SELECT * FROM enable_profiling()', /^enable_profiling\(\) is not allowed/],
    ['SELECT * FROM checkpoint()', /^checkpoint\(\) is not allowed in lake SQL: it writes the database$/],
    ['SELECT * FROM enable_peg_parser()', /^enable_peg_parser\(\) is not allowed/],
    [
      "SELECT * FROM query('SELECT 42')",
      /^query\(\) is not allowed in lake SQL: it runs SQL given as a string/,
    ],
    ["SELECT * FROM query_table('t')", /^query_table\(\) is not allowed/],
    [
      "SELECT json_serialize_plan('SELECT * FROM enable_logging()')",
      /^json_serialize_plan\(\) is not allowed/,
    ],
    ["SELECT write_log('x')", /^write_log\(\) is not allowed/],
    ['SELECT sleep_ms(1000)', /^sleep_ms\(\) is not allowed/],
    [`SELECT * FROM read_duckdb('${lake}/x.duckdb')`, /^read_duckdb\(\) is not allowed/],
    ['SELECT * FROM duckdb_secrets()', /^duckdb_secrets\(\) is not allowed/],
    ['SELECT * FROM duckdb_extensions()', /^duckdb_extensions\(\) is not allowed/],
    [
      'SELECT * FROM read_parqet(1)',
      /^table function read_parqet\(\) is unknown or not allowed in lake SQL \(did you mean read_parquet\(\)\?\)$/,
    ],
    ["SELECT getenv('HOME')", /^Catalog Error: Scalar Function with name getenv does not exist!/],
    ['INSERT INTO t SELECT * FROM t', /^INSERT is not allowed/],
  ];

  it.each(statements)('refuses %s', async (sql, message) => {
    const e = await refusal(lake, sql);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it.each([
    ['SELECT 1; -- trailing comment', [{ x: 1 }]],
    ['SELECT 1 AS x;;', [{ x: 1 }]],
    ['SELECT 1 AS x -- ; DROP VIEW t', [{ x: 1 }]],
    ['/* ; DROP VIEW t; */ SELECT 1 AS x', [{ x: 1 }]],
    ["SELECT ';DROP VIEW t' AS x", [{ x: ';DROP VIEW t' }]],
    ['WITH c AS (SELECT count(*) AS x FROM t) SELECT x FROM c', [{ x: 3 }]],
    ['FROM t SELECT count(*) AS x', [{ x: 3 }]],
  ] as const)('runs the harmless %s', async (sql, expected) => {
    const got = (await rows(lake, sql)).map((r) => ({ x: Object.values(r)[0] }));
    expect(got).toEqual(expected);
  });

  it('still reads the lake after the attempts, and a view survives a comment that hides DROP', async () => {
    expect(await rows(lake, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 3 }]);
    expect(await rows(lake, 'SHOW TABLES')).toEqual([{ name: 'events' }, { name: 't' }]);
    expect((await rows(lake, 'DESCRIBE t')).map((r) => r.column_name)).toContain('guid');
  });

  it('reads the files of the lake itself, by absolute, relative-to-cwd and ../-inside paths', async () => {
    const text = readFileSync(commit0, 'utf8');
    expect(await rows(lake, `SELECT content FROM read_text('${commit0}')`)).toEqual([{ content: text }]);
    const viaDots = `${lake}/t/../t/_delta_log/00000000000000000000.json`;
    expect(await rows(lake, `SELECT content FROM read_text('${viaDots}')`)).toEqual([{ content: text }]);
    const listed = (await rows(lake, `SELECT file FROM glob('${lake}/t/**')`)).map((r) => String(r.file));
    expect(listed).toContain(commit0);
  });

  it('has no getenv and shows no home directory; duckdb_settings() shows the lock and only lake paths', async () => {
    const settings = await rows(
      lake,
      "SELECT name, value FROM duckdb_settings() WHERE name IN ('allowed_directories', 'enable_external_access', 'lock_configuration', 'home_directory', 'secret_directory', 'autoload_known_extensions') ORDER BY name",
    );
    const byName = Object.fromEntries(settings.map((r) => [r.name, r.value]));
    expect(byName.enable_external_access).toBe('false');
    expect(byName.lock_configuration).toBe('true');
    expect(byName.autoload_known_extensions).toBe('false');
    expect(byName.home_directory).toBe('');
    const allowed = String(byName.allowed_directories)
      .replace(/^\[|\]$/g, '')
      .split(', ');
    // the one table's folder (this lake has no models folder) and the spill directory
    expect(allowed).toHaveLength(2);
    expect(allowed).toContain(`${lake}/t/`);
    const spill = allowed.find((d) => d !== `${lake}/t/`) ?? '';
    expect(spill).toMatch(/palisade-sql-[^/]+\/$/);
    expect(String(byName.secret_directory)).toBe(spill.slice(0, -1));
    expect(JSON.stringify(settings)).not.toContain(process.env.HOME ?? '/nonexistent-home');
  });

  it('removes its spill directory on close', async () => {
    const s = await openSql(lake);
    const [row] = (await s.query("SELECT value FROM duckdb_settings() WHERE name = 'temp_directory'")).rows;
    const spill = String(row?.value);
    expect(existsSync(spill)).toBe(true);
    s.close();
    expect(existsSync(spill)).toBe(false);
  });

  it('does not open DuckDB’s default .tmp under the working directory', async () => {
    const cwd = process.cwd();
    mkdirSync(join(base, '.tmp'), { recursive: true });
    writeFileSync(join(base, '.tmp', 'x.txt'), SECRET);
    process.chdir(base);
    try {
      for (const path of ['.tmp/x.txt', join(base, '.tmp', 'x.txt')]) {
        const e = await refusal(lake, `SELECT * FROM read_text('${path}')`);
        expect(e.message).toMatch(outsideRead);
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it('wrote nothing, inside the lake or out of it', () => {
    expect(listing(lake)).toEqual(before.lake);
    expect(listing(outside)).toEqual(before.outside);
  });

  describe('the lake path', () => {
    let session: SqlSession | undefined;
    afterAll(() => session?.close());

    it.each([['lake'], ['./lake/'], ['lake/'], ['outside/../lake']])(
      'given relatively as %s: reads the lake, refuses outside',
      async (given) => {
        const cwd = process.cwd();
        process.chdir(base);
        try {
          const s = await openSql(given);
          try {
            expect((await s.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 3 }]);
            const own = await s.query("SELECT count(*) AS n FROM read_text('lake/t/_delta_log/*.json')");
            expect(own.rows).toEqual([{ n: 1 }]);
            for (const path of ['outside/secret.txt', 'lake/../outside/secret.txt', 'lake2/x.txt']) {
              await expect(s.query(`SELECT * FROM read_text('${path}')`)).rejects.toThrow(outsideRead);
            }
          } finally {
            s.close();
          }
        } finally {
          process.chdir(cwd);
        }
      },
    );

    it('given through a link: the session works on the real directory', async () => {
      const link = join(base, 'lake-link');
      symlinkSync(lake, link);
      session = await openSql(link);
      expect((await session.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 3 }]);
      const viaLink = join(link, 't', '_delta_log', '00000000000000000000.json');
      expect((await session.query(`SELECT count(*) AS n FROM read_text('${viaLink}')`)).rows).toEqual([
        { n: 1 },
      ]);
      await expect(session.query(`SELECT * FROM read_text('${outside}/secret.txt')`)).rejects.toThrow(
        outsideRead,
      );
    });
  });

  describe('inside the lake, only its tables and models folder', () => {
    const b = tempDir();
    const own = join(b, 'lake');
    const users = join(own, '_auth', 'users.json');
    const spec = join(own, 'models', 'm', '1', 'model.json');

    beforeAll(async () => {
      const w = await openLakeWriter(own);
      await w.append('bro', events(2));
      w.close();
      mkdirSync(join(own, '_auth'));
      writeFileSync(users, JSON.stringify({ users: [{ name: 'alice', token: SECRET }] }));
      mkdirSync(join(own, 'models', 'm', '1'), { recursive: true });
      writeFileSync(spec, JSON.stringify({ name: 'm', version: 1 }));
      writeFileSync(join(own, 'notes.txt'), SECRET);
    });

    it.each([
      ['read_json of the users file', `SELECT * FROM read_json('${users}')`],
      ['read_text of the users file', `SELECT * FROM read_text('${users}')`],
      ['the users file through ../', `SELECT * FROM read_text('${own}/bro/../_auth/users.json')`],
      ['a glob over the lake', `SELECT * FROM glob('${own}/**')`],
      ['a glob over the lake root', `SELECT * FROM glob('${own}/*')`],
      ['a pattern that matches the users file', `SELECT * FROM read_text('${own}/*/users.json')`],
      ['a file at the lake root', `SELECT * FROM read_text('${own}/notes.txt')`],
    ])('refuses %s', async (_name, sql) => {
      const e = await refusal(own, sql);
      expect(e).toBeInstanceOf(UsageError);
      expect(e.message).toMatch(outsideRead);
      expect(e.message).toContain('in its tables and its models folder');
      expect(e.message).not.toContain(SECRET);
    });

    it('still reads the tables, their files and the model files', async () => {
      expect(await rows(own, 'SELECT count(*) AS n FROM bro')).toEqual([{ n: 2 }]);
      expect(await rows(own, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 2 }]);
      const log = await rows(own, `SELECT count(*) AS n FROM read_text('${own}/bro/_delta_log/*.json')`);
      expect(log).toEqual([{ n: 1 }]);
      expect(await rows(own, `SELECT name, version FROM read_json('${own}/models/*/*/model.json')`)).toEqual([
        { name: 'm', version: 1 },
      ]);
    });
  });

  describe('lakes that point outside themselves', () => {
    it('refuses a table directory that links outside the lake', async () => {
      const b = tempDir();
      const w = await openLakeWriter(join(b, 'elsewhere'));
      await w.append('bro', events(2));
      w.close();
      mkdirSync(join(b, 'lake'));
      symlinkSync(join(b, 'elsewhere', 'bro'), join(b, 'lake', 'bro'));
      await expect(openSql(join(b, 'lake'))).rejects.toThrow(
        /^table 'bro' links outside the lake \(to .*elsewhere\/bro\); lake SQL reads only inside /,
      );
    });

    it.each([['../../outside/x.parquet'], ['/etc/passwd'], ['dt=2024-05-01/../../../x.parquet']])(
      'refuses a Delta log whose data file path is %s',
      async (path) => {
        const b = tempDir();
        const w = await openLakeWriter(join(b, 'lake'));
        await w.append('bro', events(2));
        w.close();
        const log = join(b, 'lake', 'bro', '_delta_log', '00000000000000000000.json');
        const lines = readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        for (const a of lines) if (a.add) a.add.path = path;
        writeFileSync(log, `${lines.map((a) => JSON.stringify(a)).join('\n')}\n`);
        // The log is read when a query first names the table.
        const session = await openSql(join(b, 'lake'));
        const e = await session.query('SELECT count(*) FROM bro').then(
          () => undefined,
          (err: Error) => err,
        );
        session.close();
        expect(e).toBeInstanceOf(UsageError);
        expect(e?.message).toMatch(/^table 'bro': data file '.*' is outside the table/);
      },
    );
  });
});
