import { describe, expect, it } from 'vitest';
import {
  compile,
  kindOf,
  num,
  numValue,
  StellarError,
  type StellarNumber,
  toJson,
  type Value,
} from '#stellar';
import { COLLECTION_FUNCTIONS } from '../../../stellar/functions/collections.js';
import { expectFullyDescribed } from '../../helpers/stellar.js';

const run = (expr: string, vars: Record<string, Value> = {}): Value =>
  compile(expr).evaluate(new Map(Object.entries(vars)));
const json = (expr: string, vars: Record<string, Value> = {}): unknown => toJson(run(expr, vars));

describe('collection function definitions', () => {
  it('describes every function fully', () => {
    expectFullyDescribed(COLLECTION_FUNCTIONS, {
      families: ['collection', 'functional'],
      namespaces: (def) => ['', def.name.includes('_') ? def.name.slice(0, def.name.indexOf('_')) : ''],
      pure: () => true,
    });
  });

  it('covers the whole family', () => {
    expect(COLLECTION_FUNCTIONS.map((d) => d.name).sort()).toEqual(
      [
        'LENGTH',
        'IS_EMPTY',
        'LIST_ADD',
        'GET',
        'GET_FIRST',
        'GET_LAST',
        'MAP_GET',
        'MAP_EXISTS',
        'MAP_PUT',
        'MAP_MERGE',
        'SET_INIT',
        'SET_ADD',
        'SET_REMOVE',
        'SET_MERGE',
        'MULTISET_INIT',
        'MULTISET_ADD',
        'MULTISET_REMOVE',
        'MULTISET_MERGE',
        'MULTISET_TO_SET',
        'MAP',
        'FILTER',
        'REDUCE',
        'ZIP',
        'ZIP_LONGEST',
      ].sort(),
    );
  });
});

