import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIntel, readStixBundle, THREAT_INTEL_TABLE } from '#batch';
import { UsageError } from '#core';
import { openSql, readSnapshot } from '#lake';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'intel');
const BUNDLE = join(FIXTURES, 'bundle.json');
const CSV = join(FIXTURES, 'ips.csv');
const LOADED_AT = Date.UTC(2025, 2, 1, 12);

async function rows(lake: string, where = 'true') {
  const s = await openSql(lake);
  try {
    return (
      await s.query(
        'SELECT type, indicator, kind, source, stix_id, valid_until, timestamp, dt ' +
          `FROM ${THREAT_INTEL_TABLE} WHERE ${where} ORDER BY type, indicator, valid_until`,
      )
    ).rows;
  } finally {
    s.close();
  }
}

describe('readStixBundle', () => {
  it('reads indicators and observables, the latest version of each indicator, and names what it skips', () => {
    const read = readStixBundle(readFileSync(BUNDLE, 'utf8'), 'bundle.json');
    expect(read.bundleId).toBe('bundle--5d0092c5-5f74-4287-9642-33f4c354e56d');
    expect(read.revoked).toBe(1);
    expect(read.indicators).toEqual([
      {
        type: 'malicious_ip',
        indicator: '198.51.100.7',
        stixId: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
        validUntil: null,
      },
      {
        type: 'malicious_ip',
        indicator: '203.0.113.0/24',
        stixId: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
        validUntil: null,
      },
      {
        type: 'malicious_domain',
        indicator: 'Evil.Example',
        stixId: 'indicator--c410e480-e42b-47d1-9476-85307c12bcbf',
        validUntil: Date.UTC(2030, 0, 1),
      },
      {
        type: 'malicious_url',
        indicator: "http://evil.example/it's\\here",
        stixId: 'indicator--c410e480-e42b-47d1-9476-85307c12bcbf',
        validUntil: Date.UTC(2030, 0, 1),
      },
      {
        type: 'malicious_hash',
        indicator: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
        stixId: 'indicator--1c7a8a5e-2a76-4b11-9b3e-0a8b1f7a6c01',
        validUntil: null,
      },
      {
        type: 'malicious_ip',
        indicator: '192.0.2.200',
        stixId: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd',
        validUntil: null,
      },
      {
        type: 'malicious_hash',
        indicator: 'D41D8CD98F00B204E9800998ECF8427E',
        stixId: 'file--5a27d487-c542-5f97-a131-a8866b477b46',
        validUntil: null,
      },
    ]);
    expect(read.skipped).toEqual([
      {
        id: 'indicator--6b4f2c1e-8a55-4d3c-a0a4-2f9e1d0c7b02',
        reason:
          "pattern not read: AND (comparisons that must all match): ipv4-addr:value = '192.0.2.1' AND ipv4-addr:value = '192.0.2.2'",
      },
      {
        id: 'indicator--a1b2c3d4-0000-4000-8000-000000000004',
        reason: "pattern_type 'yara' is not read (only stix)",
      },
      {
        id: 'file--5a27d487-c542-5f97-a131-a8866b477b46',
        reason: 'file hashes SSDEEP not read (only MD5, SHA-1, SHA-256, SHA-512)',
      },
    ]);
  });

  it('gives every indicator the type asked for', () => {
    const text = JSON.stringify({
      type: 'bundle',
      objects: [{ type: 'domain-name', id: 'domain-name--1', value: 'a.example' }],
    });
    expect(readStixBundle(text, 'x.json', { type: 'watchlist' }).indicators[0]?.type).toBe('watchlist');
  });

  it('refuses what is not a bundle, naming the file', () => {
    expect(() => readStixBundle('{"type": "bundle", "objects": [', 'feed.json')).toThrow(
      /^feed\.json: not valid JSON: /,
    );
    expect(() => readStixBundle('{"type": "indicator"}', 'feed.json')).toThrow(
      new UsageError(
        `feed.json: not a STIX bundle ({"type": "bundle", "objects": [...]}): it is a JSON object of type 'indicator'`,
      ),
    );
    expect(() => readStixBundle('[1]', 'feed.json')).toThrow(
      /^feed\.json: not a STIX bundle .*not an object$/,
    );
    expect(() => readStixBundle('{"type": "bundle", "objects": {}}', 'feed.json')).toThrow(
      /^feed\.json: a STIX bundle whose "objects" is not a list$/,
    );
  });
});

