import { toJavaString, type Value } from '../../values.js';
import { fail } from '../types.js';
import { isValidInet6 } from './validators.js';

/**
 * URL_TO_HOST, URL_TO_PORT, URL_TO_PATH and URL_TO_PROTOCOL read URLs as `new java.net.URL(spec)`
 * does, with the stream handlers a JVM has (http, https, ftp, file, mailto) — not as WHATWG's
 * `URL` does, which normalises hosts and paths and accepts what Java refuses.
 */

interface JavaUrl {
  protocol: string;
  host: string;
  /** -1 when the URL gives none. */
  port: number;
  path: string;
  defaultPort: number;
}

/** The stream handlers a JVM has for these protocols, by their default port. */
const URL_HANDLERS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  ftp: 21,
  file: -1,
  mailto: -1,
};

const JAVA_INT = /^[+-]?[0-9]+$/;

function javaParseInt(s: string): number {
  if (!JAVA_INT.test(s)) throw new Error(`For input string: "${s}"`);
  const n = Number(s);
  if (n < -2147483648 || n > 2147483647) throw new Error(`For input string: "${s}"`);
  return n;
}

function isValidProtocol(p: string): boolean {
  if (p.length < 1 || !/^\p{L}$/u.test(p.charAt(0))) return false;
  return /^[\p{L}\p{Nd}.+-]*$/u.test(p.slice(1));
}

/** `new URL(spec)`: null where Java throws MalformedURLException. */
function parseJavaUrl(spec: string): JavaUrl | null {
  let limit = spec.length;
  while (limit > 0 && spec.charCodeAt(limit - 1) <= 32) limit--;
  let start = 0;
  while (start < limit && spec.charCodeAt(start) <= 32) start++;
  if (spec.slice(start, start + 4).toLowerCase() === 'url:') start += 4;
  let protocol: string | undefined;
  if (spec.charAt(start) !== '#') {
    for (let i = start; i < limit; i++) {
      const c = spec.charAt(i);
      if (c === '/') break;
      if (c === ':') {
        const p = spec.slice(start, i).toLowerCase();
        if (isValidProtocol(p)) {
          protocol = p;
          start = i + 1;
        }
        break;
      }
    }
  }
  if (protocol === undefined) return null;
  const defaultPort = URL_HANDLERS[protocol];
  if (defaultPort === undefined) return null;
  const hash = spec.indexOf('#', start);
  if (hash >= 0 && hash < limit) limit = hash;
  try {
    if (protocol === 'mailto') {
      const file = start < limit ? spec.slice(start, limit) : '';
      if (file.trim() === '') return null;
      const q = file.lastIndexOf('?');
      return { protocol, host: '', port: -1, path: q < 0 ? file : file.slice(0, q), defaultPort };
    }
    return { protocol, ...parseHierarchical(spec, start, limit), defaultPort };
  } catch {
    return null;
  }
}

/** `URLStreamHandler.parseURL` for a URL without a context. */
function parseHierarchical(
  whole: string,
  from: number,
  to: number,
): { host: string; port: number; path: string } {
  let spec = whole;
  let start = from;
  let limit = to;
  if (start < limit) {
    const q = spec.indexOf('?');
    if (q !== -1 && q < limit) {
      limit = q;
      spec = spec.slice(0, q);
    }
  }
  let host: string | null = '';
  let port = -1;
  let path: string | null = null;
  let authority: string | null = null;
  const unc = start <= limit - 4 && spec.startsWith('////', start);
  if (!unc && start <= limit - 2 && spec.startsWith('//', start)) {
    start += 2;
    let i = spec.indexOf('/', start);
    if (i < 0 || i > limit) {
      i = spec.indexOf('?', start);
      if (i < 0 || i > limit) i = limit;
    }
    authority = spec.slice(start, i);
    host = authority;
    const at = authority.indexOf('@');
    if (at !== -1) host = at !== authority.lastIndexOf('@') ? null : authority.slice(at + 1);
    if (host !== null) {
      if (host.startsWith('[')) {
        const close = host.indexOf(']');
        if (close <= 2) throw new Error(`Invalid authority field: ${authority}`);
        const literal = host.slice(1, close);
        const rest = host.slice(close + 1);
        host = host.slice(0, close + 1);
        if (!isValidInet6(literal)) throw new Error(`Invalid host: ${host}`);
        if (rest !== '') {
          if (!rest.startsWith(':')) throw new Error(`Invalid authority field: ${authority}`);
          if (rest.length > 1) port = javaParseInt(rest.slice(1));
        }
      } else {
        const colon = host.indexOf(':');
        if (colon >= 0) {
          if (host.length > colon + 1) port = javaParseInt(host.slice(colon + 1));
          host = host.slice(0, colon);
        }
      }
    } else {
      host = '';
    }
    if (port < -1) throw new Error(`Invalid port number :${port}`);
    start = i;
    if (authority.length > 0) path = '';
  }
  if (start < limit) {
    path =
      spec.charAt(start) === '/'
        ? spec.slice(start, limit)
        : `${authority !== null ? '/' : ''}${spec.slice(start, limit)}`;
  }
  return { host, port, path: path ?? '' };
}

export function urlArg(v: Value | undefined): JavaUrl | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') return fail(`${toJavaString(v)} is not a string and therefore also not a URL.`);
  return parseJavaUrl(v);
}
