import { describe, expect, it } from 'vitest';
import { compileJavaRegex, emitJavaRegex, JavaRegexError, parseJavaRegex, tightenWildcards } from '#core';

/**
 * core's Java regex translator, with the cases of the three translators it replaced (Stellar's
 * REGEXP functions, grok, the regex parser): java.util.regex results recorded from the JDK, then
 * find()/matches() cases, grok's selected-group emitting, refusals, and the constructs where the
 * three used to disagree.
 */

/** What `find()` returns for a pattern and a text. */
const find = (pattern: string, text: string): string | undefined =>
  compileJavaRegex(pattern).find.exec(text)?.[0];
const matches = (pattern: string, text: string): boolean => compileJavaRegex(pattern).whole.test(text);

/** Grok's use: named-regexp group names, every named group (and every back-referenced one) captured. */
function grokRegex(pattern: string): RegExp {
  const parsed = parseJavaRegex(pattern, { groupNames: 'named-regexp' });
  const emitted = emitJavaRegex(parsed, new Set(parsed.names));
  return new RegExp(emitted.source, emitted.flags);
}

/** Decode the escapes used in the recorded inputs (\n \r \t \\ \uXXXX). */
const decodeEscapes = (s: string): string =>
  s.replace(/\\(n|r|t|u[0-9a-fA-F]{4}|\\)/g, (_, c: string) =>
    c === 'n'
      ? '\n'
      : c === 'r'
        ? '\r'
        : c === 't'
          ? '\t'
          : c === '\\'
            ? '\\'
            : String.fromCharCode(Number.parseInt(c.slice(1), 16)),
  );

