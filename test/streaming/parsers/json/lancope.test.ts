import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOUBLE_FIELDS, type Event } from '#core';
import { allParsers, buildParser, buildSensor, loadSensorConfig } from '#streaming';
import { ROOT } from '../../../helpers/cli.js';
import { fixtureLines, METRON_FIXTURES } from '../../../helpers/metron.js';

/** Metron's BasicLancopeParser: its sample data, checked against its unit test's schema. */

const CLASS = 'org.apache.metron.parsers.lancope.BasicLancopeParser';
const parser = (timezone = 'UTC') =>
  buildParser({ parserClassName: CLASS, parserConfig: {}, fieldTransformations: [] }, 'lancope', 'test', {
    timezone,
  });
const parse = parser();

function event(line: string): Event {
  const r = parse(line);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  expect(r.value).toHaveLength(1);
  return r.value[0] as Event;
}

interface Schema {
  properties: Record<string, { type: 'string' | 'integer' }>;
  required: string[];
}
const schema = JSON.parse(
  readFileSync(join(METRON_FIXTURES, 'lancope', 'unit-test', 'LancopeSchema.json'), 'utf8'),
) as Schema;

/** What Metron's unit test asserts of each output: its JSON schema's required fields and types. */
function schemaProblems(e: Event): string[] {
  const problems: string[] = [];
  for (const k of schema.required) if (!(k in e)) problems.push(`missing ${k}`);
  for (const [k, { type }] of Object.entries(schema.properties)) {
    const v = e[k];
    if (v === undefined) continue;
    if (type === 'string' ? typeof v !== 'string' : !Number.isInteger(v))
      problems.push(`${k} is not ${type}`);
  }
  return problems;
}

describe("lancope against Metron's sample data", () => {
  const samples = [
    ...fixtureLines('lancope', 'raw', 'LancopeExampleOutput'),
    ...fixtureLines('lancope', 'unit-test', 'LancopeParserTest.txt'),
  ];

  it('parses every sample line into an event that fits LancopeSchema.json', () => {
    expect(samples).toHaveLength(41);
    for (const line of samples) expect(schemaProblems(event(line))).toEqual([]);
  });

  it('takes the time and addresses from the message and keeps the other fields', () => {
    const line = samples[0] as string;
    const message = (JSON.parse(line) as { message: string }).message;
    expect(event(line)).toEqual({
      '@version': '1',
      type: 'syslog',
      host: '10.122.196.201',
      ip_src_addr: '192.168.200.9',
      ip_dst_addr: '199.237.198.232',
      timestamp: Date.UTC(2014, 5, 24, 14, 37, 58),
      original_string: message,
    });
  });

  it('gives the message as original_string through the sensor stage too', () => {
    const { config, file } = loadSensorConfig(join(ROOT, 'config'), 'lancope');
    const out = buildSensor('lancope', file, config).parse(Buffer.from(samples[40] as string));
    expect(out.errors).toEqual([]);
    expect(out.events[0]).toMatchObject({
      original_string: expect.stringMatching(/^<131>Jul 17 15:59:01 smc-01 StealthWatch/),
      ip_src_addr: '10.40.10.254',
      'source.type': 'lancope',
      timestamp: Date.UTC(2014, 6, 17, 15, 58, 30),
    });
  });
});

describe('lancope details', () => {
  const line = (message: string, extra = '') =>
    `{"message":${JSON.stringify(message)},"@version":"1","@timestamp":"2014-07-17T15:56:05.992Z"${extra}}`;

  it('is registered under its Metron class name', () => {
    expect(allParsers.find((p) => p.metronClasses.includes(CLASS))?.name).toBe('lancope');
  });

  it('reads a time without Z in the configured zone, and one with Z as UTC', () => {
    const text = '<131>Jul 17 15:59:01 smc-01 StealthWatch[1]: 2014-07-17T15:58:30 10.0.0.1 10.0.0.2 Minor';
    const r = parser('Europe/Amsterdam')(line(text));
    expect(r.ok && r.value[0]?.timestamp).toBe(Date.UTC(2014, 6, 17, 13, 58, 30));
    const z = parser('Europe/Amsterdam')(line(text.replace('15:58:30', '15:58:30Z')));
    expect(z.ok && z.value[0]?.timestamp).toBe(Date.UTC(2014, 6, 17, 15, 58, 30));
  });

  it('splits on single spaces as Java\'s split(" ") does: doubled spaces make empty tokens', () => {
    const r = parse(line('<131>Jul  17 15:59:01 smc-01 S[1]: 2014-07-17T15:58:30Z 10.0.0.1 10.0.0.2'));
    // The doubled space shifts the tokens: token 6 is now "S[1]:", not a time.
    expect(!r.ok && r.error.code).toBe('lancope.timestamp');
  });

  it('keeps other fields and marks floating-point numbers', () => {
    const e = event(line('a b c d e 2014-07-17T15:58:30Z 10.0.0.1 10.0.0.2', ',"score":2.0,"tags":["x"]'));
    expect(e).toMatchObject({ score: 2, tags: ['x'] });
    expect(e[DOUBLE_FIELDS]).toEqual(new Set(['score']));
    expect(e).not.toHaveProperty('@timestamp');
    expect(e).not.toHaveProperty('message');
  });

  it.each([
    ['not JSON', 'message: hi', 'lancope.json'],
    ['no message', '{"@version":"1"}', 'lancope.message'],
    [
      'too few tokens',
      line('<131>Jul 17 15:59:01 smc-01 StealthWatch[1]: 2014-07-17T15:58:30Z 10.0.0.1'),
      'lancope.message',
    ],
    ['no time at token 6', line('a b c d e f 10.0.0.1 10.0.0.2'), 'lancope.timestamp'],
  ])('rejects %s with a reason (Metron dropped it silently)', (_name, raw, code) => {
    const r = parse(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message.length).toBeGreaterThan(10);
    }
  });
});
