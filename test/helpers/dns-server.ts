// A real DNS server for tests: UDP on 127.0.0.1 speaking the wire protocol (dns-packet),
// answering PTR queries from a table, NXDOMAIN for the rest, with per-name delays to play a
// slow resolver. Answers carry TTL 0 so c-ares' own cache keeps nothing and every query that
// reaches the server is one the code under test sent.

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';

const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;

export interface ServerOptions {
  /** Query name (as sent, in-addr.arpa / ip6.arpa) → PTR name. */
  names?: Record<string, string>;
  /** Delay before answering any query, ms. */
  delayMs?: number;
  /** Per-name delays, overriding delayMs. */
  delays?: Record<string, number>;
  /** Names never answered. */
  silent?: string[];
  /** Names answered SERVFAIL. */
  servfail?: string[];
}

export class TestDnsServer {
  /** Every query name received, in order. */
  readonly queries: string[] = [];
  /** Queries received and not answered yet; the most there ever were. */
  pending = 0;
  maxPending = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly socket: Socket,
    private readonly options: ServerOptions,
  ) {
    socket.on('message', (message, from) => this.answer(message, from));
  }

  static async start(options: ServerOptions = {}): Promise<TestDnsServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new TestDnsServer(socket, options);
  }

  /** `127.0.0.1:port`, as ReverseDns's `servers` takes it. */
  get address(): string {
    return `127.0.0.1:${this.socket.address().port}`;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private answer(message: Buffer, from: RemoteInfo): void {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (query.type !== 'query' || question === undefined) return;
    const name = question.name;
    this.queries.push(name);
    this.pending++;
    this.maxPending = Math.max(this.maxPending, this.pending);
    if (this.options.silent?.includes(name)) return;

    const ptr = question.type === 'PTR' ? this.options.names?.[name.toLowerCase()] : undefined;
    const rcode = this.options.servfail?.includes(name)
      ? RCODE_SERVFAIL
      : ptr === undefined
        ? RCODE_NXDOMAIN
        : 0;
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: query.questions,
      answers: ptr === undefined ? [] : [{ type: 'PTR', name, ttl: 0, data: ptr }],
    });
    const send = () => {
      this.pending--;
      this.socket.send(response, from.port, from.address);
    };
    const delay = this.options.delays?.[name] ?? this.options.delayMs ?? 0;
    if (delay === 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, delay);
    this.timers.add(timer);
  }
}
