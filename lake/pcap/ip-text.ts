/**
 * IP addresses in packet bytes → text, as tshark prints `ip.src` and `ipv6.src`. Called once or
 * twice per new flow, so IPv4 is built from a table of byte strings, and both go through a
 * small cache keyed by the address bytes.
 */

const DOTTED = Array.from({ length: 256 }, (_, i) => `${i}.`);
const DECIMAL = Array.from({ length: 256 }, (_, i) => `${i}`);

// Direct-mapped by the address: the last text made for each slot. Handing out the same string
// for the same address is what makes it cheap downstream: a string's hash is computed once and
// kept in it, so the Parquet writer's dictionary look-ups by text find it at once.
const V4_SLOTS = 8192;
const V4_KEYS = new Int32Array(V4_SLOTS);
const V4_TEXTS: (string | undefined)[] = new Array<string | undefined>(V4_SLOTS).fill(undefined);

/** Dotted quad of the 4 bytes at `at`; the caller checks they are there. */
export function ipv4Text(d: Uint8Array, at: number): string {
  const a = d[at] as number;
  const b = d[at + 1] as number;
  const c = d[at + 2] as number;
  const e = d[at + 3] as number;
  const key = (a << 24) | (b << 16) | (c << 8) | e;
  const slot = Math.imul(key, 0x9e3779b1) >>> 19;
  const cached = V4_TEXTS[slot];
  if (cached !== undefined && V4_KEYS[slot] === key) return cached;
  const text = (DOTTED[a] as string) + (DOTTED[b] as string) + (DOTTED[c] as string) + (DECIMAL[e] as string);
  V4_KEYS[slot] = key;
  V4_TEXTS[slot] = text;
  return text;
}

// Direct-mapped: a slot holds the last address that hashed to it, bytes and text.
const SLOTS = 4096;
const KEYS = new Uint8Array(SLOTS * 16);
const TEXTS: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

/** Text of the 16-byte IPv6 address at `at`; the caller checks the bytes are there. */
export function ipv6Text(d: Uint8Array, at: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i += 4) {
    const w =
      ((d[at + i] as number) << 24) |
      ((d[at + i + 1] as number) << 16) |
      ((d[at + i + 2] as number) << 8) |
      (d[at + i + 3] as number);
    h = Math.imul(h ^ w, 0x01000193);
  }
  const slot = ((h ^ (h >>> 13)) >>> 0) & (SLOTS - 1);
  const key = slot * 16;
  const cached = TEXTS[slot];
  if (cached !== undefined) {
    let same = true;
    for (let i = 0; i < 16; i++) {
      if (KEYS[key + i] !== d[at + i]) {
        same = false;
        break;
      }
    }
    if (same) return cached;
  }
  const text = formatIpv6(d, at);
  for (let i = 0; i < 16; i++) KEYS[key + i] = d[at + i] as number;
  TEXTS[slot] = text;
  return text;
}

const WORDS = new Uint16Array(8);

/**
 * RFC 5952 text (lower-case hex, no leading zeros, the first longest run of two or more zero
 * groups as `::`), with the glibc `inet_ntop` exception tshark inherits: `::a.b.c.d` and
 * `::ffff:a.b.c.d` print their last 32 bits as a dotted quad.
 */
export function formatIpv6(d: Uint8Array, at: number): string {
  const w = WORDS;
  for (let i = 0; i < 8; i++) w[i] = ((d[at + 2 * i] as number) << 8) | (d[at + 2 * i + 1] as number);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) best = -1;
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff)))
    return `::${bestLen === 5 ? 'ffff:' : ''}${ipv4Text(d, at + 12)}`;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += (w[i] as number).toString(16);
  }
  return out;
}
