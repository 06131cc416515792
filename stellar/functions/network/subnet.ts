import { toJavaString, type Value } from '../../values.js';
import { fail } from '../types.js';

/**
 * IN_SUBNET as commons-net 3.1's `SubnetUtils` answers it: IPv4 only, and without "inclusive
 * host count" the network and broadcast addresses are not in range, so a /31 or /32 holds no
 * host but 0.0.0.0. Parsed CIDRs are cached, since rules test against the same few ranges.
 */

/** The usable host range of a CIDR as unsigned 32-bit numbers (low = high = 0 for /31 and /32). */
interface HostRange {
  readonly low: number;
  readonly high: number;
}

const SUBNET_CACHE_LIMIT = 10_000;
/** Parsed CIDRs by their text; a string entry is the error the CIDR raises. */
const subnets = new Map<string, HostRange | string>();

/**
 * Dotted-quad IPv4 as commons-net reads it (`\d{1,3}` × 4, each ≤ 255) from `s[from, to)`: the
 * unsigned 32-bit value, -1 when it does not match, -2 when an octet is over 255.
 */
function dottedQuad(s: string, from: number, to: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let tooBig = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      octet = octet * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (octet > 255) tooBig = true;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  if (octet > 255) tooBig = true;
  return tooBig ? -2 : value * 256 + octet;
}

function parseSubnet(cidr: string): HostRange | string {
  const slash = cidr.indexOf('/');
  const bad = `Could not parse [${cidr}]`;
  if (slash < 0) return bad;
  const address = dottedQuad(cidr, 0, slash);
  if (address === -1) return bad;
  const maskText = cidr.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(maskText)) return bad;
  if (address === -2) return 'Value out of range (-1,255]';
  const bits = Number(maskText);
  // commons-net 3.1 checks the mask with (0, 32]: /0 is refused.
  if (bits < 1 || bits > 32) return `Value [${bits}] not in range (0,32]`;
  const size = 2 ** (32 - bits);
  const network = Math.floor(address / size) * size;
  const broadcast = network + size - 1;
  // Without "inclusive host count" the network and broadcast addresses are not hosts, and a
  // subnet of one or two addresses has no hosts: commons-net then reports 0.0.0.0 as its range.
  return broadcast - network > 1 ? { low: network + 1, high: broadcast - 1 } : { low: 0, high: 0 };
}

function subnetOf(cidr: string): HostRange {
  let range = subnets.get(cidr);
  if (range === undefined) {
    if (subnets.size >= SUBNET_CACHE_LIMIT) subnets.clear();
    range = parseSubnet(cidr);
    subnets.set(cidr, range);
  }
  if (typeof range === 'string') return fail(range);
  return range;
}

export function inSubnet(args: readonly Value[]): Value {
  const ip = args[0] ?? null;
  if (ip === null) return false;
  if (typeof ip !== 'string') return fail(`${toJavaString(ip)} is not a string IP address`);
  let address = -1;
  for (let i = 1; i < args.length; i++) {
    const cidr = args[i];
    if (cidr === null || cidr === undefined) continue;
    if (typeof cidr !== 'string') fail(`${toJavaString(cidr)} is not a string CIDR`);
    const range = subnetOf(cidr);
    if (address < 0) {
      address = dottedQuad(ip, 0, ip.length);
      if (address < 0) fail(address === -1 ? `Could not parse [${ip}]` : 'Value out of range (-1,255]');
    }
    if (address >= range.low && address <= range.high) return true;
  }
  return false;
}
