import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Event, loadJsonConfig, sensorEnrichmentConfigSchema, triageConfigSchema } from '#core';
import { buildTriage, IntelStore, loadIndicatorCsv, markThreats } from '#streaming';
import { METRON_FIXTURES } from '../helpers/metron.js';

/** Threat-intel indicators: exact lookups by kind, Metron's threatintels.* fields, then triage. */

describe('IntelStore', () => {
  const store = new IntelStore();
  const kinds = [
    ['malicious_ip', '93.188.160.43'],
    ['malicious_ip', '198.51.100.0/24'],
    ['malicious_ip', '2001:db8::dead'],
    ['bad_domain', 'Evil.Example'],
    ['bad_url', 'http://evil.example/payload.exe'],
    ['bad_hash', 'D41D8CD98F00B204E9800998ECF8427E'],
  ].map(([type, value]) => store.add(type as string, value as string));
  store.freeze();

  it('reads each indicator as what it is', () => {
    expect(kinds).toEqual(['ip', 'cidr', 'other', 'domain', 'url', 'hash']);
    expect(store.sizes()).toEqual({ malicious_ip: 3, bad_domain: 1, bad_url: 1, bad_hash: 1 });
  });

  it.each([
    ['malicious_ip', '93.188.160.43', true],
    ['malicious_ip', '93.188.160.44', false],
    ['malicious_ip', '198.51.100.77', true],
    ['malicious_ip', '198.51.101.1', false],
    ['malicious_ip', '2001:DB8::DEAD', true],
    ['bad_domain', 'evil.example', true],
    ['bad_domain', 'a.b.EVIL.example.', true],
    ['bad_domain', 'notevil.example', false],
    ['bad_url', 'HTTP://evil.example/payload.exe', true],
    ['bad_hash', 'd41d8cd98f00b204e9800998ecf8427e', true],
    ['bad_domain', '93.188.160.43', false],
  ] as const)('%s has %s: %s', (type, value, want) => {
    expect(store.has(type, value)).toBe(want);
  });

  it('holds a million IPv4 indicators compactly and finds each', () => {
    const big = new IntelStore();
    for (let i = 0; i < 1_000_000; i++)
      big.add('malicious_ip', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    big.freeze();
    expect(big.sizes().malicious_ip).toBe(1_000_000);
    expect(big.has('malicious_ip', '10.15.66.63')).toBe(true);
    expect(big.has('malicious_ip', '10.16.0.0')).toBe(false);
  });
});

describe("Metron's threat-intel flow", () => {
  it("marks hits with Metron's field names and makes them alerts that triage scores", () => {
    const file = join(METRON_FIXTURES, 'configs', 'integration-test', 'enrichments', 'test.json');
    const config = loadJsonConfig(sensorEnrichmentConfigSchema, file);
    const store = new IntelStore();
    // The integration test's threat-intel table: one malicious_ip row for 10.0.2.3.
    store.add('malicious_ip', '10.0.2.3');
    store.freeze();
    const fields = config.threatIntel.fieldMap.hbaseThreatIntel as string[];
    const triage = buildTriage(config.threatIntel.triageConfig ?? triageConfigSchema.parse({}), file);

    const hit: Event = { ip_src_addr: '10.0.2.15', ip_dst_addr: '10.0.2.3' };
    const miss: Event = { ip_src_addr: '10.0.2.15', ip_dst_addr: '10.0.2.4' };
    for (const e of [hit, miss]) {
      markThreats(e, store, 'hbaseThreatIntel', fields, config.threatIntel.fieldToTypeMap);
      triage.apply(e);
    }
    expect(hit['threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip']).toBe('alert');
    expect(hit.is_alert).toBe('true');
    expect(hit['threat.triage.score']).toBe(10);
    expect(Object.keys(miss).some((k) => k.startsWith('threatintels'))).toBe(false);
    expect(miss.is_alert).toBeUndefined();
  });

  it("loads Metron's threat-intel CSV sample", () => {
    const store = new IntelStore();
    const text = readFileSync(join(METRON_FIXTURES, 'enrichment', 'threatintel.csv'), 'utf8');
    expect(loadIndicatorCsv(store, text, { type: 'malicious_ip' })).toEqual({ added: 3, problems: [] });
    expect(store.has('malicious_ip', '192.249.113.37')).toBe(true);
    expect(loadIndicatorCsv(store, 'a,b\n\n# note\nc', { type: 'x', column: 1 }).problems).toEqual([
      'line 4: no column 1',
    ]);
  });
});

describe('IntelStore.replaceWith', () => {
  it("swaps in another store's indicators for whoever holds this one", () => {
    const held = new IntelStore();
    held.add('malicious_ip', '198.51.100.1');
    held.freeze();
    const fresh = new IntelStore();
    fresh.add('malicious_ip', '198.51.100.2');
    fresh.freeze();
    expect(held.replaceWith(fresh)).toBe(held);
    expect(held.has('malicious_ip', '198.51.100.1')).toBe(false);
    expect(held.has('malicious_ip', '198.51.100.2')).toBe(true);
  });
});
