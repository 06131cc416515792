import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, kindOf, StellarError, type StellarNumber, type Value } from '#stellar';
import { NETWORK_FUNCTIONS } from '../../../stellar/functions/network/index.js';
import { errorCodeOf } from '../../helpers/stellar.js';

const NOW = Date.UTC(2026, 10, 28, 12);

const run = (expr: string, vars: Record<string, Value> = {}): Value =>
  compile(expr).evaluate(new Map(Object.entries(vars)), { now: NOW });

/** The diagnostic code a call fails with (compile or run time), or 'none'. */
const errorCode = (expr: string, vars: Record<string, Value> = {}): string =>
  errorCodeOf(() => run(expr, vars), 'none');

/** Call `fn` with one argument given as a variable, so nothing is folded at compile time. */
const call1 = (fn: string, x: Value): Value => run(`${fn}(x)`, { x });

describe('network and validation function definitions', () => {
  it('covers the whole family list', () => {
    expect(NETWORK_FUNCTIONS.map((d) => d.name).sort()).toEqual(
      [
        'DOMAIN_REMOVE_SUBDOMAINS',
        'DOMAIN_REMOVE_TLD',
        'DOMAIN_TO_TLD',
        'DOMAIN_TYPOSQUAT',
        'IN_SUBNET',
        'IS_DATE',
        'IS_DOMAIN',
        'IS_EMAIL',
        'IS_INTEGER',
        'IS_IP',
        'IS_URL',
        'PROTOCOL_TO_NAME',
        'URL_TO_HOST',
        'URL_TO_PATH',
        'URL_TO_PORT',
        'URL_TO_PROTOCOL',
      ].sort(),
    );
  });

  it('describes every function fully', () => {
    for (const def of NETWORK_FUNCTIONS) {
      expect(['network', 'validation'], def.name).toContain(def.family);
      expect(def.namespace === '' || def.name.startsWith(`${def.namespace}_`), def.name).toBe(true);
      expect(def.description.length, def.name).toBeGreaterThan(10);
      expect(def.returns.length, def.name).toBeGreaterThan(2);
      expect(def.examples.length, def.name).toBeGreaterThan(0);
      expect(typeof def.call, def.name).toBe('function');
      for (const p of def.params) expect(p.description.length, `${def.name}.${p.name}`).toBeGreaterThan(2);
    }
    const validators = NETWORK_FUNCTIONS.filter((d) => d.name.startsWith('IS_')).map((d) => d.family);
    expect(new Set(validators)).toEqual(new Set(['validation']));
  });
});

