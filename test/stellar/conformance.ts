import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bindHosts,
  compile,
  type FunctionDef,
  fromJson,
  isNumber,
  kindOf,
  type NumKind,
  numValue,
  StellarError,
  StellarRuntimeError,
  standardFunctions,
  toJson,
  type Value,
  withFunctions,
} from '#stellar';
import { GeoDatabase, geoGet } from '#streaming';

/**
 * Metron's own Stellar test cases (test/fixtures/metron/stellar/stellar-cases.jsonl, fields
 * explained in the fixture README): how one case runs and what counts as a pass.
 */

export interface StellarCase {
  expr: string;
  vars: Record<string, unknown>;
  expect?: unknown;
  error?: boolean;
  expect_type?: string;
  expect_types?: unknown;
  var_types?: Record<string, unknown>;
  tolerance?: number;
  compare?: 'numeric';
  mode?: 'predicate';
  missing_vars?: 'null';
  test_functions?: string[];
  requires?: unknown;
  source: string;
  test: string;
}

export const CASES_FILE = join(
  import.meta.dirname,
  '..',
  'fixtures',
  'metron',
  'stellar',
  'stellar-cases.jsonl',
);

export function loadCases(file = CASES_FILE): StellarCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as StellarCase);
}

/** A case's identity in the fixme list: its test method, expression and variables. */
export const caseKey = (c: StellarCase): string => `${c.test}: ${c.expr} ${JSON.stringify(c.vars ?? {})}`;

/** The helpers Metron's tests add: THROW always fails, RET_TRUE always returns true. */
const TEST_FUNCTIONS: FunctionDef[] = [
  {
    name: 'THROW',
    namespace: '',
    family: 'test',
    description: 'Always fails (Metron test helper).',
    params: [{ name: 'args', description: 'ignored', variadic: true, optional: true }],
    returns: 'nothing',
    pure: false,
    examples: [],
    call: () => {
      throw new StellarRuntimeError('THROW was called');
    },
  },
  {
    name: 'RET_TRUE',
    namespace: '',
    family: 'test',
    description: 'Always true (Metron test helper).',
    params: [{ name: 'args', description: 'ignored', variadic: true, optional: true }],
    returns: 'true',
    pure: false,
    examples: [],
    call: () => true,
  },
];

/** The GeoLite2 City test database Metron's GEO_GET tests use (`geo.hdfs.file` in their global config). */
export const GEO_TEST_DB = join(
  import.meta.dirname,
  '..',
  'fixtures',
  'metron',
  'enrichment',
  'GeoLite2-City.mmdb.gz',
);

let registry: ReturnType<typeof standardFunctions> | undefined;
const functions = () => {
  registry ??= bindHosts(withFunctions(standardFunctions(), TEST_FUNCTIONS), {
    GEO_GET: geoGet(GeoDatabase.open(GEO_TEST_DB)),
  });
  return registry;
};

/** Run one case: undefined when it passes, else why not. */
export function runCase(c: StellarCase): string | undefined {
  const vars = new Map<string, Value>();
  for (const [k, v] of Object.entries(c.vars ?? {})) vars.set(k, fromJson(v, c.var_types?.[k]));
  let result: Value;
  try {
    const expression = compile(c.expr, {
      functions: functions(),
      ...(c.mode === 'predicate' ? { mode: 'predicate' as const } : {}),
      ...(c.missing_vars === 'null' ? { missing: 'null' as const } : {}),
    });
    result = expression.evaluate(vars, { globals: globalsOf(c) });
  } catch (e) {
    if (c.error)
      return e instanceof StellarError ? undefined : `failed, but not with a diagnostic: ${String(e)}`;
    return `error: ${e instanceof StellarError ? e.message : String(e)}`;
  }
  if (c.error) return `expected an error, got ${JSON.stringify(toJson(result))}`;
  return compare(c, result);
}

function globalsOf(c: StellarCase): Record<string, unknown> {
  const g = (c.requires as { global_config?: Record<string, unknown> } | undefined)?.global_config;
  return g ?? {};
}

