// The Python venv prepared by test/setup/global.ts: the pinned packages import, at the pinned
// versions, and work together (pyarrow → deltalake → duckdb) on a tiny table.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requirementsFile } from '../../scripts/venv.mjs';
import { python } from '../helpers/python.js';

/** `name==version` lines of requirements-dev.txt, by lower-case name. */
function pins(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(requirementsFile, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s#;]+)/.exec(line);
    if (m?.[1] && m[2]) out[m[1].toLowerCase()] = m[2];
  }
  return out;
}

describe('Python venv', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-venv-test-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('imports deltalake, duckdb, pyarrow, pytest, communityid, stix2, scikit-learn, skl2onnx and onnx at the pinned versions', async () => {
    const out = await python(
      [
        'import json, sys',
        'import importlib.metadata as md',
        'import deltalake, duckdb, pyarrow, pytest, communityid, stix2, sklearn, skl2onnx, onnx',
        'print(json.dumps({"python": sys.version.split()[0], "deltalake": deltalake.__version__,',
        '  "duckdb": duckdb.__version__, "pyarrow": pyarrow.__version__, "pytest": pytest.__version__,',
        '  "communityid": md.version("communityid"), "stix2": stix2.__version__,',
        '  "scikit-learn": sklearn.__version__, "skl2onnx": skl2onnx.__version__, "onnx": onnx.__version__}))',
      ].join('\n'),
    );
    const versions = JSON.parse(out) as Record<string, string>;
    console.log(
      `venv: ${Object.entries(versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    const pinned = pins();
    expect(Object.keys(pinned).sort()).toEqual([
      'communityid',
      'deltalake',
      'duckdb',
      'onnx',
      'pyarrow',
      'pytest',
      'scikit-learn',
      'skl2onnx',
      'stix2',
    ]);
    for (const [name, version] of Object.entries(pinned)) {
      expect(versions[name], name).toBe(version);
    }
  });

  it('writes a Delta table with deltalake and reads it back through duckdb', async () => {
    const table = path.join(tmp, 'events');
    const out = await python(
      [
        'import sys, duckdb, pyarrow as pa',
        'from deltalake import DeltaTable, write_deltalake',
        'src = pa.table({"ip_src_addr": ["10.0.0.1", "10.0.0.2", "10.0.0.1"], "bytes": [100, 250, 50]})',
        'write_deltalake(sys.argv[1], src)',
        'events = DeltaTable(sys.argv[1]).to_pyarrow_table()',
        'rows = duckdb.sql("select ip_src_addr, sum(bytes) from events group by 1 order by 1").fetchall()',
        'print(rows)',
      ].join('\n'),
      table,
    );
    expect(out.trim()).toBe("[('10.0.0.1', 150), ('10.0.0.2', 250)]");
    expect(fs.existsSync(path.join(table, '_delta_log', '00000000000000000000.json'))).toBe(true);
  });
});
