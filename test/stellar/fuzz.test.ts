import { describe, expect, it } from 'vitest';
import { seededRandom } from '#core';
import { compile, StellarError } from '#stellar';
import { loadCases } from './conformance.js';

/**
 * Random and mutated expressions through the compiler and evaluator: whatever goes in, the only
 * failure allowed out is a StellarError (a diagnostic), and every run ends (step budget, depth
 * and node limits). Seeded, so a failure reproduces; the seed and input are in the message.
 */

const SEED = 20261128;
const RANDOM_INPUTS = 4000;
const MUTATIONS_PER_CASE = 6;

const VOCABULARY = [
  '1',
  '-2',
  '3.5',
  '1e3',
  '2L',
  '1.5f',
  '.5',
  'NaN',
  "'s'",
  '"t"',
  'true',
  'false',
  'null',
  'x',
  'y',
  'xs',
  'm',
  'a.b.c',
  '_',
  '+',
  '-',
  '*',
  '/',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'and',
  'or',
  'not',
  'in',
  'not in',
  '?',
  ':',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '->',
  '=>',
  'if',
  'then',
  'else',
  'match',
  'default',
  'exists',
  'TO_UPPER(',
  'LENGTH(',
  'MAP(',
  'FILTER(',
  'REDUCE(',
  'IN_SUBNET(',
  'SPLIT(',
  'GET(',
  'MAP_GET(',
  'STATS_ADD(',
  'NOPE(',
  '//',
  '\n',
  "'\\",
  '"',
  '$',
  '@',
  '#',
];

const VARS = { x: 1, y: 'str', xs: [1, 2, 3], m: { k: 'v' }, 'a.b.c': 2.5 };

/** Compile and run; returns a failure description if anything but a diagnostic escapes. */
function attempt(source: string): string | undefined {
  try {
    compile(source, { missing: 'null', limits: { maxSteps: 10_000 } }).evaluate(VARS);
  } catch (e) {
    if (!(e instanceof StellarError)) return `${e instanceof Error ? e.name : typeof e}: ${String(e)}`;
    if (!/^S[12]\d\d$/.test(e.code)) return `bad code ${e.code}`;
    if (e.span && (e.span.start < 0 || e.span.end > source.length || e.span.start > e.span.end)) {
      return `span ${e.span.start}..${e.span.end} outside the source (length ${source.length})`;
    }
    e.render();
  }
  return undefined;
}

describe('Stellar fuzz', () => {
  it(`random token strings (${RANDOM_INPUTS}, seed ${SEED}) fail only with diagnostics`, () => {
    const random = seededRandom(SEED);
    const problems: string[] = [];
    for (let i = 0; i < RANDOM_INPUTS; i++) {
      const length = 1 + Math.floor(random() * 14);
      const source = Array.from(
        { length },
        () => VOCABULARY[Math.floor(random() * VOCABULARY.length)] as string,
      ).join(random() < 0.5 ? ' ' : '');
      const problem = attempt(source);
      if (problem) problems.push(`${JSON.stringify(source)}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it("mutations of Metron's cases fail only with diagnostics", () => {
    const random = seededRandom(SEED + 1);
    const problems: string[] = [];
    let runs = 0;
    for (const c of loadCases()) {
      for (let k = 0; k < MUTATIONS_PER_CASE; k++) {
        const chars = [...c.expr];
        const edits = 1 + Math.floor(random() * 3);
        for (let e = 0; e < edits; e++) {
          const at = Math.floor(random() * (chars.length + 1));
          const op = random();
          if (op < 0.4) chars.splice(at, 1);
          else if (op < 0.8)
            chars.splice(
              at,
              0,
              (VOCABULARY[Math.floor(random() * VOCABULARY.length)] as string)[0] as string,
            );
          else if (at + 1 < chars.length)
            [chars[at], chars[at + 1]] = [chars[at + 1] as string, chars[at] as string];
        }
        const source = chars.join('');
        runs++;
        const problem = attempt(source);
        if (problem) problems.push(`${JSON.stringify(source)}: ${problem}`);
      }
    }
    expect(runs).toBeGreaterThan(5000);
    expect(problems).toEqual([]);
  });

  it('deep nesting and long inputs end in a limit diagnostic, not a stack overflow', () => {
    for (const source of [
      '['.repeat(10_000),
      `${'MAP(xs, x -> '.repeat(300)}x${')'.repeat(300)}`,
      `${'not('.repeat(2000)}true${')'.repeat(2000)}`,
      `${'x + '.repeat(50_000)}x`,
      `'${'a'.repeat(1_000_000)}'`,
    ]) {
      expect(attempt(source), source.slice(0, 40)).toBeUndefined();
    }
  });
});
