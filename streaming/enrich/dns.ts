import { CANCELLED, NODATA, NOTFOUND, Resolver, TIMEOUT } from 'node:dns/promises';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ConfigError, type ConfigProblem } from '#core';

/**
 * Reverse DNS (PTR) names of IP addresses for enrichment, built so that a slow or dead resolver
 * never stalls the stream: the per-event read ({@link ReverseDns.cached}) is synchronous and
 * only reads a cache, and the per-batch {@link ReverseDns.prefetch} starts lookups and waits for
 * them at most `waitMs`. Lookups that answer later still fill the cache, so the next batch has
 * them.
 *
 * Lookups go through node:dns (c-ares) as `resolvePtr` of the in-addr.arpa / ip6.arpa name, not
 * `reverse`: c-ares' `reverse` falls back to /etc/hosts and reports a timeout or SERVFAIL as
 * ENOTFOUND, which would hide why lookups fail.
 *
 * c-ares takes `timeoutMs` as the first attempt's timeout only: once it has measured a server
 * (3 answers) it uses 5× the server's average latency, kept within 250 ms–5 s, and doubles it on
 * each retry. Node checks for timeouts every `min(timeoutMs, 1000)` ms. A lookup keeps its
 * `maxInFlight` slot until c-ares gives up, so the cap holds for the queries the server sees.
 */

/** Options of {@link ReverseDns}; every field has a default. */
export interface ReverseDnsOptions {
  /**
   * Resolvers as `ip`, `ipv4:port`, `ipv6` or `[ipv6]:port` (addresses, not host names: c-ares
   * needs them to start). Default: the system's (/etc/resolv.conf).
   */
  servers?: readonly string[];
  /** First attempt's timeout in ms (see the module notes on c-ares). Default 500. */
  timeoutMs?: number;
  /** Attempts per lookup; more than 1 survives a lost UDP packet. Default 2. */
  tries?: number;
  /** Most lookups outstanding at once; IPs beyond it are skipped for that prefetch. Default 64. */
  maxInFlight?: number;
  /** Most addresses cached (answers and failures); least recently used go first. Default 100 000. */
  cacheSize?: number;
  /** How long a PTR name is kept, ms. Default 1 hour. */
  ttlMs?: number;
  /** How long a failure (NXDOMAIN, no PTR, timeout, SERVFAIL…) is kept, ms. Default 5 minutes. */
  negativeTtlMs?: number;
  /** Addresses never looked up, e.g. private ranges the resolver cannot know. */
  skip?: (ip: string) => boolean;
}

/** Options of one {@link ReverseDns.prefetch}. */
export interface PrefetchOptions {
  /** Most ms to wait for the lookups this call needs; 0 (the default) starts them and returns. */
  waitMs?: number;
}

/** Counters since the instance was made, plus two gauges; a fresh plain object per call. */
export interface ReverseDnsStats {
  /** Lookups sent to the resolver (= answered + failed + cancelled + inFlight). */
  started: number;
  /** Lookups that gave a PTR name. */
  answered: number;
  /** Lookups that gave none, by reason; `nxdomain` is NXDOMAIN or an answer without a PTR record. */
  failed: { timeout: number; nxdomain: number; other: number };
  /** Lookups ended by {@link ReverseDns.close}; nothing is cached for them. */
  cancelled: number;
  /** `cached()` calls that knew the answer (a name or null). */
  hits: number;
  /** `cached()` calls that did not (never looked up, still in flight, expired, or not an IP). */
  misses: number;
  /** Addresses a prefetch did not look up because `maxInFlight` lookups were outstanding. */
  skippedCap: number;
  /** Addresses a prefetch did not look up because they are not IPs or `skip` said so. */
  skipped: number;
  /** Lookups outstanding now. */
  inFlight: number;
  /** Addresses in the cache now (expired ones included until evicted or asked for). */
  cached: number;
}

const DEFAULTS = {
  timeoutMs: 500,
  tries: 2,
  maxInFlight: 64,
  cacheSize: 100_000,
  ttlMs: 3_600_000,
  negativeTtlMs: 300_000,
} as const;

/** Where option problems are said to be when the caller names no config file. */
const OPTIONS_FILE = '(reverse DNS options)';

type Failure = 'timeout' | 'nxdomain' | 'other' | 'cancelled';

