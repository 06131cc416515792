import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Grok, GrokError, GrokTimeout, javaInt } from '../../../../streaming/parsers/grok/engine/grok.js';
import {
  addPatterns,
  bundledPatternDir,
  loadPatternLibrary,
  resolvePatternPath,
} from '../../../../streaming/parsers/grok/engine/patterns.js';

const library = (text: string) => addPatterns(text, new Map());

describe('grok expressions (java-grok 0.1.0 semantics)', () => {
  const lib = library(
    [
      'WORD \\b\\w+\\b',
      'INT (?:[+-]?(?:[0-9]+))',
      'NUMBER (?:%{INT:UNWANTED}(?:\\.[0-9]+)?)',
      'PAIR %{WORD:key}=%{INT:value}',
      'TWICE %{WORD:a} %{WORD:a}',
      'SHARED %{WORD:x} %{INT:x}',
      'OPTIONAL %{WORD:w}( %{INT:n})?',
      'LOOP %{LOOP}',
      'QUOTED %{DATA:q}',
      'DATA .*?',
    ].join('\n'),
  );

  it('names a capture after its field, or after the pattern when there is none', () => {
    const g = Grok.compile('%{WORD} %{PAIR}', lib);
    expect(g.match('hello x=5')).toEqual({ WORD: 'hello', PAIR: 'x=5', key: 'x', value: 5 });
  });

  it('drops UNWANTED captures', () => {
    expect(Grok.compile('%{NUMBER:n}', lib).match('12.5')).toEqual({ n: '12.5' });
  });

  it('gives null for a group that did not take part', () => {
    expect(Grok.compile('%{OPTIONAL}', lib).match('abc')).toEqual({ OPTIONAL: 'abc', w: 'abc', n: null });
  });

  it('reads a repeated field from its first occurrence', () => {
    expect(Grok.compile('%{TWICE}', lib).match('one two')?.a).toBe('one');
  });

  it('lets the later of two different patterns with one field name win', () => {
    expect(Grok.compile('%{SHARED}', lib).match('one 2')?.x).toBe(2);
  });

  it('converts values that read as a Java int, and strips matching quotes', () => {
    const g = Grok.compile('^%{DATA:v}$', lib);
    expect(g.match('000')?.v).toBe(0);
    expect(g.match('-17')?.v).toBe(-17);
    expect(g.match('+17')?.v).toBe(17);
    expect(g.match('2147483647')?.v).toBe(2147483647);
    expect(g.match('2147483648')?.v).toBe('2147483648');
    expect(g.match('0.5')?.v).toBe('0.5');
    expect(g.match('0x1F')?.v).toBe('0x1F');
    expect(g.match('"quoted"')?.v).toBe('quoted');
    expect(g.match("'single'")?.v).toBe('single');
    expect(g.match('"mixed\'')?.v).toBe('"mixed\'');
    expect(g.match('"')?.v).toBe('"');
  });

  it('honours typed fields', () => {
    const g = Grok.compile(
      '%{INT:i:int} %{INT:l:long} %{DATA:f:float} %{WORD:b:boolean} %{INT:s:string}$',
      lib,
    );
    expect(g.match('7 9007199254740991 2.50 TRUE 42')).toEqual({
      i: 7,
      l: 9007199254740991,
      f: 2.5,
      b: true,
      s: '42',
    });
    expect([...g.floatingKeys]).toEqual(['f']);
    // A value the type cannot hold stays text.
    expect(g.match('7 99999999999999999999 x false 1')?.l).toBe('99999999999999999999');
  });

  it('takes inline definitions', () => {
    expect(Grok.compile('%{HEX:h=[0-9a-f]+}', lib).match('zz beef')?.h).toBe('beef');
  });

  it('searches rather than anchors, and never matches a blank line', () => {
    const g = Grok.compile('%{PAIR}', lib);
    expect(g.match('prefix a=1 suffix')?.key).toBe('a');
    expect(g.match('   \t ')).toBeUndefined();
    expect(g.match('')).toBeUndefined();
    expect(g.match('no pair here')).toBeUndefined();
  });

  it('reports an unknown pattern, with a near name when there is one', () => {
    expect(() => Grok.compile('%{word}', lib)).toThrow(GrokError);
    expect(() => Grok.compile('%{word}', lib)).toThrow('did you mean %{WORD}');
    expect(() => Grok.compile('%{NOPE}', lib)).toThrow('unknown pattern %{NOPE}');
  });

  it('refuses a pattern that refers to itself', () => {
    expect(() => Grok.compile('%{LOOP}', lib)).toThrow('pattern expansions');
  });

  it('compiles once and keeps no state between matches', () => {
    const g = Grok.compile('%{PAIR}', lib);
    const first = g.match('a=1');
    expect(g.match('b=2')).toEqual({ PAIR: 'b=2', key: 'b', value: 2 });
    expect(first).toEqual({ PAIR: 'a=1', key: 'a', value: 1 });
  });

  it('gives the same fields when a DATA run must cross its delimiter (the quick twin fails, the full search runs)', () => {
    const g = Grok.compile('%{DATA:a}\\|%{DATA:b}\\|%{INT:n}$', lib);
    expect(g.match('x|y|3')).toEqual({ a: 'x', b: 'y', n: 3 });
    // b holds a '|': only the full search finds this, and finds what Java finds.
    expect(g.match('x|y|z|3')).toEqual({ a: 'x', b: 'y|z', n: 3 });
    expect(g.match('x|y|z')).toBeUndefined();
  });

  it('gives up on a line that would backtrack for seconds, with GrokTimeout instead of a stall', () => {
    // Eight DATA runs between pipes and a number that never comes: 2^20-odd ways to place the
    // pipes, each tried from every start position — seconds in Java and in V8 alike.
    const g = Grok.compile(`${'%{DATA}\\|'.repeat(8)}%{INT:n}$`, lib);
    expect(g.match(`${'a|'.repeat(8)}1`)).toMatchObject({ n: 1 });
    expect(() => g.match(`${'a|'.repeat(60)}x`)).toThrow(GrokTimeout);
  });

  it('javaInt follows Integer.parseInt', () => {
    expect(javaInt('-2147483648')).toBe(-2147483648);
    expect(javaInt('-2147483649')).toBeUndefined();
    expect(javaInt('')).toBeUndefined();
    expect(Object.is(javaInt('-0'), 0)).toBe(true);
  });
});

