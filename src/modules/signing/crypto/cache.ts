// A small bounded cache: least recently used entries go first once `maxEntries` is reached, and
// with a `ttlMs` every entry expires that long after it was stored (not after its last use, so a
// busy key is still dropped and re-made on schedule). Expiry is checked against `now()` on every
// read; with `sweep: true` an unref'd timer also removes each entry when it expires, so nothing
// outlives its TTL just because nobody asked for it again (the key cache relies on that).

export interface TtlLruOptions {
  maxEntries: number;
  /** Lifetime of an entry from when it was stored; Infinity (the default) = until evicted. */
  ttlMs?: number;
  /** Clock in ms (tests inject one); defaults to Date.now. */
  now?: () => number;
  /** Remove entries with a timer when they expire, not only when read. */
  sweep?: boolean;
}

interface Entry<V> {
  value: V;
  expires: number;
  timer?: NodeJS.Timeout;
}

export class TtlLru<K, V> {
  private readonly map = new Map<K, Entry<V>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly sweep: boolean;

  constructor(opts: TtlLruOptions) {
    this.maxEntries = Math.max(0, Math.floor(opts.maxEntries));
    this.ttlMs = opts.ttlMs ?? Infinity;
    this.now = opts.now ?? Date.now;
    this.sweep = opts.sweep ?? false;
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (this.now() >= e.expires) {
      this.delete(key);
      return undefined;
    }
    this.map.delete(key); // re-insert: Map order is the recency order
    this.map.set(key, e);
    return e.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    if (this.maxEntries === 0 || this.ttlMs <= 0) return;
    const e: Entry<V> = { value, expires: this.now() + this.ttlMs };
    if (this.sweep && this.ttlMs <= 0x7fffffff) { // setTimeout's limit; longer TTLs expire on read only
      e.timer = setTimeout(() => this.map.get(key) === e && this.delete(key), this.ttlMs);
      e.timer.unref();
    }
    this.map.set(key, e);
    while (this.map.size > this.maxEntries) this.delete(this.map.keys().next().value as K);
  }

  delete(key: K): boolean {
    const e = this.map.get(key);
    if (!e) return false;
    if (e.timer) clearTimeout(e.timer);
    return this.map.delete(key);
  }

  clear(): void {
    for (const k of [...this.map.keys()]) this.delete(k);
  }
}
