// Guest `node:crypto`: hashing, HMAC and randomness computed on the host (op "hash", "hmac", "randomBytes"), with
// Node's API shapes. Bytes cross as ArrayBuffers.
import type { Op } from "../../../guest/types.js";

type Bytes = Uint8Array & { toString(encoding?: string): string };
type BufferCtor = {
  from(data: ArrayBuffer | string | Uint8Array, encoding?: string): Bytes;
  concat(list: Uint8Array[]): Bytes;
};

const HASHES = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

function notSupported(algorithm: string): Error {
  const error = new Error(`Digest method not supported: ${algorithm}`);
  Object.defineProperty(error, "code", { value: "ERR_CRYPTO_INVALID_DIGEST", enumerable: true });
  return error;
}

export function create(op: Op, load: (id: string) => unknown) {
  const { Buffer } = load("buffer") as { Buffer: BufferCtor };
  const toBuffer = (data: unknown, encoding?: string): Bytes => {
    if (typeof data === "string") return Buffer.from(data, encoding ?? "utf8");
    if (ArrayBuffer.isView(data))
      return Buffer.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (data instanceof ArrayBuffer) return Buffer.from(new Uint8Array(data));
    throw new TypeError(
      'The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView',
    );
  };
  const exact = (bytes: Uint8Array): ArrayBuffer =>
    (bytes.buffer as ArrayBuffer).slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const output = (result: unknown, encoding?: string) => {
    const buffer = Buffer.from(result as ArrayBuffer);
    return encoding && encoding !== "buffer" ? buffer.toString(encoding) : buffer;
  };

  class Hash {
    readonly #chunks: Uint8Array[] = [];
    #done = false;
    constructor(
      readonly algorithm: string,
      readonly key?: Uint8Array,
    ) {
      if (!HASHES.includes(algorithm.toLowerCase().replace("-", ""))) throw notSupported(algorithm);
    }
    update(data: unknown, encoding?: string): this {
      if (this.#done)
        throw Object.assign(new Error("Digest already called"), { code: "ERR_CRYPTO_HASH_FINALIZED" });
      this.#chunks.push(toBuffer(data, encoding));
      return this;
    }
    digest(encoding?: string) {
      if (this.#done)
        throw Object.assign(new Error("Digest already called"), { code: "ERR_CRYPTO_HASH_FINALIZED" });
      this.#done = true;
      const data = exact(Buffer.concat(this.#chunks));
      const algorithm = this.algorithm.toLowerCase().replace("-", "");
      const result = this.key ? op("hmac", algorithm, exact(this.key), data) : op("hash", algorithm, data);
      return output(result, encoding);
    }
    copy(): Hash {
      const copy = new Hash(this.algorithm, this.key);
      for (const chunk of this.#chunks) copy.update(chunk);
      return copy;
    }
  }

  const randomBytes = (size: number, callback?: (error: unknown, bytes?: Bytes) => void) => {
    if (!Number.isInteger(size) || size < 0 || size > 2 ** 31 - 1) {
      throw new RangeError(`The value of "size" is out of range. Received ${size}`);
    }
    const bytes = Buffer.from(op("randomBytes", size) as ArrayBuffer);
    if (callback) {
      queueMicrotask(() => callback(null, bytes));
      return undefined;
    }
    return bytes;
  };
  const randomFill = <T extends ArrayBufferView>(view: T): T => {
    const target = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    target.set(new Uint8Array(op("randomBytes", view.byteLength) as ArrayBuffer));
    return view;
  };
  const randomUUID = () => {
    const b = new Uint8Array(op("randomBytes", 16) as ArrayBuffer);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const randomInt = (min: number, max?: number) => {
    if (max === undefined) [min, max] = [0, min];
    const range = max - min;
    if (!Number.isSafeInteger(range) || range <= 0)
      throw new RangeError('The "max" argument must be greater than "min"');
    const b = new Uint8Array(op("randomBytes", 6) as ArrayBuffer);
    let n = 0;
    for (const x of b) n = n * 256 + x;
    return min + (n % range);
  };

  return {
    createHash: (algorithm: string) => new Hash(algorithm),
    createHmac: (algorithm: string, key: unknown) => new Hash(algorithm, toBuffer(key)),
    getHashes: () => HASHES.slice(),
    randomBytes,
    randomFillSync: randomFill,
    randomUUID,
    randomInt,
    getRandomValues: randomFill,
    timingSafeEqual(a: ArrayBufferView, b: ArrayBufferView) {
      if (a.byteLength !== b.byteLength) {
        throw Object.assign(new RangeError("Input buffers must have the same byte length"), {
          code: "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH",
        });
      }
      const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      let diff = 0;
      for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
      return diff === 0;
    },
    get webcrypto() {
      return (globalThis as { crypto?: unknown }).crypto;
    },
    get subtle() {
      return (globalThis as { crypto?: { subtle?: unknown } }).crypto?.subtle;
    },
  };
}
