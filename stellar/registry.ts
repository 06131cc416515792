import { ALL_FUNCTIONS } from './functions/all.js';
import type { CallContext, FunctionDef } from './functions/types.js';
import type { Value } from './values.js';

/**
 * The functions a compiled rule may call, by name. The standard library is built once from the
 * explicit list in `functions/all.ts`; a host (enrichment, profiler, models) adds the
 * implementations of the host functions it provides with {@link bindHosts}.
 */
export type FunctionRegistry = ReadonlyMap<string, FunctionDef>;

/** Build a registry from definitions; a name defined twice is a programming error. */
export function registryOf(defs: readonly FunctionDef[]): FunctionRegistry {
  const map = new Map<string, FunctionDef>();
  for (const def of defs) {
    if (map.has(def.name)) throw new Error(`Stellar function ${def.name} is defined twice`);
    map.set(def.name, def);
  }
  return map;
}

let standard: FunctionRegistry | undefined;

/** Every function Palisade ships (host functions declared, unbound). */
export function standardFunctions(): FunctionRegistry {
  standard ??= registryOf(ALL_FUNCTIONS);
  return standard;
}

export type HostImplementation = (args: readonly Value[], ctx: CallContext) => Value;

/**
 * A registry where the named host functions are implemented. Binding a name the registry does
 * not declare as a host function is refused, so a typo cannot shadow a real function.
 */
export function bindHosts(
  registry: FunctionRegistry,
  hosts: Readonly<Record<string, HostImplementation>>,
): FunctionRegistry {
  const map = new Map(registry);
  for (const [name, call] of Object.entries(hosts)) {
    const def = map.get(name);
    if (!def?.host) throw new Error(`${name} is not a host function of this registry`);
    map.set(name, { ...def, call });
  }
  return map;
}

/** A registry with extra definitions (the conformance suite's THROW and RET_TRUE, a REPL's own). */
export function withFunctions(registry: FunctionRegistry, defs: readonly FunctionDef[]): FunctionRegistry {
  const map = new Map(registry);
  for (const def of defs) map.set(def.name, def);
  return map;
}
