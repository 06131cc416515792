import { describe, expect, it } from 'vitest';
import { allParsers } from '#streaming';
import { fixtureLines } from '../../../helpers/metron.js';
import { classConfig, errorOf, only, parserAt, sensorAt } from './helpers.js';

const CLASS = 'org.apache.metron.parsers.paloalto.BasicPaloAltoFirewallParser';
const NOW = Date.UTC(2020, 0, 1);
const parse = parserAt(classConfig(CLASS), NOW);

describe('PAN-OS: every raw sample line parses', () => {
  it('PaloaltoOutput: all 100 lines, without errors', () => {
    const sensor = sensorAt('paloalto', classConfig(CLASS), NOW);
    const lines = fixtureLines('paloalto', 'raw', 'PaloaltoOutput');
    expect(lines).toHaveLength(100);
    const types = new Map<string, number>();
    for (const line of lines) {
      const result = sensor.parse(Buffer.from(line));
      expect(result.errors).toEqual([]);
      expect(result.events).toHaveLength(1);
      const e = result.events[0] as Record<string, unknown>;
      types.set(String(e.type), (types.get(String(e.type)) ?? 0) + 1);
      // The syslog header is not part of the domain field; the log's own time is the timestamp.
      expect(e.palo_alto_domain).toBe('1');
      expect(e.timestamp).not.toBe(NOW);
      expect(typeof e.ip_src_addr).toBe('string');
      if (e.protocol === 'tcp' || e.protocol === 'udp') expect(e.community_id).toMatch(/^1:/);
    }
    expect(Object.fromEntries(types)).toEqual({ THREAT: 50, TRAFFIC: 50 });
  });
});

const COMMON_2017 = {
  palo_alto_domain: '1',
  receive_time: '2017/08/11 12:37:58',
  serial: '008900008659',
  config_version: '1',
  time_generated: '2017/08/11 11:37:58',
};
const SYSTEM = {
  ...COMMON_2017,
  type: 'SYSTEM',
  subtype: 'general',
  vsys: 'vsys1',
  event_id: 'eventId_test',
  object: 'object_test',
  module: 'management',
  severity: 'high',
  description: 'Description_test',
  seqno: '1354',
  actionflags: '0x0',
};
const CONFIG = {
  ...COMMON_2017,
  type: 'CONFIG',
  subtype: '0',
  host: '192.168.14.162',
  vsys: 'vsys1',
  command: 'edit',
  admin: 'admin',
  client: 'Web',
  result: 'Succeeded',
  configuration_path: 'config shared log-settings config',
  seqno: '1354',
  actionflags: '0x0',
};
const DEVICE_GROUPS = {
  dg_hier_level_1: '12',
  dg_hier_level_2: '34',
  dg_hier_level_3: '45',
  dg_hier_level_4: '0',
  vsys_name: 'virSys1',
  device_name: 'dev-something200-01',
};
const DETAILS = {
  before_change_detail: '/FatherNode/KidNode/GrandsonNode1',
  after_change_detail: '/FatherNode/KidNode/GrandsonNode2',
};
const SYSTEM_61 =
  '1,2017/08/11 12:37:58,008900008659,SYSTEM,general,1,2017/08/11 11:37:58,vsys1,eventId_test,object_test,Futureuse1_test,futureuse2_test,management,high,Description_test,1354,0x0';
const CONFIG_61 =
  '1,2017/08/11 12:37:58,008900008659,CONFIG,0,1,2017/08/11 11:37:58,192.168.14.162,vsys1,edit,admin,Web,Succeeded, config shared log-settings config,1354,0x0';
const GROUPS_TAIL = ',12,34,45,0,virSys1,dev-something200-01';
const DETAILS_TAIL = ',/FatherNode/KidNode/GrandsonNode1,/FatherNode/KidNode/GrandsonNode2';