describe('pattern files', () => {
  it('reads NAME regex lines, skips comments and blanks, keeps trailing spaces, later wins', () => {
    const lib = library('# comment\n\nA x+  \r\nB  y\nA z\nnot-a-name q\n');
    expect([...lib.entries()]).toEqual([
      ['A', 'z'],
      ['B', 'y'],
    ]);
    expect(library('A x+  ').get('A')).toBe('x+  ');
  });

  it('resolves /patterns/<name> to config/grok/<name>', () => {
    expect(resolvePatternPath('/patterns/yaf')).toBe(join(bundledPatternDir(), 'yaf'));
    expect(resolvePatternPath('/patterns/common')).toBe(join(bundledPatternDir(), 'common'));
  });

  it('prefers a file that exists at the given path (Metron looked in HDFS first)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-grok-'));
    const file = join(dir, 'mine');
    writeFileSync(file, 'MINE \\d+\n');
    expect(resolvePatternPath(file)).toBe(file);
    expect(loadPatternLibrary(['/patterns/common', file]).get('MINE')).toBe('\\d+');
  });

  it('names the bundled files when a path resolves to nothing', () => {
    expect(() => resolvePatternPath('/patterns/nope')).toThrow('/patterns/yaf');
    expect(() => resolvePatternPath('/patterns/../package.json')).toThrow('no such file');
  });

  it('bundles Metron’s pattern files (and Palisade’s bluecoat), and every pattern in them compiles where Java compiles it', () => {
    const files = readdirSync(bundledPatternDir()).filter((f) => !f.includes('.'));
    expect(files.sort()).toEqual([
      'asa',
      'bluecoat',
      'common',
      'fireeye',
      'sourcefire',
      'squid',
      'websphere',
      'yaf',
    ]);
    const failures: string[] = [];
    for (const file of files) {
      const lib = loadPatternLibrary(
        file === 'common' ? ['/patterns/common'] : ['/patterns/common', `/patterns/${file}`],
      );
      const own = addPatterns(readFileSync(join(bundledPatternDir(), file), 'utf8'), new Map());
      for (const name of own.keys()) {
        try {
          Grok.compile(`%{${name}}`, lib);
        } catch (e) {
          failures.push(`${file}:${name}: ${(e as Error).message.split(' near index')[0]}`);
        }
      }
    }
    // FIREEYE_SUB has `.?*`, which Java rejects too ("Dangling meta character '*'").
    expect(failures).toEqual(["fireeye:FIREEYE_SUB: %{FIREEYE_SUB}: Dangling meta character '*'"]);
  });
});
