import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type IntelLoadReport, loadIntel } from '#batch';
import type { Event } from '#core';
import { loadIntelStore, markThreats } from '#streaming';
import { python } from '../helpers/python.js';
import { tempDir } from '../helpers/tmp.js';

// A bundle made by OASIS's own Python library (stix2, which checks every pattern with
// stix2-patterns), loaded into the lake and looked up through the stream's store. Without
// the venv this fails with the setup's reason.

const SCRIPT = `
import sys
from stix2 import Bundle, DomainName, File, Indicator, IPv4Address

def ind(pattern, **kw):
    return Indicator(pattern=pattern, pattern_type='stix', valid_from='2024-01-01T00:00:00Z', **kw)

revoked = ind("[ipv4-addr:value = '192.0.2.66']")
objects = [
    ind("[ipv4-addr:value = '198.51.100.7'] OR [ipv4-addr:value ISSUBSET '203.0.113.0/24']"),
    ind("[domain-name:value = 'evil.example' OR domain-name:value = 'bad.example']"),
    ind("[url:value = 'http://evil.example/it\\\\'s\\\\\\\\here']"),
    ind("[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
        valid_until='2031-01-01T00:00:00Z'),
    ind("[ipv4-addr:value = '192.0.2.99']", valid_until='2024-06-01T00:00:00Z'),
    ind("[ipv4-addr:value = '192.0.2.1' AND ipv4-addr:value = '192.0.2.2']"),
    ind("[url:value LIKE 'http://phish.%']"),
    revoked,
    revoked.revoke(),
    Indicator(pattern='rule evil { condition: true }', pattern_type='yara', valid_from='2024-01-01T00:00:00Z'),
    IPv4Address(value='192.0.2.200'),
    DomainName(value='c2.example'),
    File(name='payload.exe', hashes={'MD5': 'd41d8cd98f00b204e9800998ecf8427e'}),
]
print(Bundle(objects=objects).serialize(pretty=True))
`;

describe('a STIX 2.1 bundle made by the stix2 library', () => {
  const dir = tempDir();
  const lake = join(dir, 'lake');
  const file = join(dir, 'feed.json');
  let report: IntelLoadReport;

  beforeAll(async () => {
    writeFileSync(file, await python(SCRIPT));
    report = await loadIntel({ lake, files: [file] });
  });

  it('loads what it can look up exactly and reports the rest by id', () => {
    expect(report).toMatchObject({ files: 1, read: 10, added: 10, alreadyPresent: 0, revoked: 1 });
    expect(report.byType).toEqual({
      malicious_ip: { read: 4, added: 4 },
      malicious_domain: { read: 3, added: 3 },
      malicious_url: { read: 1, added: 1 },
      malicious_hash: { read: 2, added: 2 },
    });
    expect(report.skipped.map((s) => s.reason)).toEqual([
      "pattern not read: AND (comparisons that must all match): ipv4-addr:value = '192.0.2.1' AND ipv4-addr:value = '192.0.2.2'",
      "pattern not read: operator LIKE: url:value LIKE 'http://phish.%'",
      "pattern_type 'yara' is not read (only stix)",
    ]);
    for (const s of report.skipped) expect(s.id).toMatch(/^indicator--[0-9a-f-]{36}$/);
  });

  it('is found by the stream: valid indicators hit, expired and revoked ones do not', async () => {
    const store = await loadIntelStore(lake, { now: Date.UTC(2025, 0, 1) });
    const cases: [string, string, boolean][] = [
      ['malicious_ip', '198.51.100.7', true],
      ['malicious_ip', '203.0.113.77', true],
      ['malicious_ip', '192.0.2.200', true],
      ['malicious_ip', '192.0.2.99', false],
      ['malicious_ip', '192.0.2.66', false],
      ['malicious_ip', '192.0.2.1', false],
      ['malicious_domain', 'www.bad.example', true],
      ['malicious_domain', 'c2.example', true],
      ['malicious_url', "http://evil.example/it's\\here", true],
      ['malicious_hash', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', true],
      ['malicious_hash', 'd41d8cd98f00b204e9800998ecf8427e', true],
    ];
    expect(cases.map(([type, value]) => [type, value, store.has(type, value)])).toEqual(cases);

    const event: Event = { ip_src_addr: '10.0.0.5', ip_dst_addr: '203.0.113.77' };
    markThreats(event, store, 'hbaseThreatIntel', ['ip_dst_addr'], { ip_dst_addr: ['malicious_ip'] });
    expect(event['threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip']).toBe('alert');
  });

  it('adds nothing the second time', async () => {
    expect(await loadIntel({ lake, files: [file] })).toMatchObject({
      read: 10,
      added: 0,
      alreadyPresent: 10,
    });
  });
});
