import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DOUBLE_FIELDS, type Event, loadJsonConfig, sensorParserConfigSchema } from '#core';
import { allParsers, buildParser, buildSensor } from '#streaming';
import { ROOT } from '../../../helpers/cli.js';
import { fixtureLines, METRON_FIXTURES, metronDiff } from '../../../helpers/metron.js';

/** Metron's JSONMapParser: its sample data, its unit tests, and the JSONPath subset. */

const NOW = 1_000_000_000_000;
const CLASS = 'org.apache.metron.parsers.json.JSONMapParser';

const parser = (parserConfig: Record<string, unknown> = {}) =>
  buildParser({ parserClassName: CLASS, parserConfig, fieldTransformations: [] }, 'jsonMap', 'test', {
    now: () => NOW,
  });

/** Events of one message; fails the test with the reason when it does not parse. */
function parse(parserConfig: Record<string, unknown>, raw: string): Event[] {
  const r = parser(parserConfig)(raw);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function failure(parserConfig: Record<string, unknown>, raw: string) {
  const r = parser(parserConfig)(raw);
  expect(r.ok).toBe(false);
  return r.ok ? undefined : r.error;
}

const doubles = (e: Event | undefined) => [...(e?.[DOUBLE_FIELDS] ?? [])].sort();

describe("jsonMap against Metron's sample data", () => {
  const sensors = ['jsonMap', 'jsonMapQuery', 'jsonMapWrappedQuery'];
  for (const sensor of sensors) {
    for (const dir of ['parsers', 'parsers/parsers-common']) {
      it(`${sensor} with ${dir}/${sensor}.json gives the expected records`, () => {
        const file = join(METRON_FIXTURES, 'configs', dir, `${sensor}.json`);
        const config = loadJsonConfig(sensorParserConfigSchema, file);
        const stage = buildSensor(sensor, file, config, { now: () => NOW });
        const expected = fixtureLines(sensor, 'parsed', 'jsonMapExampleParsed').map(
          (l) => JSON.parse(l) as Record<string, unknown>,
        );
        const events: Event[] = [];
        for (const raw of fixtureLines(sensor, 'raw', 'jsonMapExampleOutput')) {
          const out = stage.parse(Buffer.from(raw));
          expect(out.errors).toEqual([]);
          events.push(...out.events);
        }
        expect(events).toHaveLength(expected.length);
        events.forEach((event, i) => {
          expect(
            metronDiff(expected[i] as Record<string, unknown>, event as Record<string, unknown>),
          ).toEqual([]);
          // Stronger than Metron's check: the clock's time exactly, not just its length.
          expect(event.timestamp).toBe(NOW);
        });
      });
    }
  }

  it('is the config shipped in config/sensors/, for each of the three', () => {
    for (const sensor of sensors) {
      const shipped = loadJsonConfig(
        sensorParserConfigSchema,
        join(ROOT, 'config', 'sensors', `${sensor}.json`),
      );
      const metron = loadJsonConfig(
        sensorParserConfigSchema,
        join(METRON_FIXTURES, 'configs', 'parsers', `${sensor}.json`),
      );
      expect(shipped).toEqual(metron);
    }
  });
});

describe("jsonMap as Metron's JSONMapParserTest has it", () => {
  const HAPPY = '{ "foo" : "bar" ,"blah" : "blah" ,"number" : 2.0 }';
  const COLLECTION =
    '{ "collection" : { "blah" : 7, "blah2" : "foo", "bigblah" : { "innerBlah" : "baz", "reallyInnerBlah" : { "color" : "grey" }}}}';
  const MIXED = '{ "collection" : { "key" : "value" }, "key" : "value" }';

  it('reads a flat object and stamps the time', () => {
    const [event, more] = parse({}, HAPPY);
    expect(more).toBeUndefined();
    expect(event).toEqual({
      foo: 'bar',
      blah: 'blah',
      number: 2,
      timestamp: NOW,
      [DOUBLE_FIELDS]: new Set(['number']),
    });
  });

  it('drops maps by default', () => {
    expect(parse({}, COLLECTION)).toEqual([{ timestamp: NOW }]);
  });

  it('fails the record on a map with ERROR', () => {
    const error = failure({ mapStrategy: 'ERROR' }, COLLECTION);
    expect(error).toMatchObject({ code: 'jsonMap.map', field: 'collection' });
  });

  it('keeps a map as a nested value with ALLOW', () => {
    const [event] = parse({ mapStrategy: 'ALLOW' }, COLLECTION);
    expect(Object.keys(event ?? {})).toHaveLength(2);
    expect(event?.collection).toEqual({
      blah: 7,
      blah2: 'foo',
      bigblah: { innerBlah: 'baz', reallyInnerBlah: { color: 'grey' } },
    });
  });

  it('unfolds maps into dotted names with UNFOLD', () => {
    expect(parse({ mapStrategy: 'UNFOLD' }, COLLECTION)).toEqual([
      {
        'collection.blah': 7,
        'collection.blah2': 'foo',
        'collection.bigblah.innerBlah': 'baz',
        'collection.bigblah.reallyInnerBlah.color': 'grey',
        timestamp: NOW,
      },
    ]);
    expect(parse({ mapStrategy: 'UNFOLD' }, MIXED)).toEqual([
      { 'collection.key': 'value', key: 'value', timestamp: NOW },
    ]);
  });

  it('marks unfolded floating-point numbers as doubles under their dotted names', () => {
    const [event] = parse({ mapStrategy: 'UNFOLD' }, '{"a":{"b":1.0,"c":2},"d":[3.0]}');
    expect(doubles(event)).toEqual(['a.b', 'd']);
  });

  it('keeps a timestamp the record has', () => {
    expect(parse({}, '{"timestamp": 1234567890123, "x": 1}')[0]?.timestamp).toBe(1234567890123);
  });

  it('refuses an unknown map strategy when the config is loaded', () => {
    expect(() => parser({ mapStrategy: 'FLATTEN' })).toThrow(ConfigError);
  });
});

describe("jsonMap with a JSONPath query, as Metron's JSONMapParserQueryTest has it", () => {
  const LIST =
    '{ "foo" : [ { "name" : "foo1", "value" : "bar", "number" : 1.0 }, { "name" : "foo2", "value" : "baz", "number" : 2.0 } ] }';
  const SINGLE = '{ "name" : "foo1", "value" : "bar", "number" : 1.0 }';
  const COLLECTIONS =
    '{ "foo" : [ { "collection" : { "blah" : 7, "blah2" : "foo", "bigblah" : { "innerBlah" : "baz", "reallyInnerBlah" : { "color" : "grey" }}} }, { "collection" : { "blah" : 8, "blah2" : "bar", "bigblah" : { "innerBlah" : "baz2", "reallyInnerBlah" : { "color" : "blue" }}} } ] }';

  it('gives one record per list item; original_string is left to the sensor stage', () => {
    const events = parse({ jsonpQuery: '$.foo' }, LIST);
    expect(events).toEqual([
      { name: 'foo1', value: 'bar', number: 1, timestamp: NOW, [DOUBLE_FIELDS]: new Set(['number']) },
      { name: 'foo2', value: 'baz', number: 2, timestamp: NOW, [DOUBLE_FIELDS]: new Set(['number']) },
    ]);
    expect(events[0]).not.toHaveProperty('original_string');
  });

  it("writes each record's own JSON as original_string with overrideOriginalString, as Java prints it", () => {
    const events = parse({ jsonpQuery: '$.foo', overrideOriginalString: true }, LIST);
    expect(events.map((e) => e.original_string)).toEqual([
      '{"name":"foo1","number":1.0,"value":"bar"}',
      '{"name":"foo2","number":2.0,"value":"baz"}',
    ]);
    // Through the sensor stage the record's own text stays.
    const stage = buildSensor('jsonMapQuery', 'test', {
      parserClassName: CLASS,
      parserConfig: { jsonpQuery: '$.foo', overrideOriginalString: 'true' },
      fieldTransformations: [],
    });
    expect(stage.parse(Buffer.from(LIST)).events[1]?.original_string).toBe(
      '{"name":"foo2","number":2.0,"value":"baz"}',
    );
  });

  it('refuses a JSONPath it cannot compile when the config is loaded', () => {
    expect(() => parser({ jsonpQuery: '$$..$$SDSE$#$#.' })).toThrow(ConfigError);
    try {
      parser({ jsonpQuery: '$.foo[?(@.x > 1)]' });
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).problems[0]).toMatchObject({ path: '$.jsonpQuery' });
      expect((e as ConfigError).problems[0]?.message).toMatch(/filters/);
    }
  });

  it('makes a message the query finds nothing in an error, where Metron dropped it without a trace', () => {
    for (const query of ['$.foo', '$.foo[*]', '$..foo']) {
      expect(failure({ jsonpQuery: query }, SINGLE)).toMatchObject({
        code: 'jsonMap.query',
        message: `jsonpQuery ${query} found nothing in the message`,
      });
    }
    expect(failure({ jsonpQuery: '$.foo' }, '{"foo":null}')?.code).toBe('jsonMap.query');
  });

  it('gives no record for an empty list', () => {
    expect(parse({ jsonpQuery: '$.foo' }, '{"foo":[]}')).toEqual([]);
  });

  it('applies the map strategy to each record', () => {
    expect(parse({ jsonpQuery: '$.foo' }, COLLECTIONS)).toEqual([{ timestamp: NOW }, { timestamp: NOW }]);
    expect(failure({ jsonpQuery: '$.foo', mapStrategy: 'ERROR' }, COLLECTIONS)?.code).toBe('jsonMap.map');
    expect(
      parse({ jsonpQuery: '$.foo', mapStrategy: 'ALLOW' }, COLLECTIONS).map((e) => Object.keys(e)),
    ).toEqual([
      ['collection', 'timestamp'],
      ['collection', 'timestamp'],
    ]);
    const unfolded = parse({ jsonpQuery: '$.foo', mapStrategy: 'UNFOLD' }, COLLECTIONS);
    expect(unfolded[1]).toEqual({
      'collection.blah': 8,
      'collection.blah2': 'bar',
      'collection.bigblah.innerBlah': 'baz2',
      'collection.bigblah.reallyInnerBlah.color': 'blue',
      timestamp: NOW,
    });
  });
});

