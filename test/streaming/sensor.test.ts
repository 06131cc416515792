import { describe, expect, it } from 'vitest';
import { ConfigError, type Event, type SensorParserConfig } from '#core';
import { buildSensor } from '#streaming';

/** The parse stage around a parser: Metron's field transformations, filter, validations, Community ID. */

const bro = (extra: Partial<SensorParserConfig> = {}): SensorParserConfig => ({
  parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser',
  parserConfig: {},
  fieldTransformations: [],
  ...extra,
});

const CONN =
  '{"conn":{"ts":1440447880.931272,"uid":"C1","id.orig_h":"192.168.138.158","id.orig_p":49188,"id.resp_h":"62.75.195.236","id.resp_p":80,"proto":"tcp","orig_bytes":326}}';
const HTTP =
  '{"http":{"ts":1440447880.931272,"uid":"C2","id.orig_h":"192.168.138.158","id.orig_p":49189,"id.resp_h":"95.163.121.204","id.resp_p":80,"method":"GET","host":"example.com","status_code":200}}';

const one = (sensor: ReturnType<typeof buildSensor>, line: string): Event => {
  const r = sensor.parse(Buffer.from(line));
  expect(r.errors).toEqual([]);
  expect(r.events).toHaveLength(1);
  return r.events[0] as Event;
};

describe('sensor parse stage', () => {
  it('runs Metron field transformations in order, with parserConfig values visible to Stellar', () => {
    const sensor = buildSensor(
      'bro',
      'test',
      bro({
        parserConfig: { site: 'ams' },
        fieldTransformations: [
          {
            transformation: 'STELLAR',
            output: ['full_host', 'site_tag', 'uid'],
            config: {
              full_host: 'TO_UPPER(host)',
              site_tag: "JOIN([site, TO_STRING(status_code)], '-')",
              uid: 'null',
            },
          },
          { transformation: 'RENAME', config: { method: 'http_method' } },
          { transformation: 'REMOVE', input: ['trans_depth'], config: { condition: 'status_code == 200' } },
          {
            transformation: 'REGEX_SELECT',
            input: 'host',
            output: 'host_kind',
            config: { internal: '\\.local$', public: '\\.com$' },
          },
        ],
      }),
    );
    const e = one(sensor, HTTP);
    expect(e.full_host).toBe('EXAMPLE.COM');
    expect(e.site_tag).toBe('ams-200');
    expect(e).not.toHaveProperty('uid');
    expect(e.http_method).toBe('GET');
    expect(e).not.toHaveProperty('method');
    expect(e.host_kind).toBe('public');
  });

  it('SELECT keeps only the named fields (and the timestamp and original string); IP_PROTOCOL names numbers', () => {
    const sensor = buildSensor(
      'bro',
      'test',
      bro({
        fieldTransformations: [
          { transformation: 'STELLAR', output: ['proto_num'], config: { proto_num: '6' } },
          { transformation: 'IP_PROTOCOL', input: 'proto_num', output: 'proto_name' },
          { transformation: 'SELECT', output: ['ip_src_addr', 'proto_name'] },
        ],
      }),
    );
    const e = one(sensor, CONN);
    expect(Object.keys(e).sort()).toEqual(
      ['guid', 'ip_src_addr', 'original_string', 'proto_name', 'source.type', 'timestamp'].sort(),
    );
    expect(e.proto_name).toBe('TCP');
  });

  it('adds source.type, a guid and the Community ID of the flow', () => {
    const e = one(buildSensor('bro', 'test', bro()), CONN);
    expect(e['source.type']).toBe('bro');
    expect(e.guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.community_id).toMatch(/^1:[A-Za-z0-9+/]{27}=$/);
    // An http log names the application, not the transport: HTTP runs over TCP.
    expect(one(buildSensor('bro', 'test', bro()), HTTP).community_id).toMatch(/^1:/);
  });

  it('drops what the STELLAR filter rejects, and counts it', () => {
    const sensor = buildSensor(
      'bro',
      'test',
      bro({ filterClassName: 'STELLAR', parserConfig: { 'filter.query': "protocol == 'http'" } }),
    );
    expect(sensor.parse(Buffer.from(HTTP)).events).toHaveLength(1);
    const conn = sensor.parse(Buffer.from(CONN));
    expect(conn).toMatchObject({ events: [], errors: [], filtered: 1 });
  });

  it('sends events that fail a global field validation, a transformation or the size limit to errors', () => {
    const validated = buildSensor('bro', 'test', bro(), {
      globals: {
        fieldValidations: [
          { input: ['ip_src_addr'], validation: 'IP', config: { type: 'IPV4' } },
          { input: ['host'], validation: 'DOMAIN' },
        ],
      },
    });
    expect(validated.parse(Buffer.from(HTTP)).errors).toEqual([]);
    const bad = validated.parse(Buffer.from(HTTP.replace('example.com', 'not a domain!')));
    expect(bad.errors).toEqual([expect.objectContaining({ stage: 'parser_invalid', field: 'host' })]);

    const failing = buildSensor(
      'bro',
      'test',
      bro({
        fieldTransformations: [{ transformation: 'STELLAR', output: ['x'], config: { x: '1 / zero' } }],
      }),
    );
    const r = failing.parse(Buffer.from(HTTP.replace('"method"', '"zero":0,"method"')));
    expect(r.events).toEqual([]);
    expect(r.errors[0]?.message).toMatch(/field transformation failed: .*division by zero/);

    const small = buildSensor('bro', 'test', bro(), { maxRecordBytes: 100 });
    expect(small.parse(Buffer.from(HTTP)).errors[0]).toMatchObject({ code: 'record.size' });
  });

  it('lists every problem of a config at once', () => {
    let error: unknown;
    try {
      buildSensor(
        'bro',
        'test.json',
        bro({
          filterClassName: 'STELLAR',
          fieldTransformations: [
            { transformation: 'STELLAR', output: ['a'], config: { a: 'TO_UPER(x)' } },
            { transformation: 'FROBNICATE' },
            { transformation: 'REGEX_SELECT', input: 'x', output: 'y', config: { k: '(' } },
          ],
        }),
        { timezone: 'Mars/Olympus' },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const messages = (error as ConfigError).problems.map((p) => p.message).join('\n');
    expect(messages).toContain("unknown time zone 'Mars/Olympus'");
    expect(messages).toContain('unknown function TO_UPER (did you mean TO_UPPER?)');
    expect(messages).toContain("unknown transformation 'FROBNICATE'");
    expect(messages).toContain('invalid regex (');
    expect(messages).toContain('filter.query');
    expect((error as ConfigError).problems.length).toBe(5);
  });
});
