import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { newPacketBatch, type PacketBatch } from '#lake';

/**
 * Packets on the `pcap` topic, as Metron's pcap spout reads them: the key is the capture time
 * as an 8-byte big-endian unsigned count of microseconds, the value the packet's bytes with no
 * pcap header. Headers add what Metron left implicit: `linktype` (LINKTYPE_ number; absent
 * means Ethernet, which is what Metron's sensors sent) and `len`, the length on the wire
 * (absent means the packet was captured whole).
 */

const TWO_32 = 4_294_967_296;

/** The message for one packet. */
export function encodePacket(
  tsSec: number,
  tsNsec: number,
  len: number,
  linktype: number,
  data: Uint8Array,
): Message {
  const micros = tsSec * 1_000_000 + Math.floor(tsNsec / 1000);
  const key = Buffer.allocUnsafe(8);
  key.writeUInt32BE(Math.floor(micros / TWO_32), 0);
  key.writeUInt32BE(micros % TWO_32, 4);
  const headers: IHeaders = { linktype: String(linktype) };
  if (len !== data.length) headers.len = String(len);
  return { key, value: Buffer.from(data.buffer, data.byteOffset, data.byteLength), headers };
}

/** Why a message is not a packet, or undefined when it is one. */
export function packetProblem(message: KafkaMessage): string | undefined {
  if (message.key?.length !== 8) return 'the key is not an 8-byte timestamp (microseconds)';
  if (!message.value) return 'the message has no packet bytes';
  const linktype = header(message, 'linktype');
  if (linktype !== undefined && !/^\d+$/.test(linktype))
    return `header linktype '${linktype}' is not a number`;
  const len = header(message, 'len');
  if (len !== undefined && !/^\d+$/.test(len)) return `header len '${len}' is not a number`;
  return undefined;
}

function header(message: KafkaMessage, name: string): string | undefined {
  const v = message.headers?.[name];
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}

/** Packets of messages (each checked with {@link packetProblem} first) as a batch; `seq` is the offset. */
export function decodePackets(messages: readonly KafkaMessage[]): PacketBatch {
  const batch = newPacketBatch(messages.length);
  batch.count = messages.length;
  messages.forEach((m, i) => {
    const key = m.key as Buffer;
    const micros = key.readUInt32BE(0) * TWO_32 + key.readUInt32BE(4);
    const value = m.value as Buffer;
    batch.tsSec[i] = Math.floor(micros / 1_000_000);
    batch.tsNsec[i] = (micros % 1_000_000) * 1000;
    batch.caplen[i] = value.length;
    batch.len[i] = Number(header(m, 'len') ?? value.length);
    batch.linktype[i] = Number(header(m, 'linktype') ?? 1);
    batch.seq[i] = Number(m.offset);
    batch.data[i] = value;
  });
  return batch;
}
