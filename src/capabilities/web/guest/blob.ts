// Blob and File (File API), holding their bytes in memory.
import { bytesOf, usv } from "./types.js";
import { utf8DecodeBOM, utf8Encode } from "./utf8.js";
import { BodyStream } from "./stream.js";

interface BlobOptions {
  type?: string;
  endings?: "transparent" | "native";
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const normalizeType = (type: unknown): string => {
  const t = `${type ?? ""}`;
  return /[^\x20-\x7e]/.test(t) ? "" : t.toLowerCase();
};

/** The bytes of a Blob (shared, never modified). */
export let blobBytes: (blob: Blob) => Uint8Array;

export class Blob {
  #bytes: Uint8Array;
  #type: string;
  static {
    blobBytes = (blob) => blob.#bytes;
  }

  constructor(parts: Iterable<unknown> = [], options?: BlobOptions) {
    if (typeof parts !== "object" || parts === null || !(Symbol.iterator in parts)) {
      throw new TypeError("Blob parts must be a sequence");
    }
    const native = options?.endings === "native";
    const chunks: Uint8Array[] = [];
    for (const part of parts) {
      const bytes = part instanceof Blob ? part.#bytes : bytesOf(part);
      if (bytes) chunks.push(bytes);
      else chunks.push(utf8Encode(native ? usv(part).replace(/\r\n?/g, "\n") : usv(part)));
    }
    this.#bytes = concat(chunks);
    this.#type = normalizeType(options?.type);
  }
  get size(): number {
    return this.#bytes.length;
  }
  get type(): string {
    return this.#type;
  }
  slice(start?: number, end?: number, contentType?: string): Blob {
    const size = this.#bytes.length;
    const clamp = (n: number | undefined, d: number) => {
      const x = n === undefined ? d : Math.trunc(Number(n)) || 0;
      return x < 0 ? Math.max(size + x, 0) : Math.min(x, size);
    };
    const blob = new Blob([], { type: normalizeType(contentType) });
    blob.#bytes = this.#bytes.subarray(clamp(start, 0), Math.max(clamp(start, 0), clamp(end, size)));
    return blob;
  }
  async text(): Promise<string> {
    return utf8DecodeBOM(this.#bytes);
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#bytes.slice().buffer;
  }
  async bytes(): Promise<Uint8Array> {
    return this.#bytes.slice();
  }
  stream(): BodyStream {
    return BodyStream.of(this.#bytes.slice());
  }
}

export class File extends Blob {
  readonly #name: string;
  readonly #lastModified: number;
  constructor(parts: Iterable<unknown>, name: string, options?: BlobOptions & { lastModified?: number }) {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    if (arguments.length < 2) throw new TypeError("File: the name argument is required");
    super(parts, options);
    this.#name = usv(name);
    this.#lastModified =
      options?.lastModified === undefined ? Date.now() : Math.trunc(Number(options.lastModified));
  }
  get name(): string {
    return this.#name;
  }
  get lastModified(): number {
    return this.#lastModified;
  }
}
