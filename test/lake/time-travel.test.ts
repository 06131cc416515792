import { beforeAll, describe, expect, it } from 'vitest';
import { type Event, UsageError } from '#core';
import { type AsOf, openLakeWriter, openSql } from '#lake';
import { setCommitTime } from '../helpers/delta-log.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2026, 10, 27, 12); // 2026-11-27T12:00:00Z
const MIN = 60_000;
const HOUR = 60 * MIN;

const events = (n: number, tag: string): Event[] =>
  Array.from({ length: n }, (_, i) => ({
    timestamp: Date.UTC(2024, 4, 1) + i,
    guid: `${tag}-${i}`,
    'source.type': tag,
  }));

/**
 * The lake:
 * - `a`: 2, 3, 4 rows at T0, T0+1h, T0+2h (versions 0, 1, 2)
 * - `b`: 10 rows at T0+90min, 20 more at T0+3h
 * - `c`: 7 rows in a commit without commitInfo whose file mtime is T0+30min
 * - `errors`: 1 row at T0
 */
async function buildLake(lake: string): Promise<void> {
  const w = await openLakeWriter(lake);
  try {
    for (const [i, n] of [2, 3, 4].entries()) {
      await w.append('a', events(n, 'a'));
      setCommitTime(lake, 'a', i, T0 + i * HOUR);
    }
    await w.append('b', events(10, 'b'));
    setCommitTime(lake, 'b', 0, T0 + 90 * MIN);
    await w.append('b', events(20, 'b'));
    setCommitTime(lake, 'b', 1, T0 + 3 * HOUR);
    await w.append('c', events(7, 'c'));
    setCommitTime(lake, 'c', 0, T0 + 30 * MIN, false);
    await w.append('errors', events(1, 'err'));
    setCommitTime(lake, 'errors', 0, T0);
  } finally {
    w.close();
  }
}

describe('time travel', () => {
  const lake = tempDir();
  beforeAll(() => buildLake(lake));

  /** Row count of each table (or the hidden message) in a session as of `asOf`. */
  async function counts(asOf: AsOf): Promise<Record<string, number | string>> {
    const s = await openSql(lake, { asOf });
    try {
      const out: Record<string, number | string> = {};
      for (const t of ['a', 'b', 'c', 'errors']) {
        out[t] = await s.query(`SELECT count(*) AS n FROM ${t}`).then(
          (r) => Number(r.rows[0]?.n),
          (e: Error) => e.message,
        );
      }
      out.events = Number((await s.query('SELECT count(*) AS n FROM events')).rows[0]?.n);
      return out;
    } finally {
      s.close();
    }
  }

  it('reads every table at its latest version without asOf', async () => {
    expect(await counts({})).toEqual({ a: 9, b: 30, c: 7, errors: 1, events: 46 });
  });

  it.each([
    [{ versions: { a: 0 } }, { a: 2, b: 30, c: 7, events: 39 }],
    [{ versions: { a: 1, b: 0 } }, { a: 5, b: 10, c: 7, events: 22 }],
    [{ versions: { a: 2 } }, { a: 9, b: 30, c: 7, events: 46 }],
  ])('pins versions %j', async (asOf, expected) => {
    expect(await counts(asOf)).toMatchObject(expected);
  });

  it.each([
    // exactly at a commit's time counts it; a millisecond before does not
    ['a at T0+1h', { timestamps: { a: T0 + HOUR } }, { a: 5 }],
    ['a just before T0+1h', { timestamps: { a: T0 + HOUR - 1 } }, { a: 2 }],
    ['a long after', { timestamps: { a: T0 + 100 * HOUR } }, { a: 9 }],
    ['b between its commits', { timestamps: { b: T0 + 2 * HOUR } }, { b: 10 }],
  ])('reads %s', async (_name, asOf, expected) => {
    expect(await counts(asOf)).toMatchObject(expected);
  });

  it('hides a table with no commit yet at the time, with a clear error, and leaves it out of events', async () => {
    const got = await counts({ all: T0 + HOUR });
    expect(got).toEqual({
      a: 5,
      b: "no table 'b' as of 2026-11-27T13:00:00.000Z: its first commit is at 2026-11-27T13:30:00.000Z",
      c: 7,
      errors: 1,
      events: 12,
    });
    const s = await openSql(lake, { asOf: { all: T0 + HOUR } });
    try {
      expect([...s.tables]).toEqual([
        ['a', 1],
        ['c', 0],
        ['errors', 0],
      ]);
      expect([...s.hidden.keys()]).toEqual(['b']);
      const e = await s.query('SELECT * FROM a JOIN B USING (guid)').catch((err: Error) => err);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).toMatch(/^no table 'b' as of 2026-11-27T13:00:00\.000Z/);
    } finally {
      s.close();
    }
  });

  it('falls back to the commit file mtime when a commit has no commitInfo', async () => {
    expect((await counts({ all: T0 + 29 * MIN })).c).toMatch(
      /^no table 'c' as of .*first commit is at 2026-11-27T12:30:00\.000Z$/,
    );
    expect((await counts({ all: T0 + 30 * MIN })).c).toBe(7);
  });

  it('applies a bare time to every table not named otherwise', async () => {
    expect(await counts({ all: T0 + 150 * MIN })).toEqual({ a: 9, b: 10, c: 7, errors: 1, events: 26 });
    expect(await counts({ all: T0 + 150 * MIN, versions: { a: 0 } })).toMatchObject({ a: 2, b: 10 });
    expect(await counts({ all: T0 + 150 * MIN, timestamps: { b: T0 + 4 * HOUR } })).toMatchObject({
      a: 9,
      b: 30,
    });
    expect((await counts({ all: T0 - 1 })).a).toMatch(/^no table 'a' as of 2026-11-27T11:59:59\.999Z/);
    expect((await counts({ all: T0 - 1 })).events).toBe(0);
  });

  it.each([
    [{ versions: { a: 7 } }, /^no version 7 of table 'a' \(latest is 2\)$/],
    [{ versions: { a: -1 } }, /^version of 'a' must be a whole number/],
    [{ versions: { a: 1.5 } }, /^version of 'a' must be a whole number/],
    [{ versions: { nosuch: 0 } }, /^no table 'nosuch' in /],
    [{ timestamps: { nosuch: T0 } }, /^no table 'nosuch' in /],
    [{ versions: { a: 0 }, timestamps: { a: T0 } }, /^'a' is given both a version and a timestamp/],
    [{ all: Number.NaN }, /^time for all tables must be epoch milliseconds/],
  ])('refuses %j with a clear error', async (asOf, message) => {
    const e = await openSql(lake, { asOf }).then(
      (s) => {
        s.close();
        return undefined;
      },
      (err: Error) => err,
    );
    expect(e).toBeInstanceOf(UsageError);
    expect(e?.message).toMatch(message);
  });
});
