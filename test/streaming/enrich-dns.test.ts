import { Resolver } from 'node:dns/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '#core';
import { ReverseDns, type ReverseDnsOptions } from '#streaming';
import { parseServer, ptrName, TtlLru } from '../../streaming/enrich/dns.js';
import { type ServerOptions, TestDnsServer } from '../helpers/dns-server.js';

/** Reverse DNS against a real DNS server (test/helpers/dns-server.ts). */

const V4 = '192.0.2.10';
const V4_PTR = '10.2.0.192.in-addr.arpa';
const V6 = '2001:db8::a';
const V6_PTR = 'a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
const NAMES = { [V4_PTR]: 'mail.example.com', [V6_PTR]: 'www.example.net' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll until `done()` holds; fails the test if it does not within `withinMs`. */
async function until(done: () => boolean, withinMs: number): Promise<void> {
  const end = Date.now() + withinMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`condition not met within ${withinMs} ms`);
    await sleep(10);
  }
}

// Every server and resolver a test makes is closed after it, passed or not.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  server: ServerOptions,
  options: ReverseDnsOptions = {},
): Promise<{ server: TestDnsServer; dns: ReverseDns }> {
  const s = await TestDnsServer.start(server);
  cleanups.push(() => s.close());
  const dns = new ReverseDns({ servers: [s.address], tries: 1, ...options });
  cleanups.push(() => dns.close());
  return { server: s, dns };
}

describe('ptrName', () => {
  it('reverses IPv4 octets under in-addr.arpa and IPv6 nibbles under ip6.arpa', () => {
    expect(ptrName(V4)).toBe(V4_PTR);
    expect(ptrName(V6)).toBe(V6_PTR);
    expect(ptrName('2001:0DB8:0000:0000:0000:0000:0000:000A')).toBe(V6_PTR);
    expect(ptrName('::ffff:1.2.3.4')).toBe(
      '4.0.3.0.2.0.1.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa',
    );
  });

  it('gives nothing for what is not an IP address', () => {
    for (const text of ['', 'example.com', '1.2.3', '010.1.1.1', '[::1]', '1.2.3.4:53', '2001:db8::g'])
      expect(ptrName(text), text).toBeUndefined();
  });

  it("asks the names node:dns's own reverse() sends", async () => {
    const server = await TestDnsServer.start();
    cleanups.push(() => server.close());
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([server.address]);
    const ips = [V4, V6, '::1', 'fe80::1:2:3:4', '::ffff:1.2.3.4', '255.0.0.1'];
    for (const ip of ips) await resolver.reverse(ip).catch(() => undefined);
    expect(server.queries).toEqual(ips.map(ptrName));
  });
});

describe('parseServer', () => {
  it('takes ip, ipv4:port, ipv6, [ipv6] and [ipv6]:port', () => {
    expect(parseServer('127.0.0.1')).toBe('127.0.0.1');
    expect(parseServer('127.0.0.1:5353')).toBe('127.0.0.1:5353');
    expect(parseServer('::1')).toBe('::1');
    expect(parseServer('[::1]')).toBe('::1');
    expect(parseServer('[2001:db8::1]:53')).toBe('[2001:db8::1]:53');
  });

  it('refuses host names, bad ports and broken brackets', () => {
    for (const text of [
      'dns.example',
      'dns.example:53',
      '1.2.3.4:0',
      '1.2.3.4:65536',
      '[::1',
      '[1.2.3.4]:53',
      '',
    ])
      expect(parseServer(text), text).toBeUndefined();
  });
});

describe('TtlLru', () => {
  it('drops the least recently used beyond capacity; touch makes an entry recent', () => {
    const lru = new TtlLru<string>(2);
    lru.set('a', 'A', 100);
    lru.set('b', 'B', 100);
    expect(lru.touch('a', 0)).toBe(true);
    lru.set('c', 'C', 100);
    expect(lru.get('b', 0)).toBeUndefined();
    expect(lru.get('a', 0)).toBe('A');
    expect(lru.get('c', 0)).toBe('C');
    expect(lru.size).toBe(2);
  });

  it('expires each entry at its own time; touch drops an expired one', () => {
    const lru = new TtlLru<string | null>(10);
    lru.set('a', 'A', 100);
    lru.set('n', null, 50);
    expect(lru.get('n', 49)).toBeNull();
    expect(lru.get('n', 50)).toBeUndefined();
    expect(lru.get('a', 99)).toBe('A');
    expect(lru.touch('a', 100)).toBe(false);
    expect(lru.size).toBe(1);
  });
});