describe('java.util.regex results recorded from the JDK', () => {
  it('match, capture and find alike', () => {
    expect(REGEX_CASES.length).toBeGreaterThan(200);
    const mismatches: string[] = [];
    for (const [pattern, raw, want] of REGEX_CASES) {
      const input = decodeEscapes(raw);
      let got: string;
      try {
        const p = compileJavaRegex(pattern);
        const m = p.whole.exec(input);
        got = `m=${m !== null}`;
        if (m !== null)
          for (let g = 1; g <= p.groupCount; g++) got += ` g${g}=${m[p.jsGroup[g] as number] ?? 'null'}`;
        got += ` r=${input.replace(new RegExp(p.source, `${p.flags}g`), (s) => `[${s}]`)}`;
      } catch (e) {
        if (!(e instanceof JavaRegexError)) throw e;
        got = 'ERR';
      }
      got = got.replace(/\n/g, '\\n').replace(/\r/g, '\\r');
      if (got !== want) mismatches.push(`${pattern} ~ ${JSON.stringify(input)}: java ${want}, got ${got}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('find() and matches()', () => {
  it.each([
    // Line terminators: Java's '.' also stops at U+0085; '$' matches before a final terminator.
    ['a.c', 'a\u0085c', undefined],
    ['a.c', 'a-c', 'a-c'],
    ['(?s)a.c', 'a\nc', 'a\nc'],
    ['(?d)a.c', 'a\rc', 'a\rc'],
    ['c$', 'abc\n', 'c'],
    ['c$', 'abc\r\n', 'c'],
    ['c$', 'abc\n\n', undefined],
    ['c\\z', 'abc\n', undefined],
    ['c\\Z', 'abc\n', 'c'],
    ['\\Aab', 'xab', undefined],
    ['(?m)^b$', 'a\nb\nc', 'b'],
    ['^b', 'a\nb', undefined],
    // Java's \s is ASCII; \h and \v are its horizontal and vertical white space.
    ['a\\sb', 'a\u00a0b', undefined],
    ['a\\hb', 'a\u00a0b', 'a\u00a0b'],
    ['a\\vb', 'a\u2028b', 'a\u2028b'],
    ['a\\Rb', 'a\r\nb', 'a\r\nb'],
    // Java's \b (8 to 18): letters of any script are word characters.
    ['\\bé', ' é', 'é'],
    ['a\\b', 'aé', undefined],
    ['\\w+', 'héllo', 'h'],
    // Case-insensitivity is ASCII-only unless (?u) is on too.
    ['(?i)hello', 'HeLLo', 'HeLLo'],
    ['(?i)é', 'É', undefined],
    ['(?iu)é', 'É', 'É'],
    ['a(?i:b)c', 'aBc', 'aBc'],
    ['a(?i:b)c', 'aBC', undefined],
    ['(?i)[a-c]+', 'xAbC', 'AbC'],
    ['(?i)[^a-c]+', 'AbCd', 'd'],
    // Possessive quantifiers and atomic groups never give back.
    ['x*+x', 'xxx', undefined],
    ['x*x', 'xxx', 'xxx'],
    ['(?>a|ab)c', 'abc', undefined],
    ['(?:a|ab)c', 'abc', 'abc'],
    ['"[^"]*+"', '"abc"', '"abc"'],
    // Quoting, escapes, classes.
    ['\\Qa.b\\E+', 'a.bbb', 'a.bbb'],
    ['\\Qa.b', 'axb a.b', 'a.b'],
    ['\\x{1F600}', 'x\u{1F600}', '\u{1F600}'],
    ['\\0101\\x42\\u0043', 'ABC', 'ABC'],
    ['\\cA', '\u0001', '\u0001'],
    ['\\e\\a', '\u001b\u0007', '\u001b\u0007'],
    ['[]a]+', 'x]a]', ']a]'],
    ['[a-z&&[^aeiou]]+', 'aeibcd', 'bcd'],
    ['[a-c[x-z]]+', 'mbyq', 'by'],
    ['[\\w&&\\D]+', '12ab3', 'ab'],
    ['\\p{Alpha}+', 'é1abc', 'abc'],
    ['\\p{L}+', '1héllo', 'héllo'],
    ['\\p{IsLatin}+', 'αbcδ', 'bc'],
    ['\\p{Lu}\\p{javaLowerCase}', 'xAb', 'Ab'],
    ['\\P{Digit}+', '12ab3', 'ab'],
    ['[\\p{Punct}]+', 'a.,!b', '.,!'],
    // Comments mode.
    ['(?x) a b  # a comment\n c', 'abc', 'abc'],
    ['(?x)[a b]+', 'ab b', 'ab'],
    // Lookbehind, named groups and back-references.
    ['(?<=\\[)\\d+(?=\\])', 'x[42]', '42'],
    ['(?<word>a+)-\\k<word>', 'aa-aa', 'aa-aa'],
    ['(a)(b)\\2\\1', 'abba', 'abba'],
    ['(a)\\10', 'aa0', 'aa0'], // \10 is group 1 then '0': only one group exists
    ['a{2,3}?', 'aaaa', 'aa'],
    ['(?=a)?a', 'a', 'a'],
    ['}]', 'x}]', '}]'],
  ])('%j finds %j in %j', (pattern, text, found) => {
    expect(find(pattern, text)).toBe(found);
  });

  it('matches() needs the whole input', () => {
    expect(matches('a|ab', 'ab')).toBe(true);
    expect(matches('ab', 'abc')).toBe(false);
    expect(matches('.*(?<x>b)', 'aab')).toBe(true);
  });

  it('maps named groups to Java group numbers and those to JavaScript groups', () => {
    const r = compileJavaRegex('(?<zeta>z)(x)(?<alpha>a)');
    expect([...r.names]).toEqual([
      ['zeta', 1],
      ['alpha', 3],
    ]);
    const m = r.find.exec('zxa');
    expect([1, 2, 3].map((g) => m?.[r.jsGroup[g] as number])).toEqual(['z', 'x', 'a']);
  });

  it('runs with the u flag unless the source needs v (set operations) or the pattern ignores case throughout', () => {
    expect(compileJavaRegex('[a[b-c]\\s\\p{Alpha}]x.$').flags).toBe('u');
    expect(compileJavaRegex('[a-z&&[^b]]').flags).toBe('v');
    expect(compileJavaRegex('[a[^b]]').flags).toBe('v');
    expect(compileJavaRegex('[\\S]').flags).toBe('v');
    expect(compileJavaRegex('\\p{javaWhitespace}').flags).toBe('v');
    expect(compileJavaRegex('(?iu)a').flags).toBe('vi');
    expect(find('[\\S]+', ' ab ')).toBe('ab');
  });

  it('takes flags as Pattern.compile does', () => {
    expect(compileJavaRegex('abc', 'i').whole.test('ABC')).toBe(true);
    expect(compileJavaRegex('a.c', 's').whole.test('a\nc')).toBe(true);
    expect(() => compileJavaRegex('abc', 'q')).toThrow(JavaRegexError);
  });
});

describe('emitting chosen named groups only (grok)', () => {
  it('atomic groups do not give back what they matched', () => {
    expect(grokRegex('(?>a+)a').test('aaa')).toBe(false);
    expect(grokRegex('(?:a+)a').test('aaa')).toBe(true);
    expect(grokRegex('(?>a|ab)c').test('abc')).toBe(false);
    expect(grokRegex('(?>ab|a)c').test('abc')).toBe(true);
  });

  it('possessive quantifiers are atomic', () => {
    expect(grokRegex('a++a').test('aaa')).toBe(false);
    expect(grokRegex('a*+b').exec('aab')?.[0]).toBe('aab');
    expect(grokRegex('"[^"]*+"').exec('x "quoted" y')?.[0]).toBe('"quoted"');
  });

  it('keeps back-references pointing at the right group after groups are added', () => {
    expect(grokRegex('(?>x)(a)\\1').test('xaa')).toBe(true);
    expect(grokRegex('(?>x)(a)\\1').test('xab')).toBe(false);
    expect(grokRegex('(?<w>\\w)\\k<w>').test('zz')).toBe(true);
    // Java: \2 with one group never matches; \11 with one group is \1 then "1".
    expect(grokRegex('(a)\\2').test('aa')).toBe(false);
    expect(grokRegex('(a)\\11').test('aa1')).toBe(true);
  });

  it('uses Java meanings where JavaScript differs', () => {
    expect(grokRegex('\\s').test('\u00a0')).toBe(false);
    expect(grokRegex('\\s').test('\t')).toBe(true);
    expect(grokRegex('^\\Q.*+\\E$').test('.*+')).toBe(true);
    expect(grokRegex('^\\Q.*+\\E$').test('abc')).toBe(false);
    expect(grokRegex('^\\p{Alpha}+$').test('abcXYZ')).toBe(true);
    expect(grokRegex('^\\p{Alpha}+$').test('abc1')).toBe(false);
    expect(grokRegex('\\Aab\\z').test('ab')).toBe(true);
    expect(grokRegex('ab\\Z').test('ab\n')).toBe(true);
    expect(grokRegex('ab\\z').test('ab\n')).toBe(false);
    expect(grokRegex('^\\x{41}\\0101\\u0041$').test('AAA')).toBe(true);
    expect(grokRegex('^[]a]+$').test(']a]')).toBe(true);
    expect(grokRegex('^[a-c[x-z]]+$').test('abxz')).toBe(true);
    expect(grokRegex('^\\:\\"\\-$').test(':"-')).toBe(true);
  });

  it('takes a leading (?i) for the whole pattern', () => {
    expect(grokRegex('(?i)abc').test('ABC')).toBe(true);
    expect(grokRegex('abc').test('ABC')).toBe(false);
  });

  it('accepts group names java-grok accepts (any text up to >)', () => {
    const m = grokRegex('(?<src_ip>\\d+)-(?<name0>\\d+)').exec('12-34');
    expect(m?.[1]).toBe('12');
    expect(m?.[2]).toBe('34');
  });

  it('runs atomic groups inside a lookbehind as plain groups', () => {
    expect(grokRegex('(?<=(?>ab))c').exec('abc')?.[0]).toBe('c');
  });

  it('captures only the first group of each chosen name, plus groups a back-reference reads', () => {
    const parsed = parseJavaRegex('(?<a>x)(?<b>y)(?<a>z)(q)(r)\\5', { groupNames: 'named-regexp' });
    expect(parsed.names).toEqual(['a', 'b', 'a']);
    const emitted = emitJavaRegex(parsed, new Set(['a']));
    const m = new RegExp(emitted.source, emitted.flags).exec('xyzqrr');
    expect(m?.length).toBe(3);
    expect(m?.[emitted.groups.get('a') as number]).toBe('x');
    expect(emitted.groups.has('b')).toBe(false);
    expect(m?.[emitted.jsGroup[5] as number]).toBe('r');
  });
});

describe('refusals, named and placed', () => {
  it.each([
    ['(?<syslog_priority>x)', "missing trailing '>'"],
    ['(?<1a>x)', 'does not start with a Latin letter'],
    ['(?<a>x)(?<a>y)', 'already defined'],
    ['(a', 'Unclosed group'],
    ['(ab', 'Unclosed group'],
    ['a)', "Unmatched closing ')'"],
    ['ab)', "Unmatched closing ')'"],
    ['[a', 'Unclosed character class'],
    ['[ab', 'Unclosed character class'],
    ['*a', 'Dangling meta character'],
    ['a**', "Dangling meta character '*'"],
    ['.?*', "Dangling meta character '*'"],
    ['a{', 'Illegal repetition'],
    ['a{3,2}', 'Illegal repetition range'],
    ['a{3,1}', 'Illegal repetition range'],
    ['[z-a]', 'Illegal character range'],
    ['\\y', 'Illegal/unsupported escape sequence \\y'],
    ['\\', 'Unexpected internal error'],
    ['\\k<nope>', 'does not exist'],
    ['\\p{Nope}', 'Unknown character property'],
    ['(?z)', 'Unknown inline modifier'],
    ['\\G', '\\G is not supported'],
    ['\\Ga', '\\G is not supported'],
    ['\\X', '\\X is not supported'],
    ['\\b{g}', '\\b{g} is not supported'],
    ['\\p{InGreek}', 'Unicode blocks (\\p{InGreek}) are not supported'],
    ['\\p{blk=Greek}', 'Unicode blocks'],
    ['(?c)a', 'CANON_EQ flag (?c) is not supported'],
    ['a(?i)(b)\\1', 'back-reference under case-insensitive matching is not supported'],
  ])('refuses %j: %s', (pattern, message) => {
    expect(() => compileJavaRegex(pattern)).toThrow(JavaRegexError);
    expect(() => compileJavaRegex(pattern)).toThrow(message);
  });

  it('gives the index, and shows a long pattern only around it', () => {
    const e = (() => {
      try {
        compileJavaRegex(`${'x'.repeat(200)}\\G`);
      } catch (err) {
        return err as JavaRegexError;
      }
    })();
    expect(e?.index).toBe(200);
    expect(e?.message).toBe(`\\G is not supported near index 200 of "…${'x'.repeat(40)}\\\\G…"`);
  });
});

/**
 * Before core/java-regex, Stellar, grok and the regex parser each had a translator, and they
 * disagreed. The merged one takes, construct by construct, the behaviour closest to Java
 * (Java 8, which Metron runs, and the JDK the recorded cases come from):
 */
describe('where the three translators differed', () => {
  it("\\b is Java's (letters and digits of every script), not JavaScript's ASCII one (Stellar, grok had JS's)", () => {
    expect(find('\\w+\\b', 'héllo')).toBe('llo');
    expect(grokRegex('\\b\\w+\\b').exec('é1 ab')?.[0]).toBe('ab');
    expect(find('(?U)\\b\\w+\\b', 'héllo wörld')).toBe('héllo');
  });

  it("'.', '$' and \\Z follow Java's line terminators in grok too (grok used JavaScript's '.', '$' and m flag)", () => {
    expect(grokRegex('a.c').test('a\u0085c')).toBe(false);
    expect(grokRegex('(?s)a.c').test('a\u0085c')).toBe(true);
    expect(grokRegex('(?m)^b$').exec('a\r\nb\r\nc')?.[0]).toBe('b');
    expect(grokRegex('a$').test('a\n')).toBe(true);
  });

  it("'$' never matches between \\r and \\n, and multiline '^' not at the very end (the regex parser's did both)", () => {
    expect(find('\\r$', 'a\r\n')).toBeUndefined();
    expect(find('\\r\\n$', 'a\r\n')).toBe('\r\n');
    expect(find('(?m)^', '')).toBeUndefined();
  });

  it('a back-reference to a group that does not exist (yet) compiles and never matches (the regex parser refused it; Stellar let a forward one match empty)', () => {
    expect(find('(a)\\2', 'aa')).toBeUndefined();
    expect(find('(a)|b\\2', 'b')).toBeUndefined();
    expect(find('\\1(a)', 'a')).toBeUndefined();
  });

  it('back-references under (?i) work when the whole pattern ignores case (JavaScript i flag, as in Stellar); elsewhere they are refused (the regex parser refused all, Stellar silently matched case)', () => {
    expect(find('(?i)(a)\\1', 'aA')).toBe('aA');
    expect(compileJavaRegex('(?i)(a)\\1').flags).toBe('vi');
    expect(() => compileJavaRegex('(?i)a(?-i)(b)(?i)\\1')).toThrow('not supported');
    expect(find('(?i)a(?-i)(b)\\1', 'Abb')).toBe('Abb');
  });

  it('a leading (?i) folds ASCII only, also in grok (grok used the JavaScript i flag, which folds é/É and K/K)', () => {
    expect(grokRegex('(?i)é').test('É')).toBe(false);
    expect(grokRegex('(?i)k').test('\u212a')).toBe(false);
    expect(grokRegex('(?iu)é').test('É')).toBe(true);
  });

  it('inline flags anywhere, scoped as Java scopes them (grok took them only at the start)', () => {
    expect(grokRegex('a(?i:b)').test('aB')).toBe(true);
    expect(grokRegex('a(?i)b|c').test('C')).toBe(true);
    expect(grokRegex('(?:a(?i)b)c').test('aBC')).toBe(false);
  });

  it('comments mode (?x) (grok refused it)', () => {
    expect(grokRegex('(?x) a b # c').test('ab')).toBe(true);
  });

  it('(?U) UNICODE_CHARACTER_CLASS (the regex parser refused it); (?c) CANON_EQ is refused by name (Stellar called it an unknown modifier)', () => {
    expect(find('(?U)\\w+', 'héllo!')).toBe('héllo');
    expect(find('(?U)\\p{Alpha}+', 'héllo!')).toBe('héllo');
    expect(() => compileJavaRegex('(?c)a')).toThrow('CANON_EQ');
  });

  it('class intersections and nested negated classes (grok refused them)', () => {
    expect(grokRegex('^[a-z&&[^b]]+$').test('acd')).toBe(true);
    expect(grokRegex('^[a-z&&[^b]]+$').test('abc')).toBe(false);
    expect(grokRegex('^[x[^a-z]]+$').test('x1')).toBe(true);
  });

  it("an empty operand of && drops out, as in Java (Stellar's intersected with nothing)", () => {
    expect(find('[a&&]', 'a')).toBe('a');
    expect(find('[&&a]+', 'ba')).toBe('a');
  });

  it('\\Q…\\E inside a class (the regex parser refused it) and an empty \\Q\\E before a quantifier (Stellar refused it)', () => {
    expect(find('[\\Q-]\\E]+', 'a-]')).toBe('-]');
    expect(find('a\\Q\\E*', 'aaa')).toBe('aaa');
  });

  it('supplementary characters inside classes (grok refused them)', () => {
    expect(grokRegex('^[\\x{1F600}a]+$').test('a\u{1F600}')).toBe(true);
  });

  it("possessive quantifiers inside a lookbehind run as greedy ones, as grok did (Stellar's and the regex parser's emulation breaks there)", () => {
    expect(find('(?<=a++)b', 'aab')).toBe('b');
    expect(find('(?<=x(?>a|ab))c', 'xabc')).toBe('c');
  });

  it('\\p{IsX} also takes POSIX and java.lang.Character names, as Java does (only grok did); \\p{L&} is LC (only the regex parser did)', () => {
    expect(find('\\p{IsAlpha}+', 'é1ab')).toBe('ab');
    expect(find('\\p{IsjavaLowerCase}+', 'ABcd')).toBe('cd');
    expect(find('\\p{L&}+', '1aB')).toBe('aB');
    expect(find('\\p{sc=latin}+', 'αbc')).toBe('bc');
  });

  it("'{' that starts no repetition is an error, as in Java (grok took it as a literal)", () => {
    expect(() => grokRegex('a{x}')).toThrow('Illegal repetition');
    expect(grokRegex('a\\{x}').test('a{x}')).toBe(true);
  });

  it("group names follow Java's rules unless named-regexp's are asked for (grok's)", () => {
    expect(() => compileJavaRegex('(?<src_ip>x)')).toThrow("missing trailing '>'");
    expect(() => compileJavaRegex('(?<a>x)(?<a>y)')).toThrow('already defined');
    expect(parseJavaRegex('(?<a>x)(?<a>y)', { groupNames: 'named-regexp' }).namedGroups.get('a')).toBe(1);
    expect(() => parseJavaRegex('(?<>x)', { groupNames: 'named-regexp' })).toThrow('0 length name');
  });
});

/** java.util.regex results: full match, its groups, and find() marked with [..]; ERR for a syntax error. */
const REGEX_CASES: [string, string, string][] = [
  ['abc', 'abc', 'm=true r=[abc]'],
  ['abc', 'xabc', 'm=false r=x[abc]'],
  ['abc', 'ABC', 'm=false r=ABC'],
  ['(?i)abc', 'ABC', 'm=true r=[ABC]'],
  ['(?i)abc', 'aBc', 'm=true r=[aBc]'],
  ['(?i)abc', 'abd', 'm=false r=abd'],
  ['a(?i)bc', 'aBC', 'm=true r=[aBC]'],
  ['a(?i)bc', 'ABC', 'm=false r=ABC'],
  ['a(?i)bc', 'abc', 'm=true r=[abc]'],
  ['a(?i:b)c', 'aBc', 'm=true r=[aBc]'],
  ['a(?i:b)c', 'aBC', 'm=false r=aBC'],
  ['a(?i:b)c', 'abc', 'm=true r=[abc]'],
  ['(?i)a(?-i)b', 'Ab', 'm=true r=[Ab]'],
  ['(?i)a(?-i)b', 'AB', 'm=false r=AB'],
  ['(?i)a(?-i)b', 'ab', 'm=true r=[ab]'],
  ['(?i)[a-c]+', 'ABC', 'm=true r=[ABC]'],
  ['(?i)[a-c]+', 'abd', 'm=false r=[ab]d'],
  ['(?i)[a-c]+', 'Bb', 'm=true r=[Bb]'],
  ['a(?i)[^x-z]', 'aX', 'm=false r=aX'],
  ['a(?i)[^x-z]', 'aA', 'm=true r=[aA]'],
  ['a(?i)[^x-z]', 'ax', 'm=false r=ax'],
  ['\\d+', '123', 'm=true r=[123]'],
  ['\\d+', '12a', 'm=false r=[12]a'],
  ['\\d+', '', 'm=false r='],
  ['\\d(\\d)(\\d).*', '12345', 'm=true g1=2 g2=3 r=[12345]'],
  ['\\d(\\d)(\\d).*', 'abcde', 'm=false r=abcde'],
  ['[a-zA-Z]+', 'abcde', 'm=true r=[abcde]'],
  ['[a-zA-Z]+', 'ab1', 'm=false r=[ab]1'],
  ['a++a', 'aaa', 'm=false r=aaa'],
  ['a++a', 'a', 'm=false r=a'],
  ['a*+b', 'aab', 'm=true r=[aab]'],
  ['a*+b', 'b', 'm=true r=[b]'],
  ['(?>a+)a', 'aaa', 'm=false r=aaa'],
  ['(?>a+)a', 'aa', 'm=false r=aa'],
  ['(?>a|ab)c', 'abc', 'm=false r=abc'],
  ['(?>a|ab)c', 'ac', 'm=true r=[ac]'],
  ['x{2,3}+x', 'xxxx', 'm=true r=[xxxx]'],
  ['x{2,3}+x', 'xxx', 'm=false r=xxx'],
  ['(a+)+b', 'aaab', 'm=true g1=aaa r=[aaab]'],
  ['(a+)+b', 'aaa', 'm=false r=aaa'],
  ['\\Qa.b\\E', 'a.b', 'm=true r=[a.b]'],
  ['\\Qa.b\\E', 'axb', 'm=false r=axb'],
  ['\\Qa.b\\E*', 'a.b', 'm=true r=[a.b]'],
  ['\\Qa.b\\E*', 'a.bbb', 'm=true r=[a.bbb]'],
  ['\\Qa.b\\E*', 'a.', 'm=true r=[a.]'],
  ['a\\Q*\\E', 'a*', 'm=true r=[a*]'],
  ['a\\Q*\\E', 'aa', 'm=false r=aa'],
  ['(?x) a b # c', 'ab', 'm=true r=[ab]'],
  ['(?x) a b # c', 'a b', 'm=false r=a b'],
  ['(?x)[a b]+', 'ab', 'm=true r=[ab]'],
  ['(?x)[a b]+', 'a b', 'm=false r=[a] [b]'],
  ['[]a]+', ']a]', 'm=true r=[]a]]'],
  ['[]a]+', 'b', 'm=false r=b'],
  ['[^]a]+', 'bc', 'm=true r=[bc]'],
  ['[^]a]+', ']', 'm=false r=]'],
  ['[a-z&&[^aeiou]]+', 'bcd', 'm=true r=[bcd]'],
  ['[a-z&&[^aeiou]]+', 'abc', 'm=false r=a[bc]'],
  ['[a-z&&[def]]', 'd', 'm=true r=[d]'],
  ['[a-z&&[def]]', 'a', 'm=false r=a'],
  ['[\\w&&[^\\d]]+', 'ab_', 'm=true r=[ab_]'],
  ['[\\w&&[^\\d]]+', 'a1', 'm=false r=[a]1'],
  ['[^a[b]]', 'b', 'm=false r=b'],
  ['[^a[b]]', 'c', 'm=true r=[c]'],
  ['[^a[b]]', 'a', 'm=false r=a'],
  ['[a-c[x-z]]+', 'axz', 'm=true r=[axz]'],
  ['[a-c[x-z]]+', 'd', 'm=false r=d'],
  ['[\\s]+', ' \\t', 'm=true r=[ \t]'],
  ['[\\s]+', 'a', 'm=false r=a'],
  ['\\s+', ' \\t', 'm=true r=[ \t]'],
  ['\\s+', ' ', 'm=true r=[ ]'],
  ['\\S+', 'a', 'm=true r=[a]'],
  ['\\S+', 'a b', 'm=false r=[a] [b]'],
  ['\\h\\v', ' \\n', 'm=true r=[ \\n]'],
  ['\\h\\v', '\\t\\u000b', 'm=true r=[\t\u000b]'],
  ['\\R', '\\r\\n', 'm=true r=[\\r\\n]'],
  ['\\R', '\\n', 'm=true r=[\\n]'],
  ['\\R', 'x', 'm=false r=x'],
  ['.', '\\n', 'm=false r=\\n'],
  ['.', 'a', 'm=true r=[a]'],
  ['.', '\\r', 'm=false r=\\r'],
  ['.', '\\u0085', 'm=false r='],
  ['(?s).', '\\n', 'm=true r=[\\n]'],
  ['(?s).', 'a', 'm=true r=[a]'],
  ['(?d).', '\\r', 'm=true r=[\\r]'],
  ['(?d).', '\\n', 'm=false r=\\n'],
  ['^a$', 'a', 'm=true r=[a]'],
  ['^a$', 'a\\n', 'm=false r=[a]\\n'],
  ['^a$', 'a\\r\\n', 'm=false r=[a]\\r\\n'],
  ['a$', 'a\\n', 'm=false r=[a]\\n'],
  ['a$', 'a\\r\\n', 'm=false r=[a]\\r\\n'],
  ['a$', 'a\\r', 'm=false r=[a]\\r'],
  ['(?m)^b', 'b', 'm=true r=[b]'],
  ['(?m)^b', 'a\\nb', 'm=false r=a\\n[b]'],
  ['(?m)a$\\nb', 'a\\nb', 'm=true r=[a\\nb]'],
  ['(?m)^', '', 'm=false r='],
  ['(?m)^', 'a', 'm=false r=[]a'],
  ['a\\Z', 'a', 'm=true r=[a]'],
  ['a\\Z', 'a\\n', 'm=false r=[a]\\n'],
  ['a\\Z', 'a\\n\\n', 'm=false r=a\\n\\n'],
  ['a\\z', 'a', 'm=true r=[a]'],
  ['a\\z', 'a\\n', 'm=false r=a\\n'],
  ['\\Aa', 'a', 'm=true r=[a]'],
  ['\\Aa', 'ba', 'm=false r=ba'],
  ['\\ba\\b', 'a', 'm=true r=[a]'],
  ['\\ba\\b', 'ba', 'm=false r=ba'],
  ['\\p{Lower}+', 'abc', 'm=true r=[abc]'],
  ['\\p{Lower}+', 'ABC', 'm=false r=ABC'],
  ['(?i)\\p{Lower}+', 'abc', 'm=true r=[abc]'],
  ['(?i)\\p{Lower}+', 'ABC', 'm=true r=[ABC]'],
  ['\\p{Upper}\\p{Digit}', 'A1', 'm=true r=[A1]'],
  ['\\p{Upper}\\p{Digit}', 'a1', 'm=false r=a1'],
  ['\\p{Punct}+', '!@#', 'm=true r=[!@#]'],
  ['\\p{Punct}+', 'a', 'm=false r=a'],
  ['\\p{Alpha}\\p{Alnum}*', 'a1b', 'm=true r=[a1b]'],
  ['\\p{Alpha}\\p{Alnum}*', '1a', 'm=false r=1[a]'],
  ['\\p{XDigit}+', 'fF09', 'm=true r=[fF09]'],
  ['\\p{XDigit}+', 'g', 'm=false r=g'],
  ['\\p{Space}+', ' \\t\\u000b', 'm=true r=[ \t\u000b]'],
  ['\\p{Space}+', 'a', 'm=false r=a'],
  ['\\p{L}+', 'abcé', 'm=true r=[abcé]'],
  ['\\p{L}+', '1', 'm=false r=1'],
  ['\\p{Lu}', 'É', 'm=true r=[É]'],
  ['\\p{Lu}', 'é', 'm=false r=é'],
  ['\\p{IsLatin}+', 'abc', 'm=true r=[abc]'],
  ['\\p{IsLatin}+', 'абв', 'm=false r=абв'],
  ['\\p{IsAlphabetic}+', 'abcé', 'm=true r=[abcé]'],
  ['\\p{IsAlphabetic}+', '1', 'm=false r=1'],
  ['\\p{javaLowerCase}+', 'abc', 'm=true r=[abc]'],
  ['\\p{javaLowerCase}+', 'ABC', 'm=false r=ABC'],
  ['\\p{javaWhitespace}', '\\u001c', 'm=true r=[\u001c]'],
  ['\\p{javaWhitespace}', '\\u00a0', 'm=false r= '],
  ['\\P{L}+', '123', 'm=true r=[123]'],
  ['\\P{L}+', 'a', 'm=false r=a'],
  ['\\pL\\pN', 'a1', 'm=true r=[a1]'],
  ['\\pL\\pN', '11', 'm=false r=11'],
  ['\\x41\\u0042\\0103', 'ABC', 'm=true r=[ABC]'],
  ['\\x41\\u0042\\0103', 'abc', 'm=false r=abc'],
  ['\\x{1F600}', '\\ud83d\\ude00', 'm=true r=[😀]'],
  ['\\x{1F600}', 'x', 'm=false r=x'],
  ['\\t\\n', '\\t\\n', 'm=true r=[\t\\n]'],
  ['\\t\\n', 'tn', 'm=false r=tn'],
  ['\\cA', '\\u0001', 'm=true r=[\u0001]'],
  ['\\cA', 'A', 'm=false r=A'],
  ['(a)(b)?c', 'ac', 'm=true g1=a g2=null r=[ac]'],
  ['(a)(b)?c', 'abc', 'm=true g1=a g2=b r=[abc]'],
  ['(?<first>a)(?<second>b)', 'ab', 'm=true g1=a g2=b r=[ab]'],
  ['(?<first>a)(?<second>b)', 'aa', 'm=false r=aa'],
  ['(a)\\1', 'aa', 'm=true g1=a r=[aa]'],
  ['(a)\\1', 'ab', 'm=false r=ab'],
  ['(?<x>a)\\k<x>', 'aa', 'm=true g1=a r=[aa]'],
  ['(?<x>a)\\k<x>', 'ab', 'm=false r=ab'],
  [
    '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10',
    'abcdefghijj',
    'm=true g1=a g2=b g3=c g4=d g5=e g6=f g7=g g8=h g9=i g10=j r=[abcdefghijj]',
  ],
  ['(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10', 'abcdefghija0', 'm=false r=abcdefghija0'],
  ['(a)\\10', 'aa0', 'm=true g1=a r=[aa0]'],
  ['(a)\\10', 'aa', 'm=false r=aa'],
  ['a{2}', 'aa', 'm=true r=[aa]'],
  ['a{2}', 'aaa', 'm=false r=[aa]a'],
  ['a{2,}', 'aaaa', 'm=true r=[aaaa]'],
  ['a{2,}', 'a', 'm=false r=a'],
  ['a{,3}', 'a', 'ERR'],
  ['a{2,1}', 'aa', 'ERR'],
  ['x**', 'x', 'ERR'],
  ['^*a', 'a', 'm=true r=[a]'],
  ['*a', 'a', 'ERR'],
  ['(abc', 'abc', 'ERR'],
  ['abc)', 'abc', 'ERR'],
  ['[abc', 'a', 'ERR'],
  ['\\k<nope>', 'a', 'ERR'],
  ['\\y', 'y', 'ERR'],
  ['a|b|', 'a', 'm=true r=[a][]'],
  ['a|b|', '', 'm=true r=[]'],
  ['a|b|', 'c', 'm=false r=[]c[]'],
  ['(?:a|b)+', 'abab', 'm=true r=[abab]'],
  ['(?:a|b)+', 'abc', 'm=false r=[ab]c'],
  ['(a|b)*c', 'ababc', 'm=true g1=b r=[ababc]'],
  ['(a|b)*c', 'c', 'm=true g1=null r=[c]'],
  ['a.*?b', 'axxb', 'm=true r=[axxb]'],
  ['a.*?b', 'ab', 'm=true r=[ab]'],
  ['a{1,3}?', 'a', 'm=true r=[a]'],
  ['a{1,3}?', 'aaa', 'm=true r=[a][a][a]'],
  ['(?=a)a', 'a', 'm=true r=[a]'],
  ['(?=a)a', 'b', 'm=false r=b'],
  ['(?!a).', 'b', 'm=true r=[b]'],
  ['(?!a).', 'a', 'm=false r=a'],
  ['(?<=a)b', 'ab', 'm=false r=a[b]'],
  ['a(?<=a)', 'a', 'm=true r=[a]'],
  ['(?<!a)b', 'b', 'm=true r=[b]'],
  ['[\\x41-\\x43]+', 'ABC', 'm=true r=[ABC]'],
  ['[\\x41-\\x43]+', 'D', 'm=false r=D'],
  ['[\\-a]+', '-a', 'm=true r=[-a]'],
  ['[\\-a]+', 'b', 'm=false r=b'],
  ['[a-]+', 'a-', 'm=true r=[a-]'],
  ['[a-]+', 'b', 'm=false r=b'],
  ['[-a]+', '-a', 'm=true r=[-a]'],
  ['[-a]+', 'b', 'm=false r=b'],
  ['[a\\]]+', 'a]', 'm=true r=[a]]'],
  ['[a\\]]+', 'b', 'm=false r=b'],
  ['[\\\\]', '\\\\', 'm=true r=[\\]'],
  ['[\\\\]', 'a', 'm=false r=a'],
  ['[.]', '.', 'm=true r=[.]'],
  ['[.]', 'a', 'm=false r=a'],
  ['[$^]+', '$^', 'm=true r=[$^]'],
  ['[$^]+', 'a', 'm=false r=a'],
  ['[\\Q-]\\E]+', '-]', 'm=true r=[-]]'],
  ['[\\Q-]\\E]+', 'a', 'm=false r=a'],
  ['\\.\\*\\+', '.*+', 'm=true r=[.*+]'],
  ['\\.\\*\\+', 'a', 'm=false r=a'],
  ['a\\-b', 'a-b', 'm=true r=[a-b]'],
  ['\\/\\:', '/:', 'm=true r=[/:]'],
  ['\\u00e9', 'é', 'm=true r=[é]'],
  ['\\u00e9', 'e', 'm=false r=e'],
  ['(?u)(?i)é', 'É', 'm=true r=[É]'],
  ['(?u)(?i)é', 'é', 'm=true r=[é]'],
  ['(?iu)é', 'É', 'm=true r=[É]'],
  ['(?iu)é', 'é', 'm=true r=[é]'],
  ['(?U)\\w+', 'abcé', 'm=true r=[abcé]'],
  ['(?U)\\w+', '!', 'm=false r=!'],
  ['(?U)\\d', '٣', 'm=true r=[٣]'],
  ['(?U)\\d', 'a', 'm=false r=a'],
  ['(?U)\\s', '\\u2003', 'm=true r=[ ]'],
  ['(?U)\\s', 'a', 'm=false r=a'],
  ['\\b\\w+\\b', 'hello', 'm=true r=[hello]'],
  ['\\b\\w+\\b', 'a b', 'm=false r=[a] [b]'],
  ['\\Bb', 'ab', 'm=false r=a[b]'],
  ['\\Bb', 'b', 'm=false r=b'],
  ['[a-z]+(?i)X', 'abx', 'm=true r=[abx]'],
  ['[a-z]+(?i)X', 'abX', 'm=true r=[abX]'],
  ['(?i)(a)\\1', 'aA', 'm=true g1=a r=[aA]'],
  ['(?i)(a)\\1', 'aa', 'm=true g1=a r=[aa]'],
  ['(a)|b', 'b', 'm=true g1=null r=[b]'],
  ['(a)|b', 'a', 'm=true g1=a r=[a]'],
  ['(?<n1>\\d+)-(?<n2>\\d+)', '12-34', 'm=true g1=12 g2=34 r=[12-34]'],
  ['(?<n1>\\d+)-(?<n2>\\d+)', '1-', 'm=false r=1-'],
  ['(\\d+)-(\\d+)', '123-456', 'm=true g1=123 g2=456 r=[123-456]'],
  ['(\\d+)-(\\d+)', '12-ab', 'm=false r=12-ab'],
  ['(?i)é', 'É', 'm=false r=É'],
  ['(?i)é', 'é', 'm=true r=[é]'],
  ['(?i)k', '\\u212a', 'm=false r=K'],
  ['(?i)k', 'K', 'm=true r=[K]'],
  ['(?i)[a-z]+', '\\u212a', 'm=false r=K'],
  ['(?i)[a-z]+', 'abcXYZ', 'm=true r=[abcXYZ]'],
  ['(?i)(a)\\1', 'aA', 'm=true g1=a r=[aA]'],
  ['(?i)(a)\\1', 'ab', 'm=false r=ab'],
  ['(?i)[^a-c]', 'B', 'm=false r=B'],
  ['(?i)[^a-c]', 'd', 'm=true r=[d]'],
  ['(?i)\\p{Upper}', 'a', 'm=true r=[a]'],
];

describe('tightenWildcards: the quick twin grok tries first', () => {
  const twin = (pattern: string) => {
    const parsed = parseJavaRegex(pattern);
    const tight = tightenWildcards(parsed);
    const full = emitJavaRegex(parsed);
    const quick = tight === undefined ? undefined : emitJavaRegex(tight);
    return {
      full: new RegExp(full.source, full.flags),
      quick: quick === undefined ? undefined : new RegExp(quick.source, quick.flags),
    };
  };

  it('keeps a run from crossing the literal after it, and only then', () => {
    const { quick } = twin('a(.*?)\\|(.*)\\|b');
    expect(quick?.test('ax|y|b')).toBe(true);
    expect(quick?.test('ax|z|y|b')).toBe(false);
    expect(twin('a.*b(?=.*)').quick).toBeDefined();
    expect(twin('a\\d*\\|').quick).toBeUndefined();
    expect(twin('(?=.*x)y').quick).toBeUndefined();
  });

  it('never matches what the pattern does not (the twin only refuses more)', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const patterns = ['(.*?)\\|(.*?)\\|(\\d+)', '^(.*),(.+?),x$', 'a(.*)\\|(?:b|c)(.*?)\\|', '(.+)\\|\\1'];
    let agreed = 0;
    for (const pattern of patterns) {
      const { full, quick } = twin(pattern);
      expect(quick, pattern).toBeDefined();
      for (let i = 0; i < 2000; i++) {
        const text = Array.from(
          { length: Math.floor(random() * 12) },
          () => 'abc|,x12'[Math.floor(random() * 8)],
        ).join('');
        if (quick?.test(text)) {
          expect(full.test(text), `${pattern} on ${text}`).toBe(true);
          agreed++;
        }
      }
    }
    expect(agreed).toBeGreaterThan(100);
  });
});