describe('IN_SUBNET (commons-net SubnetUtils)', () => {
  const inSubnet = (ip: Value, ...cidrs: Value[]) =>
    run(`IN_SUBNET(ip, ${cidrs.map((_, i) => `c${i}`).join(', ')})`, {
      ip,
      ...Object.fromEntries(cidrs.map((c, i) => [`c${i}`, c])),
    });

  it('tests host addresses of the range', () => {
    expect(inSubnet('192.168.0.1', '192.168.0.0/24')).toBe(true);
    expect(inSubnet('192.168.0.254', '192.168.0.0/24')).toBe(true);
    expect(inSubnet('192.168.1.1', '192.168.0.0/24')).toBe(false);
    expect(inSubnet('10.168.0.1', '192.168.0.0/24')).toBe(false);
    expect(inSubnet('010.000.000.001', '10.0.0.0/8')).toBe(true);
  });

  it('leaves out the network and broadcast addresses, and /31 and /32 hold only 0.0.0.0', () => {
    expect(inSubnet('192.168.0.0', '192.168.0.0/24')).toBe(false);
    expect(inSubnet('192.168.0.255', '192.168.0.0/24')).toBe(false);
    expect(inSubnet('10.0.0.5', '10.0.0.5/32')).toBe(false);
    expect(inSubnet('10.0.0.4', '10.0.0.4/31')).toBe(false);
    expect(inSubnet('0.0.0.0', '10.0.0.5/32')).toBe(true);
  });

  it('handles the high half of the address space', () => {
    expect(inSubnet('255.255.255.254', '128.0.0.0/1')).toBe(true);
    expect(inSubnet('127.255.255.254', '0.0.0.0/1')).toBe(true);
    expect(inSubnet('127.255.255.255', '0.0.0.0/1')).toBe(false);
    expect(inSubnet('200.1.2.3', '200.1.0.0/16', '10.0.0.0/8')).toBe(true);
  });

  it('is true when any range holds the address, skipping null ranges', () => {
    expect(inSubnet('192.168.1.1', '192.168.0.0/24', '192.168.1.0/24')).toBe(true);
    expect(inSubnet('192.168.1.1', null, '192.168.1.0/24')).toBe(true);
    expect(inSubnet('192.168.1.1', null)).toBe(false);
    expect(inSubnet(null, '192.168.1.0/24')).toBe(false);
  });

  it('stops at the first match, so a later bad range only fails when reached', () => {
    expect(inSubnet('192.168.0.1', '192.168.0.0/24', 'garbage')).toBe(true);
    expect(() => inSubnet('10.0.0.1', '192.168.0.0/24', 'garbage')).toThrow(StellarError);
  });

  it('fails on a malformed range or address, as SubnetUtils throws', () => {
    expect(errorCode("IN_SUBNET('1.2.3.4', '1.2.3.0/0')")).toBe('S204');
    expect(errorCode("IN_SUBNET('1.2.3.4', '1.2.3.0/33')")).toBe('S204');
    expect(errorCode("IN_SUBNET('1.2.3.4', '1.2.3.256/24')")).toBe('S204');
    expect(errorCode("IN_SUBNET('1.2.3.4', '1.2.3.0')")).toBe('S204');
    expect(errorCode("IN_SUBNET('1.2.3', '1.2.3.0/24')")).toBe('S204');
    expect(errorCode("IN_SUBNET('256.2.3.4', '1.2.3.0/24')")).toBe('S204');
    expect(errorCode("IN_SUBNET(ip, '1.2.3.0/24')", { ip: 5 })).toBe('S204');
    expect(inSubnet('not an ip', null)).toBe(false);
  });

  it('needs an address and at least one range', () => {
    expect(errorCode("IN_SUBNET('1.2.3.4')")).toBe('S104');
  });

  it('gives the same answers from its cache of parsed ranges', () => {
    for (let i = 0; i < 3; i++) {
      expect(inSubnet('172.16.5.4', '172.16.0.0/12')).toBe(true);
      expect(inSubnet('172.32.5.4', '172.16.0.0/12')).toBe(false);
      expect(() => inSubnet('172.32.5.4', '172.16.0.0/99')).toThrow(StellarError);
    }
  });
});

