import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { palisade, ROOT } from '../helpers/cli.js';
import { fixtureLines } from '../helpers/metron.js';
import { tempDir } from '../helpers/tmp.js';

const BRO_RAW = join(ROOT, 'test', 'fixtures', 'metron', 'bro', 'raw', 'BroExampleOutput');

describe('palisade --help', () => {
  it.each([[[]], [['demo']], [['ingest']], [['sql']]])(
    'palisade %j --help prints usage and exits 0',
    (cmd) => {
      const r = palisade([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: palisade/);
      expect(r.stderr).toBe('');
    },
  );

  it('lists the commands', () => {
    const r = palisade(['--help']);
    for (const c of ['demo', 'ingest', 'sql']) expect(r.stdout).toContain(c);
  });
});

describe('bad usage exits 2 with one clear line', () => {
  const lake = tempDir();
  it.each([
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    [
      'unknown sensor',
      ['ingest', '--sensor', 'nosuch', '--lake', lake, BRO_RAW],
      /unknown sensor 'nosuch'.*known: bro/,
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
      `bro: ${raw} events, ${broken} errors from ${raw + broken} records in 2 files`,
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
});

describe('palisade demo', () => {
  const lake = join(tempDir(), 'lake');
  it('ingests the samples and prints the summary and top talkers; a second run replaces the demo lake', () => {
    for (let run = 0; run < 2; run++) {
      const r = palisade(['demo', '--lake', lake]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Summary: \d+ events in table bro, 3 errors in table errors/);
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
