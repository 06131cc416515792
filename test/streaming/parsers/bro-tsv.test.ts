import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOUBLE_FIELDS, type Event } from '#core';
import { buildParser, buildSensor, type ParseFn } from '#streaming';

/**
 * Zeek TSV logs through the bro parser: each record must give exactly the event its Zeek JSON
 * form gives. The fixtures are the same records written both ways (test/fixtures/zeek/).
 */

const ZEEK = join(import.meta.dirname, '..', '..', 'fixtures', 'zeek');
const lines = (name: string) =>
  readFileSync(join(ZEEK, name), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);

const newParser = (): ParseFn =>
  buildParser({ parser: 'bro', parserConfig: {}, fieldTransformations: [] }, 'bro', 'bro.json');

/** Every event of a file, in order; a failing line fails the test with its reason. */
function eventsOf(parse: ParseFn, file: string): Event[] {
  parse.reset?.();
  const events: Event[] = [];
  for (const line of lines(file)) {
    const r = parse(line);
    if (!r.ok) throw new Error(`${file}: ${r.error.code}: ${r.error.message}\n${line}`);
    events.push(...r.value);
  }
  return events;
}

const doubles = (e: Event | undefined) => [...(e?.[DOUBLE_FIELDS] ?? [])].sort();

describe('Zeek TSV logs give the events of the same records as Zeek JSON', () => {
  for (const log of ['conn', 'dns', 'http']) {
    it(`${log}.log equals ${log}.json field for field`, () => {
      const parse = newParser();
      const fromTsv = eventsOf(parse, `${log}.log`);
      const fromJson = eventsOf(parse, `${log}.json`);
      expect(fromJson.length).toBeGreaterThan(2);
      expect(fromTsv).toHaveLength(fromJson.length);
      fromTsv.forEach((event, i) => {
        expect(event).toEqual(fromJson[i]);
        expect(Object.keys(event).sort()).toEqual(Object.keys(fromJson[i] as Event).sort());
        expect(doubles(event)).toEqual(doubles(fromJson[i]));
      });
    });
  }

  it('types values by #types and leaves unset fields out', () => {
    const [http, , cont] = eventsOf(newParser(), 'http.log');
    const [first, , icmp] = eventsOf(newParser(), 'conn.log');
    expect(http).toMatchObject({
      protocol: 'http',
      ip_src_addr: '192.168.1.102',
      ip_src_port: 51234,
      ip_dst_port: 80,
      status_code: 200,
      uri: '/index.html?q=a\tb',
      tags: [],
      resp_fuids: ['FhRQ3x1Ex4q2kQPh5'],
      timestamp: 1709647351512,
      bro_timestamp: '1709647351.512345',
    });
    expect(http).not.toHaveProperty('referrer');
    expect(http).not.toHaveProperty('orig_fuids');
    // Bytes that are not UTF-8 stay as \xHH, as Zeek's JSON writer shows them.
    expect(cont?.uri).toBe('/cgi-bin/a.cgi?x=\\xff\\xfe');
    expect(first).toMatchObject({
      local_orig: true,
      local_resp: false,
      tunnel_parents: [],
      duration: 0.211804,
    });
    // An integral double is still a double (3.000000 in TSV, 3.0 in JSON).
    expect(icmp?.duration).toBe(3);
    expect(doubles(icmp)).toEqual(['duration']);
    expect(icmp?.bro_timestamp).toBe('1709647353.0');
    expect(icmp?.original_string).toContain('duration:3.0');
    expect(icmp).not.toHaveProperty('service');
  });

  it('reads (empty) as an empty string, an escaped - as "-" and escaped set separators as text', () => {
    const post = eventsOf(newParser(), 'http.log')[1];
    expect(post).toMatchObject({
      user_agent: '',
      referrer: '-',
      tags: ['HTTP::URI_SQLI', 'HTTP::POST_SQLI'],
      orig_filenames: ['report,2024.pdf'],
    });
    const txt = eventsOf(newParser(), 'dns.log')[3];
    expect(txt).toMatchObject({
      query: 'bücher.example',
      TTLs: [60],
      answers: ['TXT 27 v=spf1 include:_spf,example -all'],
    });
    expect(doubles(txt)).toEqual(['TTLs']);
  });
});

