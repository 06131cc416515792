import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuildProfiles } from '#batch';
import { type Event, type ProfilerConfig, profilerConfigSchema } from '#core';
import { loadProfileCache, openLakeWriter, readSnapshot } from '#lake';
import {
  bindProfilerClient,
  compile,
  numValue,
  ProfileCache,
  Profiler,
  standardFunctions,
  type Value,
} from '#stellar';
import { palisade } from '../helpers/cli.js';
import { METRON_FIXTURES } from '../helpers/metron.js';
import { profileRows } from '../helpers/profiles.js';
import { tempDir } from '../helpers/tmp.js';

const PROFILER = join(METRON_FIXTURES, 'profiler');
const EXPECTATIONS = JSON.parse(readFileSync(join(PROFILER, 'batch-profiler-expectations.json'), 'utf8')) as {
  profiles: unknown;
  stellar_setup: string[];
  expectations: { case: string; assert_true: string[] }[];
};
const TELEMETRY = readFileSync(join(PROFILER, 'telemetry.json'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Event);
const PERIOD_MS = 15 * 60_000;
const SPLIT = Date.parse('2018-07-07T15:51:48Z');
const FAR = Date.parse('2100-01-01T00:00:00Z');

const root = tempDir('palisade-profile-');
let lakes = 0;

/** A lake holding the fixture's 100 Bro messages in the `bro` table. */
async function telemetryLake(): Promise<string> {
  const lake = join(root, `lake${lakes++}`);
  const writer = await openLakeWriter(lake);
  try {
    await writer.append('bro', TELEMETRY);
  } finally {
    writer.close();
  }
  return lake;
}

/** Run the expectation's setup and assertions with PROFILE_GET reading the lake's profiles. */
async function check(lake: string, assertions: readonly string[]): Promise<void> {
  const cache = new ProfileCache();
  await loadProfileCache(lake, cache);
  const functions = bindProfilerClient(standardFunctions(), cache);
  const vars = new Map<string, Value>();
  for (const line of EXPECTATIONS.stellar_setup) {
    const [name, source] = line.split(':=').map((s) => s.trim()) as [string, string];
    vars.set(name, compile(source, { functions }).evaluate(vars));
  }
  for (const assertion of assertions) {
    expect(compile(assertion, { functions }).evaluate(vars), assertion).toBe(true);
  }
}

const config = (value: unknown): ProfilerConfig => profilerConfigSchema.parse(value);

/** The fixture's profiles with each result kept as a STATS sketch of what it counted. */
function sketchConfig(): ProfilerConfig {
  const base = config(EXPECTATIONS.profiles);
  return {
    ...base,
    profiles: base.profiles.map((p) => {
      const [name, update] = Object.entries(p.update)[0] as [string, string];
      const added = update.replace(new RegExp(`^${name} \\+ `), '');
      return {
        ...p,
        init: { s: 'STATS_INIT()' },
        update: { s: `STATS_ADD(s, ${name === 'count' ? '1' : added})` },
        result: { profile: 's', triage: {} },
      };
    }),
  };
}

describe("batch profiler: Metron's BatchProfilerIntegrationTest expectations", () => {
  for (const expectation of EXPECTATIONS.expectations) {
    it(expectation.case, async () => {
      const lake = await telemetryLake();
      const window = expectation.case.includes('input.end')
        ? { from: 0, to: SPLIT }
        : expectation.case.includes('input.begin')
          ? { from: SPLIT, to: FAR }
          : { from: 0, to: FAR };
      const sketches = expectation.case.includes('STATS');
      const report = await rebuildProfiles(lake, {
        config: sketches ? sketchConfig() : config(EXPECTATIONS.profiles),
        periodMs: PERIOD_MS,
        ...window,
      });
      expect(report.failures).toBe(0);
      expect(report.events).toBe(window.to === SPLIT ? 40 : window.from === SPLIT ? 60 : 100);
      await check(lake, expectation.assert_true);
    });
  }
});

describe("Metron's profiler configs", () => {
  const dir = join(METRON_FIXTURES, 'configs', 'profiler');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'spark-globals.json')) {
    it(`${name} loads unchanged and compiles`, () => {
      const cfg = profilerConfigSchema.parse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      expect(new Profiler(cfg, { periodMs: PERIOD_MS }).names).toEqual(cfg.profiles.map((p) => p.profile));
    });
  }

  it('triage-result-profiler.json: the triage values come with each measurement', () => {
    const cfg = profilerConfigSchema.parse(
      JSON.parse(readFileSync(join(dir, 'triage-result-profiler.json'), 'utf8')),
    );
    const profiler = new Profiler(cfg, { periodMs: PERIOD_MS });
    for (const e of TELEMETRY) expect(profiler.apply(e, e.timestamp as number)).toEqual([]);
    const { measurements, failures } = profiler.flush();
    expect(failures).toEqual([]);
    expect(measurements.length).toBeGreaterThan(0);
    let total = 0;
    for (const m of measurements) {
      expect(m.entity).toBe('global');
      const n = numValue(compile('STATS_COUNT(s)').evaluate({ s: m.value }) as number);
      total += n;
      expect([...m.triage.keys()]).toEqual(['min', 'max', 'mean']);
      expect(numValue(m.triage.get('min') as number)).toBe(1);
      expect(numValue(m.triage.get('max') as number)).toBe(1);
      expect(numValue(m.triage.get('mean') as number)).toBe(1);
    }
    expect(total).toBe(TELEMETRY.length);
  });
});

