import type { CallContext } from '../functions/types.js';
import { fail } from '../functions/types.js';
import { bindHosts, type FunctionRegistry } from '../registry.js';
import { isList, isMap, isNumber, numValue, toJavaString, type Value } from '../values.js';
import { durationMs, fixedLookback, type ProfilePeriod } from './period.js';
import { decodeProfileValue } from './value.js';
import { parseWindow, windowPeriods } from './window.js';

/**
 * The profiler client: `PROFILE_GET`, `PROFILE_VERBOSE`, `PROFILE_FIXED` and `PROFILE_WINDOW`,
 * answered from a {@link ProfileCache} that the host fills from the `profiles` table (and the
 * streaming profiler keeps current with its own flushes). Stellar calls are synchronous, so
 * the cache is the only place a rule reads measurements from.
 *
 * Client settings come from the global config, overridable per call as in Metron:
 * `profiler.client.period.duration` and `.units` (default 15 MINUTES) must match the writer's
 * period, or nothing is found; `profiler.default.value` stands in for a missing period.
 */

/** Which measurement: its profile, entity, groups and period. */
export interface MeasurementKey {
  profile: string;
  entity: string;
  groups: readonly string[];
  start: number;
  periodMs: number;
}

const seriesKey = (profile: string, entity: string, groups: readonly string[], periodMs: number) =>
  [profile, entity, periodMs, ...groups].join('\0');

/**
 * Measurements in memory, by profile, entity, groups and period length, then period start.
 * Each is kept as its stored JSON text and decoded on every read, so a rule that changes what
 * it got (SET_ADD on a stored set) changes its own copy, never the cache.
 */
export class ProfileCache {
  private readonly series = new Map<string, Map<number, string>>();
  private count = 0;
  private changes = 0;

  /** A number that changes whenever the cache's content does: readers that derive values from it know when to recompute. */
  get generation(): number {
    return this.changes;
  }

  /** Keep a measurement: its `value` text as the `profiles` table stores it. */
  put(key: MeasurementKey, value: string): void {
    const k = seriesKey(key.profile, key.entity, key.groups, key.periodMs);
    let periods = this.series.get(k);
    if (!periods) {
      periods = new Map();
      this.series.set(k, periods);
    }
    if (!periods.has(key.start)) this.count++;
    periods.set(key.start, value);
    this.changes++;
  }

  get(key: MeasurementKey): Value | undefined {
    const text = this.series
      .get(seriesKey(key.profile, key.entity, key.groups, key.periodMs))
      ?.get(key.start);
    return text === undefined ? undefined : decodeProfileValue(text);
  }

  /** Drop periods starting before `start` (epoch ms). */
  evictBefore(start: number): void {
    for (const [k, periods] of this.series) {
      for (const s of periods.keys()) {
        if (s < start) {
          periods.delete(s);
          this.count--;
          this.changes++;
        }
      }
      if (periods.size === 0) this.series.delete(k);
    }
  }

  get size(): number {
    return this.count;
  }

  /** Take another cache's measurements in place of these (a reload swapped in whole). */
  replaceWith(other: ProfileCache): void {
    this.series.clear();
    for (const [k, periods] of other.series) this.series.set(k, periods);
    this.count = other.count;
    this.changes++;
  }
}

/** A profile period as a Stellar value: opaque to rules, read by PROFILE_GET. */
export class PeriodValue {
  constructor(readonly period: ProfilePeriod) {}
  toString(): string {
    return `ProfilePeriod{period=${this.period.id}, durationMillis=${this.period.durationMs}}`;
  }
  toJSON(): unknown {
    return { period: this.period.id, start: this.period.start, end: this.period.end };
  }
}

const DEFAULT_DURATION = 15;
const DEFAULT_UNITS = 'MINUTES';

/** A client setting: the call's overrides first, then the global config. */
function setting(ctx: CallContext, overrides: Value | undefined, name: string): unknown {
  if (overrides !== undefined && overrides !== null) {
    if (!isMap(overrides)) fail('config_overrides must be a map');
    const v = (overrides as Map<Value, Value>).get(name);
    if (v !== undefined && v !== null) return isNumber(v) ? numValue(v) : v;
  }
  return ctx.globals[name];
}

