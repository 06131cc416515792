import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLakeWriter, openSql, readSnapshot } from '#lake';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A writer in its own process: appends 1,000 events with a txn id and, when told to, stops
// forever between writing its Parquet files and committing, so the test can SIGKILL it there.
const WRITER = `
import { openLakeWriter } from '#lake';
const [lake, version, hang] = process.argv.slice(1);
const events = Array.from({ length: 1000 }, (_, i) => ({
  timestamp: Date.UTC(2024, 0, 1) + i * 60_000, guid: 'v' + version + '-' + i, ip_src_addr: '10.0.0.' + (i % 250),
}));
const w = await openLakeWriter(lake);
const r = await w.append('t', events, {
  txn: { appId: 'bro-0', version: Number(version) },
  beforeCommit: hang === 'hang' ? () => { process.stdout.write('files written\\n'); return new Promise(() => {}); } : undefined,
});
process.stdout.write(JSON.stringify(r) + '\\n');
w.close();
`;

function startWriter(lake: string, version: number, hang: boolean): ChildProcess {
  return spawn(
    process.execPath,
    ['--input-type=module', '-e', WRITER, lake, String(version), hang ? 'hang' : ''],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

function output(child: ChildProcess, until?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (d) => {
      text += d;
      if (until && text.includes(until)) resolve(text);
    });
    child.once('exit', (code, signal) =>
      code === 0 || signal === 'SIGKILL'
        ? resolve(text)
        : reject(new Error(`writer exited ${code ?? signal}`)),
    );
  });
}

const parquetFiles = (dir: string) =>
  readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.parquet')).length;

async function rows(lake: string): Promise<number> {
  const s = await openSql(lake);
  try {
    return (await s.query('SELECT count(*) AS n FROM t')).rows[0]?.n as number;
  } finally {
    s.close();
  }
}

describe('a writer killed with SIGKILL', () => {
  const lake = tempDir();

  it('between writing files and committing leaves the table readable with no partial rows', async () => {
    const w = await openLakeWriter(lake);
    await w.append('t', [{ timestamp: Date.UTC(2024, 0, 1), guid: 'seed' }]);
    w.close();

    const child = startWriter(lake, 1, true);
    await output(child, 'files written');
    const filesBefore = parquetFiles(join(lake, 't'));
    child.kill('SIGKILL');
    await output(child);

    expect(filesBefore).toBeGreaterThan(1); // the killed writer's files are on disk…
    const snapshot = await readSnapshot(join(lake, 't'));
    expect(snapshot?.version).toBe(0); // …but were never committed
    expect(await rows(lake)).toBe(1);
  });

  it('rerunning the same input with the same txn id lands it once, then adds 0 rows', async () => {
    const first = JSON.parse(await output(startWriter(lake, 1, false)));
    expect(first).toMatchObject({ skipped: false, rows: 1000, version: 1 });
    expect(await rows(lake)).toBe(1001);

    const again = JSON.parse(await output(startWriter(lake, 1, false)));
    expect(again).toMatchObject({ skipped: true, rows: 0 });
    expect(await rows(lake)).toBe(1001);
    const s = await openSql(lake);
    try {
      expect((await s.query('SELECT count(DISTINCT guid) AS n FROM t')).rows[0]?.n).toBe(1001);
    } finally {
      s.close();
    }
  });
});