describe('DOMAIN_TO_TLD, DOMAIN_REMOVE_TLD, DOMAIN_REMOVE_SUBDOMAINS (Guava InternetDomainName)', () => {
  it('uses the public suffix list, private suffixes included', () => {
    expect(call1('DOMAIN_TO_TLD', 'www.google.co.uk')).toBe('co.uk');
    expect(call1('DOMAIN_TO_TLD', 'foo.blogspot.com')).toBe('blogspot.com');
    expect(call1('DOMAIN_TO_TLD', 'a.b.ck')).toBe('b.ck');
    expect(call1('DOMAIN_TO_TLD', 'www.ck')).toBe('ck');
    expect(call1('DOMAIN_REMOVE_SUBDOMAINS', 'mail.yahoo.co.uk')).toBe('yahoo.co.uk');
    expect(call1('DOMAIN_REMOVE_TLD', 'www.subdomain.com.com')).toBe('www.subdomain.com');
  });

  it('falls back to the last label for an unknown suffix', () => {
    expect(call1('DOMAIN_TO_TLD', 'www.subdomain.google.turtle')).toBe('turtle');
    expect(call1('DOMAIN_REMOVE_TLD', 'www.subdomain.google.turtle')).toBe('www.subdomain.google');
    expect(call1('DOMAIN_REMOVE_SUBDOMAINS', 'www.subdomain.google.turtle')).toBe('google.turtle');
    expect(call1('DOMAIN_REMOVE_SUBDOMAINS', 'turtle')).toBe('turtle');
  });

  it('lower-cases the suffix but keeps the rest of the text as given', () => {
    expect(call1('DOMAIN_TO_TLD', 'WWW.Google.COM')).toBe('com');
    expect(call1('DOMAIN_REMOVE_TLD', 'WWW.Google.COM')).toBe('WWW.Google');
    expect(call1('DOMAIN_REMOVE_SUBDOMAINS', 'WWW.Google.COM')).toBe('Google.com');
  });

  it('keeps Metron’s arithmetic on a trailing dot', () => {
    expect(call1('DOMAIN_TO_TLD', 'google.com.')).toBe('com');
    expect(call1('DOMAIN_REMOVE_TLD', 'google.com.')).toBe('google.');
    expect(call1('DOMAIN_REMOVE_SUBDOMAINS', 'www.google.com.')).toBe('.com');
  });

  it('treats names Guava refuses as no domain, but still finds a TLD by the last dot', () => {
    expect(call1('DOMAIN_TO_TLD', '127.0.0.1')).toBe('1');
    expect(call1('DOMAIN_REMOVE_TLD', '127.0.0.1')).toBeNull();
    expect(call1('DOMAIN_REMOVE_SUBDOMAINS', '127.0.0.1')).toBeNull();
    expect(call1('DOMAIN_REMOVE_TLD', '-bad.com')).toBeNull();
    expect(call1('DOMAIN_TO_TLD', '-bad.com')).toBe('com');
    expect(call1('DOMAIN_REMOVE_TLD', 'a..com')).toBeNull();
    expect(call1('DOMAIN_TO_TLD', '')).toBe('');
    expect(call1('DOMAIN_REMOVE_TLD', 'under_score.example.com')).toBe('under_score.example');
  });

  it('handles null like Metron: "null" as a TLD, null otherwise', () => {
    expect(call1('DOMAIN_TO_TLD', null)).toBe('null');
    expect(call1('DOMAIN_REMOVE_TLD', null)).toBeNull();
    expect(call1('DOMAIN_REMOVE_SUBDOMAINS', null)).toBeNull();
    expect(run('DOMAIN_REMOVE_SUBDOMAINS()')).toBeNull();
  });

  it('refuses a non-string', () => {
    for (const fn of ['DOMAIN_TO_TLD', 'DOMAIN_REMOVE_TLD', 'DOMAIN_REMOVE_SUBDOMAINS']) {
      expect(errorCode(`${fn}(x)`, { x: 42 }), fn).toBe('S204');
    }
    expect(errorCode('DOMAIN_TO_TLD()')).toBe('S104');
  });
});