describe('ReverseDns options', () => {
  it('lists every bad option with its path', () => {
    let error: unknown;
    try {
      new ReverseDns(
        { servers: ['dns.example', '1.2.3.4:99999'], maxInFlight: 0, ttlMs: -1, timeoutMs: 1.5 },
        'x.json',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => `${p.file} ${p.path}`)).toEqual([
      'x.json timeoutMs',
      'x.json maxInFlight',
      'x.json ttlMs',
      'x.json servers[0]',
      'x.json servers[1]',
    ]);
  });

  it('refuses an empty server list', () => {
    expect(() => new ReverseDns({ servers: [] })).toThrow(/servers: empty/);
  });
});

describe('ReverseDns', () => {
  it('gives IPv4 and IPv6 PTR names, asking the in-addr.arpa and ip6.arpa names', async () => {
    const { server, dns } = await setup({ names: NAMES });
    expect(dns.cached(V4)).toBeUndefined();
    await dns.prefetch([V4, V6], { waitMs: 5000 });
    expect(dns.cached(V4)).toBe('mail.example.com');
    expect(dns.cached(V6)).toBe('www.example.net');
    expect(server.queries.sort()).toEqual([V4_PTR, V6_PTR].sort());
    expect(dns.stats()).toMatchObject({
      started: 2,
      answered: 2,
      inFlight: 0,
      cached: 2,
      hits: 2,
      misses: 1,
    });
  });

  it('answers from the cache without asking again', async () => {
    const { server, dns } = await setup({ names: NAMES });
    await dns.prefetch([V4], { waitMs: 5000 });
    await dns.prefetch([V4, V4], { waitMs: 5000 });
    await dns.prefetch([V4], { waitMs: 5000 });
    expect(dns.cached(V4)).toBe('mail.example.com');
    expect(server.queries).toEqual([V4_PTR]);
    expect(dns.stats()).toMatchObject({ started: 1, answered: 1, hits: 1 });
  });

  it('asks again once a name has been kept ttlMs', async () => {
    const { server, dns } = await setup({ names: NAMES }, { ttlMs: 100 });
    await dns.prefetch([V4], { waitMs: 5000 });
    expect(dns.cached(V4)).toBe('mail.example.com');
    await sleep(150);
    expect(dns.cached(V4)).toBeUndefined();
    await dns.prefetch([V4], { waitMs: 5000 });
    expect(dns.cached(V4)).toBe('mail.example.com');
    expect(server.queries).toEqual([V4_PTR, V4_PTR]);
  });

  it('keeps NXDOMAIN as null for negativeTtlMs, then asks again', async () => {
    const { server, dns } = await setup({ names: NAMES }, { negativeTtlMs: 300 });
    await dns.prefetch(['198.51.100.7'], { waitMs: 5000 });
    expect(dns.cached('198.51.100.7')).toBeNull();
    await dns.prefetch(['198.51.100.7'], { waitMs: 5000 });
    expect(server.queries).toEqual(['7.100.51.198.in-addr.arpa']);
    expect(dns.stats().failed).toEqual({ timeout: 0, nxdomain: 1, other: 0 });

    await sleep(350);
    expect(dns.cached('198.51.100.7')).toBeUndefined();
    await dns.prefetch(['198.51.100.7'], { waitMs: 5000 });
    expect(server.queries).toHaveLength(2);
  });

  it('counts SERVFAIL as another failure, cached as null', async () => {
    const { dns } = await setup({ servfail: [V4_PTR] });
    await dns.prefetch([V4], { waitMs: 5000 });
    expect(dns.cached(V4)).toBeNull();
    expect(dns.stats().failed).toEqual({ timeout: 0, nxdomain: 0, other: 1 });
  });

  it('shares a lookup in flight: 100 concurrent prefetches of one address send one query', async () => {
    const { server, dns } = await setup({ names: NAMES, delayMs: 200 });
    await Promise.all(Array.from({ length: 100 }, () => dns.prefetch([V4], { waitMs: 5000 })));
    expect(server.queries).toEqual([V4_PTR]);
    expect(dns.cached(V4)).toBe('mail.example.com');
    expect(dns.stats()).toMatchObject({ started: 1, answered: 1, inFlight: 0 });
  });

  it('keeps to maxInFlight and returns after waitMs however slow the resolver is', async () => {
    const { server, dns } = await setup({ delayMs: 1000 }, { maxInFlight: 8, timeoutMs: 5000 });
    const ips = Array.from({ length: 500 }, (_, i) => `10.1.${i >> 8}.${i & 0xff}`);

    const began = Date.now();
    await dns.prefetch(ips, { waitMs: 200 });
    const took = Date.now() - began;
    // It waited (it had lookups to wait for) and came back long before the 1 s answers.
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(800);
    expect(dns.stats()).toMatchObject({ started: 8, skippedCap: 492, inFlight: 8, answered: 0 });
    expect(dns.cached('10.1.0.0')).toBeUndefined();

    // Later batches keep the cap while the first lookups end and new ones start.
    for (let round = 0; round < 3; round++) await dns.prefetch(ips, { waitMs: 600 });
    await until(() => dns.stats().inFlight === 0, 5000);
    const stats = dns.stats();
    expect(stats.started).toBeGreaterThan(8);
    expect(stats.failed.nxdomain).toBe(stats.started);
    expect(server.queries).toHaveLength(stats.started);
    expect(server.maxPending).toBe(8);
  });

  it('fills the cache with an answer that arrives after waitMs', async () => {
    const { server, dns } = await setup({ names: NAMES, delays: { [V6_PTR]: 400 } });
    await dns.prefetch([V6], { waitMs: 50 });
    expect(dns.cached(V6)).toBeUndefined();
    expect(dns.stats().inFlight).toBe(1);
    await until(() => dns.stats().inFlight === 0, 5000);
    expect(dns.cached(V6)).toBe('www.example.net');
    expect(server.queries).toEqual([V6_PTR]);
  });

  it('records a timeout as a failure, cached as null, after `tries` queries', async () => {
    const { server, dns } = await setup({ names: NAMES, silent: [V4_PTR] }, { timeoutMs: 200, tries: 2 });
    await dns.prefetch([V4], { waitMs: 10_000 });
    expect(dns.cached(V4)).toBeNull();
    expect(dns.stats()).toMatchObject({
      started: 1,
      answered: 0,
      failed: { timeout: 1, nxdomain: 0, other: 0 },
    });
    expect(server.queries).toEqual([V4_PTR, V4_PTR]);
  });

  it('looks up nothing that is not an IP address or that skip refuses', async () => {
    const { server, dns } = await setup({ names: NAMES }, { skip: (ip) => ip.startsWith('10.') });
    await dns.prefetch(['example.com', '', '10.0.0.1', '1.2.3', '10.0.0.1', V4], { waitMs: 5000 });
    expect(server.queries).toEqual([V4_PTR]);
    expect(dns.stats()).toMatchObject({ started: 1, skipped: 4 }); // 10.0.0.1 twice counts once
    expect(dns.cached('10.0.0.1')).toBeUndefined();
  });

  it('close() cancels lookups in flight, caches nothing for them and starts no more', async () => {
    const { server, dns } = await setup({ names: NAMES, silent: [V4_PTR] }, { timeoutMs: 5000 });
    await dns.prefetch([V4], { waitMs: 0 });
    expect(dns.stats().inFlight).toBe(1);
    await dns.close();
    expect(dns.stats()).toMatchObject({ started: 1, cancelled: 1, inFlight: 0, cached: 0 });
    expect(dns.cached(V4)).toBeUndefined();
    await dns.prefetch([V6], { waitMs: 1000 });
    expect(dns.stats().started).toBe(1);
    expect(server.queries).toEqual([V4_PTR]);
  });
});
