import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rebuildProfiles } from '#batch';
import { type Event, type ProfilerConfig, profilerConfigSchema, seededRandom } from '#core';
import { openLakeWriter } from '#lake';
import { ROOT } from './cli.js';

/**
 * Labelled network traffic for model tests: Zeek conn-like events from ordinary hosts over a
 * day, with scans, beacons and exfiltration bursts injected into some hosts' hours. The labels
 * name the (host, hour) periods an attack happened in — what a per-host, per-period model
 * should find.
 */

export const TRAFFIC_START = Date.parse('2026-11-02T00:00:00Z');
export const HOUR_MS = 3_600_000;

export interface Traffic {
  events: Event[];
  /** `${ip}\0${period start}` of the attacked host-periods. */
  attacks: Set<string>;
  /** The first hour's start (TRAFFIC_START unless given). */
  start: number;
  /** Hours covered, from `start`. */
  hours: number;
  hosts: string[];
}

export interface TrafficOptions {
  seed?: number;
  hosts?: number;
  hours?: number;
  /** Attacks of each kind. */
  attacks?: number;
  /** The first hour's start, epoch ms on an hour (default TRAFFIC_START). */
  start?: number;
}

/** exp of a Gaussian (Box–Muller): traffic volumes are log-normal. */
function logNormal(random: () => number, median: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return median * Math.exp(sigma * z);
}

const FAILED = ['S0', 'REJ'];
const COMMON_PORTS = [443, 443, 443, 80, 53, 22, 445, 8080];

export function labelledTraffic(options: TrafficOptions = {}): Traffic {
  const random = seededRandom(options.seed ?? 7);
  const hours = options.hours ?? 24;
  const first = options.start ?? TRAFFIC_START;
  const hostCount = options.hosts ?? 100;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hosts = Array.from({ length: hostCount }, (_, i) => `10.1.${Math.floor(i / 200)}.${(i % 200) + 10}`);
  const servers = Array.from({ length: 40 }, (_, i) => `172.16.0.${i + 1}`);
  const events: Event[] = [];
  let guid = 0;
  const conn = (
    at: number,
    src: string,
    dst: string,
    port: number,
    out: number,
    inn: number,
    state: string,
  ) => {
    events.push({
      timestamp: Math.floor(at),
      guid: `t-${guid++}`,
      'source.type': 'bro',
      protocol: 'conn',
      ip_src_addr: src,
      ip_dst_addr: dst,
      ip_dst_port: port,
      orig_bytes: Math.round(out),
      resp_bytes: Math.round(inn),
      conn_state: state,
    });
  };

  // Each host has its own level of activity and its own few servers.
  for (const host of hosts) {
    const level = logNormal(random, 30, 0.7);
    const usual = Array.from({ length: 3 + Math.floor(random() * 8) }, () => pick(servers));
    const failRate = 0.01 + 0.04 * random();
    for (let h = 0; h < hours; h++) {
      const night = h % 24 < 6;
      const n = Math.max(1, Math.round(logNormal(random, level * (night ? 0.3 : 1), 0.4)));
      for (let c = 0; c < n; c++) {
        const failed = random() < failRate;
        conn(
          first + h * HOUR_MS + random() * HOUR_MS,
          host,
          pick(usual),
          pick(COMMON_PORTS),
          failed ? 0 : logNormal(random, 900, 0.8),
          failed ? 0 : logNormal(random, 9_000, 0.9),
          failed ? pick(FAILED) : 'SF',
        );
      }
    }
  }

  const attacks = new Set<string>();
  const attackCount = options.attacks ?? 30;
  const attack = (inject: (host: string, start: number) => void) => {
    for (;;) {
      const host = pick(hosts);
      const start = first + Math.floor(random() * hours) * HOUR_MS;
      const key = `${host}\0${start}`;
      if (attacks.has(key)) continue;
      attacks.add(key);
      inject(host, start);
      return;
    }
  };
  for (let i = 0; i < attackCount; i++) {
    // A scan: hundreds of addresses and ports, mostly refused or unanswered, no data.
    attack((host, start) => {
      const n = Math.round(logNormal(random, 300, 0.4));
      for (let c = 0; c < n; c++) {
        const open = random() < 0.2;
        conn(
          start + random() * HOUR_MS,
          host,
          `192.168.${Math.floor(random() * 4)}.${Math.floor(random() * 254) + 1}`,
          1 + Math.floor(random() * 1024),
          open ? 60 : 0,
          open ? 40 : 0,
          open ? 'SF' : pick(FAILED),
        );
      }
    });
    // A beacon: one outside address, one port, every minute, small and regular.
    attack((host, start) => {
      const peer = `203.0.113.${Math.floor(random() * 254) + 1}`;
      for (let c = 0; c < 60; c++)
        conn(start + c * 60_000 + random() * 1_000, host, peer, 8443, 310, 520, 'SF');
    });
    // An exfiltration burst: a few connections out carrying far more than anyone sends.
    attack((host, start) => {
      const peer = `198.51.100.${Math.floor(random() * 254) + 1}`;
      const n = 5 + Math.floor(random() * 10);
      for (let c = 0; c < n; c++)
        conn(start + random() * HOUR_MS, host, peer, 443, logNormal(random, 3e8, 0.5), 4_000, 'SF');
    });
  }
  events.sort((a, b) => (a.timestamp as number) - (b.timestamp as number));
  return { events, attacks, start: first, hours, hosts };
}

/** The default profiler config (config/profiler.json), parsed. */
export function defaultProfilerConfig(): ProfilerConfig {
  return profilerConfigSchema.parse(JSON.parse(readFileSync(join(ROOT, 'config', 'profiler.json'), 'utf8')));
}

/** An event as the Zeek conn log line the `bro` sensor parses back into it. */
export function zeekConnLine(event: Event): string {
  return JSON.stringify({
    conn: {
      ts: (event.timestamp as number) / 1000,
      uid: event.guid,
      'id.orig_h': event.ip_src_addr,
      'id.orig_p': 40000,
      'id.resp_h': event.ip_dst_addr,
      'id.resp_p': event.ip_dst_port,
      proto: 'tcp',
      orig_bytes: event.orig_bytes,
      resp_bytes: event.resp_bytes,
      conn_state: event.conn_state,
    },
  });
}

/** A lake holding labelled traffic in its `bro` table and the default profiles, hourly, over it. */
export async function trafficLake(
  lake: string,
  options: TrafficOptions = {},
): Promise<{ traffic: Traffic; from: number; to: number }> {
  const traffic = labelledTraffic(options);
  const writer = await openLakeWriter(lake);
  try {
    await writer.append('bro', traffic.events);
  } finally {
    writer.close();
  }
  const from = traffic.start;
  const to = traffic.start + traffic.hours * HOUR_MS;
  await rebuildProfiles(lake, { config: defaultProfilerConfig(), periodMs: HOUR_MS, from, to });
  return { traffic, from, to };
}