describe('URL_TO_HOST, URL_TO_PORT, URL_TO_PATH, URL_TO_PROTOCOL (java.net.URL)', () => {
  const parts = (url: Value) => [
    call1('URL_TO_PROTOCOL', url),
    call1('URL_TO_HOST', url),
    call1('URL_TO_PORT', url),
    call1('URL_TO_PATH', url),
  ];

  it('reads the parts of http, https and ftp URLs with their default ports', () => {
    expect(parts('http://www.google.co.uk/my/path')).toEqual(['http', 'www.google.co.uk', 80, '/my/path']);
    expect(parts('https://www.google.com/foo/bar')).toEqual(['https', 'www.google.com', 443, '/foo/bar']);
    expect(parts('ftp://files.example.org/pub/x')).toEqual(['ftp', 'files.example.org', 21, '/pub/x']);
    expect(parts('http://www.google.com:7979/foo/bar')).toEqual(['http', 'www.google.com', 7979, '/foo/bar']);
    expect(kindOf(call1('URL_TO_PORT', 'http://x.org/') as StellarNumber)).toBe('int');
  });

  it('drops the query, fragment and user info', () => {
    expect(parts('http://user:pw@host.com:8080/a/b?q=1#frag')).toEqual(['http', 'host.com', 8080, '/a/b']);
    expect(parts('http://host.com?q=/x')).toEqual(['http', 'host.com', 80, '']);
    expect(parts('http://host.com')).toEqual(['http', 'host.com', 80, '']);
  });

  it('parses like Java: trimmed, case-folded scheme, bracketed IPv6, odd but legal ports', () => {
    expect(parts('  HTTP://X.COM/A  ')).toEqual(['http', 'X.COM', 80, '/A']);
    expect(parts('url:http://x.com/a')).toEqual(['http', 'x.com', 80, '/a']);
    expect(parts('http://[::1]:8080/')).toEqual(['http', '[::1]', 8080, '/']);
    expect(parts('http://x.com:/a')).toEqual(['http', 'x.com', 80, '/a']);
    expect(parts('http://x.com:99999/a')).toEqual(['http', 'x.com', 99999, '/a']);
    expect(parts('http:foo')).toEqual(['http', '', 80, 'foo']);
  });

  it('knows file and mailto URLs, whose default port is -1', () => {
    expect(parts('file:///etc/passwd')).toEqual(['file', '', -1, '/etc/passwd']);
    expect(parts('mailto:me@example.com?subject=hi')).toEqual(['mailto', '', -1, 'me@example.com']);
  });

  it('gives null where Java throws MalformedURLException', () => {
    for (const bad of [
      'foo',
      '/just/a/path',
      'gopher://x.org/',
      'http://x.com:abc/',
      'http://x.com:-5/',
      'http://[zz]/',
      'mailto:',
    ]) {
      expect(parts(bad), bad).toEqual([null, null, null, null]);
    }
    expect(parts(null)).toEqual([null, null, null, null]);
  });

  it('refuses a non-string', () => {
    expect(errorCode('URL_TO_HOST(x)', { x: 3 })).toBe('S204');
  });
});

describe('PROTOCOL_TO_NAME', () => {
  it('names IANA protocol numbers given as numbers or numeric text', () => {
    expect(call1('PROTOCOL_TO_NAME', 6)).toBe('TCP');
    expect(call1('PROTOCOL_TO_NAME', '17')).toBe('UDP');
    expect(call1('PROTOCOL_TO_NAME', ' 1 ')).toBe('ICMP');
    expect(call1('PROTOCOL_TO_NAME', 6.7)).toBe('TCP');
    expect(call1('PROTOCOL_TO_NAME', [132])).toBe('SCTP');
    expect(call1('PROTOCOL_TO_NAME', 135)).toBe('Mobility Header');
  });

  it("keeps Metron's table: 88 is empty, unknown numbers and non-numbers come back unchanged", () => {
    expect(call1('PROTOCOL_TO_NAME', 88)).toBe('');
    expect(call1('PROTOCOL_TO_NAME', 200)).toBe(200);
    expect(call1('PROTOCOL_TO_NAME', 61)).toBe(61);
    expect(call1('PROTOCOL_TO_NAME', 'tcp')).toBe('tcp');
    expect(call1('PROTOCOL_TO_NAME', null)).toBeNull();
  });
});

