import { describe, expect, it } from 'vitest';
import { type Lexemes, parseJsonKeepingNumbers } from '../../streaming/parsers/json-lexemes.js';

/** Number texts kept from JSON where JavaScript would print the number differently. */

/** Every (path → text) a Lexemes holds for a parsed value. */
function listed(value: unknown, lexemes: Lexemes | undefined, path = '$'): string[] {
  if (typeof value !== 'object' || value === null || lexemes === undefined) return [];
  const out: string[] = [];
  const held = lexemes.get(value);
  for (const [k, v] of Object.entries(value)) {
    const at = `${path}.${k}`;
    const text = held?.get(k);
    if (text !== undefined) out.push(`${at}=${text}`);
    out.push(...listed(v, lexemes, at));
  }
  return out.sort();
}

const read = (text: string) => {
  const { value, lexemes } = parseJsonKeepingNumbers(text);
  return listed(value, lexemes);
};

describe('parseJsonKeepingNumbers', () => {
  it('keeps integral doubles and exponents, in objects and lists, not numbers inside strings', () => {
    expect(
      read(
        '{"http":{"ts":1402307733.473210,"n":3600.0,"e":1E5,"plain":12,"f":1.5,"s":"v 1.0,","l":[2.0,3]}}',
      ),
    ).toEqual(['$.http.e=1E5', '$.http.l.0=2.0', '$.http.n=3600.0', '$.http.ts=1402307733.473210']);
  });

  it('keeps nothing when every number prints as written', () => {
    expect(parseJsonKeepingNumbers('{"a":1,"b":[1.5,-2]}').lexemes).toBeUndefined();
    // "1.0," inside a string looks like one, so the full pairing runs, and finds none.
    expect(read('{"a":1,"b":[1.5,-2],"c":"1.0,"}')).toEqual([]);
  });

  it('gives up rather than pairing wrongly when the parsed value cannot be lined up with the text', () => {
    // A duplicate key: the text has two numbers, the value one.
    expect(parseJsonKeepingNumbers('{"x":1.0,"x":2}').lexemes).toBeUndefined();
  });
});
