import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type SensorParserConfig, sensorParserConfigSchema } from '#core';
import { allParsers, buildParser, buildSensor, loadSensorConfig } from '#streaming';
import { ROOT } from '../../../helpers/cli.js';
import { fixtureLines, METRON_FIXTURES, metronGolden } from '../../../helpers/metron.js';

const metronConfig: SensorParserConfig = sensorParserConfigSchema.parse(
  JSON.parse(readFileSync(join(METRON_FIXTURES, 'configs', 'parsers', 'snort.json'), 'utf8')),
);

// From Metron's SnortParserTest: a message whose text holds a comma inside quotes.
const GOOD =
  '01/27/16-16:01:04.877970 ,129,12,1,"Consecutive TCP small segments, exceeding threshold",TCP,10.0.2.2,56642,10.0.2.15,22,52:54:00:12:35:02,08:00:27:7F:93:2D,0x4E,***AP***,0x9AFF3D7,0xC8761D52,,0xFFFF,64,0,59677,64,65536,,,,';
const FOUR_DIGIT_YEAR = GOOD.replace('01/27/16', '01/27/2016');
// 2016-01-27T16:01:04.877 in New York (the fraction is microseconds, so .877970 is 877 ms).
const NEW_YORK_MS = 1453928464877;

const snort = (parserConfig: Record<string, unknown> = {}, timezone?: string) =>
  buildParser(
    {
      parserClassName: 'org.apache.metron.parsers.snort.BasicSnortParser',
      parserConfig,
      fieldTransformations: [],
    },
    'snort',
    'snort.json',
    timezone ? { timezone } : {},
  );

