import { describe, expect, it } from 'vitest';
import { profilerConfigSchema } from '#core';
import {
  compile,
  decodeProfileValue,
  encodeProfileValue,
  JNum,
  ProfileCompileError,
  Profiler,
  ProfileValueError,
  type Value,
} from '#stellar';

const config = (profiles: unknown[]) => profilerConfigSchema.parse({ profiles });
const MINUTE = 60_000;

describe('profile values as stored', () => {
  const roundTrip = (v: Value) => decodeProfileValue(encodeProfileValue(v).text);

  it('keeps plain JSON plain and the number for value_num', () => {
    expect(encodeProfileValue(26)).toEqual({ text: '26', num: 26 });
    expect(encodeProfileValue('x')).toEqual({ text: '"x"', num: null });
    const m = new Map<Value, Value>([
      ['a', 1],
      ['b', [true, null]],
    ]);
    expect(encodeProfileValue(m).text).toBe('{"a":1,"b":[true,null]}');
    expect(roundTrip(m)).toEqual(m);
  });

  it('tags what plain JSON would lose: number kinds, NaN, sets, odd map keys, bytes', () => {
    for (const v of [
      new JNum('long', 7),
      new JNum('double', 2),
      new JNum('float', 1.5),
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      new Set<Value>(['a', 1]),
      new Map<Value, Value>([[1, 'one']]),
      new Map<Value, Value>([['@type', 'not a tag']]),
      new Uint8Array([0, 255, 7]),
    ]) {
      expect(roundTrip(v), String(v)).toEqual(v);
    }
    expect(encodeProfileValue(new JNum('long', 7)).num).toBe(7);
  });

  it('stores STATS and HLLP sketches so the functions read them back', () => {
    const stats = compile('STATS_ADD(STATS_INIT(), 3, 5, 10)').evaluate();
    const hll = compile("HLLP_ADD(HLLP_INIT(), ['a', 'b', 'c', 'a'])").evaluate();
    const back = { s: roundTrip(stats), h: roundTrip(hll) };
    const read = (expr: string) => compile(expr).evaluate(back);
    expect(read('STATS_COUNT(s) == 3 && STATS_SUM(s) == 18 && STATS_MAX(s) == 10')).toBe(true);
    expect(read('STATS_PERCENTILE(s, 50)')).toEqual(
      compile('STATS_PERCENTILE(s, 50)').evaluate({ s: stats }),
    );
    expect(read('HLLP_CARDINALITY(h)')).toEqual(new JNum('long', 3));
    // The sketch still takes values after the round trip.
    expect(read('STATS_COUNT(STATS_ADD(s, 1))')).toEqual(new JNum('double', 4));
  });

  it('refuses a lambda', () => {
    expect(() => encodeProfileValue(compile('x -> x').evaluate())).toThrow(ProfileValueError);
  });
});