describe('loadIntel', () => {
  it('loads a STIX bundle and a CSV file in one commit, with normalised indicators and their kinds', async () => {
    const lake = join(tempDir(), 'lake');
    const report = await loadIntel({ lake, files: [BUNDLE], now: LOADED_AT });
    expect(report).toMatchObject({ files: 1, read: 7, added: 7, alreadyPresent: 0, revoked: 1, version: 0 });
    expect(report.skipped.map((s) => [s.file, s.id])).toEqual([
      [BUNDLE, 'indicator--6b4f2c1e-8a55-4d3c-a0a4-2f9e1d0c7b02'],
      [BUNDLE, 'indicator--a1b2c3d4-0000-4000-8000-000000000004'],
      [BUNDLE, 'file--5a27d487-c542-5f97-a131-a8866b477b46'],
    ]);
    expect(report.byType).toEqual({
      malicious_ip: { read: 3, added: 3 },
      malicious_domain: { read: 1, added: 1 },
      malicious_url: { read: 1, added: 1 },
      malicious_hash: { read: 2, added: 2 },
    });
    const bundleId = 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d';
    expect(await rows(lake, "type = 'malicious_domain' OR kind = 'cidr'")).toEqual([
      {
        type: 'malicious_domain',
        indicator: 'evil.example',
        kind: 'domain',
        source: bundleId,
        stix_id: 'indicator--c410e480-e42b-47d1-9476-85307c12bcbf',
        valid_until: Date.UTC(2030, 0, 1),
        timestamp: LOADED_AT,
        dt: '2025-03-01',
      },
      {
        type: 'malicious_ip',
        indicator: '203.0.113.0/24',
        kind: 'cidr',
        source: bundleId,
        stix_id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
        valid_until: null,
        timestamp: LOADED_AT,
        dt: '2025-03-01',
      },
    ]);
    const kinds = (await rows(lake)).map((r) => [r.indicator, r.kind]);
    expect(kinds).toEqual([
      ['evil.example', 'domain'],
      ['d41d8cd98f00b204e9800998ecf8427e', 'hash'],
      ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hash'],
      ['192.0.2.200', 'ip'],
      ['198.51.100.7', 'ip'],
      ['203.0.113.0/24', 'cidr'],
      ["http://evil.example/it's\\here", 'url'],
    ]);
  });

  it('loads CSV with a type and a column, skipping blank, comment and empty lines with their numbers', async () => {
    const lake = join(tempDir(), 'lake');
    const report = await loadIntel({ lake, files: [CSV], type: 'malicious_ip', now: LOADED_AT });
    expect(report).toMatchObject({ files: 1, read: 4, added: 3, alreadyPresent: 1, revoked: 0 });
    expect(report.skipped).toEqual([{ file: CSV, line: 6, reason: 'no column 0' }]);
    expect(await rows(lake)).toEqual(
      ['10.122.196.204', '192.249.113.37', '93.188.160.43'].map((indicator) => ({
        type: 'malicious_ip',
        indicator,
        kind: 'ip',
        source: 'ips.csv',
        stix_id: null,
        valid_until: null,
        timestamp: LOADED_AT,
        dt: '2025-03-01',
      })),
    );
    const dates = await loadIntel({ lake, files: [CSV], type: 'first_seen', column: 1, source: 'feed-x' });
    expect(dates).toMatchObject({ read: 5, added: 5, alreadyPresent: 0 });
    expect((await rows(lake, "type = 'first_seen'")).map((r) => [r.indicator, r.source])).toEqual(
      ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].map((d) => [d, 'feed-x']),
    );
  });

  it('adds nothing when the same files are loaded again', async () => {
    const lake = join(tempDir(), 'lake');
    const first = await loadIntel({ lake, files: [BUNDLE, CSV], type: 'malicious_ip' });
    expect(first).toMatchObject({ files: 2, read: 11, added: 10, alreadyPresent: 1, version: 0 });
    const again = await loadIntel({ lake, files: [BUNDLE, CSV], type: 'malicious_ip' });
    expect(again).toMatchObject({ files: 2, read: 11, added: 0, alreadyPresent: 11 });
    expect(again.version).toBeUndefined();
    expect((await readSnapshot(join(lake, THREAT_INTEL_TABLE)))?.version).toBe(0);
    expect(await rows(lake)).toHaveLength(10);
  });

  it('adds a row when a feed extends an indicator, not when it shortens it', async () => {
    const dir = tempDir();
    const lake = join(dir, 'lake');
    const bundle = (validUntil?: string) => {
      const file = join(dir, `b-${validUntil ?? 'none'}.json`);
      const indicator = {
        type: 'indicator',
        id: 'indicator--11111111-1111-4111-8111-111111111111',
        pattern: "[ipv4-addr:value = '192.0.2.9']",
        ...(validUntil ? { valid_until: validUntil } : {}),
      };
      writeFileSync(file, JSON.stringify({ type: 'bundle', objects: [indicator] }));
      return file;
    };
    const load = async (file: string) => (await loadIntel({ lake, files: [file] })).added;
    expect(await load(bundle('2026-01-01T00:00:00Z'))).toBe(1);
    expect(await load(bundle('2025-01-01T00:00:00Z'))).toBe(0);
    expect(await load(bundle('2027-01-01T00:00:00Z'))).toBe(1);
    expect(await load(bundle())).toBe(1);
    expect(await load(bundle('2030-01-01T00:00:00Z'))).toBe(0);
    expect((await rows(lake)).map((r) => r.valid_until)).toEqual([
      Date.UTC(2026, 0, 1),
      Date.UTC(2027, 0, 1),
      null,
    ]);
  });

  it('refuses bad input before writing anything', async () => {
    const dir = tempDir();
    const lake = join(dir, 'lake');
    const csvCopy = join(dir, 'copy.csv');
    copyFileSync(CSV, csvCopy);
    const cases: [Parameters<typeof loadIntel>[0], RegExp][] = [
      [{ lake, files: [BUNDLE, '/no/such/file.json'] }, /^file not found: \/no\/such\/file\.json$/],
      [
        { lake, files: [BUNDLE, csvCopy] },
        /copy\.csv: CSV indicators need a type \(--type, e\.g\. malicious_ip\)/,
      ],
      [{ lake, files: [join(FIXTURES, 'not-bundle.json')] }, /not-bundle\.json: not a STIX bundle/],
      [{ lake, files: [join(FIXTURES, 'broken.json')] }, /broken\.json: not valid JSON/],
      [{ lake, files: [] }, /^no input files given$/],
      [{ lake, files: [CSV], type: 'x', column: -1 }, /^column must be a whole number ≥ 0, got -1$/],
    ];
    for (const [options, message] of cases) {
      const e = await loadIntel(options).catch((err: unknown) => err);
      expect(e, String(message)).toBeInstanceOf(UsageError);
      expect((e as Error).message).toMatch(message);
    }
    expect(await readSnapshot(join(lake, THREAT_INTEL_TABLE))).toBeUndefined();
  });
});