// Metron's BasicPaloAltoFirewallParserTest: each line and the exact record it expects
// (original_string and timestamp aside).
const METRON_CASES: [string, string, Record<string, unknown>][] = [
  ['SYSTEM 6.1', SYSTEM_61, { ...SYSTEM, parser_version: 61 }],
  ['SYSTEM 8.0', SYSTEM_61 + GROUPS_TAIL, { ...SYSTEM, ...DEVICE_GROUPS, parser_version: 80 }],
  ['CONFIG 6.1', CONFIG_61, { ...CONFIG, parser_version: 61 }],
  ['CONFIG 6.1 with change details', CONFIG_61 + DETAILS_TAIL, { ...CONFIG, ...DETAILS, parser_version: 61 }],
  ['CONFIG 7.0/8.0', CONFIG_61 + GROUPS_TAIL, { ...CONFIG, ...DEVICE_GROUPS, parser_version: 80 }],
  [
    'CONFIG 7.0/8.0 with change details',
    '1,2017/08/11 12:37:58,008900008659,CONFIG,0,1,2017/08/11 11:37:58,192.168.14.162,vsys1,edit,admin,Web,Succeeded,config shared log-settings config,/FatherNode/KidNode/GrandsonNode1,/FatherNode/KidNode/GrandsonNode2,1354,0x0,12,34,45,0,virSys1,dev-something200-01',
    { ...CONFIG, ...DETAILS, ...DEVICE_GROUPS, parser_version: 80 },
  ],
  [
    'THREAT 6.0',
    '1,2015/01/05 05:38:58,0006C110285,THREAT,vulnerability,1,2015/01/05 05:38:58,10.0.0.115,216.0.10.198,0.0.0.0,0.0.0.0,EX-Allow,example\\user.name,,web-browsing,vsys1,internal,external,ethernet1/2,ethernet1/1,LOG-Default,2015/01/05 05:38:58,12031,1,54180,80,0,0,0x80004000,tcp,reset-both,"ad.aspx?f=300x250&id=12;tile=1;ord=67AF705D60B1119C0F18BEA336F9",HTTP: IIS Denial Of Service Attempt(40019),any,high,client-to-server,347368099,0x0,10.0.0.0-10.255.255.255,US,0,,1200568889751109656,,',
    {
      action: 'reset-both',
      actionflags: '0x0',
      app: 'web-browsing',
      category: 'any',
      config_version: '1',
      direction: 'client-to-server',
      dstloc: 'US',
      flags: '0x80004000',
      from: 'internal',
      inbound_if: 'ethernet1/2',
      ip_dst_addr: '216.0.10.198',
      ip_dst_port: '80',
      ip_src_addr: '10.0.0.115',
      ip_src_port: '54180',
      log_action: 'LOG-Default',
      natdport: '0',
      natdst: '0.0.0.0',
      natsport: '0',
      natsrc: '0.0.0.0',
      outbound_if: 'ethernet1/1',
      palo_alto_domain: '1',
      parser_version: 60,
      pcap_id: '1200568889751109656',
      protocol: 'tcp',
      receive_time: '2015/01/05 05:38:58',
      repeatcnt: '1',
      rule: 'EX-Allow',
      seqno: '347368099',
      serial: '0006C110285',
      sessionid: '12031',
      severity: 'high',
      srcloc: '10.0.0.0-10.255.255.255',
      srcuser: 'example\\user.name',
      start: '2015/01/05 05:38:58',
      subtype: 'vulnerability',
      threatid: 'HTTP: IIS Denial Of Service Attempt(40019)',
      time_generated: '2015/01/05 05:38:58',
      to: 'external',
      type: 'THREAT',
      url: 'ad.aspx?f=300x250&id=12;tile=1;ord=67AF705D60B1119C0F18BEA336F9',
      vsys: 'vsys1',
    },
  ],
  [
    'TRAFFIC 6.0',
    '1,2015/01/05 12:51:33,0011C103117,TRAFFIC,end,1,2015/01/05 12:51:33,10.0.0.39,10.1.0.163,0.0.0.0,0.0.0.0,EX-Allow,,example\\\\user.name,ms-ds-smb,vsys1,v_external,v_internal,ethernet1/2,ethernet1/1,LOG-Default,2015/01/05 12:51:33,33760927,1,52688,445,0,0,0x401a,tcp,allow,2229,1287,942,10,2015/01/05 12:51:01,30,any,0,17754932062,0x0,10.0.0.0-10.255.255.255,10.0.0.0-10.255.255.255,0,6,',
    {
      action: 'allow',
      actionflags: '0x0',
      app: 'ms-ds-smb',
      bytes: '2229',
      bytes_received: '942',
      bytes_sent: '1287',
      category: 'any',
      config_version: '1',
      dstloc: '10.0.0.0-10.255.255.255',
      dstuser: 'example\\\\user.name',
      elapsed: '30',
      flags: '0x401a',
      from: 'v_external',
      inbound_if: 'ethernet1/2',
      ip_dst_addr: '10.1.0.163',
      ip_dst_port: '445',
      ip_src_addr: '10.0.0.39',
      ip_src_port: '52688',
      log_action: 'LOG-Default',
      natdport: '0',
      natdst: '0.0.0.0',
      natsport: '0',
      natsrc: '0.0.0.0',
      outbound_if: 'ethernet1/1',
      packets: '10',
      palo_alto_domain: '1',
      parser_version: 60,
      pkts_sent: '6',
      protocol: 'tcp',
      receive_time: '2015/01/05 12:51:33',
      repeatcnt: '1',
      rule: 'EX-Allow',
      seqno: '17754932062',
      serial: '0011C103117',
      sessionid: '33760927',
      srcloc: '10.0.0.0-10.255.255.255',
      start: '2015/01/05 12:51:01',
      subtype: 'end',
      time_generated: '2015/01/05 12:51:33',
      to: 'v_internal',
      type: 'TRAFFIC',
      vsys: 'vsys1',
    },
  ],
  [
    'THREAT 7.0',
    '1,2017/05/24 09:53:10,001801000001,THREAT,virus,0,2017/05/24 09:53:10,217.1.2.3,10.1.8.7,217.1.2.3,214.123.1.2,WLAN-Internet,,user,web-browsing,vsys1,Untrust,wifi_zone,ethernet1/1,vlan.1,Std-Log-Forward,2017/05/24 09:53:10,49567,1,80,51787,80,25025,0x400000,tcp,reset-both,"abcdef310.exe",Virus/Win32.WGeneric.lumeo(2457399),computer-and-internet-info,medium,server-to-client,329423829,0x0,DE,10.0.0.0-10.255.255.255,0,,0,,,1,,,"","",,,,0,19,0,0,0,,PAN1,',
    {
      action: 'reset-both',
      actionflags: '0x0',
      app: 'web-browsing',
      category: 'computer-and-internet-info',
      config_version: '0',
      direction: 'server-to-client',
      dstloc: '10.0.0.0-10.255.255.255',
      dstuser: 'user',
      flags: '0x400000',
      from: 'Untrust',
      inbound_if: 'ethernet1/1',
      ip_dst_addr: '10.1.8.7',
      ip_dst_port: '51787',
      ip_src_addr: '217.1.2.3',
      ip_src_port: '80',
      log_action: 'Std-Log-Forward',
      natdport: '25025',
      natdst: '214.123.1.2',
      natsport: '80',
      natsrc: '217.1.2.3',
      outbound_if: 'vlan.1',
      palo_alto_domain: '1',
      parser_version: 70,
      pcap_id: '0',
      protocol: 'tcp',
      receive_time: '2017/05/24 09:53:10',
      repeatcnt: '1',
      rule: 'WLAN-Internet',
      seqno: '329423829',
      serial: '001801000001',
      sessionid: '49567',
      severity: 'medium',
      srcloc: 'DE',
      start: '2017/05/24 09:53:10',
      subtype: 'virus',
      threatid: 'Virus/Win32.WGeneric.lumeo(2457399)',
      time_generated: '2017/05/24 09:53:10',
      to: 'wifi_zone',
      type: 'THREAT',
      url: 'abcdef310.exe',
      vsys: 'vsys1',
      url_idx: '1',
      reportid: '0',
      dg_hier_level_1: '19',
      dg_hier_level_2: '0',
      dg_hier_level_3: '0',
      dg_hier_level_4: '0',
      device_name: 'PAN1',
    },
  ],
  [
    'TRAFFIC 7.0',
    '1,2017/05/25 21:38:13,001606000003,TRAFFIC,drop,1,2017/05/25 21:38:13,10.2.1.8,192.168.1.10,0.0.0.0,0.0.0.0,DropLog,,,not-applicable,vsys1,intern,VPN,vlan.1,,Std-Log-Forward,2017/05/25 21:38:13,0,1,137,137,0,0,0x0,udp,deny,114,114,0,1,2017/05/25 21:38:12,0,any,0,9953744,0x0,192.168.0.0-192.168.255.255,DE,0,1,0,policy-deny,19,0,0,0,,PAN1,from-policy',
    {
      action: 'deny',
      actionflags: '0x0',
      action_source: 'from-policy',
      app: 'not-applicable',
      bytes: '114',
      bytes_received: '0',
      bytes_sent: '114',
      category: 'any',
      config_version: '1',
      dstloc: 'DE',
      elapsed: '0',
      flags: '0x0',
      from: 'intern',
      inbound_if: 'vlan.1',
      ip_dst_addr: '192.168.1.10',
      ip_dst_port: '137',
      ip_src_addr: '10.2.1.8',
      ip_src_port: '137',
      log_action: 'Std-Log-Forward',
      natdport: '0',
      natdst: '0.0.0.0',
      natsport: '0',
      natsrc: '0.0.0.0',
      packets: '1',
      palo_alto_domain: '1',
      parser_version: 70,
      pkts_received: '0',
      pkts_sent: '1',
      protocol: 'udp',
      receive_time: '2017/05/25 21:38:13',
      repeatcnt: '1',
      rule: 'DropLog',
      seqno: '9953744',
      serial: '001606000003',
      session_end_reason: 'policy-deny',
      sessionid: '0',
      srcloc: '192.168.0.0-192.168.255.255',
      start: '2017/05/25 21:38:12',
      subtype: 'drop',
      time_generated: '2017/05/25 21:38:13',
      to: 'VPN',
      type: 'TRAFFIC',
      vsys: 'vsys1',
      dg_hier_level_1: '19',
      dg_hier_level_2: '0',
      dg_hier_level_3: '0',
      dg_hier_level_4: '0',
      device_name: 'PAN1',
    },
  ],
  [
    'THREAT 8.0',
    '1,2018/02/01 21:29:03,001606000007,THREAT,vulnerability,1,2018/02/01 21:29:03,213.211.198.62,172.16.2.6,213.211.198.62,192.168.178.202,Outgoing,,,web-browsing,vsys1,internet,guest,ethernet1/1,ethernet1/2.2,test,2018/02/01 21:29:03,18720,1,80,53161,80,32812,0x402000,tcp,reset-server,"www.eicar.org/download/eicar.com",Eicar File Detected(39040),computer-and-internet-info,medium,server-to-client,27438839,0x0,Germany,172.16.0.0-172.31.255.255,0,,0,,,9,,,,,,,,0,0,0,0,0,,PAN1,,,,,0,,0,,N/A,code-execution,AppThreat-771-4450,0x0',
    {
      action: 'reset-server',
      actionflags: '0x0',
      app: 'web-browsing',
      category: 'computer-and-internet-info',
      config_version: '1',
      content_version: 'AppThreat-771-4450',
      direction: 'server-to-client',
      dstloc: '172.16.0.0-172.31.255.255',
      flags: '0x402000',
      from: 'internet',
      inbound_if: 'ethernet1/1',
      ip_dst_addr: '172.16.2.6',
      ip_dst_port: '53161',
      ip_src_addr: '213.211.198.62',
      ip_src_port: '80',
      log_action: 'test',
      natdport: '32812',
      natdst: '192.168.178.202',
      natsport: '80',
      natsrc: '213.211.198.62',
      outbound_if: 'ethernet1/2.2',
      palo_alto_domain: '1',
      parent_session_id: '0',
      parser_version: 80,
      pcap_id: '0',
      protocol: 'tcp',
      receive_time: '2018/02/01 21:29:03',
      repeatcnt: '1',
      rule: 'Outgoing',
      seqno: '27438839',
      serial: '001606000007',
      sessionid: '18720',
      severity: 'medium',
      srcloc: 'Germany',
      start: '2018/02/01 21:29:03',
      threat_category: 'code-execution',
      subtype: 'vulnerability',
      threatid: 'Eicar File Detected(39040)',
      time_generated: '2018/02/01 21:29:03',
      to: 'guest',
      tunnel_id: '0',
      tunnel_type: 'N/A',
      type: 'THREAT',
      url: 'www.eicar.org/download/eicar.com',
      vsys: 'vsys1',
      url_idx: '9',
      reportid: '0',
      dg_hier_level_1: '0',
      dg_hier_level_2: '0',
      dg_hier_level_3: '0',
      dg_hier_level_4: '0',
      device_name: 'PAN1',
    },
  ],
  [
    'TRAFFIC 8.0',
    '1,2018/02/01 21:24:11,001606000007,TRAFFIC,end,1,2018/02/01 21:24:11,172.16.2.31,134.19.6.22,192.168.18.2,134.19.6.22,Outgoing,,,ssl,vsys1,guest,internet,ethernet1/2.2,ethernet1/1,test,2018/02/01 21:24:11,19468,1,41537,443,12211,443,0x40001c,tcp,allow,7936,1731,6205,24,2018/02/01 21:00:42,1395,computer-and-internet-info,0,62977478,0x0,172.16.0.0-172.31.255.255,United States,0,14,10,tcp-rst-from-client,0,0,0,0,,PAN1,from-policy,,,0,,0,,N/A',
    {
      action: 'allow',
      actionflags: '0x0',
      action_source: 'from-policy',
      app: 'ssl',
      bytes: '7936',
      bytes_received: '6205',
      bytes_sent: '1731',
      category: 'computer-and-internet-info',
      config_version: '1',
      dstloc: 'United States',
      elapsed: '1395',
      flags: '0x40001c',
      from: 'guest',
      inbound_if: 'ethernet1/2.2',
      ip_dst_addr: '134.19.6.22',
      ip_dst_port: '443',
      ip_src_addr: '172.16.2.31',
      ip_src_port: '41537',
      log_action: 'test',
      natdport: '443',
      natdst: '134.19.6.22',
      natsport: '12211',
      natsrc: '192.168.18.2',
      outbound_if: 'ethernet1/1',
      packets: '24',
      palo_alto_domain: '1',
      parent_session_id: '0',
      parser_version: 80,
      pkts_received: '10',
      pkts_sent: '14',
      protocol: 'tcp',
      receive_time: '2018/02/01 21:24:11',
      repeatcnt: '1',
      rule: 'Outgoing',
      seqno: '62977478',
      serial: '001606000007',
      session_end_reason: 'tcp-rst-from-client',
      sessionid: '19468',
      srcloc: '172.16.0.0-172.31.255.255',
      start: '2018/02/01 21:00:42',
      subtype: 'end',
      time_generated: '2018/02/01 21:24:11',
      to: 'internet',
      tunnel_id: '0',
      tunnel_type: 'N/A',
      type: 'TRAFFIC',
      vsys: 'vsys1',
      dg_hier_level_1: '0',
      dg_hier_level_2: '0',
      dg_hier_level_3: '0',
      dg_hier_level_4: '0',
      device_name: 'PAN1',
    },
  ],
];

