import { DOUBLE_FIELDS, type Event, type ProfileConfig, type ProfilerConfig } from '#core';
import { compile, type EvaluateOptions, type Expression, variablesOf } from '../compiler.js';
import { StellarError } from '../diagnostics.js';
import type { FunctionRegistry } from '../registry.js';
import { JNum, toJavaString, type Value } from '../values.js';

/**
 * The profiler's core, shared by the streaming worker and the batch rebuild so both run the
 * very same compiled Stellar: messages are routed to each profile whose `onlyif` holds, to the
 * entity its `foreach` names, in the period their time falls in; each (profile, entity, period)
 * keeps its own variables; a flush turns a period's variables into measurements.
 *
 * Semantics follow Metron's DefaultProfileBuilder: `init` runs before the first `update` of an
 * entity in a period, both with the message's fields in scope; a profile variable hides a
 * message field of the same name; an undefined name reads as null. `result` and `triage` see
 * only the variables; `groupBy` sees them plus `profile`, `entity`, `start`, `end`, `duration`
 * and `result`. A message whose expressions fail is reported and leaves the others alone.
 *
 * Measurements are deterministic: a period's entities are flushed in the order profile, entity.
 * Results that depend on the order messages arrive in (a floating-point sum, a "last seen")
 * are only as reproducible as that order.
 */

/** Where in a profile a Stellar expression sits, for messages: `init.count`, `result.profile`. */
type Site = string;

interface CompiledProfile {
  readonly config: ProfileConfig;
  readonly onlyif: Expression;
  readonly foreach: Expression;
  /** Index of the entity in a message's shared entities when `foreach` is a plain name or literal; else -1. */
  readonly entitySlot: number;
  readonly init: readonly (readonly [string, Expression])[];
  readonly update: readonly (readonly [string, Expression])[];
  /** Each variable's slot in an entity's values (init names first, then update's new ones). */
  readonly slots: ReadonlyMap<string, number>;
  readonly initSlots: readonly number[];
  readonly updateSlots: readonly number[];
  /** Reads the current entity's variables, then the current message: set before each use. */
  readonly scope: Scope;
  readonly result: Expression;
  readonly triage: readonly (readonly [string, Expression])[];
  readonly groupBy: readonly Expression[];
}

/** One period's measurement of a profile for an entity. */
export interface Measurement {
  profile: string;
  entity: string;
  groups: string[];
  /** Period id: floor(start / periodMs). */
  period: number;
  start: number;
  periodMs: number;
  value: Value;
  /** `result.triage` values by name (empty when the profile has none). */
  triage: Map<string, Value>;
}

/** A Stellar expression that failed on a message or at a flush. */
export interface ProfileFailure {
  profile: string;
  entity?: string;
  site: Site;
  message: string;
  /** The event's guid, when a message caused it. */
  guid?: string;
}

export interface ProfilerOptions {
  /** Period length in ms (Metron's default: 15 minutes). */
  periodMs: number;
  /** Functions the profiles may call (default: the standard library). */
  functions?: FunctionRegistry;
  /** Metron's global config, as rules see it. */
  globals?: Readonly<Record<string, unknown>>;
}

const NO_FAILURES: readonly ProfileFailure[] = Object.freeze([]);

/** Metron's default period: 15 minutes. */
export const DEFAULT_PERIOD_MS = 15 * 60_000;

/** A profile definition whose Stellar does not compile, named by profile and key. */
export class ProfileCompileError extends Error {
  constructor(
    readonly profile: string,
    readonly site: Site,
    override readonly cause: StellarError,
  ) {
    super(`profile '${profile}', ${site}: ${cause.message}`);
    this.name = 'ProfileCompileError';
  }
}

/** A variable slot not assigned yet: the name then reads from the message, as in Metron. */
const UNSET: unique symbol = Symbol('unset');

interface EntityState {
  values: (Value | typeof UNSET)[];
  initialized: boolean;
}

/**
 * The variables an expression of one profile sees, made once per profile and pointed at the
 * entity and message at hand, so applying a message allocates no lookup of its own.
 */
class Scope {
  values: (Value | typeof UNSET)[] = [];
  rest: Lookup = () => undefined;
  readonly lookup: Lookup;
  /** The variables alone (result, triage). */
  readonly own: Lookup;
  constructor(slots: ReadonlyMap<string, number>) {
    this.own = (name) => {
      const i = slots.get(name);
      if (i === undefined) return undefined;
      const v = this.values[i];
      return v === UNSET ? undefined : v;
    };
    this.lookup = (name) => {
      const v = this.own(name);
      return v === undefined ? this.rest(name) : v;
    };
  }
}

/** period → profile index → entity → state. */
/** period → entity → state by profile index: one string lookup per message, whatever the profile count. */
type Periods = Map<number, Map<string, (EntityState | undefined)[]>>;

