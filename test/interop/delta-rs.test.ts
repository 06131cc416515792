// Our Delta tables read by another Delta implementation: delta-rs (python `deltalake`) must
// see the same rows, the nested struct columns, the schema evolution and the exact bytes of
// failed records.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLakeWriter } from '#lake';
import { palisade, ROOT } from '../helpers/cli.js';
import { python } from '../helpers/python.js';
import { tempDir } from '../helpers/tmp.js';

const pythonJson = async (script: string, ...args: string[]): Promise<unknown> =>
  JSON.parse(await python(script, ...args));

const samples = ['metron-example.log', 'zeek-sample.log', 'broken-lines.log'].map((f) =>
  join(ROOT, 'config', 'samples', 'bro', f),
);

describe('delta-rs reads Palisade tables', () => {
  const lake = tempDir();
  let sqlCount = 0;

  beforeAll(() => {
    const r = palisade(['ingest', '--sensor', 'bro', '--lake', lake, '--no-enrich', ...samples]);
    expect(r.code, r.stderr).toBe(0);
    const c = palisade(['sql', '--lake', lake, '--format', 'json', 'SELECT count(*) AS n FROM bro']);
    sqlCount = JSON.parse(c.stdout).n;
  });

  it('counts the same rows as palisade sql', async () => {
    const n = await pythonJson(
      'import sys, json, deltalake\nprint(json.dumps(deltalake.DeltaTable(sys.argv[1]).to_pyarrow_table().num_rows))',
      join(lake, 'bro'),
    );
    expect(sqlCount).toBeGreaterThan(1000);
    expect(n).toBe(sqlCount);
  });

  it('sees dotted fields as nested structs and the dt partitions', async () => {
    const out = (await pythonJson(
      [
        'import sys, json, deltalake, pyarrow.compute as pc',
        'dt = deltalake.DeltaTable(sys.argv[1])',
        't = dt.to_pyarrow_table()',
        'schema = t.schema',
        'source = schema.field("source").type',
        'types = sorted(set(t.column("source").combine_chunks().field("type").to_pylist()))',
        'days = sorted(set(str(d) for d in t.column("dt").to_pylist()))',
        'print(json.dumps({"source_fields": [source.field(i).name for i in range(source.num_fields)],',
        '  "types": types, "days": days, "partition_columns": dt.metadata().partition_columns,',
        '  "version": dt.version()}))',
      ].join('\n'),
      join(lake, 'bro'),
    )) as Record<string, unknown>;
    expect(out.source_fields).toEqual(['type']);
    expect(out.types).toEqual(['bro']);
    expect(out.partition_columns).toEqual(['dt']);
    expect(out.version).toBe(0);
    const days = palisade([
      'sql',
      '--lake',
      lake,
      '--format',
      'json',
      'SELECT DISTINCT CAST(dt AS VARCHAR) AS d FROM bro ORDER BY 1',
    ]);
    expect(out.days).toEqual(
      days.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).d),
    );
  });

  it('keeps the original bytes of failed records', async () => {
    const out = (await pythonJson(
      [
        'import sys, json, deltalake',
        't = deltalake.DeltaTable(sys.argv[1]).to_pyarrow_table().sort_by("source_line")',
        'print(json.dumps([b.decode("utf-8") for b in t.column("raw_message_bytes").to_pylist()]))',
      ].join('\n'),
      join(lake, 'errors'),
    )) as string[];
    const lines = readFileSync(samples[2] as string, 'utf8')
      .trim()
      .split('\n');
    expect(out).toEqual(lines);
  });

  it('follows schema evolution: a new nested column appears, older rows read null', async () => {
    const w = await openLakeWriter(lake);
    try {
      await w.append('bro', [
        { timestamp: Date.UTC(2024, 0, 1), guid: 'evolved', 'enrichments.geo.ip_dst_addr.country': 'NL' },
      ]);
    } finally {
      w.close();
    }
    const out = (await pythonJson(
      [
        'import sys, json, deltalake, pyarrow.compute as pc',
        'dt = deltalake.DeltaTable(sys.argv[1])',
        't = dt.to_pyarrow_table()',
        'c = t.column("enrichments").combine_chunks().field("geo").field("ip_dst_addr").field("country")',
        'print(json.dumps({"version": dt.version(), "rows": t.num_rows, "non_null": len(c) - c.null_count,',
        '  "values": sorted(set(v for v in c.to_pylist() if v is not None))}))',
      ].join('\n'),
      join(lake, 'bro'),
    )) as Record<string, unknown>;
    expect(out).toEqual({ version: 1, rows: sqlCount + 1, non_null: 1, values: ['NL'] });
  });
});
