import { describe, expect, it } from 'vitest';
import { compile, StellarError, type Value } from '#stellar';
import {
  BYTE_PATTERN_CACHE_LIMIT,
  BYTES_FUNCTIONS,
  compileBytePattern,
  MAX_REPEAT,
} from '../../stellar/functions/bytes.js';
import { expectFullyDescribed } from '../helpers/stellar.js';

/** `BYTEARRAY_MATCHER(pattern, packet)` through the compiler, the pattern passed as a variable. */
const matches = (pattern: string, packet: Value): Value =>
  compile('BYTEARRAY_MATCHER(pattern, packet)').evaluate(
    new Map<string, Value>([
      ['pattern', pattern],
      ['packet', packet],
    ]),
  );

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** The message a pattern fails with, through the compiler. */
function failure(pattern: string, packet: Value = bytes(0)): string {
  try {
    matches(pattern, packet);
  } catch (e) {
    expect(e).toBeInstanceOf(StellarError);
    return (e as StellarError).message;
  }
  throw new Error(`${pattern} compiled`);
}

/** Metron's ByteArrayMatchingUtilTest packet. */
const REAL_PACKET = hex(
  'd4c3b2a1020004000000000000000000ffff0000010000000dfbea560923090062000000620000000a002700000008002796a47a0800451000547cdf40004006b7e9c0a84279c0a842010016d9ef129035948b92f427801801f5061200000101080a0014f5d511bdf9915bf6b70140db6d4fb551229ef07d2f56abd814bc56420489ca38e7faf8cec3d4',
);
const DEADBEEF = bytes(0xde, 0xad, 0xbe, 0xef);

describe('BYTEARRAY_MATCHER definition', () => {
  it('describes itself in the pcap family and BYTEARRAY namespace', () => {
    expectFullyDescribed(BYTES_FUNCTIONS, {
      families: ['pcap'],
      namespaces: () => ['BYTEARRAY'],
      pure: () => true,
    });
    expect(BYTES_FUNCTIONS.map((d) => d.name)).toEqual(['BYTEARRAY_MATCHER']);
  });
});

describe("Metron's ByteArrayMatchingUtilTest cases", () => {
  it('matches case-insensitive strings anywhere', () => {
    expect(matches('`metron`', text('metron'))).toBe(true);
    expect(matches('`metron`', text('metron example'))).toBe(true);
    expect(matches('`metron`', text('edward metron example'))).toBe(true);
    expect(matches('`metron`', text('apache'))).toBe(false);
  });

  it('matches bytes, any bytes, groups, sets and bitmasks', () => {
    const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
    expect(matches('2f56abd814bc56420489ca38e7faf8cec3d4', REAL_PACKET)).toBe(true);
    expect(matches('2f56..14bc56420489ca38e7faf8cec3d4', REAL_PACKET)).toBe(true);
    expect(matches('(2f56)(.){2}(14bc56420489ca38e7faf8cec3d4)', REAL_PACKET)).toBe(true);
    expect(matches('(3f56)(.){2}(14bc56420489ca38e7faf8cec3d4)', REAL_PACKET)).toBe(false);
    expect(matches('3f56abd814bc56420489ca38e7faf8cec3d4', REAL_PACKET)).toBe(false);
    expect(matches('deadbeef', join(DEADBEEF, text('metron')))).toBe(true);
    expect(matches('deadbeef `metron`', join(DEADBEEF, text('metron')))).toBe(true);
    expect(matches('deadbeef `metron`', join(DEADBEEF, text('metronjones')))).toBe(true);
    expect(matches('deadbeef `metron`', join(DEADBEEF, text('metronjones'), DEADBEEF))).toBe(true);
    expect(matches('([ff]){4}', bytes(0xff, 0xff, 0xff, 0xff))).toBe(true);
    expect(matches('([ff]){6}', bytes(0xff, 0xff, 0xff, 0xff))).toBe(false);
    expect(matches('[^ff]', bytes(0x00))).toBe(true);
    expect(matches('&01', bytes(0x07))).toBe(true);
    expect(matches('&01', bytes(0x00))).toBe(false);
    expect(matches('&01', bytes(0x00, 0x01))).toBe(true);
    expect(matches('(dead).{2}(beef)', bytes(0xde, 0xad, 0x00, 0x00, 0xbe, 0xef))).toBe(true);
  });
});

