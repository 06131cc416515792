import { toJavaString, type Value } from '../../values.js';
import { type FunctionDef, fail } from '../types.js';
import { domainRemoveSubdomains, domainRemoveTld, domainToTld } from './domain.js';
import { protocolToName } from './protocol.js';
import { isValidDate } from './simple-date.js';
import { inSubnet } from './subnet.js';
import { typosquats } from './typosquat.js';
import { urlArg } from './url.js';
import {
  isValidDomain,
  isValidEmail,
  isValidInet4,
  isValidInet6,
  isValidLong,
  isValidUrl,
} from './validators.js';

/**
 * Network, domain, URL and validation functions, with Metron's semantics. Each family of Java
 * behaviour has its module here:
 *
 * - `IN_SUBNET` is commons-net 3.1's `SubnetUtils` (subnet.ts).
 * - `DOMAIN_*` follow Guava's `InternetDomainName` over the public suffix list (domain.ts).
 * - `URL_*` follow `java.net.URL` (url.ts).
 * - `IS_*` follow commons-validator 1.6 (validators.ts) and a non-lenient `SimpleDateFormat`
 *   (simple-date.ts); IDN names go through Java's IDNA2003 `IDN` (idna.ts).
 * - `DOMAIN_TYPOSQUAT` is metron-common's typosquat package (typosquat.ts).
 * - `PROTOCOL_TO_NAME` is Metron's IANA protocol table (protocol.ts).
 */

/** `SimpleValidation.test`: every argument present and valid (and at least one argument). */
function allValid(args: readonly Value[], valid: (s: string) => boolean): boolean {
  if (args.length === 0) return false;
  for (const a of args) if (a === null || a === undefined || !valid(toJavaString(a))) return false;
  return true;
}

const URL_PARAM = [{ name: 'url', description: 'the URL as a string' }] as const;

