import { describe, expect, it } from 'vitest';
import { bindHosts, compile, StellarError, standardFunctions, toJson, type Value } from '#stellar';
import { HOST_FUNCTIONS } from '../../../stellar/functions/hosts.js';
import { errorCodeOf } from '../../helpers/stellar.js';

/** The code a compile fails with, or 'compiled'. */
const compileCode = (expr: string, functions = standardFunctions()): string =>
  errorCodeOf(() => compile(expr, { functions }), 'compiled');

const FAMILIES: Record<string, string[]> = {
  enrichment: [
    'ASN_GET',
    'ENRICHMENT_EXISTS',
    'ENRICHMENT_GET',
    'ENRICHMENT_OBJECT_GET',
    'GEO_GET',
    'OBJECT_GET',
  ],
  profiler: ['PROFILE_FIXED', 'PROFILE_GET', 'PROFILE_VERBOSE', 'PROFILE_WINDOW'],
  models: ['MAAS_GET_ENDPOINT', 'MAAS_MODEL_APPLY', 'MODEL_SCORE'],
  rest: ['REST_GET', 'REST_POST'],
};

/** Arities Metron's implementations accept: [fewest, most] arguments. */
const ARITY: Record<string, [number, number]> = {
  GEO_GET: [0, 2],
  ASN_GET: [0, 2],
  ENRICHMENT_GET: [4, 4],
  ENRICHMENT_EXISTS: [4, 4],
  OBJECT_GET: [0, 1],
  ENRICHMENT_OBJECT_GET: [2, 2],
  PROFILE_GET: [3, 5],
  PROFILE_VERBOSE: [3, 5],
  PROFILE_FIXED: [2, 3],
  PROFILE_WINDOW: [1, 3],
  MAAS_GET_ENDPOINT: [0, 2],
  MAAS_MODEL_APPLY: [2, 3],
  MODEL_SCORE: [2, 2],
  REST_GET: [1, 3],
  REST_POST: [2, 4],
};

describe('host function declarations', () => {
  it('declares exactly the host functions, by family', () => {
    const byFamily: Record<string, string[]> = {};
    for (const def of HOST_FUNCTIONS) byFamily[def.family] = [...(byFamily[def.family] ?? []), def.name];
    for (const names of Object.values(byFamily)) names.sort();
    expect(byFamily).toEqual(FAMILIES);
  });

  it('leaves every implementation to a host and describes every parameter', () => {
    for (const def of HOST_FUNCTIONS) {
      expect(def.host, def.name).toBe(true);
      expect(def.call, def.name).toBeUndefined();
      expect(def.pure, def.name).toBe(false);
      expect(def.examples, def.name).toEqual([]);
      expect(def.params.length, def.name).toBeGreaterThan(0);
      expect(def.name.startsWith(`${def.namespace}_`), def.name).toBe(true);
      expect(def.description.length, def.name).toBeGreaterThan(10);
      expect(def.returns.length, def.name).toBeGreaterThan(2);
      for (const p of def.params) expect(p.description.length, `${def.name}.${p.name}`).toBeGreaterThan(2);
    }
  });

  it("takes the argument counts Metron's implementations accept", () => {
    for (const def of HOST_FUNCTIONS) {
      const range = ARITY[def.name];
      expect(range, def.name).toBeDefined();
      const [fewest, most] = range as [number, number];
      const required = def.params.filter((p) => !p.optional && !p.variadic).length;
      expect([required, def.params.length], def.name).toEqual([fewest, most]);
    }
  });

  it('refuses a host function the registry has not bound (S106)', () => {
    expect(compileCode("GEO_GET('1.2.3.4')")).toBe('S106');
    expect(compileCode('GEO_GET()')).toBe('S106');
    expect(compileCode("PROFILE_GET('p', 'e', PROFILE_FIXED(5, 'MINUTES'))")).toBe('S106');
    try {
      compile("GEO_GET('1.2.3.4')");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StellarError);
      expect((e as StellarError).code).toBe('S106');
      expect((e as StellarError).message).toMatch(/enrichment/);
    }
  });

  it('checks arity before availability', () => {
    expect(compileCode("GEO_GET('1.2.3.4', ['country'], 'garbage')")).toBe('S104');
    expect(compileCode("ENRICHMENT_GET('type', 'indicator')")).toBe('S104');
  });

  it('runs once a host binds it', () => {
    const calls: Value[][] = [];
    const functions = bindHosts(standardFunctions(), {
      GEO_GET: (args) => {
        calls.push([...args]);
        return args.length === 0 || args[0] === null ? null : new Map<Value, Value>([['country', 'US']]);
      },
    });
    expect(toJson(compile("GEO_GET('216.160.83.56')", { functions }).evaluate())).toEqual({ country: 'US' });
    expect(compile('GEO_GET()', { functions }).evaluate()).toBeNull();
    expect(calls).toEqual([['216.160.83.56'], []]);
    expect(compileCode("ASN_GET('1.2.3.4')", functions)).toBe('S106');
  });
});
