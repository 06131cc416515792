import { describe, expect, it } from 'vitest';
import { ConfigError } from '#core';
import { allParsers, buildParser, buildSensor } from '#streaming';
import { camelToSnake } from '../../../../streaming/parsers/delimited/regex/regex.js';

const NOW = 1_700_000_000_000;
const CLASS = 'org.apache.metron.parsers.regex.RegularExpressionsParser';

// Metron's RegularExpressionsParserTest configs, as JSON text exactly as the test holds them.
const FIELDS = String.raw`[
  { "recordType": "kesl", "regex": ".*(?<eventInfo>(?<=\\:).*?(?=$))" },
  { "recordType": "run-parts", "regex": ".*(?<eventInfo>(?<=\\sparts).*?(?=$))" },
  {
    "recordType": "sshd",
    "regex": [
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<eventInfo>(?<=\\]:\\s).*?(?=\\sfor)).*?(?<dstUserId>(?<=\\sfor\\s).*?(?=\\sfrom)).*?(?<ipSrcAddr>(?<=\\sfrom\\s).*?(?=\\sport)).*?(?<ipSrcPort>(?<=\\sport\\s).*?(?=\\s)).*?(?<appProtocol>(?<=port\\s\\d{1,5}\\s).*(?=:\\s)).*?(?<encryptionAlgorithm>(?<=:\\s).+?(?=\\s)).*(?<correlationId>(?<=\\s).+?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<eventInfo>(?<=\\]:\\s).*?(?=\\sfor)).*?(?<dstUserId>(?<=\\sfor\\s).*?(?=\\sfrom)).*?(?<ipSrcAddr>(?<=\\sfrom\\s).*?(?=\\sport)).*?(?<ipSrcPort>(?<=\\sport\\s).*?(?=\\s)).*?(?<appProtocol>(?<=port\\s\\d{1,5}\\s).*?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<ipDstAddr>(?<=Remote:).*?(?=\\-)).*?(?<ipDstPort>(?<=\\-).*?(?=;)).*?(?<appProtocol>(?<=Protocol:).*?(?=;)).*?(?<sshClient>(?<=Client:).*?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<appProtocol>(?<=\\]:).*?(?=:)).*?(?<ipDstAddr>(?<=Remote:).*?(?=\\-)).*?(?<ipDstPort>(?<=\\-).*?(?=;)).*?(?<encryptionAlgorithm>(?<=Enc:\\s).*?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<ipDstAddr>(?<=Remote:).*?(?=\\-)).*?(?<ipDstPort>(?<=\\-).*?(?=;)).*?(?<encryptionAlgorithm>(?<=Enc:\\s).*?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<eventInfo>(?<=:).*?(?=for)).*?(?<dstUserId>(?<=for).*?(?=from)).*?(?<ipSrcAddr>(?<=from).*?(?=port)).*?(?<ipSrcPort>(?<=port).*?(?=\\s)).*?(?<appProtocol>(?<=\\s).*?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\]))]:\\s.*?(?<eventInfo>subsystem.*?(?=by\\suser)).*?(?<srcUserId>(?<=user).*?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<action>(?<=Received).*?(?=from)).*?(?<ipSrcAddr>(?<=from).*?(?=:)).*?(?<eventInfo>(?<=11:).*?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<eventInfo>(?<=\\]:\\s)Server\\slistening(?=\\s)).*?(?<ipSrcAddr>(?<=\\son\\s).*?(?=port)).*?(?<ipSrcPort>(?<=port\\s)\\d{1,6}(?=\\.)).*$",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<eventInfo>(?<=\\]:\\s)Invalid user(?=\\s)).*?(?<dstUserId>(?<=\\s).*?(?=from)).*?(?<ipSrcAddr>(?<=from\\s).*(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=]:\\s)).*(?<subProcess>(?<=]:\\s).*\\)(?=:)).*(?<eventInfo>(?<=:\\s).*(?=;)).*(?<logname>(?<=logname=).*?(?=\\s)).*(?<dstUserId>(?<=uid=).*?(?=\\s)).*(?<effectiveUserId>(?<=euid=).*?(?=\\s)).*(?<sessionName>(?<=tty=).*?(?=\\s)).*(?<srcUserId>(?<=ruser=).*?(?=\\s)).*(?<ipSrcAddr>(?<=rhost=).*?(?=\\s)).*(?<userId>(?<=user=).*?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=]:\\s)).*(?<eventInfo>(?<=:\\s).*(?=;)).*(?<logname>(?<=logname=).*?(?=\\s)).*(?<dstUserId>(?<=uid=).*?(?=\\s)).*(?<effectiveUserId>(?<=euid=).*?(?=\\s)).*(?<sessionName>(?<=tty=).*?(?=\\s)).*(?<srcUserId>(?<=ruser=).*?(?=\\s)).*(?<ipSrcAddr>(?<=rhost=).*?(?=\\s)).*(?<userId>(?<=user=).*?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<eventInfo>(?<=\\]:\\s).*?(?=for)).*?(?<dstUserId>(?<=\\sfor).*?(?=\\[)).*?(?<subProcess>(?<=\\[).*?(?=\\])).*$",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<eventInfo>(?<=:\\s)Excess permission or bad ownership on file(?=\\s\\/)).*?(?<filePath>(?<=\\s).*(?=\\/)).*?(?<fileName>(?<=\\/).*(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<eventInfo>(?<=:).*?(?=;)).*$",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<eventInfo>(?<=:).*?(?=\\d)).*$",
      ".*(?<dstProcessId>(?<=\\[).*?(?=\\])).*?(?<eventInfo>(?<=:).*?(?=$))"
    ]
  },
  {
    "recordType": "kernel",
    "regex": [
      ".*(?<connectedDeviceName>(?<=\\:\\susb).*?(?=\\:)).*?(?<eventInfo>(?<=\\:).*?(?=$))",
      ".*(?<subProcess>(?<=\\:\\s).*?(?=\\:)).*?(?<eventInfo>(?<=\\:).*?(?=$))"
    ]
  },
  {
    "recordType": "vsftpd",
    "regex": ".*(?<dstProcessId>(?<=\\[).*?(?=]:\\s)).*(?<subProcess>(?<=]:\\s).*\\)(?=:)).*(?<eventInfo>(?<=:\\s).*(?=;)).*(?<effectiveUserId>(?<=euid=).*?(?=\\s)).*(?<sessionName>(?<=tty=).*?(?=\\s)).*(?<srcUserId>(?<=user=).*?(?=\\s)).*(?<ipSrcAddr>(?<=rhost=).*?(?=\\s)).*(?<dstUserId>(?<=user=).*?(?=$))"
  },
  {
    "recordType": "ftpd",
    "regex": [
      ".*(?<dstProcessId>(?<=\\[).*?(?=]:\\s)).*(?<eventInfo>(?<=:\\s).*(?=FROM)).*(?<srcHost>(?<=\\s).*?(?=\\s)).*(?<ipSrcAddr>(?<=\\s).*?(?=,)).*(?<dstUserId>(?<=,).*?(?=$))",
      ".*(?<dstProcessId>(?<=\\[).*?(?=]:\\s)).*(?<eventInfo>(?<=:\\s).*(?=from)).*(?<srcHost>(?<=\\s).*?(?=\\s)).*(?<ipSrcAddr>(?<=\\s).*?(?=,)).*(?<dstUserId>(?<=,).*?(?=$))"
    ]
  },
  {
    "recordType": "su",
    "regex": [".*(?<eventInfo>(?<=:\\s).*(?=for)).*(?<dstUserId>(?<=user=).*?(?=to)).*(?<responseCode>(?<=to).*?(?=$))"]
  }
]`;