describe("PAN-OS: Metron's BasicPaloAltoFirewallParserTest cases", () => {
  it('is registered under its Metron class name', () => {
    expect(allParsers.find((p) => p.metronClasses.includes(CLASS))?.name).toBe('paloalto');
  });

  it.each(METRON_CASES)('%s gives exactly the record Metron expects', (_name, line, expected) => {
    const { timestamp, ...fields } = only(parse(line));
    expect(fields).toEqual(expected);
    expect(timestamp).toBe(
      Date.parse(`${String(expected.time_generated).replaceAll('/', '-').replace(' ', 'T')}Z`),
    );
  });

  it('an unknown log type is an error (Metron returned null)', () => {
    const line = CONFIG_61.replace('CONFIG', 'INVALIDlogType');
    expect(errorOf(parse(line)).code).toBe('paloalto.type');
  });

  it('a CONFIG log of no known length is parser_version 0, with tokens_seen', () => {
    const line =
      '1,2017/08/11 12:37:58,008900008659,CONFIG,0,1,2017/08/11 11:37:58,192.168.14.162,vsys1,edit,admin,Web,Succeeded, config shared log-settings config';
    const e = only(parse(line));
    expect(e).toMatchObject({ parser_version: 0, tokens_seen: 14, type: 'CONFIG' });
    expect('command' in e).toBe(false);
  });
});