export class Profiler {
  readonly periodMs: number;
  readonly timestampField: string | undefined;
  private readonly profiles: readonly CompiledProfile[];
  private readonly periods: Periods = new Map();
  private readonly evalOptions: EvaluateOptions;
  private tracked = 0;
  /** A message's entities by shared `foreach` slot, reset per message. */
  private readonly entities: (Value | undefined)[];
  /**
   * The message fields the profiles read (in `onlyif`, `foreach`, `init`, `update`), or
   * undefined when one reads the whole message (`_`): what a reader of history must fetch.
   */
  readonly fields: ReadonlySet<string> | undefined;

  constructor(config: ProfilerConfig, options: ProfilerOptions) {
    if (!(options.periodMs > 0) || !Number.isInteger(options.periodMs))
      throw new RangeError(
        `the profile period must be a positive whole number of ms, not ${options.periodMs}`,
      );
    this.periodMs = options.periodMs;
    this.timestampField = config.timestampField;
    this.evalOptions = options.globals ? { globals: options.globals } : {};
    const slots = new Map<string, number>();
    this.profiles = config.profiles.map((p) => {
      // A bare field name or a quoted literal cannot differ between two evaluations.
      const plain = /^\s*([A-Za-z_$][\w.:$]*|'[^'\\]*')\s*$/.exec(p.foreach)?.[1];
      let slot = -1;
      if (plain !== undefined) {
        slot = slots.get(plain) ?? slots.size;
        slots.set(plain, slot);
      }
      return compileProfile(p, slot, options.functions);
    });
    this.entities = new Array(slots.size).fill(undefined);
    const fields = new Set<string>();
    for (const p of config.profiles) {
      for (const source of [p.onlyif, p.foreach, ...Object.values(p.init), ...Object.values(p.update)])
        for (const name of variablesOf(source)) fields.add(name);
    }
    this.fields = fields.has('_') ? undefined : fields;
  }

  /** The profiles' names, in config order. */
  get names(): string[] {
    return this.profiles.map((p) => p.config.profile);
  }

  /** (profile, entity, period) states held. */
  get size(): number {
    return this.tracked;
  }

  /** Periods with state, ascending. */
  openPeriods(): number[] {
    return [...this.periods.keys()].sort((a, b) => a - b);
  }

  /**
   * Apply one message at `time` (epoch ms) to every profile that wants it. Failures are
   * returned; they never stop the other profiles.
   */
  apply(event: Event, time: number): readonly ProfileFailure[] {
    let failures: ProfileFailure[] | undefined;
    const fail = (f: ProfileFailure) => {
      failures ??= [];
      failures.push(f);
    };
    const period = Math.floor(time / this.periodMs);
    const message = messageLookup(event);
    const entities = this.entities.fill(undefined);
    let byEntity = this.periods.get(period);
    let lastEntity: string | undefined;
    let row: (EntityState | undefined)[] | undefined;
    for (let i = 0; i < this.profiles.length; i++) {
      const p = this.profiles[i] as CompiledProfile;
      let site: Site = 'onlyif';
      let entity: string | undefined;
      try {
        if (p.onlyif.evaluate(message, this.evalOptions) !== true) continue;
        site = 'foreach';
        let e: Value;
        if (p.entitySlot < 0) e = p.foreach.evaluate(message, this.evalOptions);
        else {
          // Profiles keyed the same way (most: by ip_src_addr) read the entity once per message.
          const seen = entities[p.entitySlot];
          e = seen === undefined ? p.foreach.evaluate(message, this.evalOptions) : seen;
          entities[p.entitySlot] = e;
        }
        if (e === null || e === undefined || e === '') {
          fail(failure(p, site, 'the entity is null or empty', event));
          continue;
        }
        entity = typeof e === 'string' ? e : toJavaString(e);
        if (entity !== lastEntity || row === undefined) {
          if (byEntity === undefined) {
            byEntity = new Map();
            this.periods.set(period, byEntity);
          }
          row = byEntity.get(entity);
          if (row === undefined) {
            row = new Array(this.profiles.length);
            byEntity.set(entity, row);
          }
          lastEntity = entity;
        }
        let state = row[i];
        if (state === undefined) {
          state = { values: new Array(p.slots.size).fill(UNSET), initialized: false };
          row[i] = state;
          this.tracked++;
        }
        const scope = p.scope;
        scope.values = state.values;
        scope.rest = message;
        if (!state.initialized) {
          for (let k = 0; k < p.init.length; k++) {
            const [name, expr] = p.init[k] as readonly [string, Expression];
            site = `init.${name}`;
            state.values[p.initSlots[k] as number] = expr.evaluate(scope.lookup, this.evalOptions);
          }
          state.initialized = true;
        }
        for (let k = 0; k < p.update.length; k++) {
          const [name, expr] = p.update[k] as readonly [string, Expression];
          site = `update.${name}`;
          state.values[p.updateSlots[k] as number] = expr.evaluate(scope.lookup, this.evalOptions);
        }
      } catch (e) {
        fail(failure(p, site, (e as Error).message, event, entity));
      }
    }
    return failures ?? NO_FAILURES;
  }

