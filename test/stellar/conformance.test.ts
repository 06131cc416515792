import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, fromJson, isNumber, kindOf } from '#stellar';
import { caseKey, loadCases, runCase } from './conformance.js';

/**
 * Metron's 874 Stellar test cases. Every case passes except those listed, with the reason, in
 * conformance-fixme.json; a listed case that starts passing fails this test until it is taken
 * off the list. STELLAR_FIXME=write rewrites the list from the current failures (review the diff).
 */

const FIXME_FILE = join(import.meta.dirname, 'conformance-fixme.json');
const TARGET = 0.97;

describe("Metron's Stellar cases", () => {
  const cases = loadCases();
  const results = cases.map((c) => ({ c, failure: runCase(c) }));
  const failures = results.filter((r) => r.failure !== undefined);

  if (process.env.STELLAR_FIXME === 'write') {
    const list: Record<string, string> = {};
    for (const f of failures) list[caseKey(f.c)] = f.failure as string;
    writeFileSync(FIXME_FILE, `${JSON.stringify(list, null, 2)}\n`);
  }
  const fixme: Record<string, string> = existsSync(FIXME_FILE)
    ? JSON.parse(readFileSync(FIXME_FILE, 'utf8'))
    : {};

  it(`passes at least ${TARGET * 100}% of the ${cases.length} cases`, () => {
    const rate = (cases.length - failures.length) / cases.length;
    expect(cases.length).toBe(874);
    expect(rate, `${failures.length} failures`).toBeGreaterThanOrEqual(TARGET);
  });

  it('fails only the cases on the fixme list, each with a reason', () => {
    const unexpected = failures
      .filter((f) => !(caseKey(f.c) in fixme))
      .map((f) => `${caseKey(f.c)} → ${f.failure}`);
    expect(unexpected).toEqual([]);
    for (const reason of Object.values(fixme)) expect(reason.length).toBeGreaterThan(10);
  });

  it('has no case on the fixme list that now passes', () => {
    const failing = new Set(failures.map((f) => caseKey(f.c)));
    const fixed = Object.keys(fixme).filter((k) => !failing.has(k));
    expect(fixed).toEqual([]);
  });
});

describe("Metron's Stellar type cases", () => {
  it('gives each of the 42 results the Java class Metron asserts', () => {
    const file = join(import.meta.dirname, '..', 'fixtures', 'metron', 'stellar', 'stellar-type-cases.jsonl');
    const kinds: Record<string, string> = { Integer: 'int', Long: 'long', Float: 'float', Double: 'double' };
    const cases = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { expr: string; vars?: Record<string, unknown>; expect_class: string });
    expect(cases).toHaveLength(42);
    const wrong = cases
      .map((c) => {
        const vars = new Map(Object.entries(c.vars ?? {}).map(([k, v]) => [k, fromJson(v)]));
        const result = compile(c.expr).evaluate(vars);
        const kind = isNumber(result) ? kindOf(result) : typeof result;
        return kind === kinds[c.expect_class]
          ? undefined
          : `${c.expr}: ${c.expect_class} expected, got ${kind}`;
      })
      .filter((x) => x !== undefined);
    expect(wrong).toEqual([]);
  });
});
