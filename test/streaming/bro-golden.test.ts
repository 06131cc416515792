import { describe, expect, it } from 'vitest';
import { DOUBLE_FIELDS } from '#core';
import { allParsers, buildParser, buildSensor } from '#streaming';
import { fixtureLines, metronDiff } from '../helpers/metron.js';

const parse = buildParser(
  {
    parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser',
    parserConfig: {},
    fieldTransformations: [],
  },
  'bro',
  'bro.json',
);

const sensor = buildSensor('bro', 'bro.json', {
  parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser',
  parserConfig: {},
  fieldTransformations: [],
});

describe("bro parser against Metron's expected output", () => {
  const raw = fixtureLines('bro', 'raw', 'BroExampleOutput');
  const expected = fixtureLines('bro', 'parsed', 'BroExampleParsed').map(
    (l) => JSON.parse(l) as Record<string, unknown>,
  );

  it('has one expected record per raw line', () => {
    expect(raw.length).toBe(31);
    expect(expected.length).toBe(raw.length);
  });

  raw.forEach((line, i) => {
    it(`line ${i + 1} (${Object.keys(JSON.parse(line))[0]}) matches field for field`, () => {
      // A key list seen often enough is compiled into its own builder: the first rounds take
      // the general path, the last ones the compiled one, and all must give the same event.
      let first: Record<string, unknown> | undefined;
      for (let round = 0; round < 12; round++) {
        const result = sensor.parse(Buffer.from(line));
        expect(result.errors).toEqual([]);
        expect(result.events).toHaveLength(1);
        const event = result.events[0] as Record<string, unknown>;
        // Palisade adds the Community ID Metron did not have; every field Metron has must match.
        const { community_id: _cid, ...metronFields } = event;
        expect(metronDiff(expected[i] as Record<string, unknown>, metronFields)).toEqual([]);
        // Stronger than Metron's own check: the exact timestamp, not just its length.
        expect(event.timestamp).toBe(expected[i]?.timestamp);
        first ??= event;
        const { guid: _g, ...same } = event;
        const { guid: _f, ...firstSame } = first;
        expect(Object.keys(same)).toEqual(Object.keys(firstSame));
        expect(same).toEqual(firstSame);
        expect(event[DOUBLE_FIELDS as unknown as string]).toEqual(first[DOUBLE_FIELDS as unknown as string]);
      }
    });
  });
});

describe('bro parser details', () => {
  it('is registered under its Metron class name', () => {
    expect(
      allParsers.find((p) => p.metronClasses.includes('org.apache.metron.parsers.bro.BasicBroParser'))?.name,
    ).toBe('bro');
  });

  it('truncates fractional seconds to milliseconds without float error', () => {
    const r = parse('{"conn":{"ts":1166289883.160785,"uid":"x"}}');
    expect(r.ok && r.value[0]?.timestamp).toBe(1166289883160);
  });

  it('accepts the flat form with a type field', () => {
    const r = parse('{"type":"dns","ts":1.5,"id.orig_h":"10.0.0.1","id.resp_p":53}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value[0]).toMatchObject({
      protocol: 'dns',
      ip_src_addr: '10.0.0.1',
      ip_dst_port: 53,
      timestamp: 1500,
    });
  });

  it('falls back to tx_hosts / rx_hosts for addresses', () => {
    const r = parse('{"files":{"ts":1,"tx_hosts":["10.1.1.1"],"rx_hosts":["10.2.2.2"]}}');
    expect(r.ok && r.value[0]).toMatchObject({ ip_src_addr: '10.1.1.1', ip_dst_addr: '10.2.2.2' });
  });

  it('moves only the first source name present, as Metron does', () => {
    const r = parse('{"conn":{"ts":1,"source_ip":"10.0.0.1","id.orig_h":"10.0.0.2"}}');
    expect(r.ok && r.value[0]).toMatchObject({ ip_src_addr: '10.0.0.1', 'id.orig_h': '10.0.0.2' });
    expect(r.ok && 'source_ip' in (r.value[0] ?? {})).toBe(false);
  });

  it('keeps a host list with more than one host after taking the first', () => {
    const r = parse('{"files":{"ts":1,"tx_hosts":["10.1.1.1","10.1.1.2"]}}');
    expect(r.ok && r.value[0]).toMatchObject({ ip_src_addr: '10.1.1.1', tx_hosts: ['10.1.1.1', '10.1.1.2'] });
  });

  it('strips characters Metron cleans from keys', () => {
    const r = parse('{"http":{"ts":1,"we-ird key!":"v"}}');
    expect(r.ok && r.value[0]?.weirdkey).toBe('v');
  });

  it('marks numbers written as floating point so the lake types them double', () => {
    const r = parse('{"dns":{"ts":1,"TTLs":[3600.0,289.0],"qtype":28,"lease":5.0}}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([...(r.value[0]?.[DOUBLE_FIELDS] ?? [])].sort()).toEqual(['TTLs', 'lease']);
    expect(r.value[0]?.original_string).toContain('TTLs:[3600.0,289.0]');
  });

  it.each([
    ['not JSON', 'conn 1 2 3', 'bro.json'],
    ['truncated JSON', '{"conn": {"ts": 1', 'bro.json'],
    ['no log type', '[1,2]', 'bro.shape'],
    ['missing ts', '{"http":{"uid":"a"}}', 'bro.ts'],
    ['ts not a number', '{"http":{"ts":"yesterday"}}', 'bro.ts'],
  ])('rejects %s with a reason', (_name, line, code) => {
    const r = parse(line);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message.length).toBeGreaterThan(5);
    }
  });
});