describe('IS_IP (InetAddressValidator)', () => {
  const isIp = (ip: Value, type?: Value) =>
    type === undefined ? call1('IS_IP', ip) : run('IS_IP(ip, t)', { ip, t: type });

  it('accepts dotted quads without leading zeros', () => {
    expect(isIp('127.0.0.1')).toBe(true);
    expect(isIp('255.255.255.255')).toBe(true);
    expect(isIp('256.1.1.1')).toBe(false);
    expect(isIp('01.2.3.4')).toBe(false);
    expect(isIp('192.168.1')).toBe(false);
    expect(isIp('1.2.3.4.')).toBe(false);
    expect(isIp('2014/05/01')).toBe(false);
  });

  it('accepts IPv6 forms, compressed and with an IPv4 tail', () => {
    for (const ok of [
      '::1',
      '::',
      '1::',
      '2001:db8::1',
      '1:2:3:4:5:6:7:8',
      '::ffff:1.2.3.4',
      'fe80::a:B:c',
    ]) {
      expect(isIp(ok), ok).toBe(true);
    }
    for (const bad of [
      ':1',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '12345::',
      'fe80::1%eth0',
      'g::1',
    ]) {
      expect(isIp(bad), bad).toBe(false);
    }
  });

  it("checks one family for 'IPV4' or 'IPV6' and both for anything else", () => {
    expect(isIp('::1', 'IPV4')).toBe(false);
    expect(isIp('::1', 'IPV6')).toBe(true);
    expect(isIp('1.2.3.4', 'IPV6')).toBe(false);
    expect(isIp('1.2.3.4', 'ipv6')).toBe(true);
    expect(isIp('::1', '[IPV4,IPV6]')).toBe(true);
    expect(isIp('1.2.3.4', ['IPV6'])).toBe(true);
    expect(isIp('1.2.3.4', null)).toBe(true);
  });

  it('is false for nothing, null or a number', () => {
    expect(run('IS_IP()')).toBe(false);
    expect(isIp(null)).toBe(false);
    expect(isIp(1)).toBe(false);
  });
});

describe('IS_DOMAIN (DomainValidator)', () => {
  it('wants labels under a known top-level domain', () => {
    for (const ok of [
      'caseystella.com',
      'www.hotmail.co.uk',
      'hotmail.edu',
      'example.com.',
      'EXAMPLE.COM',
      'xn--e1afmkfd.xn--p1ai',
    ]) {
      expect(call1('IS_DOMAIN', ok), ok).toBe(true);
    }
    for (const bad of [
      'foo',
      'caseystella.turtle',
      '-bad.com',
      'bad-.com',
      'under_score.com',
      '127.0.0.1',
      'localhost',
      'a..com',
      '',
    ]) {
      expect(call1('IS_DOMAIN', bad), bad).toBe(false);
    }
    expect(call1('IS_DOMAIN', `${'a'.repeat(63)}.com`)).toBe(true);
    expect(call1('IS_DOMAIN', `${'a'.repeat(64)}.com`)).toBe(false);
  });

  it('converts internationalised names to punycode first', () => {
    expect(call1('IS_DOMAIN', 'пример.рф')).toBe(true);
    expect(call1('IS_DOMAIN', 'bücher.de')).toBe(true);
  });

  it('needs every argument valid, and at least one', () => {
    expect(run("IS_DOMAIN('a.com', 'b.org')")).toBe(true);
    expect(run("IS_DOMAIN('a.com', 'b.turtle')")).toBe(false);
    expect(run("IS_DOMAIN('a.com', null)")).toBe(false);
    expect(run('IS_DOMAIN()')).toBe(false);
    expect(call1('IS_DOMAIN', 2.7)).toBe(false);
  });
});

describe('IS_EMAIL (EmailValidator)', () => {
  it('accepts the usual forms', () => {
    for (const ok of [
      'me@caseystella.com',
      'me@www.hotmail.co.uk',
      'john.doe@example.com',
      "o'neil@example.com",
      '"john doe"@example.com',
      'john@[127.0.0.1]',
      'john@[::1]',
      'user\\@x@example.com',
      ' me@example.com ',
      `${'a'.repeat(64)}@example.com`,
    ]) {
      expect(call1('IS_EMAIL', ok), ok).toBe(true);
    }
  });

  it('refuses bad users and bad domains', () => {
    for (const bad of [
      'me@foo',
      'caseystella.com',
      'me@caseystella.turtle',
      'john..doe@example.com',
      '.john@example.com',
      'john.@example.com',
      'jo hn@example.com',
      'john@example.com.',
      'john@[999.1.1.1]',
      'john@',
      '@example.com',
      `${'a'.repeat(65)}@example.com`,
      '',
    ]) {
      expect(call1('IS_EMAIL', bad), bad).toBe(false);
    }
  });

  it('needs every argument valid, and at least one', () => {
    expect(run("IS_EMAIL('me@gmail.com', 'me@hotmail.edu')")).toBe(true);
    expect(run("IS_EMAIL('me@gmail.com', null)")).toBe(false);
    expect(run('IS_EMAIL()')).toBe(false);
  });
});

