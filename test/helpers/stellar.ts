import { expect } from 'vitest';
import { type FunctionDef, isNumber, numValue, StellarError, type Value } from '#stellar';
import { JavaRandom } from '../../stellar/functions/stats/java-random.js';

/**
 * Checks shared by the Stellar function families' tests. Every example of every function is run
 * by test/stellar/registry.test.ts; what a family's own test adds is that its definitions sit in
 * the right family and namespace and say whether they are pure. The statistics tests share
 * their seeded data and number reading from here, and several tests the diagnostic code of a call.
 */

/** What every definition of one family must declare. */
export interface FamilyShape {
  /** The families its functions may belong to. */
  families: readonly string[];
  /** The namespaces a function may have. */
  namespaces: (def: FunctionDef) => readonly string[];
  /** Whether a function must be pure; left out, purity is not checked. */
  pure?: (def: FunctionDef) => boolean;
}

/** Assert that each definition describes itself, its parameters and examples, in the family's shape. */
export function expectFullyDescribed(defs: readonly FunctionDef[], shape: FamilyShape): void {
  for (const def of defs) {
    expect(def.description, def.name).toMatch(/\S/);
    expect(def.returns, def.name).toMatch(/\S/);
    expect(shape.families, def.name).toContain(def.family);
    expect(shape.namespaces(def), def.name).toContain(def.namespace);
    if (shape.pure !== undefined) expect(def.pure, def.name).toBe(shape.pure(def));
    expect(def.examples.length, def.name).toBeGreaterThan(0);
    for (const p of def.params) expect(p.description, `${def.name} ${p.name}`).toMatch(/\S/);
    expect(typeof def.call, def.name).toBe('function');
  }
}

/** The diagnostic code `attempt` fails with, or `ok` when it succeeds (anything else thrown is named). */
export function errorCodeOf(attempt: () => unknown, ok: string): string {
  try {
    attempt();
    return ok;
  } catch (e) {
    return e instanceof StellarError ? e.code : `not a StellarError: ${String(e)}`;
  }
}

/** The plain value of a number result; anything else fails the test. */
export function asNumber(v: Value): number {
  if (!isNumber(v)) throw new Error(`not a number: ${String(v)}`);
  return numValue(v);
}

/** Seeded standard normal values (Box–Muller over java.util.Random). */
export function gaussians(n: number, seed: number): number[] {
  const rng = new JavaRandom(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u = 1 - rng.nextDouble();
    const v = rng.nextDouble();
    const r = Math.sqrt(-2 * Math.log(u));
    out.push(r * Math.cos(2 * Math.PI * v));
    if (out.length < n) out.push(r * Math.sin(2 * Math.PI * v));
  }
  return out;
}
