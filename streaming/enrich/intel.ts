import { isIPv4 } from 'node:net';
import { classifyIndicator, type Event, type IndicatorKind } from '#core';

/**
 * Threat-intelligence indicators held in memory for exact lookups, by type (Metron's threat
 * intel types, e.g. `malicious_ip`): IPv4 addresses (a sorted Uint32Array, 4 bytes each), IPv4
 * CIDR blocks (a set of network numbers per prefix length), and other indicators — IPv6
 * addresses, domains, URLs, hashes — as exact lowercase strings, a domain also matching its
 * subdomains. A hit writes Metron's `threatintels.<adapter>.<field>.<type> = "alert"`.
 */

export type { IndicatorKind };

/** The indicators of one type, built once (add, then `freeze` sorts), then looked up. */
class TypeIndicators {
  private pendingV4: number[] = [];
  private v4 = new Uint32Array(0);
  private readonly cidrs = new Map<number, Set<number>>();
  private readonly strings = new Set<string>();
  private readonly domains = new Set<string>();

  add(indicator: string): IndicatorKind {
    const { kind, value } = classifyIndicator(indicator);
    switch (kind) {
      case 'ip':
        this.pendingV4.push(ipv4Number(value));
        break;
      case 'cidr': {
        const slash = value.indexOf('/');
        const bits = Number(value.slice(slash + 1));
        let set = this.cidrs.get(bits);
        if (set === undefined) {
          set = new Set();
          this.cidrs.set(bits, set);
        }
        set.add(network(ipv4Number(value.slice(0, slash)), bits));
        break;
      }
      case 'domain':
        this.domains.add(value);
        break;
      default:
        this.strings.add(value);
    }
    return kind;
  }

  /** Sort what was added, dropping repeats; lookups see it from then on. */
  freeze(): void {
    if (this.pendingV4.length === 0) return;
    const all = new Uint32Array(this.v4.length + this.pendingV4.length);
    all.set(this.v4);
    all.set(this.pendingV4, this.v4.length);
    all.sort();
    let n = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i] as number;
    this.v4 = n === all.length ? all : all.slice(0, n);
    this.pendingV4 = [];
  }

  get size(): number {
    let n = this.v4.length + this.pendingV4.length + this.strings.size + this.domains.size;
    for (const set of this.cidrs.values()) n += set.size;
    return n;
  }

  has(value: string): boolean {
    const text = value.trim();
    if (isIPv4(text)) {
      const n = ipv4Number(text);
      if (binarySearch(this.v4, n)) return true;
      for (const [bits, set] of this.cidrs) if (set.has(network(n, bits))) return true;
      return false;
    }
    const lower = text.toLowerCase();
    if (this.strings.has(lower)) return true;
    if (this.domains.size === 0) return false;
    // A domain indicator covers its subdomains: evil.example covers a.b.evil.example.
    let host = lower.replace(/\.$/, '');
    for (;;) {
      if (this.domains.has(host)) return true;
      const dot = host.indexOf('.');
      if (dot < 0) return false;
      host = host.slice(dot + 1);
    }
  }
}

export class IntelStore {
  private types = new Map<string, TypeIndicators>();

  /**
   * Take over another store's indicators, all at once: enrichers holding this store see the
   * new set from their next lookup (a periodic reload of the lake's threat intel).
   */
  replaceWith(other: IntelStore): this {
    this.types = other.types;
    return this;
  }

  /** Add one indicator of a type; says how it was read. */
  add(type: string, indicator: string): IndicatorKind {
    let t = this.types.get(type);
    if (t === undefined) {
      t = new TypeIndicators();
      this.types.set(type, t);
    }
    return t.add(indicator);
  }

  /** Make what was added visible to lookups (sorts the IPv4 lists). */
  freeze(): this {
    for (const t of this.types.values()) t.freeze();
    return this;
  }

  /** Indicators held, per type. */
  sizes(): Record<string, number> {
    return Object.fromEntries([...this.types].map(([type, t]) => [type, t.size]));
  }

  /** Whether `value` matches an indicator of `type`. */
  has(type: string, value: string): boolean {
    return this.types.get(type)?.has(value) ?? false;
  }
}

/**
 * Metron's threat-intel adapter over a store: for each field of `fields` and each type
 * `fieldToTypeMap` gives it, a hit sets `threatintels.<adapter>.<field>.<type>` to "alert".
 * Returns how many hits it wrote.
 */
export function markThreats(
  event: Event,
  store: IntelStore,
  adapter: string,
  fields: readonly string[],
  fieldToTypeMap: Readonly<Record<string, readonly string[]>>,
): number {
  let hits = 0;
  for (const field of fields) {
    const value = event[field];
    if (typeof value !== 'string' || value === '') continue;
    for (const type of fieldToTypeMap[field] ?? []) {
      if (store.has(type, value)) {
        event[`threatintels.${adapter}.${field}.${type}`] = 'alert';
        hits++;
      }
    }
  }
  return hits;
}

/**
 * Indicators from CSV text: one per line in `column` (0-based, default 0), all of one `type`;
 * blank lines and `#` comments skipped. Returns the lines that were not usable, numbered.
 */
export function loadIndicatorCsv(
  store: IntelStore,
  text: string,
  options: { type: string; column?: number },
): { added: number; problems: string[] } {
  const column = options.column ?? 0;
  const problems: string[] = [];
  let added = 0;
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const cell = line.split(',')[column]?.trim();
    if (cell === undefined || cell === '') {
      problems.push(`line ${i + 1}: no column ${column}`);
      return;
    }
    store.add(options.type, cell);
    added++;
  });
  store.freeze();
  return { added, problems };
}

function ipv4Number(ip: string): number {
  let n = 0;
  for (const part of ip.split('.')) n = n * 256 + Number(part);
  return n >>> 0;
}

function network(ip: number, bits: number): number {
  return bits === 0 ? 0 : (ip & (0xffffffff << (32 - bits))) >>> 0;
}

function binarySearch(sorted: Uint32Array, n: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v === n) return true;
    if (v < n) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