describe('jsonMap wrapping comma-separated objects (JSONMapParserWrappedQueryTest)', () => {
  const LIST =
    '{ "name" : "foo1", "value" : "bar", "number" : 1.0 },\n{ "name" : "foo2", "value" : "baz", "number" : 2.0 }';

  it('wraps the message in the named entity before the query', () => {
    const events = parse({ wrapInEntityArray: true, wrapEntityName: 'foo', jsonpQuery: '$.foo' }, LIST);
    expect(events.map((e) => e.name)).toEqual(['foo1', 'foo2']);
  });

  it("names the entity 'messages' by default (the code's default; Metron's README says 'message')", () => {
    expect(parse({ wrapInEntityArray: 'true', jsonpQuery: '$.messages' }, LIST)).toHaveLength(2);
    expect(failure({ wrapInEntityArray: 'true', jsonpQuery: '$.message' }, LIST)?.code).toBe('jsonMap.query');
  });

  it('drops one trailing comma, as Metron does', () => {
    expect(parse({ wrapInEntityArray: 'TRUE', jsonpQuery: '$.messages' }, '{"a":1},{"a":2}, ')).toHaveLength(
      2,
    );
  });

  it('wraps only together with a query, as Metron does', () => {
    expect(parse({ wrapInEntityArray: true }, '{"a":1}')).toEqual([{ a: 1, timestamp: NOW }]);
  });

  it('refuses a wrap flag that is neither true nor false', () => {
    expect(() => parser({ wrapInEntityArray: 'yes', jsonpQuery: '$.messages' })).toThrow(ConfigError);
  });
});