const HEADER = String.raw`"(?<syslogpriority>(?<=^<)\\d{1,4}(?=>)).*?(?<timestampDeviceOriginal>(?<=>)[A-Za-z]{3}\\s{1,2}\\d{1,2}\\s\\d{1,2}:\\d{1,2}:\\d{1,2}(?=\\s)).*?(?<deviceName>(?<=\\s).*?(?=\\s))"`;
const RECORD_TYPE = String.raw`"(?<dstProcessName>(?<=\\s)\\b(kesl|sshd|run-parts|kernel|vsftpd|ftpd|su)\\b(?=\\[|:))"`;

const parserConfig1 = JSON.parse(`{
  "convertCamelCaseToUnderScore": true,
  "messageHeaderRegex": ${HEADER},
  "recordTypeRegex": ${RECORD_TYPE},
  "fields": ${FIELDS}
}`) as Record<string, unknown>;

const parserConfigNoMessageHeader = JSON.parse(`{
  "convertCamelCaseToUnderScore": true,
  "recordTypeRegex": ${RECORD_TYPE},
  "fields": ${FIELDS}
}`) as Record<string, unknown>;

// The underscore makes (?<syslog_priority>…) an invalid Java group name.
const invalidParserConfig = JSON.parse(String.raw`{
  "messageHeaderRegex": "(?<syslog_priority>(?<=^<)\\d{1,4}(?=>)).*?(?<timestampDeviceOriginal>(?<=>)[A-Za-z]{3}\\s{1,2}\\d{1,2}\\s\\d{1,2}:\\d{1,2}:\\d{1,2}(?=\\s)).*?(?<deviceName>(?<=\\s).*?(?=\\s))",
  "recordTypeRegex": "(?<dstProcessName>(?<=\\s)\\b(tch-replicant|audispd|syslog)\\b(?=\\[|:))",
  "fields": [ { "recordType": "syslog", "regex": ".*(?<dstProcessId>(?<=PID\\s=\\s).*?(?=\\sLine)).*" } ]
}`) as Record<string, unknown>;