describe('byteseek syntax', () => {
  it('reads hex bytes with or without spaces, in any case', () => {
    expect(matches('de ad be ef', DEADBEEF)).toBe(true);
    expect(matches('DEADbeef', DEADBEEF)).toBe(true);
    expect(matches('  de\tad\n be ef ', DEADBEEF)).toBe(true);
    expect(matches('deadbeee', DEADBEEF)).toBe(false);
  });

  it('searches rather than anchors', () => {
    const packet = text('xxGET /index.html HTTP/1.1');
    expect(matches("'GET /'", packet)).toBe(true);
    expect(matches("'HTTP/1.1'", packet)).toBe(true);
    expect(matches('be ef', DEADBEEF)).toBe(true);
    expect(matches('ad be', DEADBEEF)).toBe(true);
  });

  it('matches quoted text case-sensitively and back-ticked text ASCII case-insensitively', () => {
    expect(matches("'GET /'", text('GET /'))).toBe(true);
    expect(matches("'GET /'", text('get /'))).toBe(false);
    expect(matches('`get /`', text('GeT /'))).toBe(true);
    expect(matches('`get /`', text('GeT -'))).toBe(false);
    // Case folding is ASCII only: é (e9) and É (c9) stay distinct.
    expect(matches('`é`', text('É'))).toBe(false);
    expect(matches("'café'", text('un café'))).toBe(true);
    // No escapes inside quotes: the other quote and # are plain text.
    expect(matches("'it`s #1'", text('it`s #1'))).toBe(true);
  });

  it('matches any byte with .', () => {
    expect(matches('de . be', DEADBEEF)).toBe(true);
    expect(matches('de . . ef', DEADBEEF)).toBe(true);
    expect(matches('de . ef', DEADBEEF)).toBe(false);
    expect(matches('0a . 0d', bytes(0x0a, 0x0a, 0x0d))).toBe(true);
    expect(matches('00 . 00', bytes(0x00, 0xff, 0x00))).toBe(true);
  });

  it('matches ranges of bytes and of characters, in either order', () => {
    expect(matches('00-1f', text('abc'))).toBe(false);
    expect(matches('00-1f', bytes(0x61, 0x1f))).toBe(true);
    expect(matches("'0'-'9'", text('abc5'))).toBe(true);
    expect(matches("'0' - '9'", text('abc'))).toBe(false);
    expect(matches('39-30', text('x7'))).toBe(true);
    expect(matches('80-ff', bytes(0x7f))).toBe(false);
    expect(matches('80-ff', bytes(0x80))).toBe(true);
  });

  it('matches sets of bytes, ranges, strings and nested sets', () => {
    const ws = '[09 0a 0d 20]';
    expect(matches(ws, text('a b'))).toBe(true);
    expect(matches(ws, text('ab'))).toBe(false);
    expect(matches("['aeiou']", text('xyz'))).toBe(false);
    expect(matches("['aeiou']", text('xyzu'))).toBe(true);
    expect(matches('[`q`]', text('Q'))).toBe(true);
    expect(matches("[00-1f 'a'-'c' [f0 f1]]", bytes(0xf1))).toBe(true);
    expect(matches("[00-1f 'a'-'c' [f0 f1]]", text('d'))).toBe(false);
    expect(matches("'GET' [20 09]+ '/'", text('GET \t /'))).toBe(true);
  });

  it('inverts the one element after ^, in or out of a set', () => {
    expect(matches('^00', bytes(0, 0, 0))).toBe(false);
    expect(matches('^00', bytes(0, 1, 0))).toBe(true);
    expect(matches("^'Z'", text('ZZ'))).toBe(false);
    expect(matches("^'Z'", text('ZY'))).toBe(true);
    expect(matches('^30-39', text('123'))).toBe(false);
    expect(matches('^30-39', text('12a'))).toBe(true);
    expect(matches('^[09 20]', text(' \t '))).toBe(false);
    expect(matches('^[09 20]', text(' x '))).toBe(true);
    expect(matches('[^ff]', bytes(0xff))).toBe(false);
    // byteseek: inside a set ^ inverts the member it precedes, so this set is every byte.
    expect(matches('[^ff ff]', bytes(0xff))).toBe(true);
    expect(matches('^[^30-39]', text('abc'))).toBe(false);
    expect(matches('^[^30-39]', text('ab1'))).toBe(true);
    expect(matches('^&80', bytes(0x80, 0xff))).toBe(false);
    expect(matches('^&80', bytes(0x80, 0x7f))).toBe(true);
  });

  it('matches all-bits (&) and any-bits (~) bitmasks', () => {
    expect(matches('&7f', bytes(0x7e, 0xfe))).toBe(false);
    expect(matches('&7f', bytes(0xff))).toBe(true);
    expect(matches('&00', bytes(0x00))).toBe(true);
    expect(matches('~81', bytes(0x7e, 0x42))).toBe(false);
    expect(matches('~81', bytes(0x7e, 0x01))).toBe(true);
    expect(matches('~81', bytes(0x80))).toBe(true);
    expect(matches('~00', bytes(0x00, 0xff))).toBe(false);
    expect(matches("['a'-'z' &80]", bytes(0x41, 0x90))).toBe(true);
  });

  it('groups and alternatives', () => {
    expect(matches("'GET' | 'POST'", text('a POST b'))).toBe(true);
    expect(matches("'GET' | 'POST'", text('a PUT b'))).toBe(false);
    expect(matches('00 (01 02 | 03) ff', bytes(0x00, 0x03, 0xff))).toBe(true);
    expect(matches('00 (01 02 | 03) ff', bytes(0x00, 0x01, 0xff))).toBe(false);
    expect(matches("5e ('XX' 77 (039c7f | 929c) | 'YY' 92)", bytes(0x5e, 0x58, 0x58, 0x77, 0x92, 0x9c))).toBe(
      true,
    );
    expect(matches("5e ('XX' 77 (039c7f | 929c) | 'YY' 92)", bytes(0x5e, 0x59, 0x59, 0x93))).toBe(false);
  });

  it('repeats with *, +, ?, {n}, {n,m} and {n,*}', () => {
    expect(matches('01 00* 02', bytes(1, 2))).toBe(true);
    expect(matches('01 00+ 02', bytes(1, 2))).toBe(false);
    expect(matches('01 00+ 02', bytes(1, 0, 0, 2))).toBe(true);
    expect(matches('01 00? 02', bytes(1, 0, 2))).toBe(true);
    expect(matches('01 00? 02', bytes(1, 0, 0, 2))).toBe(false);
    expect(matches('01 00{3} 02', bytes(1, 0, 0, 0, 2))).toBe(true);
    expect(matches('01 00{3} 02', bytes(1, 0, 0, 2))).toBe(false);
    expect(matches('01 00{1,2} 02', bytes(1, 0, 0, 2))).toBe(true);
    expect(matches('01 00{1,2} 02', bytes(1, 0, 0, 0, 2))).toBe(false);
    expect(matches('01 00{2,*} 02', bytes(1, 0, 0, 0, 0, 0, 2))).toBe(true);
    expect(matches('01 00{2,*} 02', bytes(1, 0, 2))).toBe(false);
    // A repeat applies to a whole string or group.
    expect(matches("'ab'{2} 00", text('abab\0'))).toBe(true);
    expect(matches("'ab'{2} 00", text('abb\0'))).toBe(false);
    expect(matches('(01 02){2,3} ff', bytes(1, 2, 1, 2, 0xff))).toBe(true);
    expect(matches('(01 02){2,3} ff', bytes(1, 2, 0xff))).toBe(false);
  });

  it('ignores # comments to the end of the line', () => {
    const pattern = "'BEGIN:'   # the header\n 20* [30-39]+ # digits\n 'END'";
    expect(matches(pattern, text('BEGIN: 123END'))).toBe(true);
    expect(matches(pattern, text('BEGIN: END'))).toBe(false);
  });

  it('reads every byte value, including line breaks and bytes above 7f', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const b of [0x00, 0x0a, 0x0d, 0x28, 0x5c, 0x7f, 0x80, 0xe9, 0xff]) {
      const h = b.toString(16).padStart(2, '0');
      expect(matches(h, all), h).toBe(true);
      expect(matches(`^${h}`, bytes(b)), h).toBe(false);
    }
    expect(matches('0a . 0c', bytes(0x0a, 0x0b, 0x0c))).toBe(true);
    // A view into a larger buffer sees only its own bytes.
    const view = new Uint8Array(DEADBEEF.buffer, 1, 2);
    expect(matches('ad be', view)).toBe(true);
    expect(matches('de', view)).toBe(false);
  });
});