describe('jsonMap JSONPath subset', () => {
  const DOC = JSON.stringify({
    batch: { records: [{ n: 1 }, { n: 2 }, { n: 3 }], meta: { n: 0 } },
    other: { records: [{ n: 4 }] },
    'odd key': [{ n: 5 }],
  });
  const ns = (query: string) => parse({ jsonpQuery: query }, DOC).map((e) => e.n);

  it.each([
    ['$.batch.records', [1, 2, 3]],
    ["$['batch']['records']", [1, 2, 3]],
    ['$["odd key"]', [5]],
    ['$.batch.records[*]', [1, 2, 3]],
    ['$.batch.records[1]', [2]],
    ['$.batch.records[-1]', [3]],
    ['$.batch.records[0,2]', [1, 3]],
    ['$.batch.records[1:]', [2, 3]],
    ['$.batch.records[:2]', [1, 2]],
    ['$..records[*]', [1, 2, 3, 4]],
    ['$.*.records[0]', [1, 4]],
    ['$.batch.meta', [0]],
    ['$..meta', [0]],
    ["$['batch','other'].records[0]", [1, 4]],
  ])('%s selects %j', (query, expected) => {
    expect(ns(query)).toEqual(expected);
  });

  it('reads a document that is itself the list with $', () => {
    expect(parse({ jsonpQuery: '$' }, '[{"n":1},{"n":2}]').map((e) => e.n)).toEqual([1, 2]);
  });

  it('says when the query finds something other than records', () => {
    expect(failure({ jsonpQuery: '$..records' }, DOC)?.message).toMatch(/item 0 is an array/);
    expect(failure({ jsonpQuery: '$.batch.records[0].n' }, DOC)?.code).toBe('jsonMap.query');
  });

  it.each(['foo', '$.', '$.a[', '$.length()', '$[?(@.a)]', '$.a b', "$['a',]"])('refuses %s', (query) => {
    expect(() => parser({ jsonpQuery: query })).toThrow(ConfigError);
  });
});

