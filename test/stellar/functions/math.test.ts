import { describe, expect, it } from 'vitest';
import {
  compile,
  fromJson,
  JNum,
  kindOf,
  num,
  numValue,
  StellarError,
  type StellarNumber,
  toJson,
  type Value,
} from '#stellar';
import { MATH_FUNCTIONS } from '../../../stellar/functions/math.js';
import { expectFullyDescribed } from '../../helpers/stellar.js';

const run = (expr: string, vars: Record<string, Value> = {}): Value =>
  compile(expr).evaluate(new Map(Object.entries(vars)));

/** A number result: its kind and value. */
function number(expr: string, vars: Record<string, Value> = {}): { kind: string; value: number } {
  const r = run(expr, vars) as StellarNumber;
  return { kind: kindOf(r), value: numValue(r) };
}

describe('math function definitions', () => {
  it('describes every function fully', () => {
    expectFullyDescribed(MATH_FUNCTIONS, { families: ['math', 'ordinal'], namespaces: () => [''] });
  });
  it('covers the whole family', () => {
    expect(MATH_FUNCTIONS.map((d) => d.name).sort()).toEqual(
      [
        'ABS',
        'CEILING',
        'COS',
        'EXP',
        'FLOOR',
        'IS_NAN',
        'LN',
        'LOG10',
        'LOG2',
        'MAX',
        'MIN',
        'ROUND',
        'SIN',
        'SQRT',
        'TAN',
      ].sort(),
    );
  });
});

describe('math functions', () => {
  it('return Java doubles, whole ones boxed', () => {
    expect(number('SQRT(4)')).toEqual({ kind: 'double', value: 2 });
    expect(number('ABS(-5)')).toEqual({ kind: 'double', value: 5 });
    expect(number('FLOOR(2)')).toEqual({ kind: 'double', value: 2 });
    expect(number('CEILING(1.5f)')).toEqual({ kind: 'double', value: 2 });
    expect(number('LOG2(8)')).toEqual({ kind: 'double', value: 3 });
    expect(number('LOG10(100000)')).toEqual({ kind: 'double', value: 5 });
    expect(run('SQRT(4)')).toBeInstanceOf(JNum);
  });

  it('read a float at its binary32 value', () => {
    expect(numValue(run('ABS(-0.1f)') as StellarNumber)).toBe(Math.fround(0.1));
  });

  it('give NaN for a missing or null argument and fail on anything but a number', () => {
    expect(Number.isNaN(numValue(run('ABS()') as StellarNumber))).toBe(true);
    expect(Number.isNaN(numValue(run('LN(x)', { x: null }) as StellarNumber))).toBe(true);
    expect(() => run("SQRT('4')")).toThrow(/SQRT takes a number/);
    expect(() => run('TAN(true)')).toThrow(StellarError);
    expect(() => run('COS([1])')).toThrow(StellarError);
  });

  it('keep NaN and the infinities', () => {
    expect(toJson(run('EXP(1000)'))).toBe('Infinity');
    expect(toJson(run('LN(0.0)'))).toBe('-Infinity');
    expect(toJson(run('SIN(NaN)'))).toBe('NaN');
    expect(toJson(run('SQRT(-10.5)'))).toBe('NaN');
  });

  it('match the values Metron tests for', () => {
    const close = (expr: string, want: number) =>
      expect(numValue(run(expr) as StellarNumber)).toBeCloseTo(want, 12);
    close('SIN(0.5235987755982988)', 0.5);
    close('COS(1.0471975511965976)', 0.5);
    close('TAN(0.7853981633974483)', 1);
    close('EXP(0.5)', 1.6487212707001282);
    close('LN(22026.465794806703)', 10);
    close('LOG2(1024.0)', 10);
    close('LOG10(1.0E10)', 10);
  });

  it('ROUND rounds halves up to a long, keeping NaN a double', () => {
    expect(number('ROUND(2.5)')).toEqual({ kind: 'long', value: 3 });
    expect(number('ROUND(-2.5)')).toEqual({ kind: 'long', value: -2 });
    expect(number('ROUND(0.49999999999999994)')).toEqual({ kind: 'long', value: 0 });
    expect(number('ROUND(7)')).toEqual({ kind: 'long', value: 7 });
    expect(number('ROUND(NaN)').kind).toBe('double');
    expect(Object.is(numValue(run('ROUND(-0.4)') as StellarNumber), 0)).toBe(true);
    expect(number('ROUND(1e300)')).toEqual({ kind: 'long', value: 2 ** 63 });
  });

  it('IS_NAN takes exactly one number', () => {
    expect(run('IS_NAN(0.0/0.0)')).toBe(true);
    expect(run('IS_NAN(1.0/0.0)')).toBe(false);
    expect(run('IS_NAN(5L)')).toBe(false);
    expect(() => compile('IS_NAN()')).toThrow(StellarError);
    expect(() => run('IS_NAN(x)', { x: null })).toThrow(/IS_NAN takes a number/);
  });
});

