// Remembered TypeScript transforms, and who may share them.
//
// A cache hit is measurably faster than a transform, so a cache shared by two tenants tells one of them what the
// other's files hold: write a guess to the path the other imports, time the import, and a hit confirms the guess. A
// cache is therefore never shared beyond one sandbox: each createSandbox() has its own (its runs and sessions share
// it, on whichever thread they run; each worker thread of its pool keeps one), and a top-level run() gets a cache of
// its own that ends with the run. Within a sandbox the tenant is the same, so a hit tells it nothing it did not write.
//
// Memory is bounded by the bytes the entries hold: key (which includes the source text), output and source map
// text, at two bytes a character (strings are at most UTF-16), plus a fixed overhead per entry. The source map is
// kept as its JSON text; a run decodes it (much larger, about 20 bytes per character of mappings) only for itself,
// when it maps a position back. Least recently used entries are evicted first; an entry larger than a quarter of the
// bound is not kept.

/** A transform's result: the code and its source map's JSON text (none when nothing was transformed). */
export interface Transformed {
  code: string;
  map: string | undefined;
}

/** Default bound of one cache. */
export const TRANSFORM_CACHE_BYTES = 16 * 1024 * 1024;
const ENTRY_OVERHEAD_BYTES = 128;

interface Entry {
  done: Transformed;
  bytes: number;
}

export class TransformCache {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(readonly maxBytes = TRANSFORM_CACHE_BYTES) {}

  /** The bytes the entries hold, as accounted. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): Transformed | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    // Refresh the entry's place in the insertion order (least recently used goes first).
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.done;
  }

  set(key: string, done: Transformed): void {
    const bytes = entryBytes(key, done);
    if (bytes > this.maxBytes / 4) return;
    const old = this.#entries.get(key);
    if (old) {
      this.#entries.delete(key);
      this.#bytes -= old.bytes;
    }
    for (const [oldKey, entry] of this.#entries) {
      if (this.#bytes + bytes <= this.maxBytes) break;
      this.#entries.delete(oldKey);
      this.#bytes -= entry.bytes;
    }
    this.#entries.set(key, { done, bytes });
    this.#bytes += bytes;
  }
}

function entryBytes(key: string, done: Transformed): number {
  return 2 * (key.length + done.code.length + (done.map?.length ?? 0)) + ENTRY_OVERHEAD_BYTES;
}
