import { describe, expect, it } from 'vitest';
import { type Event, sensorEnrichmentConfigSchema } from '#core';
import { ProfileCache } from '#stellar';
import { buildEnrichment } from '#streaming';

const PERIOD_MS = 15 * 60_000;
const T = Date.UTC(2026, 10, 20, 10, 7);

/** A lake's measurements, as `palisade stream --lake` and `palisade ingest` load them. */
function cache(): ProfileCache {
  const c = new ProfileCache();
  const start = Math.floor(T / PERIOD_MS) * PERIOD_MS;
  for (const [i, n] of [40, 55, 400].entries())
    c.put(
      {
        profile: 'connections',
        entity: '10.0.0.1',
        groups: [],
        start: start - (2 - i) * PERIOD_MS,
        periodMs: PERIOD_MS,
      },
      String(n),
    );
  return c;
}

describe('PROFILE_GET in enrichment and triage rules', () => {
  const config = sensorEnrichmentConfigSchema.parse({
    enrichment: {
      fieldMap: {
        stellar: {
          config: {
            recent:
              "PROFILE_GET('connections', ip_src_addr, PROFILE_WINDOW('from 30 minutes ago', timestamp))",
          },
        },
      },
    },
    threatIntel: {
      triageConfig: {
        riskLevelRules: [
          {
            name: 'burst',
            rule: "STATS_MAX(STATS_ADD(STATS_INIT(), PROFILE_GET('connections', ip_src_addr, PROFILE_WINDOW('from 30 minutes ago', timestamp)))) > 300",
            score: 70,
          },
        ],
      },
    },
  });

  it('reads the measurements the host loaded, for the window the rule asks', () => {
    const stage = buildEnrichment(config, 'profiles.json', { profiles: cache() });
    const event: Event = { ip_src_addr: '10.0.0.1', timestamp: T, is_alert: 'true' };
    expect(stage.enrich(event)).toEqual([]);
    // 09:37 to 10:07: Metron's window takes the periods starting inside it, 09:45 and 10:00.
    expect(event.recent).toEqual([55, 400]);
    expect(stage.triage.apply(event)).toBeUndefined();
    expect(event['threat.triage.score']).toBe(70);
    expect(event['threat.triage.rules.0.name']).toBe('burst');
    const unknown: Event = { ip_src_addr: '10.9.9.9', timestamp: T, is_alert: 'true' };
    stage.enrich(unknown);
    expect(unknown.recent).toEqual([]);
    expect(stage.triage.apply(unknown)).toBeUndefined();
    expect(unknown['threat.triage.rules.0.name']).toBeUndefined();
  });

  it('is refused at load where no profiles are bound', () => {
    expect(() => buildEnrichment(config, 'profiles.json', {})).toThrow(/PROFILE_GET|the profiler/);
  });
});