describe('PAN-OS details', () => {
  it('strips a syslog header from the first field and reads times in the device zone', () => {
    const e = only(
      parserAt(
        classConfig(CLASS),
        NOW,
        'America/New_York',
      )(`<14>Aug 11 12:37:59 PAN1.example.com ${SYSTEM_61}`),
    );
    expect(e.palo_alto_domain).toBe('1');
    expect(e.timestamp).toBe(Date.UTC(2017, 7, 11, 15, 37, 58));
  });

  it('takes the URL host when the THREAT url has a scheme', () => {
    const [, threat60] = METRON_CASES[6] as [string, string, unknown];
    const e = only(parse(threat60.replace('"ad.aspx?', '"http://user@www.example.com:8080/ad.aspx?')));
    expect(e.host).toBe('www.example.com');
  });

  it('does not split at a comma inside quotes', () => {
    const [, threat60] = METRON_CASES[6] as [string, string, unknown];
    const e = only(parse(threat60.replace('"ad.aspx?', '"a,b/ad.aspx?')));
    expect(e.url).toBe('a,b/ad.aspx?f=300x250&id=12;tile=1;ord=67AF705D60B1119C0F18BEA336F9');
    expect(e.parser_version).toBe(60);
  });

  it.each([
    ['a line with no log type', 'just,some,text', 'paloalto.type'],
    [
      'a THREAT log cut short',
      '1,2015/01/05 05:38:58,0006C110285,THREAT,vulnerability,1,x',
      'paloalto.fields',
    ],
    ['an empty record', '', 'record.empty'],
  ])('rejects %s with a reason', (_name, line, code) => {
    const error = errorOf(parse(line));
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
  });
});