/**
 * PTR names of IP addresses through a configurable resolver, cached (LRU, with separate TTLs for
 * answers and failures), at most `maxInFlight` lookups at once, one lookup per address however
 * many callers want it.
 *
 * Addresses beyond the cap are skipped, not queued: a queue would hold addresses of batches
 * already gone and grow without bound whenever addresses arrive faster than the resolver
 * answers, while an address still in use comes back in the next batch's prefetch anyway.
 *
 * Addresses are cache keys as written: `2001:db8::1` and `2001:DB8:0::1` are looked up once each.
 *
 * @example
 * ```ts
 * const dns = new ReverseDns({ servers: ['127.0.0.1:5353'], maxInFlight: 64 });
 * await dns.prefetch(ipsOfTheBatch, { waitMs: 200 });
 * for (const event of batch) {
 *   const name = dns.cached(event.ip_src_addr); // string, null (has none), undefined (not known yet)
 * }
 * await dns.close();
 * ```
 */
export class ReverseDns {
  private readonly resolver: Resolver;
  private readonly cache: TtlLru<string | null>;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly maxInFlight: number;
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly skip: ((ip: string) => boolean) | undefined;
  private readonly counts = {
    started: 0,
    answered: 0,
    timeout: 0,
    nxdomain: 0,
    other: 0,
    cancelled: 0,
    hits: 0,
    misses: 0,
    skippedCap: 0,
    skipped: 0,
  };
  private closed = false;

  /** Validates the options, all problems at once, as a ConfigError naming `file`. */
  constructor(options: ReverseDnsOptions = {}, file = OPTIONS_FILE) {
    const problems: ConfigProblem[] = [];
    const int = (key: keyof typeof DEFAULTS, min: number): number => {
      const value = options[key] ?? DEFAULTS[key];
      if (!Number.isSafeInteger(value) || value < min)
        problems.push({ file, path: key, message: `expected an integer of at least ${min}, got ${value}` });
      return value;
    };
    const timeoutMs = int('timeoutMs', 1);
    const tries = int('tries', 1);
    this.maxInFlight = int('maxInFlight', 1);
    const cacheSize = int('cacheSize', 1);
    this.ttlMs = int('ttlMs', 0);
    this.negativeTtlMs = int('negativeTtlMs', 0);
    const servers = options.servers && serversOf(options.servers, file, problems);
    if (problems.length > 0) throw new ConfigError(problems);

    this.resolver = new Resolver({ timeout: timeoutMs, tries });
    if (servers !== undefined) this.resolver.setServers(servers);
    this.cache = new TtlLru(cacheSize);
    this.skip = options.skip;
  }

  /**
   * The PTR name of `ip` if known: a string; `null` when it is known to have none (or the lookup
   * failed, for `negativeTtlMs`); `undefined` when not known (yet). Synchronous, no I/O.
   */
  cached(ip: string): string | null | undefined {
    // A pure read: recency is kept up by prefetch, which sees every address of the batch.
    const name = this.cache.get(ip, Date.now());
    if (name === undefined) this.counts.misses++;
    else this.counts.hits++;
    return name;
  }

  /**
   * Start lookups for the addresses not cached (at most `maxInFlight` outstanding; beyond that
   * they are skipped until a later call), then wait until those this call needs — its own and
   * ones already in flight — are done, or `waitMs` has passed, whichever is first. Never
   * rejects; lookups still running when it returns fill the cache when they end.
   */
  async prefetch(ips: Iterable<string>, options: PrefetchOptions = {}): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    const waiting = new Set<Promise<void>>();
    // So an address repeated in the batch is counted once when it is skipped.
    const passed = new Set<string>();
    for (const ip of ips) {
      const pending = this.inFlight.get(ip);
      if (pending !== undefined) {
        waiting.add(pending);
        continue;
      }
      if (this.cache.touch(ip, now) || passed.has(ip)) continue;
      passed.add(ip);
      const name = ptrName(ip);
      if (name === undefined || this.skip?.(ip) === true) this.counts.skipped++;
      else if (this.inFlight.size >= this.maxInFlight) this.counts.skippedCap++;
      else waiting.add(this.start(ip, name));
    }