describe('Profiler', () => {
  it("runs init before the first update, with the message's fields in scope; variables hide fields", () => {
    const p = new Profiler(
      config([
        {
          profile: 'p',
          foreach: 'ip',
          init: { first: 'bytes', count: '100' },
          update: { count: 'count + 1', last: 'bytes' },
          result: "{ 'first': first, 'count': count, 'last': last }",
        },
      ]),
      { periodMs: MINUTE },
    );
    // `count` is also a field of the message: the profile's variable wins once it exists.
    expect(p.apply({ ip: 'a', bytes: 1, count: 999 }, 0)).toEqual([]);
    expect(p.apply({ ip: 'a', bytes: 2, count: 999 }, 10)).toEqual([]);
    const [m] = p.flush().measurements;
    expect(m?.value).toEqual(
      new Map<Value, Value>([
        ['first', 1],
        ['count', 102],
        ['last', 2],
      ]),
    );
  });

  it('keeps entities and periods apart and flushes only the periods that ended', () => {
    const p = new Profiler(
      config([{ profile: 'n', foreach: 'ip', init: { n: '0' }, update: { n: 'n + 1' }, result: 'n' }]),
      { periodMs: MINUTE },
    );
    p.apply({ ip: 'b' }, 5);
    p.apply({ ip: 'a' }, 6);
    p.apply({ ip: 'a' }, 7);
    p.apply({ ip: 'a' }, MINUTE + 1);
    expect(p.openPeriods()).toEqual([0, 1]);
    const first = p.flush(MINUTE).measurements;
    expect(first.map((m) => [m.entity, m.value, m.start])).toEqual([
      ['a', 2, 0],
      ['b', 1, 0],
    ]);
    expect(p.openPeriods()).toEqual([1]);
    expect(p.size).toBe(1);
    expect(p.flush().measurements.map((m) => [m.entity, m.value, m.period])).toEqual([['a', 1, 1]]);
  });

  it('gives groupBy the profile, entity, period bounds and result', () => {
    const p = new Profiler(
      config([
        {
          profile: 'g',
          foreach: 'ip',
          update: { n: 'n + 1' },
          groupBy: [
            'profile',
            'entity',
            'TO_STRING(start)',
            'TO_STRING(end - duration)',
            "IF result > 1 THEN 'many' ELSE 'one'",
          ],
          result: 'n',
        },
      ]),
      { periodMs: MINUTE },
    );
    p.apply({ ip: 'x' }, MINUTE * 3 + 1);
    p.apply({ ip: 'x' }, MINUTE * 3 + 2);
    const [m] = p.flush().measurements;
    expect(m?.groups).toEqual(['g', 'x', String(MINUTE * 3), String(MINUTE * 3), 'many']);
  });

  it('reports a failing expression with its profile, entity, place and event, and goes on', () => {
    const p = new Profiler(
      config([
        { profile: 'bad', foreach: 'ip', update: { n: 'n + bytes' }, result: 'n' },
        { profile: 'good', foreach: 'ip', update: { n: 'n + 1' }, result: 'n' },
        { profile: 'no-entity', foreach: 'missing', update: { n: '1' }, result: 'n' },
      ]),
      { periodMs: MINUTE },
    );
    const failures = p.apply({ ip: 'a', bytes: 'text', guid: 'g-1' }, 0);
    expect(failures).toEqual([
      expect.objectContaining({ profile: 'bad', entity: 'a', site: 'update.n', guid: 'g-1' }),
      expect.objectContaining({
        profile: 'no-entity',
        site: 'foreach',
        message: 'the entity is null or empty',
      }),
    ]);
    expect(p.flush().measurements.find((m) => m.profile === 'good')?.value).toBe(1);
  });

  it('names the profile and key of Stellar that does not compile', () => {
    expect(
      () =>
        new Profiler(config([{ profile: 'p', foreach: 'ip', update: { n: 'NO_SUCH_FN(1)' }, result: 'n' }]), {
          periodMs: MINUTE,
        }),
    ).toThrow(ProfileCompileError);
    try {
      new Profiler(config([{ profile: 'p', foreach: 'ip', update: { n: '1' }, result: 'n +' }]), {
        periodMs: MINUTE,
      });
    } catch (e) {
      expect((e as Error).message).toMatch(/^profile 'p', result\.profile: /);
    }
  });

  it("validates Metron's config shape: duplicate names, missing keys, unknown keys", () => {
    const issues = (profiles: unknown[]) =>
      profilerConfigSchema
        .safeParse({ profiles })
        .error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    const ok = { profile: 'a', foreach: 'x', update: { n: '1' }, result: 'n' };
    expect(issues([ok, ok])).toEqual(["profiles.1.profile: profile 'a' is defined twice"]);
    expect(issues([{ ...ok, foreach: undefined }])).toEqual([
      expect.stringMatching(/^profiles\.0\.foreach: /),
    ]);
    expect(issues([{ ...ok, colour: 'red' }])).toEqual([expect.stringMatching(/colour/)]);
    expect(issues([ok])).toBeUndefined();
  });
});