describe('IS_URL (UrlValidator)', () => {
  it('accepts http, https and ftp URLs with a valid host', () => {
    for (const ok of [
      'http://caseystella.com/foo',
      'https://www.hotmail.co.uk',
      'ftp://www.gmail.com',
      'HTTP://X.COM',
      'http://x.com:8080/a',
      'http://user:pass@x.com/',
      'http://127.0.0.1/',
      'http://[::1]/',
      'http://x.com/a/../b',
      'http://x.com?q=1',
      'http://x.com/#frag ment',
    ]) {
      expect(call1('IS_URL', ok), ok).toBe(true);
    }
  });

  it('refuses other schemes, unknown hosts and bad parts', () => {
    for (const bad of [
      'foo',
      'http://caseystella.turtle',
      'mailto:me@x.com',
      'file:///etc/passwd',
      'http://localhost/',
      'http://256.0.0.1/',
      'http://x.com:65536/a',
      'http://x.com/../a',
      'http://x.com//a',
      'http://x.com/a b',
      'http://x.com/?q=a b',
      'http://',
      '',
    ]) {
      expect(call1('IS_URL', bad), bad).toBe(false);
    }
  });

  it('needs every argument valid, and at least one', () => {
    expect(run("IS_URL('http://a.com', 'https://b.org/x')")).toBe(true);
    expect(run("IS_URL('http://a.com', '')")).toBe(false);
    expect(run('IS_URL()')).toBe(false);
  });
});

describe('IS_INTEGER (LongValidator)', () => {
  it('reads numbers through their Java text', () => {
    expect(run('IS_INTEGER(1)')).toBe(true);
    expect(run('IS_INTEGER(5L)')).toBe(true);
    expect(run('IS_INTEGER(2.0)')).toBe(false);
    expect(run('IS_INTEGER(2.3f)')).toBe(false);
  });

  it('parses text as en-US DecimalFormat does, integer part only, whole text, within a long', () => {
    for (const ok of [
      '1',
      ' 42 ',
      '-5',
      '1,000',
      '1,0,0',
      '1E3',
      '10E-1',
      '-0',
      '007',
      '9223372036854775807',
      '-9223372036854775808',
    ]) {
      expect(call1('IS_INTEGER', ok), ok).toBe(true);
    }
    for (const bad of [
      '',
      ' ',
      'foo',
      '1.0',
      '1.5',
      '+5',
      '1,',
      '1E-3',
      '0x10',
      '9223372036854775808',
      '1E19',
      '1 2',
    ]) {
      expect(call1('IS_INTEGER', bad), bad).toBe(false);
    }
  });

  it('needs every argument valid, and at least one', () => {
    expect(run("IS_INTEGER(1, '2', 3)")).toBe(true);
    expect(run('IS_INTEGER(1, null)')).toBe(false);
    expect(run('IS_INTEGER()')).toBe(false);
  });
});