describe('MAX and MIN', () => {
  const list = (json: unknown, kinds: unknown) => fromJson(json, kinds);

  it('keep the element, with its kind, across mixed numbers', () => {
    const mixed = list([12, 56.0, 56.3], ['long', 'double', 'double']);
    expect(run('MAX(xs)', { xs: mixed })).toBe(56.3);
    const longs = list([12, 56.0, 457], ['long', 'double', 'long']);
    expect(number('MIN(xs)', { xs: longs })).toEqual({ kind: 'long', value: 12 });
    expect(number('MAX(xs)', { xs: list([12, 56], ['int', 'int']) })).toEqual({ kind: 'int', value: 56 });
    expect(number('MAX(xs)', { xs: list([1, 2.0], ['int', 'double']) })).toEqual({
      kind: 'double',
      value: 2,
    });
  });

  it('take sets and skip nulls', () => {
    expect(run('MAX(s)', { s: new Set<Value>([num('long', 14), 15.3, 15]) })).toBe(15.3);
    expect(number('MIN(xs)', { xs: [56, 12, 23, null] })).toEqual({ kind: 'int', value: 12 });
    expect(run('MAX(xs)', { xs: [null, null] })).toBeNull();
    expect(run('MIN(SET_INIT())')).toBeNull();
  });

  it('order strings by UTF-16 code units and booleans false before true', () => {
    expect(run("MAX(['value3', 'value1', '23', 'value2'])")).toBe('value3');
    expect(run("MIN(['b', 'B', 'a'])")).toBe('B');
    expect(run('MAX([true, false])')).toBe(true);
    expect(run('MIN([true, false])')).toBe(false);
  });

  it('convert the extreme so far to the next element type, as Metron does', () => {
    // 1 becomes "1", which sorts before "a".
    expect(run("MAX([1, 'a'])")).toBe('a');
    // "23" becomes the int 23.
    expect(run("MAX(['23', 25])")).toBe(25);
    expect(() => run("MAX(['abc', 25])")).toThrow(/cannot compare string abc with int 25/);
    // 'true' becomes the boolean true.
    expect(run("MIN(['true', false])")).toBe(false);
    expect(() => run("MIN(['maybe', false])")).toThrow(StellarError);
    // 56.7 truncates to 56, not above 56: the double stays.
    expect(run('MIN([56.7, 56])')).toBe(56.7);
    // A long beyond the int range cannot become an int.
    expect(() => run('MAX([3000000000L, 1])')).toThrow(StellarError);
  });

  it('order NaN above every number, as Double.compareTo does', () => {
    expect(toJson(run('MAX([1.0, NaN, 2.0])'))).toBe('NaN');
    expect(toJson(run('MIN([NaN, 1.0])'))).toBe(1);
  });

  it('fail on what cannot be ordered', () => {
    expect(() => run('MAX([[1], [2]])')).toThrow(/cannot order a list/);
    expect(() => run("MIN([{'a': 1}])")).toThrow(StellarError);
    expect(() => run('MAX(5)')).toThrow(/takes a list of values/);
    expect(() => run("MAX({'a': 1})")).toThrow(StellarError);
    expect(() => run('MIN(x)', { x: null })).toThrow(StellarError);
    expect(() => compile('MAX()')).toThrow(StellarError);
  });

  it('ask a statistics object for its extremes', () => {
    class Stats {
      max(): Value {
        return 9;
      }
      min(): Value {
        return new JNum('double', 1);
      }
    }
    const max = run('MAX(s)', { s: new Stats() });
    // A plain number from the sketch is still Metron's double.
    expect(kindOf(max as StellarNumber)).toBe('double');
    expect(numValue(max as StellarNumber)).toBe(9);
    expect(numValue(run('MIN(s)', { s: new Stats() }) as StellarNumber)).toBe(1);
    class Other {
      max(): Value {
        return 1;
      }
    }
    expect(() => run('MAX(s)', { s: new Other() })).toThrow(/takes a list of values or a statistics object/);
  });
});
