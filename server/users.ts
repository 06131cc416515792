import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InfraError, problemsOf, UsageError } from '#core';

/** Roles, least first: each may do what the ones before it may. */
export const ROLES = ['viewer', 'analyst', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** Whether `role` may do what `needed` may. */
export const hasRole = (role: Role, needed: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** User names: a lower-case letter, then lower-case letters, digits, `_`, `.` or `-` (at most 64). */
export const USER_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

/** A user as anyone may see it: never a token or a hash. */
export interface User {
  name: string;
  role: Role;
  /** Epoch ms. */
  created: number;
}

/** The folder of the lake that holds the API's users, out of lake SQL's reach (lake/sql-guard.ts). */
export const AUTH_DIR = '_auth';
const USERS_FILE = 'users.json';

/**
 * API tokens are `pal_<id>_<secret>`: the id (12 hex digits, random, one per user) finds the
 * user without a scan and without naming them; the secret is 32 random bytes in base64url.
 */
const TOKEN = /^pal_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');

const userRecordSchema = z
  .object({
    name: z.string().regex(USER_NAME, 'a user name'),
    id: z.string().regex(/^[0-9a-f]{12}$/, '12 hex digits'),
    role: z.enum(ROLES),
    created: z.number().int().nonnegative(),
    /**
     * SHA-256 of the salt and the token's secret. A fast hash is enough here, and it has to be
     * fast because every request checks one: the secret is 256 random bits, so there is no
     * dictionary to try and no way to search the space, which is what slow hashes defend
     * against. The per-user salt keeps equal hashes from showing equal tokens.
     */
    token: z.object({ salt: base64, sha256: base64 }).strict(),
    /** scrypt of a console password (people choose those, so the hash is slow), if one is set. */
    password: z
      .object({
        scrypt: z.object({ N: z.number().int(), r: z.number().int(), p: z.number().int() }).strict(),
        salt: base64,
        hash: base64,
      })
      .strict()
      .optional(),
  })
  .strict();

type UserRecord = z.infer<typeof userRecordSchema>;

const usersFileSchema = z.object({ version: z.literal(1), users: z.array(userRecordSchema) }).strict();

type UsersFile = z.infer<typeof usersFileSchema>;

/** scrypt's cost: 2^14 × 8 × 128 bytes = 16 MiB and tens of ms per guess. */
const SCRYPT = { N: 16_384, r: 8, p: 1 } as const;
const SCRYPT_KEY_BYTES = 32;
const PASSWORD_LENGTH = { min: 12, max: 1024 };

/** How long a users command waits for another one to finish writing, and when a lock is stale. */
const LOCK_WAIT_MS = 5_000;
const LOCK_STALE_MS = 30_000;

/** A user as authentication needs it: the token's salt and hash decoded once. */
interface Known {
  user: User;
  salt: Buffer;
  sha256: Buffer;
}

/** What authentication compares when no user has the id, so a miss costs what a hit does. */
const DUMMY = { salt: randomBytes(16), sha256: randomBytes(32) };

export interface UserStoreOptions {
  /**
   * Trust the last look at the users file this long (ms) before looking again (one stat);
   * 0, the default, looks on every call, so a removed or rotated token fails at once.
   */
  recheckMs?: number;
}

/**
 * The API's users, kept with the lake they guard in `<lake>/_auth/users.json` (mode 0600, in a
 * folder of mode 0700): name, role, creation time, a salted hash of the API token and,
 * optionally, an scrypt hash of a console password. Tokens themselves are shown once, when made,
 * and never stored or logged.
 *
 * Reads are cached by the file's identity (inode, size, mtime), checked with one stat per call
 * (or per `recheckMs`), so a token revoked by `palisade users` stops working at a running
 * server's next request (or within `recheckMs`). Changes are serialised by a lock file and written to a temporary file then renamed,
 * so a reader sees the old file or the new one, never half of one.
 *
 * @example
 * const users = new UserStore('data/lake');
 * const { token } = await users.add('alice', 'analyst');
 * (await users.authenticate(token))?.role; // 'analyst'
 */
export class UserStore {
  private cache: { key: string; byId: Map<string, Known>; file: UsersFile } | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private readonly recheckMs: number;

  constructor(
    readonly lakeDir: string,
    options: UserStoreOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? 0;
  }

  /** The users file. */
  get file(): string {
    return join(this.lakeDir, AUTH_DIR, USERS_FILE);
  }

  /** Every user, by name; no secrets. */
  async list(): Promise<User[]> {
    const { file } = await this.current();
    return file.users.map(shown).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The user whose API token this is, or undefined for anything else. */
  async authenticate(token: string): Promise<User | undefined> {
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    const known = (await this.current()).byId.get(m[1] as string);
    const { salt, sha256 } = known ?? DUMMY;
    const actual = tokenHash(salt, m[2] as string);
    const same = sha256.length === actual.length && timingSafeEqual(sha256, actual);
    return same && known ? known.user : undefined;
  }

  /** Add a user; returns it with its API token, which is not kept and cannot be shown again. */
  async add(name: string, role: string): Promise<{ user: User; token: string }> {
    checkName(name);
    const checked = checkRole(role);
    return this.change((file) => {
      if (file.users.some((u) => u.name === name)) {
        throw new UsageError(`user '${name}' already exists (a new token: palisade users token ${name})`);
      }
      let id = randomBytes(6).toString('hex');
      while (file.users.some((u) => u.id === id)) id = randomBytes(6).toString('hex');
      const { token, hash } = newToken(id);
      const record: UserRecord = { name, id, role: checked, created: Date.now(), token: hash };
      file.users.push(record);
      return { user: shown(record), token };
    });
  }

  /** Remove a user: its token stops working. */
  async remove(name: string): Promise<User> {
    checkName(name);
    return this.change((file) => {
      const record = find(file, name);
      file.users.splice(file.users.indexOf(record), 1);
      return shown(record);
    });
  }

  /** A new API token for a user; the old one stops working. Returns the new one (shown once). */
  async rotateToken(name: string): Promise<string> {
    checkName(name);
    return this.change((file) => {
      const record = find(file, name);
      const { token, hash } = newToken(record.id);
      record.token = hash;
      return token;
    });
  }

  /** Set (or replace) a user's console password: at least 12 characters. */
  async setPassword(name: string, password: string): Promise<void> {
    checkName(name);
    if (typeof password !== 'string' || password.length < PASSWORD_LENGTH.min) {
      throw new UsageError(`a password has at least ${PASSWORD_LENGTH.min} characters`);
    }
    if (password.length > PASSWORD_LENGTH.max) {
      throw new UsageError(`a password has at most ${PASSWORD_LENGTH.max} characters`);
    }
    // Hashed before the lock is taken: scrypt is slow on purpose.
    const salt = randomBytes(16);
    const hash = await scryptHash(password, salt, SCRYPT);
    await this.change((file) => {
      find(file, name).password = {
        scrypt: { ...SCRYPT },
        salt: salt.toString('base64'),
        hash: hash.toString('base64'),
      };
    });
  }

  /** The user, when `password` is theirs; undefined for a wrong password, an unknown user or none set. */
  async verifyPassword(name: string, password: string): Promise<User | undefined> {
    const { file } = await this.current();
    const record = file.users.find((u) => u.name === name);
    const stored = record?.password;
    // An unknown user costs one scrypt too, so the time taken does not tell who exists.
    const params = stored?.scrypt ?? SCRYPT;
    const salt = stored ? Buffer.from(stored.salt, 'base64') : DUMMY.salt;
    const expected = stored ? Buffer.from(stored.hash, 'base64') : randomBytes(SCRYPT_KEY_BYTES);
    const actual = await scryptHash(String(password), salt, params, expected.length);
    const same = timingSafeEqual(expected, actual);
    return same && record && stored ? shown(record) : undefined;
  }

  /** The file as it is now: cached while its inode, size and mtime stay the same. */
  private async current(): Promise<{ byId: Map<string, Known>; file: UsersFile }> {
    const now = performance.now();
    if (this.cache && this.recheckMs > 0 && now - this.checkedAt < this.recheckMs) return this.cache;
    this.checkedAt = now;
    let key: string;
    try {
      const s = await stat(this.file, { bigint: true });
      key = `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw readError(this.file, e);
      key = 'none';
    }
    if (this.cache?.key === key) return this.cache;
    const file = await this.read();
    const byId = new Map(
      file.users.map((u) => [
        u.id,
        {
          user: shown(u),
          salt: Buffer.from(u.token.salt, 'base64'),
          sha256: Buffer.from(u.token.sha256, 'base64'),
        },
      ]),
    );
    this.cache = { key, file, byId };
    return this.cache;
  }

  /** The file, parsed and checked; an absent file has no users. */
  private async read(): Promise<UsersFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, users: [] };
      throw readError(this.file, e);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new InfraError('auth.users', `${this.file} is not JSON: ${(e as Error).message}`);
    }
    const parsed = usersFileSchema.safeParse(value);
    if (!parsed.success) {
      const problems = problemsOf(this.file, parsed.error).map((p) => `${p.path}: ${p.message}`);
      throw new InfraError('auth.users', `${this.file} is not a users file: ${problems.join('; ')}`);
    }
    const names = new Set<string>();
    for (const u of parsed.data.users) {
      if (names.has(u.name)) throw new InfraError('auth.users', `${this.file}: user '${u.name}' twice`);
      names.add(u.name);
    }
    return parsed.data;
  }

  /** Read, change and write the file under the lock; returns what `apply` returns. */
  private async change<T>(apply: (file: UsersFile) => T): Promise<T> {
    const dir = join(this.lakeDir, AUTH_DIR);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
    } catch (e) {
      throw new InfraError('auth.users', `cannot make ${dir}: ${(e as Error).message}`, { cause: e });
    }
    const unlock = await lock(`${this.file}.lock`);
    try {
      const file = await this.read();
      const result = apply(file);
      await writeAtomically(this.file, `${JSON.stringify(file, null, 2)}\n`);
      this.cache = undefined;
      return result;
    } finally {
      await unlock();
    }
  }
}

function shown(record: UserRecord): User {
  return { name: record.name, role: record.role, created: record.created };
}

function tokenHash(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret).digest();
}

function newToken(id: string): { token: string; hash: UserRecord['token'] } {
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  return {
    token: `pal_${id}_${secret}`,
    hash: { salt: salt.toString('base64'), sha256: tokenHash(salt, secret).toString('base64') },
  };
}

function scryptHash(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
  bytes = SCRYPT_KEY_BYTES,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, bytes, { ...params, maxmem: 64 * 1024 * 1024 }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

function checkName(name: unknown): asserts name is string {
  if (typeof name === 'string' && USER_NAME.test(name)) return;
  throw new UsageError(
    `${JSON.stringify(name)} is not a user name: a lower-case letter, then lower-case letters, digits, _ . or - (at most 64)`,
  );
}

function checkRole(role: string): Role {
  if ((ROLES as readonly string[]).includes(role)) return role as Role;
  throw new UsageError(`role: expected ${ROLES.join(', ')}; got '${role}'`);
}

function find(file: UsersFile, name: string): UserRecord {
  const record = file.users.find((u) => u.name === name);
  if (record) return record;
  const names = file.users.map((u) => u.name).sort();
  throw new UsageError(
    `no user named '${name}' (${names.length > 0 ? `users: ${names.join(', ')}` : 'there are no users yet'})`,
  );
}

function readError(file: string, e: unknown): InfraError {
  return new InfraError('auth.users', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
}

/**
 * Take the lock file (created exclusively); wait for another holder up to {@link LOCK_WAIT_MS},
 * and take over a lock older than {@link LOCK_STALE_MS} (its holder died). Returns the release.
 */
async function lock(path: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.close();
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new InfraError('auth.users', `cannot lock ${path}: ${(e as Error).message}`, { cause: e });
      }
    }
    const age = await stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > LOCK_STALE_MS) await rm(path, { force: true });
    else if (Date.now() > deadline) {
      throw new InfraError(
        'auth.users',
        `${path} is held by another palisade users command; try again (or remove it if none is running)`,
      );
    } else await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
  }
}

/** Write `text` to a temporary file (mode 0600) beside `path`, flush it, and rename it over `path`. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    // The rename is durable once the folder is flushed too.
    const folder = await open(dirname(path), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch (e) {
    await rm(tmp, { force: true });
    throw new InfraError('auth.users', `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}
