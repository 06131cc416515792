/**
 * Progress on stderr for long work: a line rewritten in place on a terminal, nothing when
 * stderr is a file or pipe (logs and CI stay clean).
 */
export function progressLine(enabled = process.stderr.isTTY === true) {
  let shown = false;
  return {
    update(text: string) {
      if (!enabled) return;
      process.stderr.write(`\r\x1b[K${text}`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
