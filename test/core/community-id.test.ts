import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { communityId, type Flow, ipBytes, protocolNumber, sha1Base64 } from '#core';
import { python } from '../helpers/python.js';

/**
 * Community ID against the reference implementation (pycommunityid from PyPI, run in the test
 * venv) on a few hundred flows: both address families, TCP, UDP, SCTP, ICMP and ICMPv6 (paired
 * and one-way types), other protocols, both directions, seeds 0 and 1.
 */

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function flows(): { flow: Flow; seed: number }[] {
  const random = prng(7);
  const int = (n: number) => Math.floor(random() * n);
  const v4 = () => `${int(256)}.${int(256)}.${int(256)}.${int(256)}`;
  const v6 = () =>
    `2001:db8:${int(65536).toString(16)}::${int(65536).toString(16)}:${int(65536).toString(16)}`;
  const out: { flow: Flow; seed: number }[] = [
    // The spec's own example pair, and equal addresses where the ports decide.
    { flow: { srcIp: '10.0.0.1', dstIp: '127.0.0.1', proto: 6, srcPort: 1234, dstPort: 80 }, seed: 0 },
    { flow: { srcIp: '127.0.0.1', dstIp: '10.0.0.1', proto: 6, srcPort: 80, dstPort: 1234 }, seed: 0 },
    { flow: { srcIp: '10.0.0.1', dstIp: '10.0.0.1', proto: 17, srcPort: 53, dstPort: 5353 }, seed: 0 },
    { flow: { srcIp: '::ffff:192.0.2.1', dstIp: '2001:db8::1', proto: 6, srcPort: 1, dstPort: 2 }, seed: 0 },
  ];
  for (let i = 0; i < 300; i++) {
    const six = random() < 0.4;
    const proto = [6, 17, 132, 1, 58, 47][int(6)] as number;
    const icmp = proto === 1 || proto === 58;
    const type = icmp ? [0, 8, 3, 11, 13, 14, 128, 129, 135, 136, 1, 2][int(12)] : undefined;
    out.push({
      flow: {
        srcIp: six ? v6() : v4(),
        dstIp: six ? v6() : v4(),
        proto,
        ...(proto === 47
          ? {}
          : { srcPort: icmp ? (type as number) : int(65536), dstPort: icmp ? int(16) : int(65536) }),
      },
      seed: int(2),
    });
  }
  return out;
}

const REFERENCE = `
import sys, json, communityid
out = []
for f, seed in json.loads(sys.stdin.read() if False else sys.argv[1]):
    cid = communityid.CommunityID(seed=seed)
    p = f['proto']
    if p in (6, 17, 132):
        t = communityid.FlowTuple(p, f['srcIp'], f['dstIp'], f['srcPort'], f['dstPort'])
    elif p in (1, 58):
        t = communityid.FlowTuple(p, f['srcIp'], f['dstIp'], f['srcPort'], f['dstPort'])
    else:
        t = communityid.FlowTuple(p, f['srcIp'], f['dstIp'])
    out.append(cid.calc(t))
print(json.dumps(out))
`;

describe('Community ID', () => {
  it('matches the reference implementation (pycommunityid 1.5.0) on 304 flows', async () => {
    const cases = flows();
    const expected = JSON.parse(
      await python(REFERENCE, JSON.stringify(cases.map((c) => [c.flow, c.seed]))),
    ) as string[];
    const got = cases.map((c) => communityId(c.flow, c.seed));
    expect(got).toEqual(expected);
  });

  it('hashes both directions of a flow alike', () => {
    const a = communityId({ srcIp: '10.0.0.1', dstIp: '127.0.0.1', proto: 6, srcPort: 1234, dstPort: 80 });
    const b = communityId({ srcIp: '127.0.0.1', dstIp: '10.0.0.1', proto: 6, srcPort: 80, dstPort: 1234 });
    expect(a).toBe(b);
    expect(a).toMatch(/^1:[A-Za-z0-9+/]{27}=$/);
  });

  it('gives undefined for what is not a flow', () => {
    expect(
      communityId({ srcIp: 'host', dstIp: '10.0.0.1', proto: 6, srcPort: 1, dstPort: 2 }),
    ).toBeUndefined();
    expect(
      communityId({ srcIp: '10.0.0.1', dstIp: '::1', proto: 6, srcPort: 1, dstPort: 2 }),
    ).toBeUndefined();
    expect(communityId({ srcIp: '10.0.0.1', dstIp: '10.0.0.2', proto: 6 })).toBeUndefined();
  });

  it('reads addresses and protocol names', () => {
    expect([...(ipBytes('::ffff:1.2.3.4') ?? [])].slice(10)).toEqual([255, 255, 1, 2, 3, 4]);
    expect(ipBytes('2001:db8::1')?.length).toBe(16);
    expect(protocolNumber('TCP')).toBe(6);
    expect(protocolNumber('ipv6-icmp')).toBe(58);
    expect(protocolNumber('17')).toBe(17);
    expect(protocolNumber('dns')).toBeUndefined();
  });

  it('hashes one block exactly as node:crypto does, for every length it accepts', () => {
    const random = prng(11);
    for (let length = 0; length <= 55; length++) {
      for (let round = 0; round < 20; round++) {
        const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
        expect(sha1Base64(bytes, length)).toBe(createHash('sha1').update(bytes).digest('base64'));
      }
    }
    expect(() => sha1Base64(new Uint8Array(56), 56)).toThrow(RangeError);
  });

  it('reads IPv4 addresses exactly as node:net accepts them', () => {
    const texts = [
      '0.0.0.0',
      '255.255.255.255',
      '1.2.3.4',
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '1..2.3',
      '1.2.3.4 ',
      ' 1.2.3.4',
      '1.2.3.-4',
      '10.0.0.00',
      '100.200.250.199',
      'a.b.c.d',
    ];
    for (const text of texts) {
      const bytes = ipBytes(text);
      expect(bytes?.length === 4, text).toBe(isIPv4(text));
      if (bytes?.length === 4) expect([...bytes].join('.')).toBe(text);
    }
  });
});
