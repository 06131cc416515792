/**
 * Recent answers by address, bounded, in O(1): two generations of up to `max / 2` addresses. A
 * hit in the older one copies the answer into the newer; when the newer fills, it becomes the
 * older and the older is dropped. An address looked up again before `max / 2` other new ones is
 * always kept, and at most `max` are — an LRU's promise within a factor of two.
 *
 * Not the usual Map LRU (delete the first key when full): V8 leaves deleted entries as holes at
 * the front of a Map until it rehashes, and each `keys().next()` walks over them all — measured
 * at ~28 µs per new address with 65 536 entries, against ~0.5 µs here.
 */
export class RecentAnswers<V> {
  private newer = new Map<string, V | null>();
  private older = new Map<string, V | null>();

  constructor(private readonly max: number) {}

  /** The answer kept for `ip` — null when it was looked up and not found — or undefined. */
  get(ip: string): V | null | undefined {
    const recent = this.newer.get(ip);
    if (recent !== undefined) return recent;
    const old = this.older.get(ip);
    if (old !== undefined) this.set(ip, old);
    return old;
  }

  set(ip: string, answer: V | null): void {
    if (this.newer.size >= this.max / 2) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(ip, answer);
  }

  /** The answer for `key`: kept, or found now (and kept, a miss as null). */
  through(key: string, find: () => V | undefined): V | undefined {
    const kept = this.get(key);
    if (kept !== undefined) return kept ?? undefined;
    const found = find();
    this.set(key, found ?? null);
    return found;
  }
}