const configProblems = (parserConfig: Record<string, unknown>): string => {
  try {
    snort(parserConfig);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path} ${p.message}`).join('\n');
    throw e;
  }
  return 'no problem';
};

const sensor = buildSensor('snort', 'snort.json', metronConfig);
const raw = fixtureLines('snort', 'raw', 'SnortOutput');

metronGolden({
  title: "snort parser against Metron's expected output",
  sensor,
  raw: ['snort', 'raw', 'SnortOutput'],
  parsed: ['snort', 'parsed', 'SnortParsed'],
  lines: 3,
  // Palisade's addition: a TCP alert with both ends known has a Community ID.
  check: (event) => expect(event.community_id).toMatch(/^1:[A-Za-z0-9+/]{27}=$/),
});

describe('snort timestamps', () => {
  it('reads the timestamps in the default zone (UTC here; Metron used the JVM zone)', () => {
    const times = raw.map((l) => sensor.parse(Buffer.from(l)).events[0]?.timestamp);
    expect(times).toEqual([
      Date.UTC(2016, 0, 27, 16, 1, 4, 877),
      Date.UTC(2016, 1, 22, 15, 56, 48, 612),
      Date.UTC(2016, 1, 22, 15, 56, 48, 616),
    ]);
  });
});

describe("snort parser: Metron's SnortParserTest", () => {
  it('testGoodMessage: every column as the string Snort wrote', () => {
    const r = snort()(GOOD);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(1);
    const { timestamp, ...rest } = r.value[0] as Record<string, unknown>;
    expect(typeof timestamp).toBe('number');
    expect(rest).toEqual({
      msg: 'Consecutive TCP small segments, exceeding threshold',
      sig_rev: '1',
      ip_dst_addr: '10.0.2.15',
      ip_dst_port: '22',
      ethsrc: '52:54:00:12:35:02',
      tcpseq: '0x9AFF3D7',
      dgmlen: '64',
      icmpid: '',
      tcplen: '',
      tcpwindow: '0xFFFF',
      icmpseq: '',
      tcpack: '0xC8761D52',
      icmpcode: '',
      tos: '0',
      id: '59677',
      ethdst: '08:00:27:7F:93:2D',
      ip_src_addr: '10.0.2.2',
      ttl: '64',
      ethlen: '0x4E',
      iplen: '65536',
      icmptype: '',
      protocol: 'TCP',
      ip_src_port: '56642',
      tcpflags: '***AP***',
      sig_id: '12',
      sig_generator: '129',
      is_alert: 'true',
      original_string: GOOD,
    });
  });

  it('testBadMessage: "foo bar" is an error, not an exception', () => {
    const r = snort()('foo bar');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ stage: 'parser_error', code: 'snort.columns' });
      expect(r.error.message).toContain('got 1');
    }
  });

  it('parses_timestamp_as_local_zone_by_default: the zone Palisade runs in (--timezone)', () => {
    const r = snort({}, 'America/New_York')(GOOD);
    expect(r.ok && r.value[0]?.timestamp).toBe(NEW_YORK_MS);
  });

  it('uses_configuration_to_parse: dateFormat and timeZone', () => {
    const r = snort({ dateFormat: 'MM/dd/yyyy-HH:mm:ss.SSSSSS', timeZone: 'America/New_York' })(
      FOUR_DIGIT_YEAR,
    );
    expect(r.ok && r.value[0]?.timestamp).toBe(NEW_YORK_MS);
    // The config's timeZone wins over the one Palisade runs in.
    const tokyo = snort({ timeZone: 'America/New_York' }, 'Asia/Tokyo')(GOOD);
    expect(tokyo.ok && tokyo.value[0]?.timestamp).toBe(NEW_YORK_MS);
  });

  it('throws_exception_on_bad_config_timezone: a config error naming the zone', () => {
    const problems = configProblems({
      dateFormat: 'MM/dd/yyyy-HH:mm:ss.SSSSSS',
      timeZone: 'blahblahBADZONE',
    });
    expect(problems).toContain('$.timeZone');
    expect(problems).toContain("Unable to find ZoneId 'blahblahBADZONE'");
  });

  it('throws_exception_on_bad_config_date_format: "Unknown pattern letter"', () => {
    const problems = configProblems({ dateFormat: 'BADFORMAT' });
    expect(problems).toContain('$.dateFormat');
    expect(problems).toContain('Unknown pattern letter: B');
  });
});

describe('snort parser details', () => {
  it('is registered under its Metron class name', () => {
    expect(
      allParsers.find((p) => p.metronClasses.includes('org.apache.metron.parsers.snort.BasicSnortParser'))
        ?.name,
    ).toBe('snort');
  });

  it("ships Metron's sensor config unchanged as config/sensors/snort.json", () => {
    expect(readFileSync(join(ROOT, 'config', 'sensors', 'snort.json'), 'utf8')).toBe(
      readFileSync(join(METRON_FIXTURES, 'configs', 'parsers', 'snort.json'), 'utf8'),
    );
    const { config } = loadSensorConfig(join(ROOT, 'config'), 'snort');
    const sensor = buildSensor('snort', 'config/sensors/snort.json', config);
    expect(sensor.parse(Buffer.from(GOOD)).events).toHaveLength(1);
  });

  it('ignores columns past the 27th, as Metron does', () => {
    const r = snort()(`${GOOD},extra,columns`);
    expect(r.ok && r.value[0]?.icmpseq).toBe('');
    expect(r.ok && Object.keys(r.value[0] ?? {})).not.toContain('extra');
  });

  it('treats a line whose first column is not a Snort time as an error on the timestamp', () => {
    const r = snort()(GOOD.replace('01/27/16-16:01:04.877970', '2016-01-27 16:01:04'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'snort.timestamp', field: 'timestamp' });
  });

  it.each([
    ['an unclosed quote', GOOD.replace('threshold"', 'threshold'), 'snort.quote'],
    ['too few columns', GOOD.split(',').slice(0, 20).join(','), 'snort.columns'],
    ['a comment line', '# snort alert_csv', 'snort.empty'],
    ['month 13', GOOD.replace('01/27/16', '13/27/16'), 'snort.timestamp'],
    ['trailing text in the time', GOOD.replace('.877970 ', '.877970x'), 'snort.timestamp'],
  ])('rejects %s with a reason', (_name, line, code) => {
    const r = snort()(line);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.stage).toBe('parser_error');
      expect(r.error.message.length).toBeGreaterThan(10);
    }
  });

  it('keeps an empty timeZone or dateFormat on the defaults, as Metron does', () => {
    const r = snort({ dateFormat: '', timeZone: '' }, 'America/New_York')(GOOD);
    expect(r.ok && r.value[0]?.timestamp).toBe(NEW_YORK_MS);
  });
});
