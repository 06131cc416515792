import {
  isNumber,
  javaEquals,
  kindOf,
  Lambda,
  mapGet,
  mapKey,
  numValue,
  setHas,
  toJavaString,
  typeName,
  type Value,
} from '../values.js';
import { type FunctionDef, fail } from './types.js';

/**
 * Metron's collection functions (DataStructureFunctions, MapFunctions, SetFunctions, the list
 * getters of StringFunctions) and functional ones (FunctionalFunctions).
 *
 * As in Metron, LIST_ADD, SET_ADD, SET_REMOVE, MULTISET_ADD, MULTISET_REMOVE and MAP_PUT change
 * the collection they are given and return it, so a profile adding to a set per message pays
 * for one insertion, not a copy of the set. That is safe here because nothing shares a
 * collection between evaluations: the compiler never folds a call into a shared object, list
 * and map literals are made afresh each time, an event's lists reach a rule as copies, and
 * PROFILE_GET decodes each measurement anew.
 */

const isIterable = (v: Value): v is Value[] | Set<Value> => Array.isArray(v) || v instanceof Set;
const isMap = (v: Value): v is Map<Value, Value> => v instanceof Map;

/** `set.add(x)` with Java equality (boxed numbers, lists and maps by value). */
function addTo(set: Set<Value>, x: Value): void {
  if (!setHas(set, x)) set.add(x);
}

/** `set.remove(x)` with Java equality. */
function removeFrom(set: Set<Value>, x: Value): void {
  if (set.delete(x) || typeof x !== 'object' || x === null) return;
  for (const y of set) {
    if (javaEquals(x, y)) {
      set.delete(y);
      return;
    }
  }
}

/** An int count of a multiset; Metron's counts are Integers and anything else fails its cast. */
function countOf(v: Value, fn: string): number {
  if (isNumber(v) && kindOf(v) === 'int') return numValue(v);
  return fail(`${fn}: a multiset count must be an int, not ${typeName(v)} ${toJavaString(v)}`);
}

/** `multiset.merge(x, n, Integer::sum)`. */
function addCount(multiset: Map<Value, Value>, x: Value, n: Value, fn: string): void {
  const key = mapKey(multiset, x);
  const current = multiset.get(key);
  if (current === undefined || current === null) multiset.set(key, n);
  else multiset.set(key, (countOf(current, fn) + countOf(n, fn)) | 0);
}

function setArgument(v: Value, fn: string): Set<Value> {
  if (v === null) return new Set();
  if (!(v instanceof Set)) fail(`${fn} takes a set (from SET_INIT), not ${typeName(v)}`);
  return v;
}

function multisetArgument(v: Value, fn: string): Map<Value, Value> {
  if (v === null) return new Map();
  if (!isMap(v)) fail(`${fn} takes a multiset (from MULTISET_INIT), not ${typeName(v)}`);
  return v;
}

function iterableArgument(v: Value, fn: string): Value[] | Set<Value> {
  if (!isIterable(v)) return fail(`${fn} takes a list or set, not ${typeName(v)} ${toJavaString(v)}`);
  return v;
}

/** A list argument Metron casts to `List`: null and non-lists fail. */
function listArgument(v: Value, fn: string): Value[] {
  if (!Array.isArray(v)) return fail(`${fn} takes a list, not ${typeName(v)}`);
  return v;
}

function lambdaArgument(v: Value, fn: string): Lambda | null {
  if (v === null || v instanceof Lambda) return v;
  return fail(`${fn} takes a lambda such as x -> x + 1, not ${typeName(v)}`);
}

/** The length of a string or the size of a list, set or map; undefined for anything else. */
function sizeOf(v: Value): number | undefined {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v instanceof Set || v instanceof Map) return v.size;
  return undefined;
}

/**
 * SET_ADD, SET_REMOVE, MULTISET_ADD and MULTISET_REMOVE: a copy of the collection (a new one for
 * null) changed by each non-null value in turn; null when called with no arguments.
 */