const noRecordTypeParserConfig = JSON.parse(String.raw`{
  "messageHeaderRegex": "(?<syslog_priority>(?<=^<)\\d{1,4}(?=>)).*?(?<timestampDeviceOriginal>(?<=>)[A-Za-z]{3}\\s{1,2}\\d{1,2}\\s\\d{1,2}:\\d{1,2}:\\d{1,2}(?=\\s)).*?(?<deviceName>(?<=\\s).*?(?=\\s))",
  "fields": [ { "recordType": "syslog", "regex": ".*(?<dstProcessId>(?<=PID\\s=\\s).*?(?=\\sLine)).*" } ]
}`) as Record<string, unknown>;

const sensorConfig = (parserConfig: Record<string, unknown>) => ({
  parserClassName: CLASS,
  parserConfig,
  fieldTransformations: [],
});

const regex = (parserConfig: Record<string, unknown>) =>
  buildParser(sensorConfig(parserConfig), 'rhel', 'regex.json', { now: () => NOW });

const one = (parse: ReturnType<typeof regex>, line: string): Record<string, unknown> => {
  const r = parse(line);
  if (!r.ok) throw new Error(`unexpected error: ${r.error.message}`);
  expect(r.value).toHaveLength(1);
  return r.value[0] as Record<string, unknown>;
};