describe('batch profiler: rebuilding a window', () => {
  it('replaces the periods it rebuilds in one commit and leaves the others', async () => {
    const lake = await telemetryLake();
    const cfg = config(EXPECTATIONS.profiles);
    await rebuildProfiles(lake, { config: cfg, periodMs: PERIOD_MS, from: 0, to: FAR });
    const all = await profileRows(lake);
    // Twice over the same window: the same rows, not twice as many.
    await rebuildProfiles(lake, { config: cfg, periodMs: PERIOD_MS, from: 0, to: FAR });
    expect(await profileRows(lake)).toEqual(all);
    // Only the periods from SPLIT's period on are rebuilt, now with a profile counting double.
    const doubled = config({
      ...cfg,
      profiles: cfg.profiles.map((p) =>
        p.profile === 'total-count' ? { ...p, update: { count: 'count + 2' } } : p,
      ),
    });
    const splitPeriod = Math.floor(SPLIT / PERIOD_MS) * PERIOD_MS;
    await rebuildProfiles(lake, { config: doubled, periodMs: PERIOD_MS, from: splitPeriod, to: FAR });
    const after = await profileRows(lake);
    expect(after.length).toBe(all.length);
    for (const [i, row] of after.entries()) {
      const before = all[i] as Record<string, unknown>;
      const changed = row.profile === 'total-count' && (row.period_start as number) >= splitPeriod;
      expect(row.value_num, JSON.stringify(row)).toBe(
        changed ? (before.value_num as number) * 2 : before.value_num,
      );
    }
  });

  it('leaves the files of other profiles alone: a rebuild rewrites only files that hold its rows', async () => {
    const lake = await telemetryLake();
    const cfg = config(EXPECTATIONS.profiles);
    await rebuildProfiles(lake, { config: cfg, periodMs: PERIOD_MS, from: 0, to: FAR });
    const files = async () => [...((await readSnapshot(join(lake, 'profiles')))?.files.keys() ?? [])];
    const before = await files();
    const other = config({
      ...cfg,
      profiles: cfg.profiles.map((p) => ({ ...p, profile: `${p.profile}-2` })),
    });
    await rebuildProfiles(lake, { config: other, periodMs: PERIOD_MS, from: 0, to: FAR });
    const after = await files();
    expect(before.length).toBeGreaterThan(0);
    for (const f of before) expect(after).toContain(f);
    expect(after.length).toBeGreaterThan(before.length);
  });

  it("drops a profile's measurements older than its `expires` days in the same commit", async () => {
    const lake = await telemetryLake();
    const cfg = config(EXPECTATIONS.profiles);
    await rebuildProfiles(lake, { config: cfg, periodMs: 60_000, from: 0, to: FAR });
    const before = await profileRows(lake);
    const periods = [
      ...new Set(before.filter((r) => r.profile === 'total-count').map((r) => r.period_start as number)),
    ];
    expect(periods.length).toBeGreaterThan(1);
    const last = Math.max(...periods);
    const expiring = config({
      ...cfg,
      profiles: cfg.profiles.map((p) => (p.profile === 'total-count' ? { ...p, expires: 1 } : p)),
    });
    // A day after the last period, one day of total-count is kept: the periods before it go.
    await rebuildProfiles(lake, {
      config: expiring,
      periodMs: 60_000,
      from: last,
      to: FAR,
      now: last + 86_400_000,
    });
    const after = await profileRows(lake);
    const gone = before.filter((r) => r.profile === 'total-count' && (r.period_start as number) < last);
    expect(gone.length).toBeGreaterThan(0);
    expect(after.length).toBe(before.length - gone.length);
    expect(after.some((r) => r.profile === 'total-count' && (r.period_start as number) < last)).toBe(false);
    expect(after.filter((r) => r.profile === 'count-by-ip')).toEqual(
      before.filter((r) => r.profile === 'count-by-ip'),
    );
  });

  it('stores one row per profile, entity, groups and period with the value as JSON and as a number', async () => {
    const lake = await telemetryLake();
    await rebuildProfiles(lake, {
      config: config({
        timestampField: 'timestamp',
        profiles: [
          {
            profile: 'by-protocol',
            foreach: 'ip_src_addr',
            onlyif: 'exists(protocol)',
            init: { m: '{}' },
            update: { m: 'MAP_PUT(protocol, MAP_GET(protocol, m, 0) + 1, m)' },
            groupBy: ['TO_UPPER(protocol)'],
            result: 'm',
          },
        ],
      }),
      periodMs: PERIOD_MS,
      from: 0,
      to: FAR,
    });
    const rows = await profileRows(lake);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.period_ms).toBe(PERIOD_MS);
      expect((row.period_start as number) % PERIOD_MS).toBe(0);
      expect(row.value_num).toBeNull();
      expect(typeof JSON.parse(row.value as string)).toBe('object');
    }
  });
});

