import { isIPv4 } from 'node:net';

/**
 * How a threat-intel indicator is read, shared by the stream's in-memory store and the lake's
 * `threatintel` table so both agree on what an indicator is and when two are the same one.
 */

/** What an indicator is: an IPv4 address or CIDR block, a domain, a URL, a hash, or anything else. */
export type IndicatorKind = 'ip' | 'cidr' | 'domain' | 'url' | 'hash' | 'other';

/** An indicator read: its kind and the form lookups compare (trimmed; lower-cased unless an IPv4). */
export interface ClassifiedIndicator {
  kind: IndicatorKind;
  value: string;
}

const CIDR_BITS = /^\d{1,2}$/;
// MD5, SHA-1, SHA-256 and SHA-512.
const HASH = /^[a-f0-9]{32}$|^[a-f0-9]{40}$|^[a-f0-9]{64}$|^[a-f0-9]{128}$/;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z]{2,63}\.?$/;

/**
 * Read an indicator. A CIDR block keeps the address as written (`198.51.100.7/24`); a domain
 * loses its trailing dot. IPv6 addresses are `other`: matched as exact lower-case text.
 *
 * @example
 * classifyIndicator(' Evil.Example. ') // { kind: 'domain', value: 'evil.example' }
 */
export function classifyIndicator(indicator: string): ClassifiedIndicator {
  const text = indicator.trim();
  if (isIPv4(text)) return { kind: 'ip', value: text };
  const slash = text.indexOf('/');
  if (slash > 0 && isIPv4(text.slice(0, slash))) {
    const bits = text.slice(slash + 1);
    if (CIDR_BITS.test(bits) && Number(bits) <= 32) return { kind: 'cidr', value: text };
  }
  const lower = text.toLowerCase();
  if (HASH.test(lower)) return { kind: 'hash', value: lower };
  if (URL_SCHEME.test(lower)) return { kind: 'url', value: lower };
  if (DOMAIN.test(lower)) return { kind: 'domain', value: lower.endsWith('.') ? lower.slice(0, -1) : lower };
  return { kind: 'other', value: lower };
}
