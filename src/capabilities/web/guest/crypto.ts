// Guest bundle "crypto": crypto.getRandomValues, crypto.randomUUID and crypto.subtle.digest, backed by the host.
import { bytesOf, domError, need, named, type Op } from "./types.js";

const INTEGER_ARRAYS = /^(Big)?(Ui|I)nt(8|16|32|64)(Clamped)?Array$/;
const DIGESTS = ["SHA-1", "SHA-256", "SHA-384", "SHA-512"];

export function create(op: Op) {
  const random = (n: number): Uint8Array => new Uint8Array(op("randomBytes", n) as ArrayBuffer);

  class SubtleCrypto {
    digest(algorithm: string | { name: string }, data: ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer> {
      return new Promise((resolve) => {
        // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
        need(arguments.length, 2, "SubtleCrypto.digest");
        const name = `${typeof algorithm === "object" && algorithm !== null ? algorithm.name : algorithm}`;
        const normalized = DIGESTS.find((d) => d.toLowerCase() === name.toLowerCase());
        if (!normalized) throw domError("Unrecognized algorithm name", "NotSupportedError");
        const bytes = bytesOf(data);
        if (!bytes)
          throw new TypeError("Failed to execute 'digest' on 'SubtleCrypto': data is not a BufferSource");
        resolve(
          Promise.resolve(op("hash", normalized, bytes.slice().buffer)).then(
            (digest) => digest as ArrayBuffer,
          ),
        );
      });
    }
  }
  const subtle = new SubtleCrypto();

  class Crypto {
    get subtle(): SubtleCrypto {
      return subtle;
    }
    getRandomValues<T extends ArrayBufferView | null>(array: T): T {
      // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
      need(arguments.length, 1, "Crypto.getRandomValues");
      if (!ArrayBuffer.isView(array)) {
        throw new TypeError(
          "Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not an ArrayBufferView",
        );
      }
      if (!INTEGER_ARRAYS.test(Object.prototype.toString.call(array).slice(8, -1))) {
        throw domError("The data argument must be an integer-type TypedArray", "TypeMismatchError");
      }
      const n = array.byteLength;
      if (n > 65536) {
        throw domError(
          `The ArrayBufferView's byte length (${n}) exceeds the number of bytes of entropy available via this API (65536)`,
          "QuotaExceededError",
        );
      }
      new Uint8Array(array.buffer, array.byteOffset, n).set(random(n).subarray(0, n));
      return array;
    }
    randomUUID(): string {
      const b = random(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const hex = Array.from(b.subarray(0, 16), (x) => (x < 16 ? "0" : "") + x.toString(16)).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
  }
  named({ Crypto, SubtleCrypto });
  return { crypto: new Crypto() };
}