describe('functions that add and remove', () => {
  it("change the set or map they are given, as Metron's do (a host's list arrives as a copy)", () => {
    const list: Value[] = [1];
    expect(json('LIST_ADD(l, 2)', { l: list })).toEqual([1, 2]);
    expect(list).toEqual([1]);

    const set = new Set<Value>([1, 2]);
    expect(json('SET_ADD(s, 3)', { s: set })).toEqual([1, 2, 3]);
    expect(json('SET_REMOVE(s, 1)', { s: set })).toEqual([2, 3]);
    expect([...set]).toEqual([2, 3]);

    const map = new Map<Value, Value>([['a', 1]]);
    expect(json("MAP_PUT('b', 2, m)", { m: map })).toEqual({ a: 1, b: 2 });
    expect(json("MULTISET_ADD(m, 'a')", { m: map })).toEqual({ a: 2, b: 2 });
    expect(json("MULTISET_REMOVE(m, 'a')", { m: map })).toEqual({ a: 1, b: 2 });
    expect([...map]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('return the very collection they were given, so a growing set is never copied', () => {
    const set = new Set<Value>();
    const map = new Map<Value, Value>();
    expect(compile('SET_ADD(s, 1)').evaluate({ s: set })).toBe(set);
    expect(compile('SET_REMOVE(s, 1)').evaluate({ s: set })).toBe(set);
    expect(compile("MAP_PUT('k', 1, m)").evaluate({ m: map })).toBe(map);
    expect(compile("MULTISET_ADD(m, 'x')").evaluate({ m: map })).toBe(map);
  });

  it('do not change a constant folded at compile time between evaluations', () => {
    // SET_INIT(), ZIP(), MULTISET_INIT() and MAP_PUT of literals are folded into one shared value.
    const added = compile('SET_ADD(SET_INIT(), x)');
    expect(toJson(added.evaluate({ x: 2 }))).toEqual([2]);
    expect(toJson(added.evaluate({ x: 3 }))).toEqual([3]);

    const listed = compile('LIST_ADD(ZIP(), x)');
    expect(toJson(listed.evaluate({ x: 'b' }))).toEqual(['b']);
    expect(toJson(listed.evaluate({ x: 'c' }))).toEqual(['c']);

    const counted = compile('MULTISET_ADD(MULTISET_INIT(), x)');
    expect(toJson(counted.evaluate({ x: 'a' }))).toEqual({ a: 1 });
    expect(toJson(counted.evaluate({ x: 'a' }))).toEqual({ a: 1 });

    const put = compile("MAP_PUT(k, 1, MAP_PUT('a', 0, null))");
    expect(toJson(put.evaluate({ k: 'b' }))).toEqual({ a: 0, b: 1 });
    expect(toJson(put.evaluate({ k: 'c' }))).toEqual({ a: 0, c: 1 });
  });
});

describe('sets and multisets', () => {
  it('compare elements with Java equality: an int is not a long', () => {
    expect(json('LENGTH(SET_INIT([1, 1L, 1, 1.0]))')).toBe(3);
    expect(json('LENGTH(SET_ADD(SET_INIT([[1, 2]]), [1, 2], [2, 1]))')).toBe(2);
    expect(json('SET_REMOVE(SET_INIT([[1], 1L, 1]), [1], 1L)')).toEqual([1]);
    expect(json('MULTISET_INIT([1L, 1L, 1])')).toEqual({ '1': 1 });
    expect(json('LENGTH(MULTISET_INIT([1L, 1L, 1]))')).toBe(2);
  });

  it('keep insertion order, counts as ints', () => {
    expect(json("SET_INIT(['c', 'a', 'b', 'a'])")).toEqual(['c', 'a', 'b']);
    const m = run("MULTISET_INIT(['x', 'x'])") as Map<Value, Value>;
    expect(kindOf(m.get('x') as StellarNumber)).toBe('int');
    expect(json('MULTISET_MERGE([MULTISET_INIT([1]), null, MULTISET_INIT([1, 2])])')).toEqual({
      '1': 2,
      '2': 1,
    });
  });

  it('skip null values to add, and start from null', () => {
    expect(json('SET_ADD(null, null, 1)')).toEqual([1]);
    expect(json('SET_INIT([null, 1])')).toEqual([null, 1]);
    expect(json('MULTISET_ADD(null, null)')).toEqual({});
    expect(json('SET_ADD()')).toBeNull();
    expect(json('MULTISET_REMOVE()')).toBeNull();
    expect(json('SET_MERGE()')).toBeNull();
    expect(json('SET_MERGE(null)')).toEqual([]);
  });

  it('fail on the wrong kind of collection', () => {
    expect(() => run("SET_REMOVE({'a': 1}, 'a')")).toThrow(/takes a set/);
    expect(() => run("MULTISET_ADD(SET_INIT(), 'a')")).toThrow(/takes a multiset/);
    expect(() => run("MULTISET_TO_SET(['a'])")).toThrow(StellarError);
    expect(() => run('SET_MERGE([1, 2])')).toThrow(StellarError);
    expect(() => run('MULTISET_MERGE([[1]])')).toThrow(StellarError);
    expect(() => run('MULTISET_MERGE(null)')).toThrow(StellarError);
    expect(() => run("MULTISET_ADD({'a': 'x'}, 'a')")).toThrow(/count must be an int/);
    expect(() => run("MULTISET_MERGE([{'a': 1}, {'a': 2L}])")).toThrow(/count must be an int/);
  });
});

describe('maps', () => {
  it('look keys up with Java equality', () => {
    expect(json("MAP_GET(1, {1: 'int'})")).toBe('int');
    expect(json("MAP_GET(1L, {1: 'int'})")).toBeNull();
    expect(json("MAP_GET([1], {[1]: 'list'})")).toBe('list');
    expect(json("MAP_EXISTS([1], {[1]: 'list'})")).toBe(true);
    expect(json("MAP_PUT([1], 'new', {[1]: 'old'})")).toEqual({ '[1]': 'new' });
  });

  it('MAP_GET falls back to the default only for a missing or null value', () => {
    expect(json("MAP_GET('k', {'k': false}, true)")).toBe(false);
    expect(json("MAP_GET('k', null, 'd')")).toBe('d');
    expect(json("MAP_GET('k', {})")).toBeNull();
    expect(() => compile("MAP_GET('k')")).toThrow(StellarError);
  });

  it('MAP_MERGE keeps the first position of a key and the last value', () => {
    expect(json("MAP_MERGE([{'a': 1, 'b': 2}, {'c': 3, 'a': 4}])")).toEqual({ a: 4, b: 2, c: 3 });
    const merged = run("MAP_MERGE([{'a': 1, 'b': 2}, {'c': 3, 'a': 4}])") as Map<Value, Value>;
    expect([...merged.keys()]).toEqual(['a', 'b', 'c']);
    expect(json('MAP_MERGE([5])')).toBe(5);
    expect(json('MAP_MERGE(null)')).toEqual({});
    expect(json('MAP_MERGE()')).toBeNull();
  });

  it('MAP_PUT needs all three arguments', () => {
    expect(() => compile("MAP_PUT('k', 'v')")).toThrow(StellarError);
  });
});

describe('lists', () => {
  it('GET needs an int index within the list', () => {
    expect(json('GET([1, 2, 3], 0)')).toBe(1);
    expect(() => run('GET([1, 2, 3], 0L)')).toThrow(/int index/);
    expect(() => run('GET([1, 2, 3], null)')).toThrow(StellarError);
    expect(() => run('GET(SET_INIT([1]), 0)')).toThrow(/takes a list/);
    expect(json('GET([], 5)')).toBeNull();
  });

  it('GET_FIRST and GET_LAST take lists only', () => {
    expect(() => run('GET_FIRST(SET_INIT([1]))')).toThrow(StellarError);
    expect(json('GET_LAST([1, null])')).toBeNull();
  });

  it('LENGTH and IS_EMPTY read strings in UTF-16 units and collections by size', () => {
    expect(json("LENGTH('😀')")).toBe(2);
    expect(json('LENGTH(SET_INIT([1, 2]))')).toBe(2);
    expect(json('LENGTH()')).toBe(0);
    expect(json('IS_EMPTY()')).toBe(true);
    expect(json('IS_EMPTY(SET_INIT())')).toBe(true);
    expect(json("IS_EMPTY(' ')")).toBe(false);
    expect(() => run('LENGTH(nothing)')).toThrow(StellarError);
  });

  it('LIST_ADD returns anything but a list as it is', () => {
    expect(json('LIST_ADD()')).toBeNull();
    expect(json('LIST_ADD(null, 1)')).toBeNull();
    expect(json('LIST_ADD(SET_INIT([1]), 2)')).toEqual([1]);
  });
});

describe('functional functions', () => {
  it('MAP and FILTER run the lambda per element', () => {
    expect(json('MAP([[1, 2, 3], [4, 5, 6]], l -> REDUCE(l, (x, y) -> x + y, 0))')).toEqual([6, 15]);
    expect(json('FILTER([1, 2, 3, 4], x -> x > 2)')).toEqual([3, 4]);
    // `or` stops at the first true: GET(null, 0) would fail.
    expect(json("FILTER(['foo'], item -> item == 'foo' or GET(null, 0))")).toEqual(['foo']);
    expect(json('MAP([1, 2], null)')).toEqual([1, 2]);
    expect(json('FILTER(null, x -> true)')).toBeNull();
    expect(() => run('MAP([1], 5)')).toThrow(/takes a lambda/);
    expect(() => compile('MAP([1])')).toThrow(StellarError);
  });

  it('a lambda sees missing arguments as null and ignores extra ones', () => {
    expect(json('MAP([1, 2], (x, y) -> y == null)')).toEqual([true, true]);
    expect(json('MAP([1, 2], () -> 0)')).toEqual([0, 0]);
  });

  it('REDUCE keeps the kind arithmetic gives', () => {
    const r = run('REDUCE([1, 2.5], (s, x) -> s + x, 0L)') as StellarNumber;
    expect(kindOf(r)).toBe('double');
    expect(numValue(r)).toBe(3.5);
    expect(kindOf(run('REDUCE([1, 2], (s, x) -> s + x, 0L)') as StellarNumber)).toBe('long');
    expect(json('REDUCE(null, (s, x) -> s + x, 0)')).toBeNull();
    expect(json('REDUCE([1])')).toBeNull();
    expect(() => run("REDUCE('abc', (s, x) -> s, 0)")).toThrow(StellarError);
    expect(() => run('REDUCE([1], 5, 0)')).toThrow(StellarError);
  });

  it('ZIP and ZIP_LONGEST pair up list elements', () => {
    expect(json('ZIP([1, 2, 3], [4, 5, 6], [7, 8])')).toEqual([
      [1, 4, 7],
      [2, 5, 8],
    ]);
    expect(json('ZIP_LONGEST([1], [], null, [3, 4])')).toEqual([
      [1, null, 3],
      [null, null, 4],
    ]);
    expect(json('ZIP(SET_INIT([1]), 5)')).toEqual([]);
    expect(json('ZIP_LONGEST()')).toEqual([]);
    const l = [num('long', 1)];
    expect(kindOf(run('GET_FIRST(GET_FIRST(ZIP(l)))', { l }) as StellarNumber)).toBe('long');
    expect(
      json('REDUCE(ZIP_LONGEST(list2, list1), (s, x) -> s + GET_FIRST(x) * GET_LAST(x), 0)', {
        list1: [1, 2, 3],
        list2: [4, 5, 6, 7],
      }),
    ).toBe(32);
  });
});