describe('null and wrong arguments', () => {
  it('is false for null or missing bytes, and for a null pattern', () => {
    expect(matches('deadbeef', null)).toBe(false);
    expect(compile("BYTEARRAY_MATCHER('deadbeef', missing)", { missing: 'null' }).evaluate({})).toBe(false);
    expect(compile('BYTEARRAY_MATCHER(null, packet)').evaluate({ packet: DEADBEEF })).toBe(false);
    expect(matches('deadbeef', bytes())).toBe(false);
  });

  it('works as a pcap filter predicate on a host object holding bytes', () => {
    const filter = compile("BYTEARRAY_MATCHER('`host:` 20', packet) && ip_dst_port == 80", {
      mode: 'predicate',
    });
    expect(filter.evaluate({ packet: text('GET / HTTP/1.1\r\nHost: a\r\n'), ip_dst_port: 80 })).toBe(true);
    expect(filter.evaluate({ packet: text('GET / HTTP/1.1\r\nUser-Agent: a\r\n'), ip_dst_port: 80 })).toBe(
      false,
    );
  });

  it('refuses data that is not bytes, and a pattern that is not a string', () => {
    expect(failure('deadbeef', 'deadbeef')).toMatch(/BYTEARRAY_MATCHER: the data must be bytes, got string/);
    expect(() => compile('BYTEARRAY_MATCHER(42, packet)').evaluate({ packet: DEADBEEF })).toThrow(
      /the pattern must be a string, got int/,
    );
    expect(() => compile("BYTEARRAY_MATCHER('de')")).toThrow(/takes 2 arguments/);
  });
});