describe('jsonMap details', () => {
  it('is registered under its Metron class name', () => {
    expect(allParsers.find((p) => p.metronClasses.includes(CLASS))?.name).toBe('jsonMap');
  });

  it('writes original_string as json-simple does: top level in HashMap order, nested in document order', () => {
    const [event] = parse(
      { overrideOriginalString: true, mapStrategy: 'ALLOW' },
      '{"zeta":{"b":1,"a":"x/y"},"alpha":1E7,"list":[0.5,2.0,{"q":true}],"n":null,"big":12345678901234567890}',
    );
    expect(event?.original_string).toBe(
      '{"zeta":{"b":1,"a":"x\\/y"},"big":12345678901234567890,"list":[0.5,2.0,{"q":true}],"n":null,"alpha":1.0E7}',
    );
  });

  it.each([
    ['not JSON', {}, '{"a":', 'jsonMap.json'],
    ['a list without a query', {}, '[{"a":1}]', 'jsonMap.shape'],
    ['a scalar query result', { jsonpQuery: '$.a' }, '{"a":"text"}', 'jsonMap.query'],
    [
      'bad JSON after wrapping',
      { jsonpQuery: '$.messages', wrapInEntityArray: true },
      '{"a":1} {"b":2}',
      'jsonMap.json',
    ],
  ])('rejects %s with a reason', (_name, config, raw, code) => {
    const error = failure(config, raw);
    expect(error?.code).toBe(code);
    expect(error?.message.length).toBeGreaterThan(10);
  });

  it('makes JSON nested too deeply to walk an error, not a crash', () => {
    const deep = `{"x":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    expect(failure({ mapStrategy: 'UNFOLD' }, deep)?.code).toBe('jsonMap.depth');
    expect(failure({ jsonpQuery: '$..b' }, deep)?.code).toMatch(/^jsonMap\.(depth|query)$/);
    // Dropped without being walked: no problem.
    expect(parse({}, deep)).toEqual([{ timestamp: NOW }]);
  });

  it('keeps a key named __proto__ as a field', () => {
    const [event] = parse({}, '{"__proto__":{"polluted":1},"a":[1]}');
    expect(Object.keys(event ?? {})).toEqual(['a', 'timestamp']);
    const [allowed] = parse({ mapStrategy: 'ALLOW' }, '{"__proto__":{"polluted":1}}');
    expect(Object.getOwnPropertyDescriptor(allowed, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