function changed<C extends Value>(
  args: readonly Value[],
  collection: (v: Value) => C,
  change: (collection: C, x: Value) => void,
): Value {
  if (args.length === 0) return null;
  const out = collection(args[0] as Value);
  for (let i = 1; i < args.length; i++) if (args[i] !== null) change(out, args[i] as Value);
  return out;
}

/** `multiset.computeIfPresent(x, n -> n == 1 ? null : n - 1)`. */
function removeCount(multiset: Map<Value, Value>, x: Value, fn: string): void {
  const key = mapKey(multiset, x);
  const current = multiset.get(key);
  if (current === undefined || current === null) return;
  const n = countOf(current, fn);
  if (n === 1) multiset.delete(key);
  else multiset.set(key, (n - 1) | 0);
}

/** MAP and FILTER's arguments: the list (null or a list, else an error) and the lambda (may be null). */
function listAndLambda(args: readonly Value[], fn: string): [Value[] | null, Lambda | null] {
  const input = args[0] ?? null;
  if (input !== null) listArgument(input, fn);
  return [input as Value[] | null, lambdaArgument(args[1] ?? null, fn)];
}

/** ZIP and ZIP_LONGEST: arguments that are not lists are skipped. */
function zip(args: readonly Value[], longest: boolean): Value[][] {
  const lists = args.filter((a): a is Value[] => Array.isArray(a));
  if (lists.length === 0) return [];
  let size = (lists[0] as Value[]).length;
  for (const l of lists) size = longest ? Math.max(size, l.length) : Math.min(size, l.length);
  const out = new Array<Value[]>(size);
  for (let i = 0; i < size; i++) out[i] = lists.map((l) => (i < l.length ? (l[i] as Value) : null));
  return out;
}

const SET_PARAM = { name: 'set', description: 'A set (null starts an empty one)', optional: true } as const;
const MULTISET_PARAM = {
  name: 'multiset',
  description: 'A multiset, a map of value to int count (null starts an empty one)',
  optional: true,
} as const;

