import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '#core';
import { openLakeWriter } from '#lake';
import { palisade, ROOT } from '../helpers/cli.js';
import { setCommitTime } from '../helpers/delta-log.js';
import { fixtureLines } from '../helpers/metron.js';
import { tempDir } from '../helpers/tmp.js';

const BRO_RAW = join(ROOT, 'test', 'fixtures', 'metron', 'bro', 'raw', 'BroExampleOutput');

describe('palisade --help', () => {
  it.each([
    [[]],
    [['demo']],
    [['ingest']],
    [['sql']],
    [['batch']],
    [['batch', 'compact']],
    [['batch', 'vacuum']],
  ])('palisade %j --help prints usage and exits 0', (cmd) => {
    const r = palisade([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: palisade/);
    expect(r.stderr).toBe('');
  });

  it('lists the commands', () => {
    const r = palisade(['--help']);
    for (const c of ['demo', 'ingest', 'sql', 'batch']) expect(r.stdout).toContain(c);
  });
});

describe('bad usage exits 2 with one clear line', () => {
  const lake = tempDir();
  it.each([
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    [
      'unknown sensor',
      ['ingest', '--sensor', 'nosuch', '--lake', lake, BRO_RAW],
      /unknown sensor 'nosuch'.*known: .*\bbro\b/,
    ],
    [
      'missing file',
      ['ingest', '--sensor', 'bro', '--lake', lake, '/no/such/file.log'],
      /file not found: \/no\/such\/file\.log/,
    ],
    ['missing option', ['ingest', BRO_RAW], /required option '--sensor <name>'/],
    ['bad format', ['sql', '--lake', lake, '--format', 'xml', 'SELECT 1'], /'xml' is invalid/],
    [
      'bad batch size',
      ['ingest', '--sensor', 'bro', '--lake', lake, '--batch-size', '0', BRO_RAW],
      /positive integer/,
    ],
    ['SQL syntax error', ['sql', '--lake', ROOT, 'SELEC 1'], /syntax error/],
    ['missing lake', ['sql', '--lake', '/no/such/lake', 'SELECT 1'], /lake not found/],
    [
      'bad timeout',
      ['sql', '--lake', lake, '--timeout', 'soon', 'SELECT 1'],
      /--timeout: invalid duration 'soon'/,
    ],
    [
      'zero timeout',
      ['sql', '--lake', lake, '--timeout', '0s', 'SELECT 1'],
      /--timeout: must be more than 0s/,
    ],
  ])('%s', (_name, args, message) => {
    const r = palisade(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe('ingest then sql', () => {
  const lake = tempDir();
  const bad = join(ROOT, 'config', 'samples', 'bro', 'broken-lines.log');

  it('lands every line in bro or errors and reports the totals', () => {
    const r = palisade(['ingest', '--sensor', 'bro', '--lake', lake, BRO_RAW, bad]);
    expect(r.code).toBe(0);
    const raw = fixtureLines('bro', 'raw', 'BroExampleOutput').length;
    const broken = fixtureLines('..', '..', '..', 'config', 'samples', 'bro', 'broken-lines.log').length;
    expect(r.stdout).toContain(
      `bro: ${raw} events, 0 alerts, ${broken} errors from ${raw + broken} records in 2 files`,
    );
    expect(r.stderr).toMatch(/broken-lines\.log:1: not valid JSON/);
    expect(r.stderr).toMatch(/broken-lines\.log:3: field ts: required field is missing/);
    expect(readdirSync(join(lake, 'bro', '_delta_log'))).toContain('00000000000000000000.json');
  });

  it('counts the same rows through SQL', () => {
    const r = palisade(['sql', '--lake', lake, '--format', 'json', 'SELECT count(*) AS n FROM bro']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ n: fixtureLines('bro', 'raw', 'BroExampleOutput').length });
  });

  it('keeps failed lines in errors with their original bytes, file, line and reason', () => {
    const r = palisade([
      'sql',
      '--lake',
      lake,
      '--format',
      'json',
      'SELECT source_line, error_type, error_fields, message, raw_message, raw_message_bytes, failed_sensor_type FROM errors ORDER BY source_line',
    ]);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const lines = fixtureLines('..', '..', '..', 'config', 'samples', 'bro', 'broken-lines.log');
    expect(rows.map((x) => x.source_line)).toEqual([1, 2, 3]);
    rows.forEach((row, i) => {
      expect(row.raw_message).toBe(lines[i]);
      expect(Buffer.from(row.raw_message_bytes, 'base64').toString('utf8')).toBe(lines[i]);
      expect(row.failed_sensor_type).toBe('bro');
      expect(row.error_type).toBe('parser_error');
    });
    expect(rows[2].error_fields).toBe('ts');
  });

  it('prints csv with a header and tables with a row count', () => {
    const csv = palisade([
      'sql',
      '--lake',
      lake,
      '--format',
      'csv',
      "SELECT protocol, count(*) AS n FROM bro WHERE protocol = 'dns' GROUP BY 1",
    ]);
    expect(csv.stdout).toBe('protocol,n\ndns,3\n');
    const table = palisade([
      'sql',
      '--lake',
      lake,
      "SELECT protocol FROM bro WHERE protocol = 'dns' LIMIT 2",
    ]);
    expect(table.stdout).toMatch(/protocol\n─+\ndns\ndns\n\(2 rows\)\n/);
  });

  it('stops a query at --timeout with one line and exit code 1', () => {
    const r = palisade([
      'sql',
      '--lake',
      lake,
      '--timeout',
      '1s',
      'SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE a.range + b.range = -1',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/query stopped after its time limit of 1000 ms/);
  });
});

describe('palisade demo', () => {
  const lake = join(tempDir(), 'lake');
  it('ingests the samples and prints the summary and top talkers; a second run replaces the demo lake', () => {
    for (let run = 0; run < 2; run++) {
      const r = palisade(['demo', '--lake', lake]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        /Summary: \d+ events in table bro \(enriched with geo and threat intel\), 587 alerts in table alerts, 3 errors in table errors/,
      );
      // The demo's indicators are in the lake, and each alert is a hit on one of them.
      expect(r.stdout).toMatch(/2 threat-intel indicators loaded/);
      expect(r.stdout).toMatch(/95\.163\.121\.204\s+│\s+RU\s+│\s+357/);
      expect(r.stdout).toMatch(/Top talkers/);
      expect(r.stdout).toMatch(/ip_src_addr\s+│\s+events/);
      expect(r.stdout).toMatch(/\(10 rows\)/);
    }
    const count = palisade(['sql', '--lake', lake, '--format', 'json', 'SELECT count(*) AS n FROM bro']);
    const events = Number(/Summary: (\d+) events/.exec(palisade(['demo', '--lake', lake]).stdout)?.[1]);
    expect(JSON.parse(count.stdout).n).toBe(events);
  });

  it('refuses to replace a directory it did not make', () => {
    const r = palisade(['demo', '--lake', join(ROOT, 'config')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not made by the demo/);
  });
});

/** Exit 2, one `palisade:` line on stderr matching `message`, no stack, nothing on stdout. */
function expectUsageError(r: ReturnType<typeof palisade>, message: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^palisade: /);
  expect(r.stderr.trim().replace(/^palisade: /, '')).toMatch(message);
  expect(r.stderr).not.toMatch(/\bat .*\.(js|ts):\d+/);
}

describe('sql refuses escapes from the lake', () => {
  const base = tempDir();
  const lake = join(base, 'lake');
  const outside = join(base, 'outside');
  beforeAll(async () => {
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'TOP-SECRET\n');
    const w = await openLakeWriter(lake);
    await w.append('t', [{ timestamp: Date.UTC(2024, 4, 1), guid: 'g', 'source.type': 'test' }]);
    w.close();
    symlinkSync(join(outside, 'secret.txt'), join(lake, 'leak.txt'));
  });

  it.each([
    [
      "SELECT * FROM read_csv('/etc/passwd')",
      /^no permission to read "\/etc\/passwd": lake SQL reads only files inside the lake /,
    ],
    ["SELECT * FROM glob('/etc/*')", /^no permission to read "\/etc\/\*"/],
    [
      `SELECT * FROM read_text('${lake}/../outside/secret.txt')`,
      /^no permission to read ".*\/lake\/\.\.\/outside\/secret\.txt"/,
    ],
    [
      `SELECT * FROM read_text('${lake}/leak.txt')`,
      /^no permission to read ".*\/leak\.txt": .*a link counts as where it points/,
    ],
    ["SELECT * FROM read_text('https://example.com/')", /^no permission to read "https:\/\/example\.com\/"/],
    [`COPY t TO '${outside}/out.csv'`, /^COPY is not allowed: SQL cannot copy data to or from files/],
    [`ATTACH '${outside}/x.duckdb' AS x`, /^ATTACH is not allowed/],
    ['INSTALL httpfs', /^INSTALL is not allowed/],
    ['SET enable_external_access = true', /^SET is not allowed: the session settings are locked/],
    ['DROP VIEW t', /^DROP is not allowed: the lake is read-only/],
    ['SELECT 1; DROP VIEW t', /^expected exactly one SQL statement, got 2$/],
    [
      `SELECT * FROM enable_logging(storage = 'file', storage_path = '${lake}/logs')`,
      /^enable_logging\(\) is not allowed/,
    ],
    ["SELECT * FROM query('SELECT 1')", /^query\(\) is not allowed/],
  ])('%s', (query, message) => {
    expectUsageError(palisade(['sql', '--lake', lake, query]), message);
  });

  it('wrote nothing', () => {
    expect(existsSync(join(outside, 'out.csv'))).toBe(false);
    expect(existsSync(join(outside, 'x.duckdb'))).toBe(false);
    expect(existsSync(join(lake, 'logs'))).toBe(false);
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('runs "SELECT 1; -- comment" and "SELECT 1;;" as one query', () => {
    for (const q of ['SELECT 1 AS x; -- comment', 'SELECT 1 AS x;;']) {
      const r = palisade(['sql', '--lake', lake, '--format', 'json', q]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('{"x":1}\n');
    }
  });
});

describe('sql --as-of', () => {
  const lake = tempDir();
  const T0 = Date.UTC(2026, 10, 27, 12);
  const HOUR = 3_600_000;
  beforeAll(async () => {
    const w = await openLakeWriter(lake);
    const rows = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({ timestamp: T0 + i, guid: `${tag}-${i}`, 'source.type': tag }));
    // a: 2, then 3 more at +1h, then 4 more at +2h; b: 10 at +90min
    for (const [v, n] of [2, 3, 4].entries()) {
      await w.append('a', rows(n, 'a'));
      setCommitTime(lake, 'a', v, T0 + v * HOUR);
    }
    await w.append('b', rows(10, 'b'));
    setCommitTime(lake, 'b', 0, T0 + 1.5 * HOUR);
    w.close();
  });

  const count = (table: string, ...asOf: string[]) =>
    palisade([
      'sql',
      '--lake',
      lake,
      '--format',
      'json',
      ...asOf.flatMap((a) => ['--as-of', a]),
      `SELECT count(*) AS n FROM ${table}`,
    ]);

  it.each([
    ['a', [], 9],
    ['a', ['a=0'], 2],
    ['a', ['a=1'], 5],
    ['a', [`a=${T0 + HOUR}`], 5],
    ['a', [`a=${T0 + HOUR - 1}`], 2],
    ['a', ['2026-11-27T13:00:00Z'], 5],
    ['a', ['2026-11-27T14:00:00+01:00'], 5],
    ['a', ['2026-11-27 13:59:59.999Z'], 5],
    ['a', [String(T0 + 2 * HOUR)], 9],
    ['a', ['a=0', '2026-11-28'], 2],
    ['b', ['a=0', '2026-11-27T14:00:00Z'], 10],
    ['events', ['2026-11-27T13:30:00Z'], 15],
    ['events', ['a=0'], 12],
  ])('%s with --as-of %j counts %i', (table, asOf, n) => {
    const r = count(table, ...asOf);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ n });
  });

  it.each([
    [
      'b',
      ['2026-11-27T13:00:00Z'],
      /^no table 'b' as of 2026-11-27T13:00:00\.000Z: its first commit is at 2026-11-27T13:30:00\.000Z$/,
    ],
    ['a', ['2026-11-27'], /^no table 'a' as of 2026-11-27T00:00:00\.000Z/],
    ['a', ['a=7'], /^no version 7 of table 'a' \(latest is 2\)$/],
    [
      'a',
      ['a=1700000000'],
      /^no version 1700000000 of table 'a' \(latest is 2\); a time is given in epoch milliseconds$/,
    ],
    ['a', ['nosuch=1'], /^no table 'nosuch' in /],
    ['a', ['a=yesterday'], /^--as-of expects TABLE=VERSION, TABLE=TIME or TIME, .* got 'a=yesterday'$/],
    ['a', ['2026-11-27T13:00:00'], /^--as-of expects .* got '2026-11-27T13:00:00'$/],
    ['a', ['2026-02-30T00:00:00Z'], /^--as-of expects .* got '2026-02-30T00:00:00Z'$/],
    [
      'a',
      ['2026-11-27T13:00:00Z', '2026-11-27T14:00:00Z'],
      /^--as-of: one TIME for all tables, got a second/,
    ],
    ['a', ['a=1', 'a=2'], /^--as-of: table 'a' is given twice$/],
    ['a', ['=1'], /^--as-of: '' is not a table name/],
  ])('%s with --as-of %j is refused', (table, asOf, message) => {
    expectUsageError(count(table, ...asOf), message);
  });
});

describe('sql events view', () => {
  const lake = tempDir();
  beforeAll(async () => {
    const w = await openLakeWriter(lake);
    const t = Date.UTC(2024, 4, 1);
    await w.append('bro', [
      { timestamp: t, guid: 'b1', 'source.type': 'bro', protocol: 'dns', ip_src_port: 53 },
    ]);
    // A port as text, on purpose: the events view casts it.
    await w.append('snort', [
      { timestamp: t, guid: 's1', 'source.type': 'snort', ip_src_port: '80' } as unknown as Event,
    ]);
    await w.append('errors', [{ timestamp: t, guid: 'e1', 'source.type': 'error' }]);
    w.close();
  });

  it('spans the sensor tables with a sensor column', () => {
    const r = palisade([
      'sql',
      '--lake',
      lake,
      '--format',
      'csv',
      'SELECT sensor, source.type AS st, protocol, ip_src_port FROM events ORDER BY sensor',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('sensor,st,protocol,ip_src_port\nbro,bro,dns,53\nsnort,snort,,80\n');
  });
});

describe('palisade ingest options', () => {
  const lake = tempDir();
  it('reads standard input with -, and fixes the clock with --now', () => {
    const line = readFileSync(BRO_RAW, 'utf8').split('\n')[0] as string;
    const r = palisade(['ingest', '--sensor', 'bro', '--lake', lake, '--now', '2026-11-28T00:00:00Z', '-'], {
      input: `${line}\n`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^bro: 1 events, 0 alerts, 0 errors from 1 records in 1 file/);
  });

  it('refuses a bad zone, clock or size with exit code 2 and one line', () => {
    for (const [args, message] of [
      [['--timezone', 'Mars/Olympus'], /unknown time zone 'Mars\/Olympus'/],
      [['--now', 'yesterday'], /--now: expected ISO 8601/],
      [['--max-record-bytes', '0'], /positive integer/],
    ] as const) {
      const r = palisade(['ingest', '--sensor', 'bro', '--lake', lake, ...args, BRO_RAW]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
