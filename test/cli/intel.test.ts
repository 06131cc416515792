import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { palisade, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'intel');
const BUNDLE = join(FIXTURES, 'bundle.json');
const CSV = join(FIXTURES, 'ips.csv');

describe('palisade batch intel load', () => {
  it.each([[['batch', 'intel']], [['batch', 'intel', 'load']]])(
    'palisade %j --help prints usage and exits 0',
    (cmd) => {
      const r = palisade([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: palisade batch intel/);
    },
  );

  it('loads a bundle and a CSV file, prints the summary and the skipped, then adds nothing again', () => {
    const lake = join(tempDir(), 'lake');
    const args = ['batch', 'intel', 'load', '--lake', lake, '--type', 'malicious_ip', BUNDLE, CSV];
    const first = palisade(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(
      [
        'threatintel: 2 files, 11 indicators read, 10 added, 1 already present, 4 skipped, 1 revoked left out (version 0)',
        '  malicious_ip: 11 read, 10 added',
        `skipped: ${BUNDLE}:indicator--6b4f2c1e-8a55-4d3c-a0a4-2f9e1d0c7b02: pattern not read: AND (comparisons that must all match): ipv4-addr:value = '192.0.2.1' AND ipv4-addr:value = '192.0.2.2'`,
        `skipped: ${BUNDLE}:indicator--a1b2c3d4-0000-4000-8000-000000000004: pattern_type 'yara' is not read (only stix)`,
        `skipped: ${BUNDLE}:file--5a27d487-c542-5f97-a131-a8866b477b46: file hashes SSDEEP not read (only MD5, SHA-1, SHA-256, SHA-512)`,
        `skipped: ${CSV}:6: no column 0`,
        '',
      ].join('\n'),
    );
    const again = palisade(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.split('\n')[0]).toBe(
      'threatintel: 2 files, 11 indicators read, 0 added, 11 already present, 4 skipped, 1 revoked left out',
    );
    const count = palisade([
      'sql',
      '--lake',
      lake,
      '--format',
      'csv',
      'SELECT count(*) AS n FROM threatintel',
    ]);
    expect(count.stdout).toBe('n\n10\n');
  });

  it('reads a CSV column with --column and names the rows with --source', () => {
    const lake = join(tempDir(), 'lake');
    const r = palisade([
      'batch',
      'intel',
      'load',
      '--lake',
      lake,
      '--type',
      'seen',
      '--column',
      '1',
      '--source',
      'feed-x',
      CSV,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      'threatintel: 1 file, 5 indicators read, 5 added, 0 already present, 0 skipped (version 0)\n  seen: 5 read, 5 added\n',
    );
    const sources = palisade([
      'sql',
      '--lake',
      lake,
      '--format',
      'csv',
      'SELECT DISTINCT source FROM threatintel',
    ]);
    expect(sources.stdout).toBe('source\nfeed-x\n');
  });

  describe('bad usage exits 2 with one line and writes nothing', () => {
    const lake = join(tempDir(), 'lake');
    it.each([
      [
        'missing file',
        ['--lake', lake, BUNDLE, '/no/such/feed.json'],
        /^palisade: file not found: \/no\/such\/feed\.json\n$/,
      ],
      [
        'CSV without --type',
        ['--lake', lake, CSV],
        /^palisade: .*ips\.csv: CSV indicators need a type \(--type/,
      ],
      [
        'not a bundle',
        ['--lake', lake, join(FIXTURES, 'not-bundle.json')],
        /not-bundle\.json: not a STIX bundle/,
      ],
      ['bad JSON', ['--lake', lake, join(FIXTURES, 'broken.json')], /broken\.json: not valid JSON/],
      [
        'bad column',
        ['--lake', lake, '--type', 't', '--column', 'x', CSV],
        /--column: expected a whole number ≥ 0, got 'x'/,
      ],
      ['no files', ['--lake', lake], /missing required argument 'files'/],
      ['no lake', [BUNDLE], /required option '--lake <dir>'/],
    ])('%s', (_name, args, message) => {
      const r = palisade(['batch', 'intel', 'load', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    });

    it('left no lake behind', () => {
      expect(existsSync(lake)).toBe(false);
    });
  });
});
