import { getPublicSuffix, parse as parseDomain } from 'tldts';
import { toJavaString, type Value } from '../../values.js';
import { fail } from '../types.js';
import { isUnicodeDot } from './idna.js';

/**
 * DOMAIN_TO_TLD, DOMAIN_REMOVE_TLD and DOMAIN_REMOVE_SUBDOMAINS as Metron computes them with
 * Guava's `InternetDomainName`: the public suffix list (private section included) through
 * tldts, Guava's label rules for what counts as a domain, and Metron's fallback to the last
 * label when the suffix is unknown. The validators use the ICANN section to check TLDs.
 */

const SUFFIX_OPTIONS = {
  allowPrivateDomains: true,
  extractHostname: false,
  validateHostname: false,
  detectIp: false,
  mixedInputs: false,
} as const;

const ICANN_OPTIONS = { ...SUFFIX_OPTIONS, allowPrivateDomains: false } as const;

/** Whether a single label is a suffix the list knows (rather than one tldts assumed), by section. */
const knownLabels = { all: new Map<string, boolean>(), icann: new Map<string, boolean>() };

/** Whether the single label `label` is a public suffix of the list (its ICANN section only, or both sections). */
export function isKnownSuffixLabel(label: string, icannOnly: boolean): boolean {
  const cache = icannOnly ? knownLabels.icann : knownLabels.all;
  let known = cache.get(label);
  if (known === undefined) {
    if (cache.size >= 5_000) cache.clear();
    const r = parseDomain(label, icannOnly ? ICANN_OPTIONS : SUFFIX_OPTIONS);
    known = r.isIcann === true || (!icannOnly && r.isPrivate === true);
    cache.set(label, known);
  }
  return known;
}

/** The public suffix of a normalised (lower-case, no trailing dot) name, or null if unknown. */
function publicSuffix(name: string): string | null {
  const suffix = getPublicSuffix(name, SUFFIX_OPTIONS);
  if (suffix === null || suffix === '') return null;
  // A multi-label suffix always comes from a rule; a single label may be tldts' default rule.
  if (suffix.includes('.')) return suffix;
  return isKnownSuffixLabel(suffix, false) ? suffix : null;
}

/** Guava's validation of the label `name[start, end)`: 1–63 chars, ASCII letters, digits, - and _ only, no - or _ at either end. */
function validGuavaPart(name: string, start: number, end: number, last: boolean): boolean {
  const n = end - start;
  if (n < 1 || n > 63) return false;
  for (let i = start; i < end; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x80) continue; // non-ASCII is accepted as is
    const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 || (c >= 65 && c <= 90);
    if (!ok) return false;
  }
  const first = name.charCodeAt(start);
  const final = name.charCodeAt(end - 1);
  if (first === 45 || first === 95 || final === 45 || final === 95) return false;
  // The last label may not start with a digit: that is what keeps 127.0.0.1 from being a domain.
  if (!last) return true;
  if (first < 0x80) return first < 48 || first > 57;
  return !/^\p{Nd}/u.test(name.slice(start, start + 2));
}

/**
 * `InternetDomainName.from(name)`: the normalised name (Unicode dots to '.', ASCII lower-cased,
 * trailing dot dropped) if it is a syntactically valid domain, else null.
 */
function guavaDomain(raw: string): string | null {
  let name = raw;
  for (let i = 0; i < name.length; i++) {
    if (isUnicodeDot(name.charCodeAt(i))) {
      name = name.replace(/[\u3002\uff0e\uff61]/g, '.');
      break;
    }
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      name = name.replace(/[A-Z]+/g, (m) => m.toLowerCase());
      break;
    }
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length > 253) return null;
  let start = 0;
  let parts = 0;
  for (;;) {
    const dot = name.indexOf('.', start);
    const end = dot < 0 ? name.length : dot;
    if (++parts > 127) return null;
    if (!validGuavaPart(name, start, end, dot < 0)) return null;
    if (dot < 0) break;
    start = dot + 1;
  }
  return name;
}

/** A domain argument: the text, null for null, an error for a non-string (as Metron's `toDomainName`). */
function domainText(v: Value | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string')
    return fail(`${toJavaString(v)} is not a string and therefore also not a domain.`);
  return v;
}

/**
 * Metron's `extractTld`: the public suffix of a valid name; otherwise whatever follows the last
 * '.' of the text as given (all of it when there is no dot).
 */
function extractTld(name: string | null, text: string): string {
  if (name !== null) {
    const suffix = publicSuffix(name);
    if (suffix !== null) return suffix;
  }
  const dot = text.lastIndexOf('.');
  return dot < 0 ? text : text.slice(dot + 1);
}

export function domainToTld(args: readonly Value[]): Value {
  const text = domainText(args[0]);
  // Metron concatenates the argument with "" here, so a null domain gives the TLD "null".
  if (text === null) return 'null';
  return extractTld(guavaDomain(text), text);
}

export function domainRemoveTld(args: readonly Value[]): Value {
  const text = domainText(args[0]);
  const name = text === null ? null : guavaDomain(text);
  if (text === null || name === null) return null;
  const rest = text.slice(0, text.length - extractTld(name, text).length);
  return rest === '' ? rest : rest.slice(0, -1);
}

export function domainRemoveSubdomains(args: readonly Value[]): Value {
  if (args.length === 0) return null;
  const text = domainText(args[0]);
  const name = text === null ? null : guavaDomain(text);
  if (text === null || name === null) return null;
  const tld = extractTld(name, text);
  const rest = text.slice(0, text.length - tld.length);
  if (rest === '') return text;
  // The last label before the suffix ('' when the text ends in '.', as Metron gives it).
  const host = rest.slice(0, -1);
  return `${host.slice(host.lastIndexOf('.') + 1)}.${tld}`;
}
