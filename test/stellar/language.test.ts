import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOUBLE_FIELDS, type Event } from '#core';
import {
  compile,
  type JNum,
  kindOf,
  Lambda,
  parse,
  StellarError,
  toJavaString,
  toJson,
  type Value,
} from '#stellar';

/** The language itself: parsing, semantics the Metron cases do not pin down, limits, diagnostics. */

const run = (expr: string, vars: Record<string, unknown> = {}) => compile(expr).evaluate(vars);
const fails = (expr: string, vars: Record<string, unknown> = {}): StellarError => {
  try {
    run(expr, vars);
  } catch (e) {
    if (e instanceof StellarError) return e;
    throw e;
  }
  throw new Error(`${expr} did not fail`);
};

describe('Stellar semantics', () => {
  it('keeps Java number kinds through arithmetic', () => {
    expect(run('5 / 2')).toBe(2);
    expect(run('5.0 / 2')).toBe(2.5);
    expect(kindOf(run('2.0 * 1') as JNum)).toBe('double');
    expect(toJavaString(run('2.0 * 1'))).toBe('2.0');
    expect(kindOf(run('1L + 1') as JNum)).toBe('long');
    expect(kindOf(run('1.5f + 1') as JNum)).toBe('float');
    expect(run('null + 1')).toBe(1);
    expect(toJson(run('1.0 / 0'))).toBe('Infinity');
    expect(fails('1 / 0').code).toBe('S203');
    // Division by zero is a run-time error, as in Metron: the rule loads, each evaluation fails.
    const divide = compile('1 / 0');
    expect(() => divide.evaluate()).toThrow(/division by zero/);
  });

  it("prints numbers as Java's toString does", () => {
    const cases: [string, string][] = [
      ['0.5', '0.5'],
      ['0.15', '0.15'],
      ['-0.001', '-0.001'],
      ['0.0001', '1.0E-4'],
      ['1.0E7', '1.0E7'],
      ['1234567.0', '1234567.0'],
      ['2.0', '2.0'],
      ['-2.5', '-2.5'],
      ['1e300', '1.0E300'],
      ['0.1f', '0.1'],
      ['1.0f / 3', '0.33333334'],
      ['1.0 / 3', '0.3333333333333333'],
      ['3000000000L', '3000000000'],
    ];
    for (const [expr, text] of cases) expect(toJavaString(run(expr)), expr).toBe(text);
  });

  it('does not wrap an int sum that leaves 32 bits (an event counter stays exact)', () => {
    expect(run('a + b', { a: 2_000_000_000, b: 2_000_000_000 })).toBe(4_000_000_000);
  });

  it('parses and/or at one level, right to left, and in with a comparison on its right', () => {
    expect(run('true or false and false')).toBe(true); // true or (false and false)
    expect(run('false and false or true')).toBe(false); // false and (false or true)
    expect(run("'grok' in 'grokbar' == true")).toBe(false);
    expect(run("false in 'grokbar' == true")).toBe(true);
  });

  it('short-circuits and, or, if and match', () => {
    const vars = { x: 1 };
    expect(run('x == 1 or NO_SUCH_VAR_USED', vars)).toBe(true);
    expect(run('x == 2 and undefined_thing', vars)).toBe(false);
    expect(run("if x == 1 then 'a' else missing", vars)).toBe('a');
    expect(run("match{ x == 1 => 'one', default => missing }", vars)).toBe('one');
  });

  it('reads dotted names as one flat field and a parser-known double as a double', () => {
    const event: Event = {
      'enrichments.geo.ip_dst_addr.country': 'NL',
      ttl: 3600,
      [DOUBLE_FIELDS]: new Set(['ttl']),
    };
    expect(run("enrichments.geo.ip_dst_addr.country == 'NL'", event as Record<string, unknown>)).toBe(true);
    expect(toJavaString(run('ttl', event as Record<string, unknown>))).toBe('3600.0');
    expect(
      toJson(run("MAP_GET('enrichments.geo.ip_dst_addr.country', _)", event as Record<string, unknown>)),
    ).toBe('NL');
  });

  it('undefined variables fail in expression mode and read null when asked', () => {
    expect(fails('nope').code).toBe('S201');
    expect(compile('nope == null', { missing: 'null' }).evaluate({})).toBe(true);
    expect(run('exists(nope)')).toBe(false);
  });

  it('predicate mode: blank is true, null is false, other values are an error', () => {
    expect(compile('  ', { mode: 'predicate' }).evaluate()).toBe(true);
    expect(compile('x', { mode: 'predicate', missing: 'null' }).evaluate({})).toBe(false);
    expect(() => compile("'yes'", { mode: 'predicate' }).evaluate()).toThrow(StellarError);
  });

  it('lambdas see their parameters, the enclosing ones, and the event', () => {
    const vars = { k: 10 };
    expect(toJson(run('MAP([1, 2], x -> MAP([100, 200], y -> x + y + k))', vars))).toEqual([
      [111, 211],
      [112, 212],
    ]);
    expect(run('x -> x')).toBeInstanceOf(Lambda);
  });

  it('folds pure calls of constants at compile time, not impure ones', () => {
    const folded = compile("TO_UPPER('abc') == 'ABC'");
    expect(folded.evaluate()).toBe(true);
  });
});

describe('limits', () => {
  it('refuses a rule nested too deep or too large, with S105', () => {
    const deep = `${'('.repeat(500)}1${')'.repeat(500)}`;
    expect(() => parse(deep)).toThrow(/nests deeper than 200/);
    const wide = Array.from({ length: 30_000 }, () => '1').join(' + ');
    try {
      compile(wide);
      throw new Error('compiled');
    } catch (e) {
      expect((e as StellarError).code).toBe('S105');
    }
  });

  it('stops an evaluation that exceeds its step budget', () => {
    const big = Array.from({ length: 5000 }, (_, i) => i);
    const e = (() => {
      try {
        compile('MAP(xs, x -> MAP(xs, y -> y))', { limits: { maxSteps: 100_000 } }).evaluate({ xs: big });
      } catch (err) {
        return err as StellarError;
      }
      return undefined;
    })();
    expect(e?.code).toBe('S205');
  });
});

describe('diagnostics (golden: test/stellar/golden/diagnostics.txt; UPDATE_GOLDEN=1 rewrites it)', () => {
  const file = join(import.meta.dirname, 'golden', 'diagnostics.txt');
  const text = readFileSync(file, 'utf8');
  const sections = text.split(/^=== /m).slice(1);
  const rendered = sections.map((section) => {
    const [expr] = section.split(/\n--- \n?/);
    const source = (expr ?? '').replace(/\n$/, '');
    let out: string;
    try {
      const v: Value = compile(source).evaluate({ a: 1, b: 2, c: 3, ip_src_addr: '10.0.0.1' });
      out = `ok: ${JSON.stringify(toJson(v))}`;
    } catch (e) {
      out = e instanceof StellarError ? e.render() : `not a diagnostic: ${String(e)}`;
    }
    return { source, out };
  });
  const expected = rendered.map((r) => `=== ${r.source}\n--- \n${r.out}\n`).join('');
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, expected);

  it('renders each failure with its code, message, line and caret', () => {
    expect(text).toBe(expected);
    for (const r of rendered) expect(r.out).toMatch(/^error\[S\d{3}\]: /);
  });
});