describe('Zeek TSV header state', () => {
  const HEADER = [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    '#fields\tts\tuid\tid.orig_h\tid.resp_p\tproto',
    '#types\ttime\tstring\taddr\tport\tenum',
  ];
  const RECORD = '1709647351.402345\tC1\t10.0.0.1\t443\ttcp';

  it('gives no event for header lines', () => {
    const parse = newParser();
    for (const h of [...HEADER, '#open\t2024-03-05-14-00-00', '# a comment']) {
      expect(parse(h)).toEqual({ ok: true, value: [] });
    }
    const r = parse(RECORD);
    expect(r.ok && r.value[0]).toMatchObject({ protocol: 'conn', uid: 'C1', ip_dst_port: 443 });
  });

  it('forgets the header on reset (a new file) and on #close', () => {
    const parse = newParser();
    for (const h of HEADER) parse(h);
    expect(parse(RECORD).ok).toBe(true);
    parse.reset?.();
    const after = parse(RECORD);
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.error.code).toBe('bro.tsv.header');
    for (const h of HEADER) parse(h);
    parse('#close\t2024-03-05-15-00-00');
    expect(parse(RECORD).ok).toBe(false);
  });

  it('resets between files in the sensor stage too', () => {
    const sensor = buildSensor('bro', 'bro.json', {
      parser: 'bro',
      parserConfig: {},
      fieldTransformations: [],
    });
    for (const h of HEADER)
      expect(sensor.parse(Buffer.from(h))).toEqual({ events: [], errors: [], filtered: 0 });
    expect(sensor.parse(Buffer.from(RECORD)).events).toHaveLength(1);
    sensor.reset();
    expect(sensor.parse(Buffer.from(RECORD)).errors[0]?.code).toBe('bro.tsv.header');
  });

  it('honours other separators and placeholders', () => {
    const parse = newParser();
    for (const h of [
      '#separator \\x7c',
      '#set_separator|;',
      '#empty_field|EMPTY',
      '#unset_field|NULL',
      '#path|files',
      '#fields|ts|fuid|tx_hosts|rx_hosts|mime_type|filename',
      '#types|time|string|set[addr]|set[addr]|string|string',
    ])
      expect(parse(h).ok).toBe(true);
    const r = parse('1.5|F1|10.1.1.1;10.1.1.2|EMPTY|NULL|a\\x7cb');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value[0]).toMatchObject({
      ip_src_addr: '10.1.1.1',
      tx_hosts: ['10.1.1.1', '10.1.1.2'],
      rx_hosts: [],
      filename: 'a|b',
      timestamp: 1500,
    });
    expect(r.value[0]).not.toHaveProperty('mime_type');
  });

  it('still reads JSON lines, also after a TSV header', () => {
    const parse = newParser();
    for (const h of HEADER) parse(h);
    const r = parse('{"dns":{"ts":1.0,"uid":"C9","query":"example.com"}}');
    expect(r.ok && r.value[0]).toMatchObject({ protocol: 'dns', uid: 'C9', query: 'example.com' });
  });

  it('skips a byte-order mark before the first header', () => {
    const parse = newParser();
    expect(parse(`\uFEFF${HEADER[0]}`).ok).toBe(true);
    for (const h of HEADER.slice(1)) parse(h);
    expect(parse(RECORD).ok).toBe(true);
  });

  it.each([
    ['too few values', '1709647351.402345\tC1\t10.0.0.1\t443', 'bro.tsv.columns', undefined],
    [
      'a port that is not a number',
      '1709647351.402345\tC1\t10.0.0.1\thttps\ttcp',
      'bro.tsv.value',
      'id.resp_p',
    ],
    ['a time that is not a number', 'yesterday\tC1\t10.0.0.1\t443\ttcp', 'bro.tsv.value', 'ts'],
    ['(empty) in a number column', '(empty)\tC1\t10.0.0.1\t443\ttcp', 'bro.tsv.value', 'ts'],
  ])('rejects %s with the field at fault', (_name, line, code, field) => {
    const parse = newParser();
    for (const h of HEADER) parse(h);
    const r = parse(line);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.field).toBe(field);
    }
  });

  it('rejects a record without ts, as the JSON path does', () => {
    const parse = newParser();
    for (const h of HEADER) parse(h);
    const r = parse('-\tC1\t10.0.0.1\t443\ttcp');
    expect(!r.ok && r.error.code).toBe('bro.ts');
  });

  it.each([
    ['#types before #fields', ['#separator \\x09', '#types\ttime'], 'bro.tsv.header'],
    ['#types of another length', ['#separator \\x09', '#fields\ta\tb', '#types\ttime'], 'bro.tsv.header'],
  ])('rejects %s', (_name, header, code) => {
    const parse = newParser();
    const results = header.map((h) => parse(h));
    const last = results[results.length - 1];
    expect(last?.ok).toBe(false);
    if (last && !last.ok) expect(last.error.code).toBe(code);
  });

  it('says a TSV line came before any header', () => {
    const r = newParser()(RECORD);
    expect(!r.ok && r.error.code).toBe('bro.tsv.header');
  });

  it('needs a #path to name the log', () => {
    const parse = newParser();
    for (const h of HEADER.filter((h) => !h.startsWith('#path'))) parse(h);
    const r = parse(RECORD);
    expect(!r.ok && r.error.message).toMatch(/#path/);
  });
});

describe('damaged Zeek TSV records', () => {
  it('each give an event or an error, never an exception or silence', () => {
    let errors = 0;
    for (const log of ['conn', 'dns', 'http']) {
      const all = lines(`${log}.log`);
      const header = all.filter((l) => l.startsWith('#') && !l.startsWith('#close'));
      const records = all.filter((l) => !l.startsWith('#'));
      for (const record of records) {
        const damaged = [
          record.slice(0, record.length / 2),
          record.slice(0, record.lastIndexOf('\t')),
          record.replace('\t', ' '),
          record.replace(/\t[^\t]*$/, '\tx\ty'),
          record.replace(/^[^\t]*/, 'not-a-time'),
          record.replace(/\t(T|F)\t/, '\tmaybe\t'),
          record.replace(/\t(\d+)\t/, '\t12ab\t'),
        ].filter((d) => d !== record);
        for (const line of damaged) {
          const parse = newParser();
          for (const h of header) parse(h);
          const r = parse(line);
          if (r.ok) expect(r.value.length).toBe(1);
          else {
            errors++;
            expect(r.error.code).toMatch(/^bro\./);
            expect(r.error.message.length).toBeGreaterThan(5);
          }
        }
      }
    }
    expect(errors).toBeGreaterThan(30);
  });
});

describe('bro parser limits', () => {
  it('makes JSON nested too deeply to walk an error, not a crash', () => {
    const deep = `{"conn":{"ts":1.0,"x":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`;
    const r = newParser()(deep);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toMatch(/^bro\.(depth|json)$/);
  });
});