export const COLLECTION_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'LENGTH',
    namespace: '',
    family: 'collection',
    description: 'The length of a string or the size of a list, set or map.',
    params: [
      { name: 'input', description: 'A string or collection; anything else counts 0', optional: true },
    ],
    returns: 'an int',
    pure: true,
    examples: [
      { expr: "LENGTH('abcde')", expect: 5 },
      { expr: 'LENGTH([1, 2, 3])', expect: 3 },
      { expr: "LENGTH({'a': 1})", expect: 1 },
      { expr: 'LENGTH(null)', expect: 0 },
      { expr: 'LENGTH(42)', expect: 0 },
    ],
    call: (args) => sizeOf(args[0] ?? null) ?? 0,
  },
  {
    name: 'IS_EMPTY',
    namespace: '',
    family: 'collection',
    description: 'Whether a string, list, set or map is empty or null.',
    params: [
      { name: 'input', description: 'A string or collection (missing counts as empty)', optional: true },
    ],
    returns: 'a boolean; false for any other non-null value',
    pure: true,
    examples: [
      { expr: "IS_EMPTY('')", expect: true },
      { expr: 'IS_EMPTY([])', expect: true },
      { expr: 'IS_EMPTY({})', expect: true },
      { expr: 'IS_EMPTY(null)', expect: true },
      { expr: "IS_EMPTY(['a'])", expect: false },
      { expr: 'IS_EMPTY(0)', expect: false },
    ],
    call: (args) => {
      const v = args[0] ?? null;
      return v === null || sizeOf(v) === 0;
    },
  },
  {
    name: 'LIST_ADD',
    namespace: 'LIST',
    family: 'collection',
    description: 'A list with an element added at the end.',
    params: [
      { name: 'list', description: 'The list; anything else is returned as it is', optional: true },
      { name: 'element', description: 'The element to add', optional: true },
    ],
    returns: 'the list, with the element added',
    pure: true,
    examples: [
      { expr: "LIST_ADD(['foo'], 1)", expect: ['foo', 1] },
      { expr: 'LIST_ADD(xs, null)', vars: { xs: [1] }, expect: [1, null] },
      { expr: "REDUCE(['foo', 'bar'], (l, x) -> LIST_ADD(l, x), [])", expect: ['foo', 'bar'] },
      { expr: 'LIST_ADD([1])', expect: [1] },
      { expr: "LIST_ADD('abc', 'd')", expect: 'abc' },
    ],
    call: (args) => {
      if (args.length === 0) return null;
      const list = args[0] as Value;
      if (args.length === 1 || !Array.isArray(list)) return list;
      list.push(args[1] as Value);
      return list;
    },
  },
  {
    name: 'GET',
    namespace: '',
    family: 'collection',
    description: "A list's element at a 0-based index.",
    params: [
      { name: 'list', description: 'The list' },
      { name: 'index', description: 'A 0-based int index' },
    ],
    returns: 'the element; null when the index is past the end',
    pure: true,
    examples: [
      { expr: "GET(['a', 'b'], 1)", expect: 'b' },
      { expr: "GET(['a', 'b'], 2)", expect: null },
      { expr: "GET(['a', 'b'], -1)", error: true },
      { expr: 'GET(null, 0)', error: true },
    ],
    call: (args) => {
      const list = listArgument(args[0] ?? null, 'GET');
      const index = args[1] ?? null;
      if (!isNumber(index) || kindOf(index) !== 'int') {
        return fail(`GET takes an int index, not ${typeName(index)} ${toJavaString(index)}`);
      }
      const i = numValue(index);
      if (i >= list.length) return null;
      if (i < 0) return fail(`GET: index ${i} is out of range`);
      return list[i] as Value;
    },
  },
  {
    name: 'GET_FIRST',
    namespace: '',
    family: 'collection',
    description: 'The first element of a list.',
    params: [{ name: 'list', description: 'The list' }],
    returns: 'the element; null for an empty list',
    pure: true,
    examples: [
      { expr: "GET_FIRST(['a', 'b'])", expect: 'a' },
      { expr: 'GET_FIRST([])', expect: null },
      { expr: 'GET_FIRST(null)', error: true },
    ],
    call: (args) => {
      const list = listArgument(args[0] ?? null, 'GET_FIRST');
      return list.length > 0 ? (list[0] as Value) : null;
    },
  },
  {
    name: 'GET_LAST',
    namespace: '',
    family: 'collection',
    description: 'The last element of a list.',
    params: [{ name: 'list', description: 'The list' }],
    returns: 'the element; null for an empty list',
    pure: true,
    examples: [
      { expr: "GET_LAST(['a', 'b'])", expect: 'b' },
      { expr: 'GET_LAST([])', expect: null },
      { expr: "GET_LAST('ab')", error: true },
    ],
    call: (args) => {
      const list = listArgument(args[0] ?? null, 'GET_LAST');
      return list.length > 0 ? (list[list.length - 1] as Value) : null;
    },
  },
  {
    name: 'MAP_GET',
    namespace: 'MAP',
    family: 'collection',
    description: 'The value of a key in a map, or a default.',
    params: [
      { name: 'key', description: 'The key' },
      { name: 'map', description: 'The map' },
      { name: 'default', description: 'Returned when the key is absent or its value null', optional: true },
    ],
    returns: 'the value, else the default, else null',
    pure: true,
    examples: [
      { expr: "MAP_GET('bar', {'foo': 1, 'bar': 2})", expect: 2 },
      { expr: "MAP_GET(dc, {'la': 'PST'}, 'UTC')", vars: { dc: 'nyc' }, expect: 'UTC' },
      { expr: "MAP_GET('k', {'k': null}, 'x')", expect: 'x' },
      { expr: "MAP_GET(null, {'k': 1})", expect: null },
      { expr: "MAP_GET('k', ['k'])", error: true },
    ],
    call: (args) => {
      const key = args[0] ?? null;
      const map = args[1] ?? null;
      const fallback = args[2] ?? null;
      if (key === null || map === null) return fallback;
      if (!isMap(map)) return fail(`MAP_GET takes a map, not ${typeName(map)}`);
      const value = mapGet(map, key) ?? null;
      return value === null ? fallback : value;
    },
  },
  {
    name: 'MAP_EXISTS',
    namespace: 'MAP',
    family: 'collection',
    description: 'Whether a map has a key.',
    params: [
      { name: 'key', description: 'The key', optional: true },
      { name: 'map', description: 'The map; anything else has no keys', optional: true },
    ],
    returns: 'a boolean',
    pure: true,
    examples: [
      { expr: "MAP_EXISTS('casey', {'casey': 'apple'})", expect: true },
      { expr: "MAP_EXISTS('k', {'k': null})", expect: true },
      { expr: "MAP_EXISTS('x', {'casey': 'apple'})", expect: false },
      { expr: "MAP_EXISTS('k', ['k'])", expect: false },
      { expr: 'MAP_EXISTS()', expect: false },
    ],
    call: (args) => {
      const key = args[0] ?? null;
      const map = args[1] ?? null;
      return key !== null && isMap(map) && mapGet(map, key) !== undefined;
    },
  },
  {
    name: 'MAP_PUT',
    namespace: 'MAP',
    family: 'collection',
    description: 'A map with a key set to a value.',
    params: [
      { name: 'key', description: 'The key' },
      { name: 'value', description: 'The value' },
      { name: 'map', description: 'The map (null starts an empty one)' },
    ],
    returns: 'the map, with the key set',
    pure: true,
    examples: [
      { expr: "MAP_PUT('b', 2, {'a': 1})", expect: { a: 1, b: 2 } },
      { expr: "MAP_PUT('a', 3, {'a': 1, 'b': 2})", expect: { a: 3, b: 2 } },
      { expr: "MAP_PUT('k', 'v', null)", expect: { k: 'v' } },
      { expr: "MAP_PUT('foo', 'bar', ['baz'])", error: true },
    ],
    call: (args) => {
      const [key = null, value = null, map = null] = args;
      if (map !== null && !isMap(map)) return fail(`MAP_PUT takes a map, not ${typeName(map)}`);
      const out = (map as Map<Value, Value> | null) ?? new Map<Value, Value>();
      out.set(mapKey(out, key), value);
      return out;
    },
  },
  {
    name: 'MAP_MERGE',
    namespace: 'MAP',
    family: 'collection',
    description: 'Merges a list of maps; for a key in several, the last one wins.',
    params: [{ name: 'maps', description: 'A list or set of maps (nulls skipped)', optional: true }],
    returns: 'a map; a one-element list gives its element as it is',
    pure: true,
    examples: [
      { expr: "MAP_MERGE([{'a': 1, 'b': 2}, {'b': 3}, null])", expect: { a: 1, b: 3 } },
      { expr: 'MAP_MERGE([])', expect: {} },
      { expr: "MAP_MERGE(['foo', 'bar'])", error: true },
    ],
    call: (args) => {
      if (args.length === 0) return null;
      const maps = args[0] as Value;
      const out = new Map<Value, Value>();
      if (maps === null) return out;
      const items = iterableArgument(maps, 'MAP_MERGE');
      const size = Array.isArray(items) ? items.length : items.size;
      if (size === 1) return items.values().next().value as Value;
      for (const m of items) {
        if (m === null) continue;
        if (!isMap(m)) return fail(`MAP_MERGE takes a list of maps, not one holding ${typeName(m)}`);
        for (const [k, v] of m) out.set(mapKey(out, k), v);
      }
      return out;
    },
  },
  {
    name: 'SET_INIT',
    namespace: 'SET',
    family: 'collection',
    description: 'A new insertion-ordered set, optionally holding the elements of a list or set.',
    params: [{ name: 'input', description: 'A list or set to start from', optional: true }],
    returns: 'a set',
    pure: true,
    examples: [
      { expr: 'SET_INIT()', expect: [] },
      { expr: "SET_INIT([1, 2, 'a', 2])", expect: [1, 2, 'a'] },
      { expr: "SET_INIT({'foo': 2})", error: true },
    ],
    call: (args) => {
      const out = new Set<Value>();
      const input = args[0] ?? null;
      if (input !== null) for (const x of iterableArgument(input, 'SET_INIT')) addTo(out, x);
      return out;
    },
  },
  {
    name: 'SET_ADD',
    namespace: 'SET',
    family: 'collection',
    description: 'A set with values added (nulls skipped).',
    params: [SET_PARAM, { name: 'values', description: 'Values to add', optional: true, variadic: true }],
    returns: 'the set, changed; null when called with no arguments',
    pure: true,
    examples: [
      { expr: 'SET_ADD(SET_INIT([1, 2]), 3, 1)', expect: [1, 2, 3] },
      { expr: 'SET_ADD(null, 1)', expect: [1] },
      { expr: 'SET_ADD([1], 2)', error: true },
    ],
    call: (args) => changed(args, (v) => setArgument(v, 'SET_ADD'), addTo),
  },
  {
    name: 'SET_REMOVE',
    namespace: 'SET',
    family: 'collection',
    description: 'A set with values removed.',
    params: [SET_PARAM, { name: 'values', description: 'Values to remove', optional: true, variadic: true }],
    returns: 'the set, changed; null when called with no arguments',
    pure: true,
    examples: [
      { expr: 'SET_REMOVE(SET_INIT([1, 2, 3]), 2)', expect: [1, 3] },
      { expr: "SET_REMOVE(SET_INIT(['one', 'two']), 'three')", expect: ['one', 'two'] },
    ],
    call: (args) => changed(args, (v) => setArgument(v, 'SET_REMOVE'), removeFrom),
  },
  {
    name: 'SET_MERGE',
    namespace: 'SET',
    family: 'collection',
    description: 'The union of a list of sets (or lists), in order of first appearance.',
    params: [{ name: 'sets', description: 'A list or set of sets or lists (nulls skipped)', optional: true }],
    returns: 'a set',
    pure: true,
    examples: [
      { expr: 'SET_MERGE([SET_INIT([1, 2]), SET_INIT([3]), null, [2, 4]])', expect: [1, 2, 3, 4] },
      { expr: "SET_MERGE({'foo': 'bar'})", error: true },
    ],
    call: (args) => {
      if (args.length === 0) return null;
      const out = new Set<Value>();
      const sets = args[0] as Value;
      if (sets === null) return out;
      for (const s of iterableArgument(sets, 'SET_MERGE')) {
        if (s === null) continue;
        for (const x of iterableArgument(s, 'SET_MERGE')) addTo(out, x);
      }
      return out;
    },
  },
  {
    name: 'MULTISET_INIT',
    namespace: 'MULTISET',
    family: 'collection',
    description:
      'A new multiset (a map from value to count), optionally counting the elements of a list or set.',
    params: [{ name: 'input', description: 'A list or set to count', optional: true }],
    returns: 'a map of value to int count',
    pure: true,
    examples: [
      { expr: "MULTISET_INIT(['one', 'two', 'three', 'two'])", expect: { one: 1, two: 2, three: 1 } },
      { expr: 'MULTISET_INIT()', expect: {} },
      { expr: "MULTISET_INIT({'foo': 'bar'})", error: true },
    ],
    call: (args) => {
      const out = new Map<Value, Value>();
      const input = args[0] ?? null;
      if (input !== null)
        for (const x of iterableArgument(input, 'MULTISET_INIT')) addCount(out, x, 1, 'MULTISET_INIT');
      return out;
    },
  },
  {
    name: 'MULTISET_ADD',
    namespace: 'MULTISET',
    family: 'collection',
    description: 'A multiset with values counted once more each (nulls skipped).',
    params: [
      MULTISET_PARAM,
      { name: 'values', description: 'Values to add', optional: true, variadic: true },
    ],
    returns: 'the multiset, changed; null when called with no arguments',
    pure: true,
    examples: [
      { expr: "MULTISET_ADD(MULTISET_INIT(['a', 'b', 'b']), 'b', 'c')", expect: { a: 1, b: 3, c: 1 } },
      { expr: 'MULTISET_ADD(null, 1)', expect: { '1': 1 } },
      { expr: "MULTISET_ADD(['a'], 'b')", error: true },
    ],
    call: (args) =>
      changed(
        args,
        (v) => multisetArgument(v, 'MULTISET_ADD'),
        (m, x) => addCount(m, x, 1, 'MULTISET_ADD'),
      ),
  },
  {
    name: 'MULTISET_REMOVE',
    namespace: 'MULTISET',
    family: 'collection',
    description: 'A multiset with values counted once less each; a count reaching 0 removes the value.',
    params: [
      MULTISET_PARAM,
      { name: 'values', description: 'Values to remove', optional: true, variadic: true },
    ],
    returns: 'the multiset, changed; null when called with no arguments',
    pure: true,
    examples: [
      { expr: "MULTISET_REMOVE(MULTISET_INIT(['one', 'two', 'two']), 'two', 'one')", expect: { two: 1 } },
      { expr: "MULTISET_REMOVE(MULTISET_INIT(['one']), 'three')", expect: { one: 1 } },
    ],
    call: (args) =>
      changed(
        args,
        (v) => multisetArgument(v, 'MULTISET_REMOVE'),
        (m, x) => removeCount(m, x, 'MULTISET_REMOVE'),
      ),
  },
  {
    name: 'MULTISET_MERGE',
    namespace: 'MULTISET',
    family: 'collection',
    description: 'Merges a list of multisets, adding the counts of values they share.',
    params: [
      { name: 'multisets', description: 'A list or set of multisets (nulls skipped)', optional: true },
    ],
    returns: 'a multiset',
    pure: true,
    examples: [
      {
        expr: "MULTISET_MERGE([MULTISET_INIT(['one', 'two']), MULTISET_INIT(['two', 'three'])])",
        expect: { one: 1, two: 2, three: 1 },
      },
      { expr: "MULTISET_MERGE({'bar': 'foo'})", error: true },
    ],
    call: (args) => {
      if (args.length === 0) return null;
      const out = new Map<Value, Value>();
      for (const m of iterableArgument(args[0] as Value, 'MULTISET_MERGE')) {
        if (m === null) continue;
        if (!isMap(m))
          return fail(`MULTISET_MERGE takes a list of multisets, not one holding ${typeName(m)}`);
        for (const [k, n] of m) {
          if (n === null) return fail('MULTISET_MERGE: a multiset count is null');
          addCount(out, k, n, 'MULTISET_MERGE');
        }
      }
      return out;
    },
  },
  {
    name: 'MULTISET_TO_SET',
    namespace: 'MULTISET',
    family: 'collection',
    description: 'The values of a multiset, without their counts.',
    params: [{ name: 'multiset', description: 'The multiset (null gives an empty set)', optional: true }],
    returns: 'a set; null when called with no arguments',
    pure: true,
    examples: [
      { expr: 'MULTISET_TO_SET(MULTISET_ADD(MULTISET_INIT([1, 2, 3]), 4))', expect: [1, 2, 3, 4] },
      { expr: 'MULTISET_TO_SET(null)', expect: [] },
    ],
    call: (args) => {
      if (args.length === 0) return null;
      const m = args[0] as Value;
      if (m === null) return new Set();
      if (!isMap(m)) return fail(`MULTISET_TO_SET takes a multiset, not ${typeName(m)}`);
      return new Set(m.keys());
    },
  },
  {
    name: 'MAP',
    namespace: '',
    family: 'functional',
    description: 'Applies a lambda to each element of a list.',
    params: [
      { name: 'list', description: 'The list' },
      { name: 'transform', description: 'A one-argument lambda, e.g. x -> TO_UPPER(x)' },
    ],
    returns: 'a list of the results; the list itself when the list or lambda is null',
    pure: true,
    examples: [
      { expr: "MAP(['a', 'bcd'], x -> LENGTH(x))", expect: [1, 3] },
      { expr: 'MAP([1, 2, null], x -> x == null ? 0 : 2 * x)', expect: [2, 4, 0] },
      { expr: 'MAP(null, x -> x)', expect: null },
      { expr: "MAP(SET_INIT(['a']), x -> x)", error: true },
    ],
    call: (args) => {
      const [list, lambda] = listAndLambda(args, 'MAP');
      if (list === null || lambda === null) return list;
      const out = new Array<Value>(list.length);
      for (let i = 0; i < list.length; i++) out[i] = lambda.call(list[i] as Value);
      return out;
    },
  },
  {
    name: 'FILTER',
    namespace: '',
    family: 'functional',
    description: 'The elements of a list for which a lambda returns true.',
    params: [
      { name: 'list', description: 'The list' },
      { name: 'predicate', description: 'A one-argument lambda returning a boolean; only true keeps' },
    ],
    returns: 'a list; the list itself when the list or lambda is null',
    pure: true,
    examples: [
      { expr: "FILTER(['foo', 'bar'], x -> x == 'foo')", expect: ['foo'] },
      { expr: "FILTER(['foo', null], x -> x != null)", expect: ['foo'] },
      { expr: "FILTER(['foo', 'bar'], () -> true)", expect: ['foo', 'bar'] },
      { expr: "FILTER(['foo'], x -> 1)", expect: [] },
    ],
    call: (args) => {
      const [list, lambda] = listAndLambda(args, 'FILTER');
      if (list === null || lambda === null) return list;
      const out: Value[] = [];
      for (const x of list) if (lambda.call(x) === true) out.push(x);
      return out;
    },
  },
  {
    name: 'REDUCE',
    namespace: '',
    family: 'functional',
    description: 'Folds a list with a two-argument lambda, starting from an initial value.',
    params: [
      { name: 'list', description: 'The list' },
      { name: 'operation', description: 'A lambda (total, element) -> new total', optional: true },
      { name: 'initial', description: 'The starting total', optional: true },
    ],
    returns: 'the final total; null when the list, lambda or initial value is null or missing',
    pure: true,
    examples: [
      { expr: 'REDUCE([1, 2, 3], (s, x) -> s + x, 0)', expect: 6 },
      { expr: 'REDUCE([], (s, x) -> s + x, 10)', expect: 10 },
      { expr: 'REDUCE([1, 2, 3], (s, x) -> s + x)', expect: null },
      { expr: 'REDUCE([1, 2, 3], (s, x) -> s + x, null)', expect: null },
    ],
    call: (args) => {
      const input = args[0] ?? null;
      if (input !== null) listArgument(input, 'REDUCE');
      if (input === null || args.length < 3) return null;
      const lambda = lambdaArgument(args[1] as Value, 'REDUCE');
      let total = args[2] as Value;
      if (lambda === null || total === null) return null;
      for (const x of input as Value[]) total = lambda.call(total, x);
      return total;
    },
  },
  {
    name: 'ZIP',
    namespace: '',
    family: 'functional',
    description: 'Zips lists: the i-th element is a list of the i-th elements, as long as the shortest list.',
    params: [
      {
        name: 'lists',
        description: 'Lists to zip (other arguments are skipped)',
        optional: true,
        variadic: true,
      },
    ],
    returns: 'a list of lists',
    pure: true,
    examples: [
      {
        expr: 'ZIP([1, 2], [3, 4, 5])',
        expect: [
          [1, 3],
          [2, 4],
        ],
      },
      { expr: 'REDUCE(ZIP([1, 2, 3], [4, 5, 6]), (s, x) -> s + GET_FIRST(x) * GET_LAST(x), 0)', expect: 32 },
      { expr: 'ZIP()', expect: [] },
    ],
    call: (args) => zip(args, false),
  },
  {
    name: 'ZIP_LONGEST',
    namespace: '',
    family: 'functional',
    description:
      'Zips lists: the i-th element is a list of the i-th elements, as long as the longest list, padded with null.',
    params: [
      {
        name: 'lists',
        description: 'Lists to zip (other arguments are skipped)',
        optional: true,
        variadic: true,
      },
    ],
    returns: 'a list of lists',
    pure: true,
    examples: [
      {
        expr: 'ZIP_LONGEST([1, 2], [3, 4, 5])',
        expect: [
          [1, 3],
          [2, 4],
          [null, 5],
        ],
      },
      { expr: "ZIP_LONGEST([1], 'x')", expect: [[1]] },
    ],
    call: (args) => zip(args, true),
  },
];