  /**
   * Flush every period that ends at or before `before` (epoch ms), oldest first; with no
   * argument, every period. Their state is dropped.
   */
  flush(before = Number.POSITIVE_INFINITY): { measurements: Measurement[]; failures: ProfileFailure[] } {
    const measurements: Measurement[] = [];
    const failures: ProfileFailure[] = [];
    for (const period of this.openPeriods()) {
      if ((period + 1) * this.periodMs > before) break;
      this.flushPeriod(period, measurements, failures);
    }
    return { measurements, failures };
  }

  private flushPeriod(period: number, out: Measurement[], failures: ProfileFailure[]): void {
    const byEntity = this.periods.get(period);
    if (!byEntity) return;
    this.periods.delete(period);
    const start = period * this.periodMs;
    const names = [...byEntity.keys()].sort();
    for (let index = 0; index < this.profiles.length; index++) {
      const p = this.profiles[index] as CompiledProfile;
      for (const entity of names) {
        const state = (byEntity.get(entity) as (EntityState | undefined)[])[index];
        if (state === undefined) continue;
        this.tracked--;
        let site: Site = 'result.profile';
        try {
          p.scope.values = state.values;
          const vars = p.scope.own;
          const value = p.result.evaluate(vars, this.evalOptions);
          const triage = new Map<string, Value>();
          for (const [name, expr] of p.triage) {
            site = `result.triage.${name}`;
            triage.set(name, expr.evaluate(vars, this.evalOptions));
          }
          site = 'groupBy';
          const groups = p.groupBy.length === 0 ? [] : this.groups(p, entity, start, value);
          out.push({
            profile: p.config.profile,
            entity,
            groups,
            period,
            start,
            periodMs: this.periodMs,
            value,
            triage,
          });
        } catch (e) {
          failures.push({ profile: p.config.profile, entity, site, message: (e as Error).message });
        }
      }
    }
  }

  /** The groupBy values: the variables plus what Metron adds for groupBy, as strings. */
  private groups(p: CompiledProfile, entity: string, start: number, result: Value) {
    const extra = new Map<string, Value>([
      ['profile', p.config.profile],
      ['entity', entity],
      ['start', start],
      ['end', start + this.periodMs],
      ['duration', this.periodMs],
      ['result', result],
    ]);
    // The profile's scope already points at this entity's values; the message gives way to these.
    p.scope.rest = (name) => extra.get(name);
    return p.groupBy.map((g) => {
      const v = g.evaluate(p.scope.lookup, this.evalOptions);
      return v === null ? 'null' : typeof v === 'string' ? v : toJavaString(v);
    });
  }
}

function failure(
  p: CompiledProfile,
  site: Site,
  message: string,
  event: Event,
  entity?: string,
): ProfileFailure {
  const out: ProfileFailure = { profile: p.config.profile, site, message };
  if (entity !== undefined) out.entity = entity;
  if (typeof event.guid === 'string') out.guid = event.guid;
  return out;
}

type Lookup = (name: string) => unknown;

/** A message's fields as Stellar reads them: a double field keeps its kind when integral. */
function messageLookup(event: Event): Lookup {
  const doubles = (event as { [DOUBLE_FIELDS]?: ReadonlySet<string> })[DOUBLE_FIELDS];
  return (name) => {
    if (!Object.hasOwn(event, name)) return undefined;
    const v = event[name];
    return doubles?.has(name) === true && typeof v === 'number' && Number.isInteger(v)
      ? new JNum('double', v)
      : v;
  };
}

function compileProfile(
  config: ProfileConfig,
  entitySlot: number,
  functions?: FunctionRegistry,
): CompiledProfile {
  const build = (site: Site, source: string, mode: 'expression' | 'predicate' = 'expression') => {
    try {
      return compile(source, { mode, missing: 'null', ...(functions ? { functions } : {}) });
    } catch (e) {
      if (e instanceof StellarError) throw new ProfileCompileError(config.profile, site, e);
      throw e;
    }
  };
  const assignments = (kind: string, map: Readonly<Record<string, string>>) =>
    Object.entries(map).map(([name, source]) => [name, build(`${kind}.${name}`, source)] as const);
  const slots = new Map<string, number>();
  for (const name of [...Object.keys(config.init), ...Object.keys(config.update)])
    if (!slots.has(name)) slots.set(name, slots.size);
  const slotOf = (name: string) => slots.get(name) as number;
  return {
    config,
    slots,
    initSlots: Object.keys(config.init).map(slotOf),
    updateSlots: Object.keys(config.update).map(slotOf),
    scope: new Scope(slots),
    onlyif: build('onlyif', config.onlyif, 'predicate'),
    foreach: build('foreach', config.foreach),
    entitySlot,
    init: assignments('init', config.init),
    update: assignments('update', config.update),
    result: build('result.profile', config.result.profile),
    triage: assignments('result.triage', config.result.triage),
    groupBy: config.groupBy.map((g, i) => build(`groupBy[${i}]`, g)),
  };
}