describe('bad patterns', () => {
  it('names the pattern, the problem and the position', () => {
    const cases: [string, RegExp][] = [
      ['de ad zz', /invalid byte pattern 'de ad zz': expected a hex byte.* at position 6 \(near 'zz'\)/],
      ['de a', /expected two hex digits at position 3/],
      ['d e', /expected two hex digits at position 0/],
      ['', /the pattern is empty at position 0/],
      ['   # only a comment', /the pattern is empty/],
      ["'GET", /unclosed string at position 0/],
      ['`get', /unclosed case-insensitive string at position 0/],
      ["''", /an empty string at position 0/],
      ['[00 01', /expected '\]' to close a set at position 0/],
      ['[]', /an empty set at position 0/],
      ['(00 01', /expected '\)' to close a group at position 6/],
      ['00 01)', /unexpected '\)' at position 5/],
      ['()', /expected something to match .* at position 1/],
      ['00 |', /expected something to match .* at position 4/],
      ['| 00', /expected something to match .* at position 0/],
      ['*00', /nothing to repeat at position 0/],
      ['00 (+)', /nothing to repeat at position 4/],
      ['00{', /expected a repeat count at position 3/],
      ['00{2', /expected '}' to close a repeat at position 4/],
      ['00{3,1}', /maximum 1 is below its minimum 3 at position 2/],
      [`00{${MAX_REPEAT + 1}}`, new RegExp(`a repeat count above ${MAX_REPEAT} at position 3`)],
      ['^.', /'\^' inverts a byte, range, bitmask or set, not '\.' at position 0/],
      ['^(00)', /'\^' inverts .* not '\(' at position 0/],
      ["^'ab'", /only a single character can be inverted or form a range at position 1/],
      ["'a'-'bc'", /only a single character can be inverted or form a range at position 4/],
      ["'a'-`z`", /a range ends with a single byte or character at position 0/],
      ['&7', /expected two hex digits at position 1/],
      ['~', /expected two hex digits at position 1 \(the end\)/],
      ['\\d', /shorthands such as \\d are not supported/],
      ['00 xyz', /expected a hex byte, a quoted string, '\.', '\(' or '\[', not 'x' at position 3/],
      ["'snow ☃'", /a character outside Latin-1 .* at position 6/],
    ];
    for (const [pattern, message] of cases)
      expect(failure(pattern), JSON.stringify(pattern)).toMatch(message);
  });

  it('fails with S204 at run time, and even for null bytes, as Metron compiles the pattern first', () => {
    expect(() => matches('zz', null)).toThrow(StellarError);
    try {
      matches('zz', null);
    } catch (e) {
      expect((e as StellarError).code).toBe('S204');
      expect((e as StellarError).message).toMatch(/^BYTEARRAY_MATCHER: invalid byte pattern 'zz'/);
    }
  });

  it('fails when run, also with constant arguments (folding defers the error)', () => {
    const expression = compile("BYTEARRAY_MATCHER('(00', null)");
    expect(() => expression.evaluate({})).toThrow(/invalid byte pattern '\(00'/);
  });
});

describe('compileBytePattern', () => {
  it('gives a shared, stateless RegExp over Latin-1 text', () => {
    const re = compileBytePattern("'GET /' 20*");
    expect(re.flags).toBe('');
    expect(re.test(Buffer.from('x GET /').toString('latin1'))).toBe(true);
    expect(re.test(Buffer.from('x GET /').toString('latin1'))).toBe(true);
    expect(re.test('GET')).toBe(false);
  });

  it('caches compiled patterns, dropping the oldest beyond the limit', () => {
    const first = compileBytePattern('ca fe 00 01');
    expect(compileBytePattern('ca fe 00 01')).toBe(first);
    for (let i = 0; i < BYTE_PATTERN_CACHE_LIMIT; i++)
      compileBytePattern(`ca fe ${i.toString(16).padStart(4, '0')}`);
    const again = compileBytePattern('ca fe 00 01');
    expect(again).not.toBe(first);
    expect(again.source).toBe(first.source);
    expect(compileBytePattern('ca fe 00 01')).toBe(again);
  });

  it('does not cache a bad pattern', () => {
    expect(() => compileBytePattern('zz')).toThrow(/invalid byte pattern 'zz'/);
    expect(() => compileBytePattern('zz')).toThrow(/invalid byte pattern 'zz'/);
  });
});
