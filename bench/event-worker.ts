import { parentPort, workerData } from 'node:worker_threads';
import { type EventOptions, eventLines } from './data.js';

/**
 * Worker thread: the generator's JSON lines for `workerData.count` events, sent back as ~1 MiB
 * pieces of NDJSON (ArrayBuffers, transferred, not copied), each ending on a line boundary.
 * The query case writes its table batch by batch and has the next batch generated here while
 * the current one is appended; the main thread then parses the lines (`parseEventPieces`).
 */

const PIECE_CHARS = 1 << 20;
const { count, options } = workerData as { count: number; options: EventOptions };
const encoder = new TextEncoder();
const pieces: Uint8Array[] = [];
let text = '';
eventLines(count, options, (line) => {
  text += `${line}\n`;
  if (text.length >= PIECE_CHARS) {
    pieces.push(encoder.encode(text));
    text = '';
  }
});
if (text !== '') pieces.push(encoder.encode(text));
parentPort?.postMessage(
  pieces,
  pieces.map((p) => p.buffer as ArrayBuffer),
);