const configProblems = (parserConfig: Record<string, unknown>): string => {
  try {
    regex(parserConfig);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path} ${p.message}`).join('\n');
    throw e;
  }
  return 'no problem';
};

const SSHD =
  '<38>Jun 20 15:01:17 deviceName sshd[11672]: Accepted publickey for prod from 22.22.22.22 port 55555 ssh2';

describe("regex parser: Metron's RegularExpressionsParserTest", () => {
  it('testSSHDParse', () => {
    const parsed = one(regex(parserConfig1), SSHD);
    expect(parsed.device_name).toBe('deviceName');
    expect(parsed.dst_process_name).toBe('sshd');
    expect(parsed.dst_process_id).toBe('11672');
    expect(parsed.dst_user_id).toBe('prod');
    expect(parsed.ip_src_addr).toBe('22.22.22.22');
    expect(parsed.ip_src_port).toBe('55555');
    expect(parsed.app_protocol).toBe('ssh2');
    expect(parsed.original_string).toBe(SSHD);
    expect(parsed.timestamp).toBe(NOW);
    // The whole record, so nothing unexpected rides along.
    expect(parsed).toEqual({
      syslogpriority: '38',
      timestamp_device_original: 'Jun 20 15:01:17',
      device_name: 'deviceName',
      dst_process_name: 'sshd',
      dst_process_id: '11672',
      event_info: 'Accepted publickey',
      dst_user_id: 'prod',
      ip_src_addr: '22.22.22.22',
      ip_src_port: '55555',
      app_protocol: 'ssh2',
      original_string: SSHD,
      timestamp: NOW,
    });
  });

  it('testNoMessageHeaderRegex', () => {
    const parsed = one(regex(parserConfigNoMessageHeader), SSHD);
    expect(parsed.dst_process_name).toBe('sshd');
    expect(parsed.dst_process_id).toBe('11672');
    expect(parsed.dst_user_id).toBe('prod');
    expect(parsed.ip_src_addr).toBe('22.22.22.22');
    expect(parsed.ip_src_port).toBe('55555');
    expect(parsed.app_protocol).toBe('ssh2');
    expect(parsed.original_string).toBe(SSHD);
    expect(parsed.timestamp).toBe(NOW);
    expect(parsed).not.toHaveProperty('device_name');
  });

  it('testMalformedRegex: a group name with "_" is a config error', () => {
    const problems = configProblems(invalidParserConfig);
    expect(problems).toContain('$.messageHeaderRegex');
    expect(problems).toContain('named capturing group');
  });

  it('testNoRecordTypeRegex: recordTypeRegex is required', () => {
    expect(configProblems(noRecordTypeParserConfig)).toContain('$.recordTypeRegex');
    expect(configProblems({ ...parserConfig1, recordTypeRegex: '  ' })).toContain(
      'recordTypeRegex is missing in parserConfig',
    );
  });
});

describe('regex parser details', () => {
  const parse = regex(parserConfig1);

  it.each([
    [
      'kernel, first regex of a list',
      '<6>Jun 26 16:18:01 hostName kernel: usb 1-1: new high-speed USB device',
      {
        connected_device_name: '1-1',
        event_info: 'new high-speed USB device',
        dst_process_name: 'kernel',
        device_name: 'hostName',
      },
    ],
    [
      'kernel, second regex',
      '<6>Jun 26 16:18:01 hostName kernel: SELinux: initialized (dev tmpfs)',
      { sub_process: 'SELinux', event_info: 'initialized (dev tmpfs)', device_name: 'hostName' },
    ],
    [
      'sshd, a later regex in the list',
      '<38>Jun 20 15:01:17 deviceName sshd[123]: Server listening on 0.0.0.0 port 22.',
      {
        dst_process_id: '123',
        event_info: 'Server listening',
        ip_src_addr: '0.0.0.0',
        ip_src_port: '22',
        device_name: 'deviceName',
      },
    ],
  ])('picks the first whole-message regex of the record type: %s', (_name, line, fields) => {
    expect(one(parse, line)).toMatchObject(fields);
  });

  it('keeps a message no record type fits, with just its header fields', () => {
    const line = '<13>Jun 26 16:18:01 hostName crond[99]: job done';
    expect(one(parse, line)).toEqual({
      syslogpriority: '13',
      timestamp_device_original: 'Jun 26 16:18:01',
      device_name: 'hostName',
      original_string: line,
      timestamp: NOW,
    });
  });

  it('trims the message and stamps the clock, overriding a group called timestamp', () => {
    const p = regex({ recordTypeRegex: '(?<timestamp>\\d+) (?<kind>\\w+)', fields: [] });
    expect(one(p, '  123 login \n')).toEqual({ timestamp: NOW, kind: 'login', original_string: '123 login' });
  });

  it('keeps camelCase names when convertCamelCaseToUnderScore is off', () => {
    const p = regex({ recordTypeRegex: '(?<userName>\\w+)@', fields: [] });
    expect(one(p, 'alice@host')).toEqual({
      userName: 'alice',
      original_string: 'alice@host',
      timestamp: NOW,
    });
  });

  it('tries header regexes in order and skips blank header groups', () => {
    const p = regex({
      recordTypeRegex: 'x',
      messageHeaderRegex: ['^(?<first>A+)', '^(?<second>B+)(?<blank>\\s*)'],
      fields: [],
    });
    expect(one(p, 'BBB x')).toEqual({ second: 'BBB', original_string: 'BBB x', timestamp: NOW });
  });

  it('lets record-type groups override field groups, and field groups override the header', () => {
    const p = regex({
      recordTypeRegex: '(?<who>bob)',
      messageHeaderRegex: '(?<who>\\w+) (?<verb>\\w+)',
      fields: [{ recordType: 'BOB', regex: '(?<verb>\\w+) said (?<who>\\w+)' }],
    });
    expect(one(p, 'alice said bob')).toMatchObject({ who: 'bob', verb: 'alice' });
  });

  it('matches field regexes against the whole message, as Matcher.matches()', () => {
    const p = regex({ recordTypeRegex: 'kind', fields: [{ recordType: 'kind', regex: '(?<a>\\w+) kind' }] });
    expect(one(p, 'some kind')).toMatchObject({ a: 'some' });
    expect(one(p, 'some kind of thing')).not.toHaveProperty('a');
  });

  it('makes an empty message an invalid event, not a crash', () => {
    const sensor = buildSensor('rhel', 'regex.json', sensorConfig(parserConfig1));
    const r = sensor.parse(Buffer.from('   '));
    expect(r.events).toEqual([]);
    expect(r.errors).toEqual([expect.objectContaining({ stage: 'parser_invalid', code: 'event.timestamp' })]);
  });

  it('goes through the sensor stage with a Community ID when the 5-tuple is there', () => {
    const sensor = buildSensor('rhel', 'regex.json', {
      ...sensorConfig({
        recordTypeRegex: '(?<protocol>TCP)',
        fields: [
          {
            recordType: 'tcp',
            regex: 'TCP (?<ipSrcAddr>[\\d.]+):(?<ipSrcPort>\\d+) > (?<ipDstAddr>[\\d.]+):(?<ipDstPort>\\d+)',
          },
        ],
        convertCamelCaseToUnderScore: true,
      }),
    });
    const r = sensor.parse(Buffer.from('TCP 10.0.0.1:1234 > 10.0.0.2:80'));
    expect(r.errors).toEqual([]);
    expect(r.events[0]).toMatchObject({ ip_src_addr: '10.0.0.1', ip_dst_port: '80', protocol: 'TCP' });
    expect(r.events[0]?.community_id).toMatch(/^1:/);
  });

  it('is registered under its Metron class name', () => {
    expect(allParsers.find((p) => p.metronClasses.includes(CLASS))?.name).toBe('regex');
  });

  it.each([
    [{ recordTypeRegex: '(', fields: [] }, '$.recordTypeRegex'],
    [
      { recordTypeRegex: 'a', fields: [{ recordType: 'a', regex: ['ok', '(?<a_b>x)'] }] },
      '$.fields[0].regex[1]',
    ],
    [{ recordTypeRegex: 'a' }, '$.fields'],
    [{ recordTypeRegex: 'a', fields: [], messageHeaderRegex: '\\G' }, 'not supported'],
  ])('refuses the config %j at start-up', (parserConfig, problem) => {
    expect(configProblems(parserConfig)).toContain(problem);
  });
});

describe("Guava's camel-to-underscore conversion", () => {
  it.each([
    ['ipSrcAddr', 'ip_src_addr'],
    ['dstProcessName', 'dst_process_name'],
    ['DeviceName', 'device_name'],
    ['ABC', 'a_b_c'],
    ['ip4Addr', 'ip4_addr'],
    ['lower', 'lower'],
  ])('%s → %s', (from, to) => {
    expect(camelToSnake(from)).toBe(to);
  });
});
