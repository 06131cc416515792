import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InfraError, UsageError } from '#core';
import { type RunningServer, startServer, UserStore } from '#server';
import { palisade, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const TOKEN = /^pal_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

const root = tempDir('palisade-users-');
let lakes = 0;
function freshLake(): string {
  const lake = join(root, `lake-${++lakes}`);
  mkdirSync(lake);
  return lake;
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('UserStore', () => {
  it('adds a user with a token that authenticates it; keeps only a salted hash', async () => {
    const lake = freshLake();
    const users = new UserStore(lake);
    const { user, token } = await users.add('alice', 'analyst');
    expect(token).toMatch(TOKEN);
    expect(user).toEqual({ name: 'alice', role: 'analyst', created: expect.any(Number) });
    expect(await users.authenticate(token)).toEqual(user);
    expect(await new UserStore(lake).authenticate(token)).toEqual(user);

    const file = join(lake, '_auth', 'users.json');
    const text = readFileSync(file, 'utf8');
    const secret = token.slice(-43);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
    const [record] = JSON.parse(text).users;
    expect(Object.keys(record).sort()).toEqual(['created', 'id', 'name', 'role', 'token']);
    expect(Object.keys(record.token).sort()).toEqual(['salt', 'sha256']);
    expect(mode(file)).toBe(0o600);
    expect(mode(join(lake, '_auth'))).toBe(0o700);
    // written through a temporary file and a rename: nothing else is left beside it
    expect(readdirSync(join(lake, '_auth'))).toEqual(['users.json']);
  });

  it('refuses wrong, altered and malformed tokens', async () => {
    const users = new UserStore(freshLake());
    const { token } = await users.add('bob', 'viewer');
    const other = (await users.add('carol', 'viewer')).token;
    const flip = (t: string, i: number) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
    for (const bad of [
      flip(token, token.length - 1),
      flip(token, 10),
      `${token.slice(0, 17)}${other.slice(17)}`,
      token.toUpperCase(),
      `${token} `,
      '',
      'pal_',
      'Bearer x',
    ]) {
      expect(await users.authenticate(bad)).toBeUndefined();
    }
  });

  it('two users with the same secret would still have different hashes (a salt per user)', async () => {
    const lake = freshLake();
    const users = new UserStore(lake);
    await users.add('dan', 'viewer');
    await users.add('erin', 'viewer');
    const [a, b] = JSON.parse(readFileSync(join(lake, '_auth', 'users.json'), 'utf8')).users;
    expect(a.token.salt).not.toBe(b.token.salt);
    expect(a.id).not.toBe(b.id);
  });

  it('rotates a token: the old one stops working, the new one works', async () => {
    const users = new UserStore(freshLake());
    const { token: old } = await users.add('frank', 'admin');
    const fresh = await users.rotateToken('frank');
    expect(fresh).toMatch(TOKEN);
    expect(fresh).not.toBe(old);
    expect(await users.authenticate(old)).toBeUndefined();
    expect((await users.authenticate(fresh))?.name).toBe('frank');
  });

  it('removes a user: its token stops working', async () => {
    const users = new UserStore(freshLake());
    const { token } = await users.add('gina', 'viewer');
    await users.add('hal', 'viewer');
    await users.remove('gina');
    expect(await users.authenticate(token)).toBeUndefined();
    expect((await users.list()).map((u) => u.name)).toEqual(['hal']);
  });

  it('sees changes made by another store (another process) at the next call', async () => {
    const lake = freshLake();
    const server = new UserStore(lake);
    const cli = new UserStore(lake);
    const { token } = await cli.add('ivan', 'viewer');
    expect((await server.authenticate(token))?.name).toBe('ivan');
    const fresh = await cli.rotateToken('ivan');
    expect(await server.authenticate(token)).toBeUndefined();
    expect((await server.authenticate(fresh))?.name).toBe('ivan');
  });

  it('lists users by name with no secrets', async () => {
    const users = new UserStore(freshLake());
    await users.add('zoe', 'admin');
    await users.add('amy', 'viewer');
    const list = await users.list();
    expect(list.map((u) => [u.name, u.role])).toEqual([
      ['amy', 'viewer'],
      ['zoe', 'admin'],
    ]);
    for (const u of list) expect(Object.keys(u).sort()).toEqual(['created', 'name', 'role']);
  });

  it('a lake without a users file has no users', async () => {
    const users = new UserStore(freshLake());
    expect(await users.list()).toEqual([]);
    expect(await users.authenticate(`pal_${'0'.repeat(12)}_${'A'.repeat(43)}`)).toBeUndefined();
  });

  it.each([
    ['a duplicate', (u: UserStore) => u.add('jo', 'viewer'), /^user 'jo' already exists/],
    [
      'a bad role',
      (u: UserStore) => u.add('kim', 'root'),
      /^role: expected viewer, analyst, admin; got 'root'$/,
    ],
    ['a bad name', (u: UserStore) => u.add('Bad Name', 'viewer'), /^"Bad Name" is not a user name/],
    ['a name too long', (u: UserStore) => u.add(`a${'b'.repeat(64)}`, 'viewer'), /is not a user name/],
    [
      'removing an unknown user',
      (u: UserStore) => u.remove('nobody'),
      /^no user named 'nobody' \(users: jo\)$/,
    ],
    ['rotating an unknown user', (u: UserStore) => u.rotateToken('nobody'), /^no user named 'nobody'/],
  ])('refuses %s with a UsageError', async (_what, act, message) => {
    const users = new UserStore(freshLake());
    await users.add('jo', 'viewer');
    const e = await act(users).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(e).toBeInstanceOf(UsageError);
    expect(e?.message).toMatch(message);
  });

  it('accepts the names the rule allows', async () => {
    const users = new UserStore(freshLake());
    for (const name of ['a', 'a.b-c_d9', `a${'b'.repeat(63)}`]) await users.add(name, 'viewer');
    expect(await users.list()).toHaveLength(3);
  });

  it('serialises concurrent changes: none is lost', async () => {
    const lake = freshLake();
    await Promise.all(Array.from({ length: 12 }, (_, i) => new UserStore(lake).add(`u${i}`, 'viewer')));
    expect(await new UserStore(lake).list()).toHaveLength(12);
    expect(existsSync(join(lake, '_auth', 'users.json.lock'))).toBe(false);
  });

  it('passwords: scrypt with a salt, verified in constant time', async () => {
    const lake = freshLake();
    const users = new UserStore(lake);
    const { token } = await users.add('lee', 'analyst');
    expect(await users.verifyPassword('lee', 'correct horse battery')).toBeUndefined();
    await users.setPassword('lee', 'correct horse battery');
    expect((await users.verifyPassword('lee', 'correct horse battery'))?.role).toBe('analyst');
    expect(await users.verifyPassword('lee', 'correct horse batterY')).toBeUndefined();
    expect(await users.verifyPassword('nobody', 'correct horse battery')).toBeUndefined();
    const text = readFileSync(join(lake, '_auth', 'users.json'), 'utf8');
    expect(text).not.toContain('correct horse');
    expect(JSON.parse(text).users[0].password).toMatchObject({ scrypt: { N: 16384, r: 8, p: 1 } });
    // setting a password leaves the token alone
    expect((await users.authenticate(token))?.name).toBe('lee');
    await expect(users.setPassword('lee', 'short')).rejects.toThrow(
      /^a password has at least 12 characters$/,
    );
    await expect(users.setPassword('nobody', 'long enough password')).rejects.toThrow(/^no user named/);
  });

  it('a damaged users file is an InfraError naming it, not an empty list', async () => {
    const lake = freshLake();
    mkdirSync(join(lake, '_auth'));
    writeFileSync(join(lake, '_auth', 'users.json'), '{"version": 1, "users": [{"name": "x"}]}');
    const e = await new UserStore(lake).list().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(e).toBeInstanceOf(InfraError);
    expect(e?.message).toMatch(/users\.json is not a users file: \$\.users\[0\]\.id: /);
  });
});

describe('palisade users (the built binary)', () => {
  const lake = tempDir('palisade-users-cli-');
  let server: RunningServer | undefined;
  afterAll(async () => server?.close());

  const get = async (token: string) =>
    (await fetch(`${server?.url}/api/models`, { headers: { authorization: `Bearer ${token}` } })).status;

  /** The status `get(token)` settles on: the server looks at the users file every 250 ms (2 s at most). */
  async function settles(token: string, status: number): Promise<number> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const got = await get(token);
      if (got === status || Date.now() > deadline) return got;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('add prints the token once, alone on stdout, and says it will not be shown again', async () => {
    const r = palisade(['users', 'add', 'alice', '--role', 'admin', '--lake', lake]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(TOKEN);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^added user alice \(admin\) to .*; the API token follows, and it will not be shown again/,
    );
    const token = r.stdout.trim();
    server = await startServer({ lake, port: 0 });
    expect(await get(token)).toBe(200);

    const text = readFileSync(join(lake, '_auth', 'users.json'), 'utf8');
    expect(text).not.toContain(token.slice(-43));
    const list = palisade(['users', 'list', '--lake', lake]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^name\s+role\s+created\nalice\s+admin\s+\d{4}-\d\d-\d\dT/);
    expect(list.stdout).not.toContain('pal_');
    expect(list.stdout).not.toMatch(/salt|sha256/);
    const json = palisade(['users', 'list', '--lake', lake, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual([{ name: 'alice', role: 'admin', created: expect.any(String) }]);
  });

  it('token rotates: the running server refuses the old token and takes the new one', async () => {
    const before = palisade(['users', 'add', 'bob', '--role', 'viewer', '--lake', lake]).stdout.trim();
    expect(await settles(before, 200)).toBe(200);
    const r = palisade(['users', 'token', 'bob', '--lake', lake]);
    expect(r.code).toBe(0);
    const after = r.stdout.trim();
    expect(after).toMatch(TOKEN);
    expect(r.stderr).toMatch(/the old one no longer works.*will not be shown again/);
    expect(await settles(before, 401)).toBe(401);
    expect(await get(after)).toBe(200);
    expect(readFileSync(join(lake, '_auth', 'users.json'), 'utf8')).not.toContain(after.slice(-43));
  });

  it('remove: the token stops working', async () => {
    const token = palisade(['users', 'add', 'carl', '--role', 'analyst', '--lake', lake]).stdout.trim();
    expect(await settles(token, 200)).toBe(200);
    const r = palisade(['users', 'remove', 'carl', '--lake', lake]);
    expect(r).toMatchObject({ code: 0, stdout: 'removed user carl (analyst); its token no longer works\n' });
    expect(await settles(token, 401)).toBe(401);
  });

  it.each([
    [['users', 'add', 'alice', '--role', 'viewer'], /^palisade: user 'alice' already exists/],
    [
      ['users', 'add', 'dora', '--role', 'root'],
      /^palisade: --role: expected viewer, analyst, admin; got 'root'$/,
    ],
    [['users', 'add', 'Dora', '--role', 'viewer'], /^palisade: "Dora" is not a user name/],
    [['users', 'remove', 'nobody'], /^palisade: no user named 'nobody' \(users: alice, bob\)$/],
    [['users', 'token', 'nobody'], /^palisade: no user named 'nobody'/],
  ])('%j: exit 2 with one line', (args, message) => {
    const r = palisade([...args, '--lake', lake]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });

  it('refuses a lake that does not exist', () => {
    const r = palisade(['users', 'add', 'x', '--role', 'viewer', '--lake', join(lake, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^palisade: --lake .*nope: no such directory\n$/);
  });
});

describe('palisade serve (the built binary)', () => {
  it('refuses a lake with no users, saying how to add one', () => {
    const lake = freshLake();
    const r = palisade(['serve', '--lake', lake, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^palisade: .* has no API users, so no one could call the API; add one with: palisade users add NAME --role admin --lake /,
    );
  });

  it('refuses a bad port', () => {
    const r = palisade(['serve', '--lake', freshLake(), '--port', '70000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^palisade: --port: expected a port number from 0 to 65535/);
  });

  let child: ReturnType<typeof spawn> | undefined;
  afterAll(() => child?.kill('SIGKILL'));

  it('serves until SIGTERM, then stops cleanly', async () => {
    const lake = freshLake();
    const token = (await new UserStore(lake).add('ops', 'viewer')).token;
    child = spawn(
      process.execPath,
      [join(ROOT, 'dist', 'cli', 'main.js'), 'serve', '--lake', lake, '--port', '0'],
      {
        env: { ...process.env, PALISADE_LOG: 'warn' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!/http:\/\/\S+:\d+/.test(stdout) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const url = /(http:\/\/\S+:\d+)/.exec(stdout)?.[1];
    expect(stdout).toMatch(
      /^palisade: serving the API of .* at http:\/\/127\.0\.0\.1:\d+ \(Ctrl-C stops\)\n$/,
    );
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const models = await fetch(`${url}/api/models`, { headers: { authorization: `Bearer ${token}` } });
    expect(await models.json()).toEqual({ models: [] });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain(
      'palisade: SIGTERM, finishing the requests in hand…\npalisade: stopped cleanly\n',
    );
    expect(stderr).not.toContain(token);
  });
});