describe('IS_DATE (non-lenient SimpleDateFormat)', () => {
  const isDate = (date: Value, format: Value) => run('IS_DATE(d, f)', { d: date, f: format });

  it('checks the calendar, leap years and the Julian–Gregorian switch included', () => {
    const yes = [
      '2014-05-01',
      '2012-02-29',
      '2000-02-29',
      '1500-02-29',
      '1582-10-04',
      '1582-10-15',
      '14-05-01',
    ];
    const no = [
      '2014-25-01',
      '2014-05-32',
      '2014-02-29',
      '1900-02-29',
      '1582-10-10',
      '2014-04-31',
      '0000-01-01',
      '2014-00-10',
    ];
    for (const d of yes) expect(isDate(d, d.length === 8 ? 'yy-MM-dd' : 'yyyy-MM-dd'), d).toBe(true);
    for (const d of no) expect(isDate(d, 'yyyy-MM-dd'), d).toBe(false);
    expect(isDate('02-29', 'MM-dd')).toBe(false);
    expect(isDate('02-28', 'MM-dd')).toBe(true);
  });

  it('reads numbers like SimpleDateFormat: loosely between delimiters, by width when fields abut', () => {
    expect(isDate('2014/05/01', 'yyyy-MM-dd')).toBe(false);
    expect(isDate('2014-5-1', 'yyyy-MM-dd')).toBe(true);
    expect(isDate('2014-05-01 and more', 'yyyy-MM-dd')).toBe(true);
    expect(isDate('20140501', 'yyyyMMdd')).toBe(true);
    expect(isDate('20141301', 'yyyyMMdd')).toBe(false);
    expect(isDate('2014-001', 'yyyy-DDD')).toBe(true);
    expect(isDate('2014-366', 'yyyy-DDD')).toBe(false);
    expect(isDate('2012-366', 'yyyy-DDD')).toBe(true);
  });

  it('checks times and the hour fields against each other', () => {
    expect(isDate('12:30:59', 'HH:mm:ss')).toBe(true);
    expect(isDate('24:00:00', 'HH:mm:ss')).toBe(false);
    expect(isDate('12:60:00', 'HH:mm:ss')).toBe(false);
    expect(isDate('13:00 PM', 'HH:mm a')).toBe(true);
    expect(isDate('13:00 AM', 'HH:mm a')).toBe(false);
    expect(isDate('12:00 am', 'hh:mm a')).toBe(true);
    expect(isDate('13:00 AM', 'hh:mm a')).toBe(false);
    expect(isDate('24:00', 'kk:mm')).toBe(true);
    expect(isDate('00:00', 'kk:mm')).toBe(false);
  });

  it('matches English names and checks the weekday against the date', () => {
    expect(isDate('Thu, 01 May 2014', 'EEE, dd MMM yyyy')).toBe(true);
    expect(isDate('Thursday, 01 may 2014', 'EEE, dd MMM yyyy')).toBe(true);
    expect(isDate('Fri, 01 May 2014', 'EEE, dd MMM yyyy')).toBe(false);
    expect(isDate('01 Mai 2014', 'dd MMM yyyy')).toBe(false);
    expect(isDate('2014-05-01 4', 'yyyy-MM-dd u')).toBe(true);
    expect(isDate('2014-05-01 5', 'yyyy-MM-dd u')).toBe(false);
    expect(isDate('2014-05-08 2', 'yyyy-MM-dd F')).toBe(true);
    expect(isDate('2014-05-04 2', 'yyyy-MM-dd W')).toBe(true);
    expect(isDate('2014-05-04 1', 'yyyy-MM-dd W')).toBe(false);
    expect(isDate('2014-12-28 1', 'yyyy-MM-dd w')).toBe(true);
    expect(isDate('2014-12-28 53', 'yyyy-MM-dd w')).toBe(false);
    expect(isDate('2014 AD', 'yyyy G')).toBe(true);
  });

  it('reads time zones and refuses offsets the calendar does not allow', () => {
    expect(isDate('2014-05-01T10:00:00Z', "yyyy-MM-dd'T'HH:mm:ssX")).toBe(true);
    expect(isDate('2014-05-01T10:00:00+02:00', "yyyy-MM-dd'T'HH:mm:ssXXX")).toBe(true);
    expect(isDate('2014-05-01T10:00:00+0200', "yyyy-MM-dd'T'HH:mm:ssXXX")).toBe(false);
    expect(isDate('2014-05-01 10:00 +1400', 'yyyy-MM-dd HH:mm Z')).toBe(true);
    expect(isDate('2014-05-01 10:00 +1500', 'yyyy-MM-dd HH:mm Z')).toBe(false);
    expect(isDate('2014-05-01 10:00 -1330', 'yyyy-MM-dd HH:mm Z')).toBe(false);
    expect(isDate('2014-05-01 10:00 PST', 'yyyy-MM-dd HH:mm z')).toBe(true);
    expect(isDate('2014-05-01 10:00 GMT+05:30', 'yyyy-MM-dd HH:mm z')).toBe(true);
    expect(isDate('2014-05-01 10:00 XYZ', 'yyyy-MM-dd HH:mm z')).toBe(false);
  });

  it("handles quoted text and '' in patterns", () => {
    expect(isDate("2014 o'clock", "yyyy 'o''clock'")).toBe(true);
    expect(isDate('2014 oclock', "yyyy 'o''clock'")).toBe(false);
  });

  it('fails on a pattern SimpleDateFormat refuses, and is false for missing arguments', () => {
    expect(errorCode("IS_DATE('x', 'qqq')")).toBe('S204');
    expect(errorCode("IS_DATE('x', \"yyyy'T\")")).toBe('S204');
    expect(isDate('2014', '')).toBe(false);
    expect(isDate(null, 'yyyy')).toBe(false);
    expect(isDate(2.3, 'yyyy-MM-dd')).toBe(false);
    expect(run("IS_DATE('2014')")).toBe(false);
    expect(run('IS_DATE()')).toBe(false);
  });
});

