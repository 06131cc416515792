import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  type Event,
  type EventError,
  loadJsonConfig,
  sensorEnrichmentConfigSchema,
} from '#core';
import { buildEnrichment, EnrichmentValues, GeoDatabase, IntelStore } from '#streaming';
import { fixtureLines, METRON_FIXTURES } from '../helpers/metron.js';
import { GEO_TEST_DB } from '../stellar/conformance.js';

/**
 * Metron's enrichment integration test, replayed: its 10 parsed test messages through its
 * integration-test enrichment config, with the HBase rows, known hosts and geo database its
 * test set up (enrichment/integration-test-expectations.json), checked against each of the
 * expectations it asserts.
 */

const expectations = JSON.parse(
  readFileSync(join(METRON_FIXTURES, 'enrichment', 'integration-test-expectations.json'), 'utf8'),
) as { setup: { known_hosts: Record<string, string>[] } };

const file = join(METRON_FIXTURES, 'configs', 'integration-test', 'enrichments', 'test.json');
const config = loadJsonConfig(sensorEnrichmentConfigSchema, file);

function enricher() {
  const intel = new IntelStore();
  intel.add('malicious_ip', '10.0.2.3');
  intel.freeze();
  const values = new EnrichmentValues();
  values.set('playful_classification', '10.0.2.3', { orientation: 'north' });
  return buildEnrichment(config, file, {
    geo: GeoDatabase.open(GEO_TEST_DB),
    intel,
    values,
    tables: { enrichment: 'enrichments', threatIntel: 'threat_intel' },
    globals: { 'enrichment.host.known_hosts': expectations.setup.known_hosts },
  });
}

describe("Metron's enrichment integration test", () => {
  const stage = enricher();
  const events: Event[] = [];
  const errors: EventError[][] = [];
  for (const line of fixtureLines('test', 'parsed', 'TestExampleParsed')) {
    const event = JSON.parse(line) as Event;
    const failed = [...stage.enrich(event)];
    const triaged = stage.triage?.apply(event);
    if (triaged) failed.push(triaged);
    errors.push(failed);
    events.push(event);
  }
  const THREAT = '10.0.2.3';
  const involves = (e: Event) => e.ip_src_addr === THREAT || e.ip_dst_addr === THREAT;

  it('gives one output per input, and one enrichments_error per input: the group that divides by zero', () => {
    expect(events).toHaveLength(10);
    for (const errs of errors) {
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatchObject({ stage: 'enrichments_error' });
      expect(errs[0]?.message).toMatch(/error_test/);
      expect(errs[0]?.message).toMatch(/zero/);
    }
    expect(events.some(involves)).toBe(true);
  });

  it('uses only the configured adapters for enrichments.* and threatintels.*', () => {
    for (const e of events) {
      for (const key of Object.keys(e)) {
        if (key.startsWith('threatintels.')) expect(key.split('.')[1]).toBe('hbaseThreatIntel');
        if (key.startsWith('enrichments.'))
          expect(['geo', 'host', 'hbaseEnrichment']).toContain(key.split('.')[1]);
      }
    }
  });

  it('runs the stellar groups: map unfolded, results shared within a group, _ is the message', () => {
    for (const e of events) {
      expect('map' in e).toBe(false);
      expect(e['map.blah']).toBe(1);
      expect(e.one).toBe(1);
      expect(e.foo).toBe(2);
      expect(e.alt_src_type).toBe('test');
      expect(e.ALL_CAPS).toBe('TEST');
      expect(e.bar).toBe('TEST');
      expect('error_test' in e).toBe(false);
    }
  });

  it('enriches, marks and triages the messages that involve 10.0.2.3', () => {
    for (const e of events.filter(involves)) {
      for (const field of ['ip_src_addr', 'ip_dst_addr'] as const) {
        if (e[field] !== THREAT) continue;
        expect(e[`enrichments.hbaseEnrichment.${field}.playful_classification.orientation`]).toBe('north');
        expect(e[`threatintels.hbaseThreatIntel.${field}.malicious_ip`]).toBe('alert');
        expect(
          e[field === 'ip_src_addr' ? 'src_classification.orientation' : 'dst_classification.orientation'],
        ).toBe('north');
      }
      expect(e.is_alert).toBe('true');
      expect(e['threat.triage.score']).toBe(10);
      for (const part of ['name', 'comment', 'reason', 'score'])
        expect(e[`threat.triage.rules.0.${part}`], part).not.toBeUndefined();
    }
  });

  it('is_src_malicious only when the source is 10.0.2.3; no alert and no threat intel otherwise', () => {
    for (const e of events) {
      expect(e.is_src_malicious).toBe(e.ip_src_addr === THREAT);
      if (!involves(e)) {
        expect(e.is_alert).toBeUndefined();
        expect(Object.keys(e).some((k) => k.startsWith('threatintels'))).toBe(false);
      }
    }
  });

  it('adds known-host info for the listed addresses only', () => {
    const info = new Map<string, Record<string, unknown>>();
    for (const e of events) {
      for (const field of ['ip_src_addr', 'ip_dst_addr']) {
        const ip = e[field] as string;
        const type = e[`enrichments.host.${field}.known_info.type`];
        if (type === undefined) continue;
        info.set(ip, {
          type,
          local: e[`enrichments.host.${field}.known_info.local`],
          asset_value: e[`enrichments.host.${field}.known_info.asset_value`],
        });
      }
    }
    const printer = { local: 'YES', asset_value: 'important', type: 'printer' };
    if (info.has('10.0.2.15')) expect(info.get('10.0.2.15')).toEqual(printer);
    if (info.has('10.60.10.254')) expect(info.get('10.60.10.254')).toEqual(printer);
    if (info.has('10.1.128.236')) expect(info.get('10.1.128.236')?.type).toBe('webserver');
    const known = new Set(expectations.setup.known_hosts.map((h) => h.ip));
    for (const ip of info.keys()) expect(known.has(ip)).toBe(true);
    expect(info.size).toBeGreaterThan(0);
  });
});

describe('enrichment config problems', () => {
  it('lists every problem at once', () => {
    const bad = sensorEnrichmentConfigSchema.parse({
      enrichment: { fieldMap: { geo: ['ip_src_addr'], nope: ['x'], stellar: { config: { a: '1 +' } } } },
    });
    try {
      buildEnrichment(bad, 'bad.json', {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => p.path).sort()).toEqual([
        'enrichment.fieldMap.geo',
        'enrichment.fieldMap.nope',
        'enrichment.fieldMap.stellar.config.a',
      ]);
    }
  });
});
