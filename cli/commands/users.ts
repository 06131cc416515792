import { existsSync, statSync } from 'node:fs';
import { UsageError } from '#core';
import { ROLES, type User, UserStore } from '#server';

/** Where results go; stdout unless a caller (a test) collects them. */
type Output = { write(text: string): unknown };

function storeOf(lake: string): UserStore {
  if (!existsSync(lake) || !statSync(lake).isDirectory()) {
    throw new UsageError(`--lake ${lake}: no such directory`);
  }
  return new UserStore(lake);
}

function roleOption(role: string): string {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`--role: expected ${ROLES.join(', ')}; got '${role}'`);
  }
  return role;
}

const NOT_AGAIN =
  'it will not be shown again: keep it now (a lost token is replaced with `palisade users token`)';

/**
 * `palisade users add NAME --role ROLE`: the token goes alone to stdout, so
 * `TOKEN=$(palisade users add …)` keeps it; what it is goes to stderr.
 */
export async function add(
  options: { lake: string; name: string; role: string },
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<User> {
  const users = storeOf(options.lake);
  const { user, token } = await users.add(options.name, roleOption(options.role));
  err.write(
    `added user ${user.name} (${user.role}) to ${options.lake}; the API token follows, and ${NOT_AGAIN}\n`,
  );
  out.write(`${token}\n`);
  return user;
}

/** `palisade users remove NAME`: its token stops working at once. */
export async function remove(
  options: { lake: string; name: string },
  out: Output = process.stdout,
): Promise<void> {
  const user = await storeOf(options.lake).remove(options.name);
  out.write(`removed user ${user.name} (${user.role}); its token no longer works\n`);
}

/** `palisade users token NAME`: a new token; the old one stops working at once. */
export async function token(
  options: { lake: string; name: string },
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<void> {
  const fresh = await storeOf(options.lake).rotateToken(options.name);
  err.write(`new API token for ${options.name} (the old one no longer works); ${NOT_AGAIN}\n`);
  out.write(`${fresh}\n`);
}

/** `palisade users list`: name, role, created; never a token or a hash. */
export async function list(
  options: { lake: string; format: string },
  out: Output = process.stdout,
): Promise<void> {
  const users = await storeOf(options.lake).list();
  if (options.format === 'json') {
    out.write(
      `${JSON.stringify(
        users.map((u) => ({ ...u, created: new Date(u.created).toISOString() })),
        null,
        2,
      )}\n`,
    );
    return;
  }
  if (users.length === 0) {
    out.write(
      `no users in ${options.lake} (add one with \`palisade users add NAME --role admin --lake ${options.lake}\`)\n`,
    );
    return;
  }
  const rows = users.map((u) => [u.name, u.role, new Date(u.created).toISOString()]);
  const head = ['name', 'role', 'created'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  for (const r of [head, ...rows]) {
    out.write(
      `${r
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}