describe('palisade batch profile', () => {
  it("runs Palisade's default profiler config when --config is not given", async () => {
    const lake = await telemetryLake();
    const r = palisade(['batch', 'profile', '--lake', lake, '--from', '2018-07-07', '--to', '2018-07-08']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const names = new Set((await profileRows(lake)).map((row) => row.profile));
    // The fixture is DNS and HTTP records: no conn byte counts, so no bytes-in/bytes-out rows.
    expect([...names].sort()).toEqual(['connections', 'distinct-peers', 'distinct-ports']);
  });

  it('rebuilds from a config file and prints a summary', async () => {
    const lake = await telemetryLake();
    const file = join(root, 'profiler.json');
    writeFileSync(file, JSON.stringify(EXPECTATIONS.profiles));
    const r = palisade([
      'batch',
      'profile',
      '--lake',
      lake,
      '--config',
      file,
      '--from',
      '2018-07-07T00:00:00Z',
      '--to',
      '2018-07-08T00:00:00Z',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^profiles: 100 events from 2018-07-07T00:00:00.000Z to 2018-07-08T00:00:00.000Z, \d+ measurements/,
    );
    await check(lake, EXPECTATIONS.expectations[0]?.assert_true ?? []);
  });

  it('refuses bad usage with one line and exit 2', () => {
    const lake = join(root, 'none');
    const cases: [string[], RegExp][] = [
      [['--from', 'yesterday', '--to', '0'], /^palisade: --from: expected ISO 8601/],
      [['--from', '10', '--to', '5'], /must be after --from/],
      [['--from', '0', '--to', '10', '--period', '15x'], /^palisade: --period: expected a whole number/],
    ];
    for (const [args, message] of cases) {
      const r = palisade(['batch', 'profile', '--lake', lake, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    const missing = join(root, 'missing.json');
    const r = palisade([
      'batch',
      'profile',
      '--lake',
      lake,
      '--from',
      '0',
      '--to',
      '10',
      '--config',
      missing,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${missing}: (root): file not found`);
  });

  it('names the profile and key of a rule that does not compile', () => {
    const file = join(root, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        profiles: [{ profile: 'p', foreach: 'ip_src_addr', update: { n: 'n +' }, result: 'n' }],
      }),
    );
    const r = palisade([
      'batch',
      'profile',
      '--lake',
      join(root, 'x'),
      '--config',
      file,
      '--from',
      '0',
      '--to',
      '10',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("profile 'p', update.n:");
  });
});
