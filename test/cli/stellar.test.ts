import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { palisade } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('palisade stellar eval', () => {
  it('prints the result as JSON', () => {
    const r = palisade([
      'stellar',
      'eval',
      "if port == 53 then 'dns' else 'other'",
      '--vars',
      '{"port": 53}',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('"dns"\n');
    const list = palisade(['stellar', 'eval', '[1, 2.5, {"a": null}]'.replace(/"/g, "'")]);
    expect(list.stdout).toBe('[1,2.5,{"a":null}]\n');
  });

  it('reads variables from a file and runs predicates', () => {
    const dir = tempDir();
    const file = join(dir, 'vars.json');
    writeFileSync(file, JSON.stringify({ ip_dst_port: 3389, is_alert: true }));
    const r = palisade([
      'stellar',
      'eval',
      '--predicate',
      'is_alert and ip_dst_port > 1024',
      '--vars',
      `@${file}`,
    ]);
    expect(r.stdout).toBe('true\n');
    const blank = palisade(['stellar', 'eval', '--predicate', ' ']);
    expect(blank.stdout).toBe('true\n');
  });

  it('exits 1 with the diagnostic and a caret when the rule fails', () => {
    const r = palisade(['stellar', 'eval', 'TO_UPER(x)', '--vars', '{"x": "a"}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[S103]: unknown function TO_UPER (did you mean TO_UPPER?)');
    expect(r.stderr).toContain('1 | TO_UPER(x)\n  | ^^^^^^^');
    const undefinedVar = palisade(['stellar', 'eval', 'nope + 1']);
    expect(undefinedVar.code).toBe(1);
    expect(undefinedVar.stderr).toContain('error[S201]: variable nope is not defined');
  });

  it('exits 2 with one line on bad usage', () => {
    for (const args of [
      ['stellar', 'eval', 'x', '--vars', '{bad json'],
      ['stellar', 'eval', 'x', '--vars', '[1]'],
      ['stellar', 'eval', 'x', '--vars', '@/no/such/file.json'],
      ['stellar', 'eval'],
    ]) {
      const r = palisade(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});

describe('palisade stellar (shell)', () => {
  it('assigns, lists variables and functions, documents a function, keeps history', () => {
    const dir = tempDir();
    const history = join(dir, 'history');
    const input = [
      'x := 5',
      'x * 2',
      '%vars',
      '?TO_UPPER',
      '%functions TO_',
      "%define geo.path := '/x'",
      '%globals',
      'nope',
      'quit',
      'x',
    ].join('\n');
    const r = palisade(['stellar'], { input, env: { PALISADE_STELLAR_HISTORY: history } });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out.slice(0, 3)).toEqual(['5', '10', 'x = 5']);
    expect(r.stdout).toContain('TO_UPPER(');
    expect(r.stdout).toMatch(/TO_LOWER, .*TO_UPPER/);
    expect(r.stdout).toContain('"geo.path": "/x"');
    expect(r.stdout).toContain('error[S201]: variable nope is not defined');
    expect(readFileSync(history, 'utf8').split('\n')[0]).toBe('x := 5');
  });
});
