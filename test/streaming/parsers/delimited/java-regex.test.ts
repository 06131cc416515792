import { describe, expect, it } from 'vitest';
import {
  compileJavaRegex,
  JavaRegexError,
} from '../../../../streaming/parsers/delimited/regex/java-regex.js';

/** Java `Pattern` semantics on a JavaScript engine: what `find()` returns for a pattern and a text. */
const find = (pattern: string, text: string): string | undefined =>
  compileJavaRegex(pattern).find.exec(text)?.[0];
const matches = (pattern: string, text: string): boolean => compileJavaRegex(pattern).whole.test(text);

describe('Java regex translation', () => {
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
    // Java 8's \b: letters of any script are word characters.
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

  it("lists named groups sorted as Java's TreeSet, with their JS names", () => {
    const r = compileJavaRegex('(?<zeta>z)(x)(?<alpha>a)');
    expect(r.groups.map((g) => g[0])).toEqual(['alpha', 'zeta']);
    const m = r.find.exec('zxa');
    expect(r.groups.map(([, js]) => m?.groups?.[js])).toEqual(['a', 'z']);
  });

  it.each([
    ['(?<syslog_priority>x)', "missing trailing '>'"],
    ['(?<a>x)(?<a>y)', 'already defined'],
    ['(a', 'Unclosed group'],
    ['a)', "Unmatched closing ')'"],
    ['[a', 'Unclosed character class'],
    ['*a', 'Dangling meta character'],
    ['a**', 'Dangling meta character'],
    ['a{', 'Illegal repetition'],
    ['a{3,2}', 'Illegal repetition range'],
    ['[z-a]', 'Illegal character range'],
    ['\\y', 'Illegal/unsupported escape sequence'],
    ['\\k<nope>', 'does not exist'],
    ['(a)\\2', 'does not exist'],
    ['\\p{Nope}', 'Unknown character property'],
    ['(?z)', 'Unknown inline modifier'],
    ['\\G', 'not supported'],
    ['(?U)\\w', 'not supported'],
    ['\\p{InGreek}', 'not supported'],
    ['(?i)(a)\\1', 'not supported'],
  ])('refuses %j: %s', (pattern, message) => {
    expect(() => compileJavaRegex(pattern)).toThrow(JavaRegexError);
    expect(() => compileJavaRegex(pattern)).toThrow(message);
  });
});