describe('DOMAIN_TYPOSQUAT (metron-common typosquat strategies)', () => {
  /** dnstwist's output that Metron's test requires, read the way Metron's test reads it. */
  function expected(name: string): string[] {
    const file = join(
      import.meta.dirname,
      '..',
      '..',
      'fixtures',
      'metron',
      'stellar',
      'typosquat',
      `${name}.csv`,
    );
    const out: string[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const [fuzzer = '', domain = ''] = line.split(',');
      if (fuzzer === 'Various' || fuzzer === 'Original*') continue;
      // Metron strips ".com" with String.replaceAll, whose '.' is a regex wildcard.
      out.push(domain.replace(/.com/g, ''));
    }
    return out;
  }

  for (const name of ['amazon', 'github']) {
    it(`generates every candidate dnstwist lists for ${name}`, () => {
      const want = expected(name);
      expect(want.length).toBeGreaterThan(150);
      const got = call1('DOMAIN_TYPOSQUAT', name) as Set<Value>;
      expect(got).toBeInstanceOf(Set);
      const missing = want.filter((d) => !got.has(d));
      expect(missing).toEqual([]);
      expect(got.has(name)).toBe(false);
    });
  }

  it('applies each strategy', () => {
    const got = call1('DOMAIN_TYPOSQUAT', 'amazon') as Set<Value>;
    const samples = {
      addition: 'amazonz',
      bitsquatting: 'cmazon',
      homoglyph: 'аmazon',
      homoglyphPunycode: 'xn--mazon-3ve',
      hyphenation: 'a-mazon',
      insertion: 'amnazon',
      omission: 'amzon',
      repetition: 'aamazon',
      replacement: 'qmazon',
      subdomain: 'am.azon',
      transposition: 'maazon',
      vowelSwap: 'emazon',
    };
    for (const [strategy, candidate] of Object.entries(samples))
      expect(got.has(candidate), strategy).toBe(true);
    // Insertion never touches the first or last char; subdomain never splits next to a '-'.
    expect(got.has('qamazon')).toBe(false);
    expect(got.has('amazobn')).toBe(false);
    expect((call1('DOMAIN_TYPOSQUAT', 'a-b') as Set<Value>).has('a.-b')).toBe(false);
  });

  it('gives null for null or no argument and fails on a non-string', () => {
    expect(call1('DOMAIN_TYPOSQUAT', null)).toBeNull();
    expect(run('DOMAIN_TYPOSQUAT()')).toBeNull();
    expect(errorCode('DOMAIN_TYPOSQUAT(x)', { x: 7 })).toBe('S204');
  });
});