function compare(c: StellarCase, result: Value): string | undefined {
  const got = () => `got ${JSON.stringify(toJson(result))}`;
  if (c.compare === 'numeric') {
    if (!isNumber(result)) return `expected a number, ${got()}`;
    return numericMismatch(numValue(result), c.expect, c.tolerance ?? 0);
  }
  if (c.expect_type === 'set' || c.expect_type === 'unordered_list') {
    const items = result instanceof Set ? [...result] : Array.isArray(result) ? result : undefined;
    if (!items) return `expected a collection, ${got()}`;
    const want = (c.expect as unknown[]).map((x) => JSON.stringify(x)).sort();
    const have = items.map((x) => JSON.stringify(toJson(x))).sort();
    const dedupe = (l: string[]) => (c.expect_type === 'set' ? [...new Set(l)] : l);
    return JSON.stringify(dedupe(want)) === JSON.stringify(dedupe(have))
      ? undefined
      : `expected ${JSON.stringify(c.expect)}, ${got()}`;
  }
  if (c.expect_type && ['int', 'long', 'float', 'double'].includes(c.expect_type)) {
    if (!isNumber(result)) return `expected a ${c.expect_type}, ${got()}`;
    const kind = kindOf(result);
    if (kind !== c.expect_type) return `expected a ${c.expect_type}, got a ${kind} ${numValue(result)}`;
    return numericMismatch(numValue(result), c.expect, c.tolerance ?? 0, kind);
  }
  const kinds = c.expect_types;
  const mismatch = deepMismatch(c.expect, result, kinds, c.tolerance ?? 0);
  return mismatch === undefined ? undefined : `${mismatch}; ${got()}`;
}

function expectedNumber(x: unknown): number {
  return typeof x === 'string' ? Number(x) : (x as number);
}

function numericMismatch(
  value: number,
  expect: unknown,
  tolerance: number,
  kind?: NumKind,
): string | undefined {
  let want = expectedNumber(expect);
  if (kind === 'float') want = Math.fround(want);
  if (Number.isNaN(want)) return Number.isNaN(value) ? undefined : `expected NaN, got ${value}`;
  if (value === want || Math.abs(value - want) <= tolerance) return undefined;
  return `expected ${want}, got ${value}`;
}

/** JSON `expect` against a Stellar value: maps as objects, sets and lists as arrays, numbers by value (and kind when given). */
function deepMismatch(expect: unknown, value: Value, kinds: unknown, tolerance: number): string | undefined {
  if (expect === null) return value === null ? undefined : 'expected null';
  if (
    typeof expect === 'number' ||
    (typeof kinds === 'string' && typeof expect === 'string' && isNumber(value))
  ) {
    if (!isNumber(value)) return `expected ${expect}`;
    if (typeof kinds === 'string' && kindOf(value) !== kinds)
      return `expected a ${kinds} ${expect}, got a ${kindOf(value)}`;
    return numericMismatch(
      numValue(value),
      expect,
      tolerance,
      typeof kinds === 'string' ? (kinds as NumKind) : undefined,
    );
  }
  if (typeof expect === 'string' || typeof expect === 'boolean') {
    return value === expect ? undefined : `expected ${JSON.stringify(expect)}`;
  }
  if (Array.isArray(expect)) {
    const items = Array.isArray(value) ? value : value instanceof Set ? [...value] : undefined;
    if (!items) return 'expected a list';
    if (items.length !== expect.length) return `expected ${expect.length} items, got ${items.length}`;
    for (let i = 0; i < expect.length; i++) {
      const m = deepMismatch(
        expect[i],
        items[i] as Value,
        Array.isArray(kinds) ? kinds[i] : undefined,
        tolerance,
      );
      if (m) return `item ${i}: ${m}`;
    }
    return undefined;
  }
  if (typeof expect === 'object') {
    if (!(value instanceof Map)) return 'expected a map';
    const entries = Object.entries(expect as Record<string, unknown>);
    if (value.size !== entries.length) return `expected ${entries.length} entries, got ${value.size}`;
    const k = kinds && typeof kinds === 'object' ? (kinds as Record<string, unknown>) : {};
    for (const [key, x] of entries) {
      let found: Value | undefined;
      for (const [mk, mv] of value) if (mk === key || String(toJson(mk)) === key) found = mv;
      if (found === undefined) return `missing key ${key}`;
      const m = deepMismatch(x, found, k[key], tolerance);
      if (m) return `key ${key}: ${m}`;
    }
    return undefined;
  }
  return 'unexpected expectation';
}