    const waitMs = options.waitMs ?? 0;
    if (waiting.size === 0 || !(waitMs > 0)) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    });
    try {
      await Promise.race([Promise.all(waiting), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The counters (see {@link ReverseDnsStats}). */
  stats(): ReverseDnsStats {
    const c = this.counts;
    return {
      started: c.started,
      answered: c.answered,
      failed: { timeout: c.timeout, nxdomain: c.nxdomain, other: c.other },
      cancelled: c.cancelled,
      hits: c.hits,
      misses: c.misses,
      skippedCap: c.skippedCap,
      skipped: c.skipped,
      inFlight: this.inFlight.size,
      cached: this.cache.size,
    };
  }

  /**
   * Cancel the outstanding lookups (nothing is cached for them) and start no more; resolves when
   * they have all ended. The cache stays readable.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.resolver.cancel();
    await Promise.all(this.inFlight.values());
  }

  private start(ip: string, name: string): Promise<void> {
    this.counts.started++;
    // Registered before anyone can see it, so a concurrent prefetch shares it; it never rejects.
    const done = this.lookup(ip, name).finally(() => this.inFlight.delete(ip));
    this.inFlight.set(ip, done);
    return done;
  }

  private async lookup(ip: string, name: string): Promise<void> {
    let names: string[];
    try {
      names = await this.resolver.resolvePtr(name);
    } catch (e) {
      const reason = failureOf(e);
      if (reason === 'cancelled') {
        this.counts.cancelled++;
        return;
      }
      this.counts[reason]++;
      this.cache.set(ip, null, Date.now() + this.negativeTtlMs);
      return;
    }
    const first = names[0];
    if (first === undefined) {
      this.counts.nxdomain++;
      this.cache.set(ip, null, Date.now() + this.negativeTtlMs);
      return;
    }
    this.counts.answered++;
    this.cache.set(ip, first, Date.now() + this.ttlMs);
  }
}

/** Why a lookup gave no name, from the node:dns error code. */
function failureOf(e: unknown): Failure {
  switch ((e as NodeJS.ErrnoException | undefined)?.code) {
    case TIMEOUT:
      return 'timeout';
    case NOTFOUND:
    case NODATA:
      return 'nxdomain';
    case CANCELLED:
      return 'cancelled';
    default:
      return 'other';
  }
}

function serversOf(servers: readonly string[], file: string, problems: ConfigProblem[]): string[] {
  if (servers.length === 0)
    problems.push({ file, path: 'servers', message: "empty: leave it out to use the system's resolvers" });
  const parsed: string[] = [];
  servers.forEach((text, i) => {
    const server = parseServer(text);
    if (server === undefined)
      problems.push({
        file,
        path: `servers[${i}]`,
        message: `'${text}' is not an IP address, ipv4:port or [ipv6]:port`,
      });
    else parsed.push(server);
  });
  return parsed;
}

/**
 * A resolver address as `dns.setServers` takes it (`ip`, `ipv4:port`, `[ipv6]:port`), from
 * `ip`, `ipv4:port`, `ipv6`, `[ipv6]` or `[ipv6]:port`; undefined when it is none of those or
 * the port is not 1–65535.
 */
export function parseServer(text: string): string | undefined {
  if (isIP(text) !== 0) return text;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed !== null) {
    const [, host = '', port] = bracketed;
    if (!isIPv6(host)) return undefined;
    if (port === undefined) return host;
    return validPort(port) ? `[${host}]:${port}` : undefined;
  }
  const hostPort = /^([^:]+):(\d{1,5})$/.exec(text);
  if (hostPort === null) return undefined;
  const [, host = '', port = ''] = hostPort;
  return isIPv4(host) && validPort(port) ? text : undefined;
}

function validPort(port: string): boolean {
  const n = Number(port);
  return n >= 1 && n <= 65_535;
}

/**
 * The name a PTR query for `ip` asks (RFC 1035 §3.5, RFC 3596 §2.5): the IPv4 octets reversed
 * under in-addr.arpa, or the IPv6 address's 32 nibbles reversed under ip6.arpa (a zone index is
 * ignored); undefined when `ip` is not an IP address.
 */
export function ptrName(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (family !== 6) return undefined;
  let name = '';
  for (const byte of ipaddr.parse(ip).toByteArray().reverse())
    name += `${(byte & 0xf).toString(16)}.${(byte >> 4).toString(16)}.`;
  return `${name}ip6.arpa`;
}

/**
 * A map bounded to `capacity` entries that drops the least recently used first, each entry
 * valid until its own expiry time. Pure: the caller passes the clock.
 */
export class TtlLru<V> {
  // A Map iterates in insertion order, so re-inserting on use keeps the oldest first.
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(readonly capacity: number) {}

  /** Entries held, expired ones included until evicted or touched. */
  get size(): number {
    return this.entries.size;
  }

  /** The value if present and not expired at `now`. Changes nothing, recency included. */
  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.expires > now ? entry.value : undefined;
  }

  /**
   * Whether `key` is present and not expired at `now`; if so it becomes the most recently used,
   * if expired it is dropped.
   */
  touch(key: string, now: number): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.entries.delete(key);
    if (entry.expires <= now) return false;
    this.entries.set(key, entry);
    return true;
  }

  /** Store `value` until `expires` as the most recently used; beyond capacity the least recent goes. */
  set(key: string, value: V, expires: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}
