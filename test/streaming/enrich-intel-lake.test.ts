import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Event } from '#core';
import { openLakeWriter } from '#lake';
import { loadIntelStore, markThreats } from '#streaming';
import { tempDir } from '../helpers/tmp.js';

/** The stream's threat-intel store read back from the lake's `threatintel` table. */

const NOW = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;

const row = (type: string, indicator: string, kind: string, validUntil: number | null = null): Event => ({
  timestamp: NOW - DAY,
  type,
  indicator,
  kind,
  source: 'test',
  stix_id: null,
  valid_until: validUntil,
});

describe('loadIntelStore', () => {
  it('gives an empty frozen store when the table, or the lake, does not exist', async () => {
    const dir = tempDir();
    for (const lake of [join(dir, 'no-lake'), dir]) {
      const store = await loadIntelStore(lake);
      expect(store.sizes()).toEqual({});
      expect(store.has('malicious_ip', '192.0.2.1')).toBe(false);
    }
  });

  it('holds the rows still valid, across commits, and marks hits the way the stream does', async () => {
    const lake = join(tempDir(), 'lake');
    const w = await openLakeWriter(lake);
    try {
      await w.append('threatintel', [
        row('malicious_ip', '198.51.100.7', 'ip'),
        row('malicious_ip', '203.0.113.0/24', 'cidr', NOW + DAY),
        row('malicious_ip', '192.0.2.99', 'ip', NOW - 1),
        row('malicious_ip', '192.0.2.100', 'ip', NOW),
        row('malicious_domain', 'evil.example', 'domain'),
      ]);
      // A second commit, a later day: the same indicator again (extended) and new ones.
      await w.append('threatintel', [
        { ...row('malicious_ip', '198.51.100.7', 'ip'), timestamp: NOW },
        { ...row('malicious_ip', '192.0.2.99', 'ip', NOW + 10 * DAY), timestamp: NOW },
        { ...row('malicious_hash', 'd41d8cd98f00b204e9800998ecf8427e', 'hash'), timestamp: NOW },
      ]);
    } finally {
      w.close();
    }
    const store = await loadIntelStore(lake, { now: NOW });
    expect(store.sizes()).toEqual({ malicious_ip: 3, malicious_domain: 1, malicious_hash: 1 });
    expect(store.has('malicious_ip', '203.0.113.250')).toBe(true);
    expect(store.has('malicious_ip', '192.0.2.99')).toBe(true);
    // valid_until is the last moment it counted: at `now` it is over.
    expect(store.has('malicious_ip', '192.0.2.100')).toBe(false);
    expect(store.has('malicious_domain', 'a.b.EVIL.example')).toBe(true);
    expect(store.has('malicious_hash', 'D41D8CD98F00B204E9800998ECF8427E')).toBe(true);

    // Ten days on, the extension has run out too.
    const later = await loadIntelStore(lake, { now: NOW + 11 * DAY });
    expect(later.has('malicious_ip', '192.0.2.99')).toBe(false);
    expect(later.has('malicious_ip', '203.0.113.250')).toBe(false);
    expect(later.has('malicious_ip', '198.51.100.7')).toBe(true);

    const fieldToTypeMap = { ip_dst_addr: ['malicious_ip'], host: ['malicious_domain'] };
    const hit: Event = { ip_src_addr: '10.0.0.1', ip_dst_addr: '203.0.113.9', host: 'cdn.evil.example' };
    const miss: Event = { ip_src_addr: '10.0.0.1', ip_dst_addr: '192.0.2.100', host: 'good.example' };
    expect(markThreats(hit, store, 'hbaseThreatIntel', ['ip_dst_addr', 'host'], fieldToTypeMap)).toBe(2);
    expect(markThreats(miss, store, 'hbaseThreatIntel', ['ip_dst_addr', 'host'], fieldToTypeMap)).toBe(0);
    expect(hit['threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip']).toBe('alert');
    expect(hit['threatintels.hbaseThreatIntel.host.malicious_domain']).toBe('alert');
    expect(Object.keys(miss).some((k) => k.startsWith('threatintels'))).toBe(false);
  });

  it('reads a table of many chunks whole', async () => {
    const lake = join(tempDir(), 'lake');
    const n = 50_000;
    const w = await openLakeWriter(lake);
    try {
      const rows: Event[] = [];
      for (let i = 0; i < n; i++)
        rows.push(row('malicious_ip', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 'ip'));
      await w.append('threatintel', rows);
    } finally {
      w.close();
    }
    const store = await loadIntelStore(lake, { now: NOW });
    expect(store.sizes()).toEqual({ malicious_ip: n });
    expect(store.has('malicious_ip', '10.0.195.79')).toBe(true);
    expect(store.has('malicious_ip', `10.0.${(n >> 8) & 255}.${n & 255}`)).toBe(false);
  });
});