function clientPeriodMs(ctx: CallContext, overrides: Value | undefined): number {
  const duration = Number(setting(ctx, overrides, 'profiler.client.period.duration') ?? DEFAULT_DURATION);
  const units = String(setting(ctx, overrides, 'profiler.client.period.duration.units') ?? DEFAULT_UNITS);
  if (!(duration > 0)) fail(`profiler.client.period.duration must be positive, not ${duration}`);
  return asStellarError(() => durationMs(duration, units));
}

function periodsArg(v: Value): ProfilePeriod[] {
  if (v === null) return [];
  if (!isList(v)) fail('periods must be a list, from PROFILE_FIXED or PROFILE_WINDOW');
  return (v as Value[]).map((p) => {
    if (p instanceof PeriodValue) return p.period;
    return fail(`periods must come from PROFILE_FIXED or PROFILE_WINDOW, not ${toJavaString(p)}`);
  });
}

function groupsArg(v: Value | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (!isList(v)) fail('groups must be a list');
  return (v as Value[]).map((g) => (typeof g === 'string' ? g : toJavaString(g)));
}

function text(v: Value | undefined, name: string): string {
  if (v === null || v === undefined) fail(`${name} is required`);
  return typeof v === 'string' ? v : toJavaString(v as Value);
}

/** Errors of the period and window code (bad selector, bad unit, too many periods) as Stellar errors. */
function asStellarError<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    return fail((e as Error).message);
  }
}

/** The registry with the profiler client functions bound to `cache`. */
export function bindProfilerClient(registry: FunctionRegistry, cache: ProfileCache): FunctionRegistry {
  const lookup = (args: readonly Value[], ctx: CallContext) => {
    const profile = text(args[0], 'profile');
    const entity = text(args[1], 'entity');
    const periods = periodsArg(args[2] ?? null);
    const groups = groupsArg(args[3]);
    const overrides = args[4];
    const fallback = setting(ctx, overrides, 'profiler.default.value') as Value | undefined;
    const periodMs = clientPeriodMs(ctx, overrides);
    const found: { period: ProfilePeriod; value: Value }[] = [];
    for (const period of periods) {
      const value = cache.get({ profile, entity, groups, start: period.start, periodMs });
      if (value !== undefined) found.push({ period, value });
      else if (fallback !== undefined && fallback !== null) found.push({ period, value: fallback });
    }
    return { profile, entity, groups, found };
  };
  return bindHosts(registry, {
    PROFILE_GET: (args, ctx) => lookup(args, ctx).found.map((f) => f.value),
    PROFILE_VERBOSE: (args, ctx) => {
      const { profile, entity, groups, found } = lookup(args, ctx);
      return found.map(
        (f) =>
          new Map<Value, Value>([
            ['profile', profile],
            ['entity', entity],
            ['period', f.period.id],
            ['period.start', f.period.start],
            ['period.end', f.period.end],
            ['value', f.value],
            ['groups', [...groups]],
          ]),
      );
    },
    PROFILE_FIXED: (args, ctx) => {
      const ago = args[0];
      if (!isNumber(ago as Value)) fail('durationAgo must be a number');
      const units = text(args[1], 'units');
      const periodMs = clientPeriodMs(ctx, args[2]);
      return asStellarError(() =>
        fixedLookback(ctx.now(), durationMs(numValue(ago as number), units), periodMs).map(
          (p) => new PeriodValue(p),
        ),
      );
    },
    PROFILE_WINDOW: (args, ctx) => {
      const selector = text(args[0], 'windowSelector');
      const nowArg = args[1];
      if (nowArg !== undefined && nowArg !== null && !isNumber(nowArg))
        fail('now must be epoch milliseconds');
      // Java reads the number as a long.
      const now =
        nowArg === undefined || nowArg === null ? ctx.now() : Math.trunc(numValue(nowArg as number));
      const periodMs = clientPeriodMs(ctx, args[2]);
      return asStellarError(() =>
        windowPeriods(parseWindow(selector), now, periodMs).map((p) => new PeriodValue(p)),
      );
    },
  });
}
