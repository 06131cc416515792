import { describe, expect, it } from 'vitest';
import { readStixPattern } from '#batch';

/** STIX 2.1 patterns: the exact-lookup subset is read, everything else is named. */

const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA512 = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce'.repeat(2);

describe('readStixPattern: supported forms', () => {
  it.each([
    ["[ipv4-addr:value = '198.51.100.7']", 'malicious_ip', '198.51.100.7'],
    ["[ipv4-addr:value == '198.51.100.7']", 'malicious_ip', '198.51.100.7'],
    ["[ipv4-addr:value = '198.51.100.0/24']", 'malicious_ip', '198.51.100.0/24'],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", 'malicious_ip', '198.51.100.0/24'],
    ["[ipv6-addr:value = '2001:db8::dead']", 'malicious_ip', '2001:db8::dead'],
    ["[ipv6-addr:value ISSUBSET '2001:db8::/32']", 'malicious_ip', '2001:db8::/32'],
    ["[domain-name:value = 'evil.example']", 'malicious_domain', 'evil.example'],
    ["[url:value = 'http://evil.example/payload.exe']", 'malicious_url', 'http://evil.example/payload.exe'],
    ["[email-addr:value = 'bad@evil.example']", 'malicious_email', 'bad@evil.example'],
    [`[file:hashes.'SHA-256' = '${SHA256}']`, 'malicious_hash', SHA256],
    [`[file:hashes.'SHA-1' = '${SHA1}']`, 'malicious_hash', SHA1],
    [`[file:hashes.'SHA-512' = '${SHA512}']`, 'malicious_hash', SHA512],
    [`[file:hashes.MD5 = '${MD5}']`, 'malicious_hash', MD5],
    [`[file:hashes.'MD5' = '${MD5}']`, 'malicious_hash', MD5],
    [`[file:hashes.sha256 = '${SHA256}']`, 'malicious_hash', SHA256],
    // Whitespace and comments are the grammar's to skip.
    ["  [ ipv4-addr:value\n=\t'10.0.0.1' ] /* c2 */ ", 'malicious_ip', '10.0.0.1'],
  ])('%s', (pattern, type, value) => {
    expect(readStixPattern(pattern)).toEqual({ indicators: [{ type, value }], unsupported: [] });
  });

  it("unescapes \\' and \\\\ in strings, and keeps every other character as it is", () => {
    expect(readStixPattern("[url:value = 'http://evil.example/it\\'s\\\\here?a=\"b\"']").indicators).toEqual([
      { type: 'malicious_url', value: 'http://evil.example/it\'s\\here?a="b"' },
    ]);
    expect(readStixPattern("[domain-name:value = 'a]b OR c']").indicators).toEqual([
      { type: 'malicious_domain', value: 'a]b OR c' },
    ]);
  });

  it('reads OR lists inside an observation, across observations, in parentheses, and IN sets', () => {
    expect(
      readStixPattern(
        "[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value = '192.0.2.2' OR (domain-name:value = 'a.example')] " +
          "OR ([url:value = 'http://b.example/'] OR [ipv4-addr:value IN ('192.0.2.3', '192.0.2.4')])",
      ),
    ).toEqual({
      indicators: [
        { type: 'malicious_ip', value: '192.0.2.1' },
        { type: 'malicious_ip', value: '192.0.2.2' },
        { type: 'malicious_domain', value: 'a.example' },
        { type: 'malicious_url', value: 'http://b.example/' },
        { type: 'malicious_ip', value: '192.0.2.3' },
        { type: 'malicious_ip', value: '192.0.2.4' },
      ],
      unsupported: [],
    });
  });
});

