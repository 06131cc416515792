import { compile } from '#stellar';
import { seededRandom } from './data.js';
import { type Check, measure, type ResultRow, rate, ratio } from './report.js';

/**
 * Case 5, a threat-triage rule: a compiled 6-clause Stellar predicate (IN_SUBNET, port tests,
 * string functions, a map lookup) against the same logic written by hand in JavaScript, over
 * the same events. The bar is evaluations/s of ours ÷ the hand-written ≥ 0.5. Both
 * must give the same verdict on every event.
 */

export const TRIAGE_RULE = [
  "IN_SUBNET(ip_src_addr, '10.0.0.0/8', '192.168.0.0/16')",
  "not(IN_SUBNET(ip_dst_addr, '10.0.0.0/8', '192.168.0.0/16'))",
  '(ip_dst_port == 22 or ip_dst_port == 3389 or ip_dst_port >= 49152)',
  "TO_LOWER(protocol) in ['tcp', 'udp']",
  "not(STARTS_WITH(TO_LOWER(user_agent), 'curl'))",
  "MAP_GET(country, {'RU': 'high', 'KP': 'high', 'IR': 'high'}, 'low') == 'high'",
].join(' and ');

interface TriageEvent {
  ip_src_addr: string;
  ip_dst_addr: string;
  ip_dst_port: number;
  protocol: string;
  user_agent: string;
  country: string;
  [key: string]: unknown;
}

/** Events where each clause is true about half the time or more, so most rules run to the end. */
export function triageEvents(count: number, seed = 5150): TriageEvent[] {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const octet = () => Math.floor(random() * 256);
  return Array.from({ length: count }, () => ({
    ip_src_addr:
      random() < 0.8
        ? random() < 0.5
          ? `10.${octet()}.${octet()}.${octet()}`
          : `192.168.${octet()}.${octet()}`
        : `172.16.${octet()}.${octet()}`,
    ip_dst_addr:
      random() < 0.3
        ? `10.${octet()}.${octet()}.${octet()}`
        : `${1 + (octet() % 200)}.${octet()}.${octet()}.${octet()}`,
    ip_dst_port: pick([22, 3389, 50000, 60001, 80, 443]),
    protocol: pick(['TCP', 'udp', 'icmp', 'tcp']),
    user_agent: pick(['Mozilla/5.0', 'curl/8.4.0', 'python-requests/2.31', 'Go-http-client/1.1']),
    country: pick(['RU', 'KP', 'IR', 'US', 'NL', 'DE']),
  }));
}

/** The same rule by hand: subnets parsed once into masks, the rest inline. */
function handWritten(): (e: TriageEvent) => boolean {
  const toInt = (ip: string): number => {
    const p = ip.split('.');
    if (p.length !== 4) return -1;
    let n = 0;
    for (const part of p) {
      const x = Number(part);
      if (!(x >= 0 && x <= 255) || part === '') return -1;
      n = n * 256 + x;
    }
    return n;
  };
  const subnet = (cidr: string) => {
    const [base = '', bits = '32'] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(toInt(base) / size) * size;
    return { start, end: start + size };
  };
  const internal = [subnet('10.0.0.0/8'), subnet('192.168.0.0/16')];
  // As Metron's IN_SUBNET (commons-net): the network and broadcast addresses are not "in".
  const inInternal = (ip: string) => {
    const n = toInt(ip);
    return n >= 0 && internal.some((s) => n > s.start && n < s.end - 1);
  };
  const protocols = new Set(['tcp', 'udp']);
  const risk: Record<string, string> = { RU: 'high', KP: 'high', IR: 'high' };
  return (e) =>
    inInternal(e.ip_src_addr) &&
    !inInternal(e.ip_dst_addr) &&
    (e.ip_dst_port === 22 || e.ip_dst_port === 3389 || e.ip_dst_port >= 49152) &&
    protocols.has(e.protocol.toLowerCase()) &&
    !e.user_agent.toLowerCase().startsWith('curl') &&
    (Object.hasOwn(risk, e.country) ? risk[e.country] : 'low') === 'high';
}

export interface TriageFigures {
  events: number;
  oursMs: number;
  baselineMs: number;
  alerts: number;
}

/** Run case 5 over `count` events, `runs` timed runs each. */
export async function benchStellarTriage(
  count: number,
  runs: number,
): Promise<{ rows: ResultRow[]; checks: Check[]; figures: TriageFigures }> {
  const events = triageEvents(count);
  const rule = compile(TRIAGE_RULE, { mode: 'predicate' });
  const hand = handWritten();
  let disagree = 0;
  let alerts = 0;
  for (const e of events) {
    const a = rule.evaluate(e) === true;
    if (a !== hand(e)) disagree++;
    if (a) alerts++;
  }
  const warmUp = events.slice(0, Math.max(1, Math.floor(count / 10)));
  const input = (run: number) => (run < 0 ? warmUp : events);
  const ours = await measure({
    runs,
    run: (i) => {
      let n = 0;
      for (const e of input(i)) if (rule.evaluate(e) === true) n++;
      return n;
    },
  });
  const baseline = await measure({
    runs,
    run: (i) => {
      let n = 0;
      for (const e of input(i)) if (hand(e)) n++;
      return n;
    },
  });
  const checks: Check[] = [
    {
      name: 'stellar triage: the compiled rule and the hand-written one agree on every event',
      ok: disagree === 0 && alerts > 0 && alerts < count,
      detail: `${disagree} disagreements; ${alerts.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} events raise an alert`,
    },
  ];
  const label = `stellar triage rule, ${count.toLocaleString('en-US')} events`;
  const rows: ResultRow[] = [
    {
      case: label,
      variant: 'ours: compiled 6-clause Stellar predicate',
      medianMs: ours.median,
      runsMs: ours.runs,
      rate: rate(count, ours.median, 'evals'),
      ratio: ratio(ours.median, baseline.median),
      notes: `${alerts.toLocaleString('en-US')} alerts`,
    },
    {
      case: label,
      variant: 'baseline: the same logic hand-written in JS',
      medianMs: baseline.median,
      runsMs: baseline.runs,
      rate: rate(count, baseline.median, 'evals'),
      ratio: '1.00x (baseline)',
      notes: 'subnets parsed once; Set and object lookups',
    },
  ];
  return {
    rows,
    checks,
    figures: { events: count, oursMs: ours.median, baselineMs: baseline.median, alerts },
  };
}
