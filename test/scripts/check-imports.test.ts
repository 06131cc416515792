import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

function check(root?: string) {
  const args = [join(ROOT, 'scripts', 'check-imports.mjs'), ...(root ? ['--root', root] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('architecture check', () => {
  it('passes on the repository', () => {
    expect(check()).toMatchObject({ code: 0 });
  });

  it('fails on a deep import and on a backward edge, naming file and line', () => {
    const dir = tempDir();
    for (const f of ['core', 'lake', 'streaming', 'batch']) mkdirSync(join(dir, f));
    writeFileSync(join(dir, 'core', 'index.ts'), 'export const a = 1;\n');
    writeFileSync(
      join(dir, 'lake', 'index.ts'),
      "import { a } from '#core';\nimport { b } from '#streaming';\n",
    );
    writeFileSync(join(dir, 'streaming', 'index.ts'), "export { c } from '../lake/table.js';\n");
    writeFileSync(join(dir, 'batch', 'job.ts'), "const m = await import('#streaming');\n");
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain("lake/index.ts:2: 'lake' may not depend on 'streaming'");
    expect(r.out).toContain("streaming/index.ts:1: deep import '../lake/table.js' leaves streaming/");
    expect(r.out).toContain("batch/job.ts:1: 'batch' may not depend on 'streaming'");
    expect(r.out).not.toContain("'#core'");
  });
});
