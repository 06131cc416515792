import { describe, expect, it } from 'vitest';
import { buildSensor } from '#streaming';
import { fixtureLines } from '../../../helpers/metron.js';

const NOW = Date.UTC(2016, 4, 1);

const sensor = buildSensor(
  'sourcefire',
  'sourcefire.json',
  {
    parserClassName: 'org.apache.metron.parsers.sourcefire.BasicSourcefireParser',
    parserConfig: {},
    fieldTransformations: [],
  },
  { now: () => NOW },
);

describe('Sourcefire parser on Metron’s samples (raw only: no expected output shipped)', () => {
  const lines = [
    ...fixtureLines('sourcefire', 'raw', 'SourcefireExampleOutput'),
    ...fixtureLines('sourcefire', 'unit-test', 'SourcefireParserTest.txt'),
  ];

  // Metron's unit test validated its output against this JSON schema; the required keys are kept
  // (the ports are numbers here, where the schema says text: see the parser's notes).
  const schema = JSON.parse(fixtureLines('sourcefire', 'unit-test', 'SourcefireSchema.json').join('\n')) as {
    required: string[];
  };
  const required = schema.required;

  it('has the sample lines and the schema', () => {
    expect(lines.length).toBe(5);
    expect(required).toContain('ip_src_port');
    expect(required).toHaveLength(8);
  });

  lines.forEach((line, i) => {
    it(`line ${i + 1} parses with the fields Metron's schema requires`, () => {
      const { events, errors } = sensor.parse(Buffer.from(line));
      expect(errors).toEqual([]);
      expect(events).toHaveLength(1);
      const e = events[0] as Record<string, unknown>;
      for (const key of required) expect(e[key], key).toBeDefined();
      expect(e.timestamp).toBe(NOW);
    });
  });

  it('reads the 5-tuple, the signature, and spaces the signature out in original_string as Metron did', () => {
    const line = lines[3] as string;
    const e = sensor.parse(Buffer.from(line)).events[0];
    expect(e).toMatchObject({
      protocol: 'tcp',
      ip_src_addr: '46.149.110.103',
      ip_src_port: 80,
      ip_dst_addr: '192.168.56.102',
      ip_dst_port: 1073,
      key: '{TCP} 46.149.110.103:80 -> 192.168.56.102:1073',
      signature_id: '[1:3192:2]',
    });
    expect(e?.original_string).toBe(line.replace('[1:3192:2]', ' [1:3192:2] '));
    expect(e?.community_id).toMatch(/^1:/);
  });

  it('keeps the record as original_string and an empty signature when there is none', () => {
    const e = sensor.parse(Buffer.from('x {UDP} 10.0.0.1 -> 10.0.0.2')).events[0];
    expect(e).toMatchObject({
      original_string: 'x {UDP} 10.0.0.1 -> 10.0.0.2',
      signature_id: '',
      protocol: 'udp',
    });
    expect('ip_src_port' in (e ?? {})).toBe(false);
  });

  it.each([
    ['no braces', 'snort alert 10.0.0.1 -> 10.0.0.2'],
    ['no arrow', 'alert {TCP} 10.0.0.1:1 10.0.0.2:2'],
    ['an unclosed brace', 'alert {TCP 10.0.0.1 -> 10.0.0.2'],
    ['a port separator with no port', 'alert {TCP} 10.0.0.1: -> 10.0.0.2'],
    ['an empty record', ''],
  ])('fails, without throwing, on %s', (_name, line) => {
    const { events, errors } = sensor.parse(Buffer.from(line));
    expect(events).toEqual([]);
    expect(errors[0]?.code).toBe('sourcefire.shape');
  });
});
