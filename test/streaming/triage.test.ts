import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DOUBLE_FIELDS,
  type Event,
  loadJsonConfig,
  sensorEnrichmentConfigSchema,
  triageConfigSchema,
} from '#core';
import { aggregator, buildTriage } from '#streaming';
import { METRON_FIXTURES } from '../helpers/metron.js';

/** Metron's threat triage on enriched events, with Metron's own enrichment configs. */

const triageOf = (...path: string[]) => {
  const file = join(METRON_FIXTURES, 'configs', ...path);
  const config = loadJsonConfig(sensorEnrichmentConfigSchema, file);
  return buildTriage(config.threatIntel.triageConfig ?? triageConfigSchema.parse({}), file);
};

const plain = (e: Event) => Object.fromEntries(Object.entries(e));

describe("threat triage with Metron's configs", () => {
  it("integration-test config: a threat-intel hit on 10.0.2.3 is an alert scored 10 with the rule's name, comment and reason", () => {
    const triage = triageOf('integration-test', 'enrichments', 'test.json');
    const event: Event = {
      ip_src_addr: '10.0.2.3',
      ip_dst_addr: '10.0.2.15',
      'threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip': 'alert',
    };
    expect(triage.apply(event)).toBeUndefined();
    expect(plain(event)).toMatchObject({
      is_alert: 'true',
      'threat.triage.score': 10,
      'threat.triage.rules.0.name': 'The name of the triage rule',
      'threat.triage.rules.0.comment': 'A description of the triage rule',
      'threat.triage.rules.0.score': '10',
      'threat.triage.rules.0.reason': 'Reason field',
      'threat.triage.rules.0.value': 10,
    });
    expect(event[DOUBLE_FIELDS]?.has('threat.triage.score')).toBe(true);
  });

  it('integration-test config: an event without threat intel is not an alert and is left alone', () => {
    const triage = triageOf('integration-test', 'enrichments', 'test.json');
    const event: Event = { ip_src_addr: '10.0.2.3', 'threatintels.geo.ts': '123' };
    expect(triage.apply(event)).toBeUndefined();
    expect(plain(event)).toEqual({ ip_src_addr: '10.0.2.3', 'threatintels.geo.ts': '123' });
  });

  it("snort config: Snort's own is_alert makes an alert; the subnet rule scores it", () => {
    const triage = triageOf('enrichments', 'snort.json');
    const outside: Event = { is_alert: 'true', ip_dst_addr: '10.0.0.1' };
    const inside: Event = { is_alert: 'TRUE', ip_dst_addr: '192.168.0.7' };
    triage.apply(outside);
    triage.apply(inside);
    expect(outside['threat.triage.score']).toBe(10);
    expect(inside.is_alert).toBe('true');
    expect(inside['threat.triage.score']).toBeUndefined();
  });

  it('removes a false is_alert', () => {
    const triage = triageOf('enrichments', 'snort.json');
    const event: Event = { is_alert: 'false', ip_dst_addr: '10.0.0.1' };
    triage.apply(event);
    expect('is_alert' in event).toBe(false);
  });

  it('every shipped enrichment config loads and builds its triage', () => {
    for (const name of ['asa', 'bro', 'snort', 'websphere', 'yaf', 'metron-common-test-bro']) {
      expect(() => triageOf('enrichments', `${name}.json`), name).not.toThrow();
    }
  });
});

describe('triage rules', () => {
  const build = (rules: unknown[], extra: Record<string, unknown> = {}) =>
    buildTriage(triageConfigSchema.parse({ riskLevelRules: rules, ...extra }), 'test.json');

  it('numbers the rules that fired, scores from expressions, and combines by the aggregator', () => {
    const triage = build(
      [
        {
          name: 'big',
          rule: 'bytes > 1000',
          score: 'bytes / 100',
          reason: "FORMAT('many bytes: %d', bytes)",
        },
        { name: 'never', rule: 'false', score: 99 },
        { name: 'port', rule: 'port == 22', score: 5 },
      ],
      { aggregator: 'SUM' },
    );
    const event: Event = { is_alert: true, bytes: 2000, port: 22 };
    expect(triage.apply(event)).toBeUndefined();
    expect(plain(event)).toMatchObject({
      'threat.triage.score': 25,
      'threat.triage.rules.0.name': 'big',
      'threat.triage.rules.0.value': 20,
      'threat.triage.rules.0.reason': 'many bytes: 2000',
      'threat.triage.rules.1.name': 'port',
      'threat.triage.rules.1.value': 5,
      'threat.triage.rules.1.reason': null,
    });
    expect('threat.triage.rules.2.name' in event).toBe(false);
  });

  it('fails the event when a rule gives something other than a boolean', () => {
    const triage = build([{ rule: "'yes'", score: 1 }]);
    expect(triage.apply({ is_alert: 'true' })).toMatchObject({ stage: 'threatintel_error', code: 'triage' });
  });

  it('lists every rule that does not compile, with where it is', () => {
    try {
      build([
        { rule: 'a ==', score: 1 },
        { rule: 'true', score: 'NOPE(1)' },
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const paths = (e as ConfigError).problems.map((p) => p.path);
      expect(paths).toEqual([
        'threatIntel.triageConfig.riskLevelRules[0].rule',
        'threatIntel.triageConfig.riskLevelRules[1].score',
      ]);
    }
  });

  it.each([
    ['MAX', [3, 7, 5], 7],
    ['MIN', [3, 7, 5], 3],
    ['SUM', [3, 7, 5], 15],
    ['MEAN', [3, 7, 5], 5],
    ['POSITIVE_MEAN', [0, 4, 8], 6],
    ['POSITIVE_MEAN', [0, 0], 0],
    ['MAX', [-1, 4], Number.NEGATIVE_INFINITY],
  ] as const)('%s of %j is %d (negative values trump by default)', (name, scores, want) => {
    expect(aggregator(name, true)(scores)).toBe(want);
  });

  it('without negativeValuesTrump a negative score simply counts', () => {
    expect(aggregator('SUM', false)([-1, 4])).toBe(3);
    expect(aggregator('MAX', false)([-5, -1])).toBe(0);
  });
});
