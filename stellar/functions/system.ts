import os from 'node:os';
import path from 'node:path';
import type { Value } from '../values.js';
import type { FunctionDef } from './types.js';

/**
 * Stellar's system functions (Metron's SystemFunctions): environment variables and the Java
 * system properties that have a Node equivalent. Not pure: they read the process environment.
 */

const JAVA_OS_NAMES: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'Linux',
  darwin: 'Mac OS X',
  win32: 'Windows',
  freebsd: 'FreeBSD',
  openbsd: 'OpenBSD',
  sunos: 'SunOS',
  aix: 'AIX',
};

const JAVA_ARCHES: Partial<Record<NodeJS.Architecture, string>> = {
  x64: 'amd64',
  arm64: 'aarch64',
  ia32: 'x86',
  arm: 'arm',
  ppc64: 'ppc64',
  s390x: 's390x',
};

function userName(): string | null {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (common in containers): fall back to the environment, as the JVM does.
    return process.env.USER ?? process.env.USERNAME ?? null;
  }
}

/** Java system properties that have a meaning here, read when asked (the working directory can change). */
const PROPERTIES: Record<string, () => string | null> = {
  'os.name': () => JAVA_OS_NAMES[process.platform] ?? process.platform,
  'os.arch': () => JAVA_ARCHES[process.arch] ?? process.arch,
  'os.version': () => os.release(),
  'user.name': userName,
  'user.home': () => os.homedir(),
  'user.dir': () => process.cwd(),
  'java.io.tmpdir': () => os.tmpdir(),
  'java.version': () => process.versions.node,
  'file.encoding': () => 'UTF-8',
  'line.separator': () => os.EOL,
  'file.separator': () => path.sep,
  'path.separator': () => path.delimiter,
};

/** Metron's `extractTypeChecked`: only a string argument is looked up; anything else is null. */
const lookup =
  (read: (key: string) => string | null | undefined) =>
  (args: readonly Value[]): Value => {
    const key = args[0];
    return typeof key === 'string' ? (read(key) ?? null) : null;
  };

/** The system functions. */
export const SYSTEM_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'SYSTEM_ENV_GET',
    namespace: 'SYSTEM',
    family: 'system',
    description: 'Returns the value of an environment variable of the Palisade process.',
    params: [{ name: 'env_var', description: 'the environment variable name', optional: true }],
    returns: 'the value as a string; null when unset, or when the name is missing or not a string',
    pure: false,
    examples: [
      { expr: "SYSTEM_ENV_GET('PALISADE_SURELY_UNSET_VARIABLE')", expect: null },
      { expr: 'SYSTEM_ENV_GET(42)', expect: null },
      { expr: 'SYSTEM_ENV_GET()', expect: null },
    ],
    call: lookup((name) => process.env[name]),
  },
  {
    name: 'SYSTEM_PROPERTY_GET',
    namespace: 'SYSTEM',
    family: 'system',
    description:
      'Returns a Java system property, mapped to Node: os.name, os.arch, os.version, user.name, user.home, user.dir, java.io.tmpdir, java.version (the Node version), file.encoding, line.separator, file.separator, path.separator.',
    params: [{ name: 'key', description: 'the property name', optional: true }],
    returns:
      'the value as a string; null for an unknown property, or when the key is missing or not a string',
    pure: false,
    examples: [
      { expr: "SYSTEM_PROPERTY_GET('file.encoding')", expect: 'UTF-8' },
      { expr: "SYSTEM_PROPERTY_GET('no.such.property')", expect: null },
      { expr: 'SYSTEM_PROPERTY_GET(1)', expect: null },
    ],
    call: lookup((key) =>
      Object.hasOwn(PROPERTIES, key) ? (PROPERTIES[key] as () => string | null)() : null,
    ),
  },
];
