import { describe, expect, it } from 'vitest';
import { DOUBLE_FIELDS } from '#core';
import { Flattener } from '../../../../streaming/parsers/json/flatten.js';
import { parseJsonKeepingNumbers } from '../../../../streaming/parsers/json-lexemes.js';
import { COMPILE_AFTER } from '../../../../streaming/parsers/shape-code.js';

/**
 * Flattening JSON objects into events: the general walk and the compiled builder of a shape
 * seen often enough must give the same event, field for field and in the same key order.
 */

const flat = (texts: readonly string[], rounds: number) => {
  const f = new Flattener((key) => (key === 'skip' ? undefined : key === 'src' ? 'ip_src_addr' : key));
  return texts.map((text) =>
    Array.from({ length: rounds }, () => f.flatten(JSON.parse(text) as Record<string, unknown>)),
  );
};

describe('Flattener', () => {
  it('gives dotted names for nested objects, keeps lists, renames and skips top-level keys', () => {
    const [[event]] = flat(
      ['{"src":"10.0.0.1","skip":1,"alert":{"sig":{"id":7},"tags":["a"]},"n":null}'],
      1,
    ) as [[Record<string, unknown>]];
    expect(event).toEqual({ ip_src_addr: '10.0.0.1', 'alert.sig.id': 7, 'alert.tags': ['a'], n: null });
  });

  it('builds the same events once a shape is compiled, for awkward keys too', () => {
    const texts = [
      '{"a":1,"b":{"c":2,"d":{"e":3}},"f":[1,{"g":2}]}',
      '{"a":{"b":1},"a.b":2}',
      '{"a.b":2,"a":{"b":1}}',
      '{"__proto__":{"polluted":true},"x":{"__proto__":5},"constructor":1}',
      '{"":1,"\\"quote":{"\\\\":2},"\\u0000{":3,"line\\u2028sep":4}',
      '{"a":{},"b":{"c":{}}}',
      '{"src":"10.0.0.1","skip":{"x":1},"src2":{"src":3}}',
    ];
    const rounds = COMPILE_AFTER + 3;
    for (const [i, events] of flat(texts, rounds).entries()) {
      const first = events[0] as Record<string, unknown>;
      for (const event of events) {
        expect(Object.keys(event), texts[i]).toEqual(Object.keys(first));
        expect(event, texts[i]).toEqual(first);
        expect(Object.getPrototypeOf(event), texts[i]).toBe(Object.prototype);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not take the shape of one record for another that only looks alike', () => {
    const f = new Flattener((key) => key);
    const nested = '{"a":{"b":1}}';
    for (let i = 0; i < COMPILE_AFTER + 2; i++) f.flatten(JSON.parse(nested));
    // Same keys in the same order, but `a` is not an object here.
    expect(f.flatten(JSON.parse('{"a":5}'))).toEqual({ a: 5 });
    expect(f.flatten(JSON.parse('{"a":{"b":2,"c":3}}'))).toEqual({ 'a.b': 2, 'a.c': 3 });
  });

  it('lists fields written as integral doubles when given the number texts', () => {
    const { value, lexemes } = parseJsonKeepingNumbers('{"a":{"b":3600.0,"c":2},"d":1.0}');
    const event = new Flattener((key) => key).flatten(value as Record<string, unknown>, lexemes);
    expect(Object.fromEntries(Object.entries(event))).toEqual({ 'a.b': 3600, 'a.c': 2, d: 1 });
    expect([...(event[DOUBLE_FIELDS] ?? [])].sort()).toEqual(['a.b', 'd']);
  });
});