/** The network, domain, URL and validation functions. */
export const NETWORK_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'IN_SUBNET',
    namespace: '',
    family: 'network',
    description: 'Tests whether an IPv4 address is a host address of any of the given CIDR ranges.',
    params: [
      { name: 'ip', description: 'the IPv4 address as a string (null gives false)' },
      {
        name: 'cidr',
        description: 'a range in CIDR notation, e.g. 192.168.0.0/24 (null ranges are skipped)',
      },
      { name: 'cidrs', description: 'more ranges; true if the address is in any of them', variadic: true },
    ],
    returns: 'a boolean (the network and broadcast addresses are not in range, as in commons-net)',
    pure: true,
    examples: [
      { expr: "IN_SUBNET('192.168.0.1', '192.168.0.0/24')", expect: true },
      { expr: "IN_SUBNET('192.168.1.1', '192.168.0.0/24', '10.0.0.0/8')", expect: false },
      { expr: "IN_SUBNET('192.168.0.255', '192.168.0.0/24')", expect: false },
    ],
    call: inSubnet,
  },
  {
    name: 'DOMAIN_TO_TLD',
    namespace: 'DOMAIN',
    family: 'network',
    description:
      'The public suffix of a domain (co.uk for www.google.co.uk); the last label when the suffix is unknown.',
    params: [{ name: 'domain', description: 'a fully qualified domain name' }],
    returns: 'a string',
    pure: true,
    examples: [
      { expr: "DOMAIN_TO_TLD('mail.yahoo.co.uk')", expect: 'co.uk' },
      { expr: "DOMAIN_TO_TLD('www.subdomain.google.turtle')", expect: 'turtle' },
    ],
    call: domainToTld,
  },
  {
    name: 'DOMAIN_REMOVE_TLD',
    namespace: 'DOMAIN',
    family: 'network',
    description: 'A domain without its public suffix (mail.yahoo for mail.yahoo.co.uk).',
    params: [{ name: 'domain', description: 'a fully qualified domain name' }],
    returns: 'a string, or null when the argument is not a valid domain',
    pure: true,
    examples: [
      { expr: "DOMAIN_REMOVE_TLD('mail.yahoo.co.uk')", expect: 'mail.yahoo' },
      { expr: "DOMAIN_REMOVE_TLD('com')", expect: '' },
    ],
    call: domainRemoveTld,
  },
  {
    name: 'DOMAIN_REMOVE_SUBDOMAINS',
    namespace: 'DOMAIN',
    family: 'network',
    description: 'A domain reduced to its registrable part (yahoo.com for mail.yahoo.com).',
    params: [{ name: 'domain', description: 'a fully qualified domain name', optional: true }],
    returns: 'a string, or null when the argument is not a valid domain',
    pure: true,
    examples: [
      { expr: "DOMAIN_REMOVE_SUBDOMAINS('mail.yahoo.com')", expect: 'yahoo.com' },
      { expr: "DOMAIN_REMOVE_SUBDOMAINS('www.google.co.uk')", expect: 'google.co.uk' },
      { expr: "DOMAIN_REMOVE_SUBDOMAINS('co.uk.co.uk')", expect: 'uk.co.uk' },
    ],
    call: domainRemoveSubdomains,
  },
  {
    name: 'URL_TO_HOST',
    namespace: 'URL',
    family: 'network',
    description: 'The host name of a URL.',
    params: URL_PARAM,
    returns: 'a string, or null when the URL does not parse',
    pure: true,
    examples: [
      { expr: "URL_TO_HOST('http://www.yahoo.com/foo')", expect: 'www.yahoo.com' },
      { expr: "URL_TO_HOST('http://localhost:8080/a')", expect: 'localhost' },
    ],
    call: (args) => urlArg(args[0])?.host ?? null,
  },
  {
    name: 'URL_TO_PORT',
    namespace: 'URL',
    family: 'network',
    description:
      "The port of a URL; when the URL gives none, the protocol's default (80, 443, 21; -1 for file).",
    params: URL_PARAM,
    returns: 'an int, or null when the URL does not parse',
    pure: true,
    examples: [
      { expr: "URL_TO_PORT('http://www.yahoo.com/foo')", expect: 80 },
      { expr: "URL_TO_PORT('https://www.google.com:7979/foo')", expect: 7979 },
    ],
    call: (args) => {
      const url = urlArg(args[0]);
      return url === null ? null : url.port >= 0 ? url.port : url.defaultPort;
    },
  },
  {
    name: 'URL_TO_PATH',
    namespace: 'URL',
    family: 'network',
    description: 'The path of a URL, with its leading slash and without the query.',
    params: URL_PARAM,
    returns: 'a string, or null when the URL does not parse',
    pure: true,
    examples: [
      { expr: "URL_TO_PATH('http://www.yahoo.com/foo')", expect: '/foo' },
      { expr: "URL_TO_PATH('http://www.google.com/foo/bar?x=1')", expect: '/foo/bar' },
    ],
    call: (args) => urlArg(args[0])?.path ?? null,
  },
  {
    name: 'URL_TO_PROTOCOL',
    namespace: 'URL',
    family: 'network',
    description: 'The protocol (scheme) of a URL, lower-cased.',
    params: URL_PARAM,
    returns: 'a string, or null when the URL does not parse',
    pure: true,
    examples: [{ expr: "URL_TO_PROTOCOL('https://www.yahoo.com/foo')", expect: 'https' }],
    call: (args) => urlArg(args[0])?.protocol ?? null,
  },
  {
    name: 'PROTOCOL_TO_NAME',
    namespace: '',
    family: 'network',
    description:
      'The name of an IANA IP protocol number (6 is TCP); the argument itself when the number is unknown.',
    params: [{ name: 'number', description: 'the IANA protocol number (a number or numeric string)' }],
    returns: 'a string, or the argument unchanged',
    pure: true,
    examples: [
      { expr: 'PROTOCOL_TO_NAME(6)', expect: 'TCP' },
      { expr: "PROTOCOL_TO_NAME('17')", expect: 'UDP' },
      { expr: 'PROTOCOL_TO_NAME(200)', expect: 200 },
    ],
    call: protocolToName,
  },
  {
    name: 'DOMAIN_TYPOSQUAT',
    namespace: 'DOMAIN',
    family: 'network',
    description:
      'Typo-squatted variants of a domain (without subdomains or TLD), by the dnstwist strategies: addition, bitsquatting, homoglyph, hyphenation, insertion, omission, repetition, replacement, subdomain, transposition, vowel swap.',
    params: [
      { name: 'domain', description: 'the domain without subdomains or TLD, e.g. amazon', optional: true },
    ],
    returns: 'a set of strings (null for a null domain)',
    pure: true,
    examples: [
      { expr: "'amazom' in DOMAIN_TYPOSQUAT('amazon')", expect: true },
      { expr: "'xn--mazon-zjc' in DOMAIN_TYPOSQUAT('amazon')", expect: true },
      { expr: "'amazon' in DOMAIN_TYPOSQUAT('amazon')", expect: false },
    ],
    call: (args) => {
      const domain = args[0];
      if (domain === null || domain === undefined) return null;
      if (typeof domain !== 'string')
        fail(`Expected a domain without subdomains or a TLD, but got ${toJavaString(domain)}`);
      return typosquats(domain);
    },
  },
  {
    name: 'IS_IP',
    namespace: '',
    family: 'validation',
    description:
      "Tests whether a value is an IP address: 'IPV4', 'IPV6', or (any other type, or none) either.",
    params: [
      { name: 'ip', description: 'the value to test (its string form)', optional: true },
      {
        name: 'type',
        description: "'IPV4' or 'IPV6'; anything else (a list too) accepts both",
        optional: true,
      },
    ],
    returns: 'a boolean',
    pure: true,
    examples: [
      { expr: "IS_IP('192.168.0.1')", expect: true },
      { expr: "IS_IP('::1', 'IPV4')", expect: false },
      { expr: "IS_IP('2001:db8::1')", expect: true },
    ],
    call: (args) => {
      const ip = args[0];
      if (ip === null || ip === undefined) return false;
      const text = toJavaString(ip);
      const type = args[1] === null || args[1] === undefined ? 'DEFAULT' : toJavaString(args[1]);
      if (type === 'IPV4') return isValidInet4(text);
      if (type === 'IPV6') return isValidInet6(text);
      return isValidInet4(text) || isValidInet6(text);
    },
  },
  {
    name: 'IS_DOMAIN',
    namespace: '',
    family: 'validation',
    description:
      'Tests whether strings are valid domain names (RFC 1034/1123) under a known top-level domain.',
    params: [{ name: 'address', description: 'the values to test; all must be valid', variadic: true }],
    returns: 'a boolean (false with no argument or a null one)',
    pure: true,
    examples: [
      { expr: "IS_DOMAIN('www.hotmail.co.uk')", expect: true },
      { expr: "IS_DOMAIN('caseystella.turtle')", expect: false },
    ],
    call: (args) => allValid(args, isValidDomain),
  },
  {
    name: 'IS_EMAIL',
    namespace: '',
    family: 'validation',
    description: 'Tests whether strings are valid e-mail addresses (commons-validator rules).',
    params: [{ name: 'address', description: 'the values to test; all must be valid', variadic: true }],
    returns: 'a boolean (false with no argument or a null one)',
    pure: true,
    examples: [
      { expr: "IS_EMAIL('me@www.hotmail.co.uk')", expect: true },
      { expr: "IS_EMAIL('me@foo')", expect: false },
    ],
    call: (args) => allValid(args, isValidEmail),
  },
  {
    name: 'IS_URL',
    namespace: '',
    family: 'validation',
    description: 'Tests whether strings are valid http, https or ftp URLs with a valid host.',
    params: [{ name: 'url', description: 'the values to test; all must be valid', variadic: true }],
    returns: 'a boolean (false with no argument or a null one)',
    pure: true,
    examples: [
      { expr: "IS_URL('http://caseystella.com/foo')", expect: true },
      { expr: "IS_URL('http://caseystella.turtle')", expect: false },
    ],
    call: (args) => allValid(args, isValidUrl),
  },
  {
    name: 'IS_DATE',
    namespace: '',
    family: 'validation',
    description: 'Tests whether a string is a date in a SimpleDateFormat pattern (strictly: no 2014-02-30).',
    params: [
      { name: 'date', description: 'the date as a string', optional: true },
      { name: 'format', description: "a Java SimpleDateFormat pattern, e.g. 'yyyy-MM-dd'", optional: true },
    ],
    returns: 'a boolean (false when either argument is missing or null)',
    pure: true,
    examples: [
      { expr: "IS_DATE('2014-05-01', 'yyyy-MM-dd')", expect: true },
      { expr: "IS_DATE('2014-02-30', 'yyyy-MM-dd')", expect: false },
      { expr: "IS_DATE('2014/05/01', 'yyyy-MM-dd')", expect: false },
    ],
    call: (args, ctx) => {
      const date = args[0];
      const format = args[1];
      if (date === null || date === undefined || format === null || format === undefined) return false;
      return isValidDate(toJavaString(date), toJavaString(format), ctx.now());
    },
  },
  {
    name: 'IS_INTEGER',
    namespace: '',
    family: 'validation',
    description: 'Tests whether values read as whole numbers that fit a long (1, "1", "1,000"; not "1.5").',
    params: [{ name: 'x', description: 'the values to test; all must be integers', variadic: true }],
    returns: 'a boolean (false with no argument or a null one)',
    pure: true,
    examples: [
      { expr: "IS_INTEGER('42')", expect: true },
      { expr: 'IS_INTEGER(2.5)', expect: false },
    ],
    call: (args) => allValid(args, isValidLong),
  },
];