describe('readStixPattern: unsupported forms are reported, not dropped', () => {
  it.each([
    [
      "[ipv4-addr:value = '192.0.2.1' AND ipv4-addr:value = '192.0.2.2']",
      "AND (comparisons that must all match): ipv4-addr:value = '192.0.2.1' AND ipv4-addr:value = '192.0.2.2'",
    ],
    [
      "[ipv4-addr:value = '192.0.2.1'] AND [domain-name:value = 'a.example']",
      "AND (observations that must all match): [ipv4-addr:value = '192.0.2.1'] AND [domain-name:value = 'a.example']",
    ],
    ["[url:value LIKE 'http://evil.%']", "operator LIKE: url:value LIKE 'http://evil.%'"],
    ["[domain-name:value MATCHES '^evil']", "operator MATCHES: domain-name:value MATCHES '^evil'"],
    ["[ipv4-addr:value != '192.0.2.1']", "operator !=: ipv4-addr:value != '192.0.2.1'"],
    ["[ipv4-addr:value <> '192.0.2.1']", "operator !=: ipv4-addr:value <> '192.0.2.1'"],
    ['[network-traffic:dst_port > 1024]', 'operator >: network-traffic:dst_port > 1024'],
    ["[ipv4-addr:value NOT = '192.0.2.1']", "operator NOT =: ipv4-addr:value NOT = '192.0.2.1'"],
    ['[EXISTS file:hashes.MD5]', 'operator EXISTS: EXISTS file:hashes.MD5'],
    [
      "[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.2']",
      "FOLLOWEDBY: [ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.2']",
    ],
    [
      "[ipv4-addr:value = '192.0.2.1'] WITHIN 300 SECONDS",
      "WITHIN qualifier: [ipv4-addr:value = '192.0.2.1'] WITHIN 300 SECONDS",
    ],
    [
      "[ipv4-addr:value = '192.0.2.1'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'",
      "START/STOP qualifier: [ipv4-addr:value = '192.0.2.1'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'",
    ],
    [
      "[ipv4-addr:value = '192.0.2.1'] REPEATS 5 TIMES",
      "REPEATS qualifier: [ipv4-addr:value = '192.0.2.1'] REPEATS 5 TIMES",
    ],
    [
      "[process:name = 'evil.exe']",
      "object path process:name (not an indicator Palisade reads): process:name = 'evil.exe'",
    ],
    [
      "[file:hashes.'SSDEEP' = '3:AXG']",
      "object path file:hashes.'SSDEEP' (not an indicator Palisade reads): file:hashes.'SSDEEP' = '3:AXG'",
    ],
    [
      "[domain-name:value ISSUBSET 'example']",
      "ISSUBSET on domain-name:value (only on IP addresses): domain-name:value ISSUBSET 'example'",
    ],
    ['[ipv4-addr:value = 3232235521]', 'a value that is not a string: ipv4-addr:value = 3232235521'],
    [
      "[ipv4-addr:value IN ('192.0.2.1', 5)]",
      "a value that is not a string: ipv4-addr:value IN ('192.0.2.1', 5)",
    ],
    ['[ipv4-addr:value IN ()]', 'an empty IN set: ipv4-addr:value IN ()'],
  ])('%s', (pattern, reason) => {
    expect(readStixPattern(pattern)).toEqual({ indicators: [], unsupported: [reason] });
  });

  it('keeps the disjuncts it can read and names the ones it cannot', () => {
    expect(
      readStixPattern(
        "[ipv4-addr:value = '192.0.2.1'] OR [process:name = 'evil.exe'] OR " +
          "[domain-name:value = 'a.example' OR url:value LIKE '%evil%']",
      ),
    ).toEqual({
      indicators: [
        { type: 'malicious_ip', value: '192.0.2.1' },
        { type: 'malicious_domain', value: 'a.example' },
      ],
      unsupported: [
        "object path process:name (not an indicator Palisade reads): process:name = 'evil.exe'",
        "operator LIKE: url:value LIKE '%evil%'",
      ],
    });
  });

  it('reads nothing under an AND, even the parts that would be fine alone', () => {
    const read = readStixPattern(
      "[ipv4-addr:value = '192.0.2.1' OR (domain-name:value = 'a' AND url:value = 'b')]",
    );
    expect(read.indicators).toEqual([{ type: 'malicious_ip', value: '192.0.2.1' }]);
    expect(read.unsupported).toHaveLength(1);
    expect(read.unsupported[0]).toMatch(/^AND \(comparisons/);
  });

  it.each([
    [
      "[ipv4-addr:value = '192.0.2.1'",
      "invalid STIX pattern: expected ], found 'end of pattern' at column 31",
    ],
    ["[ipv4-addr:value = '192.0.2.1]", 'invalid STIX pattern: unterminated string at column 20'],
    [
      "[url:value = 'a\\nb']",
      "invalid STIX pattern: invalid escape '\\n' in a string (only \\' and \\\\) at column 16",
    ],
    [
      "ipv4-addr:value = '192.0.2.1'",
      "invalid STIX pattern: expected '[' or '(', found 'ipv4-addr' at column 1",
    ],
    [
      "[ipv4-addr:value '192.0.2.1']",
      "invalid STIX pattern: expected a comparison operator, found ''192.0.2.1'' at column 18",
    ],
    ["[ipv4-addr:value = '1' ; ]", "invalid STIX pattern: unexpected character ';' at column 24"],
    ['', "invalid STIX pattern: expected '[' or '(', found 'end of pattern' at column 1"],
  ])('says where %j stops parsing', (pattern, reason) => {
    expect(readStixPattern(pattern)).toEqual({ indicators: [], unsupported: [reason] });
  });

  it('refuses nesting past its depth limit instead of overflowing the stack', () => {
    const deep = `${'('.repeat(200)}[ipv4-addr:value = '192.0.2.1']${')'.repeat(200)}`;
    expect(readStixPattern(deep).unsupported[0]).toMatch(/^invalid STIX pattern: nested too deeply/);
  });
});
