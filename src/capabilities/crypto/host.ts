// Host half of crypto: digests, HMACs and random bytes for the guest's node:crypto and Web Crypto. The primitives
// come from the platform (Node's crypto here) through a small interface.
import type { GuestApi } from "../../engine/guest-api.js";

export interface CryptoBackend {
  hash(algorithm: string, data: Uint8Array): Uint8Array;
  hmac(algorithm: string, key: Uint8Array, data: Uint8Array): Uint8Array;
  randomBytes(size: number): Uint8Array;
}

const ALGORITHMS = new Set(["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]);
/** One call gives at most this many random bytes (Web Crypto allows 65,536 per call; Node code asks for more). */
const MAX_RANDOM_BYTES = 16 * 1024 * 1024;

export function installCryptoOps(guest: GuestApi, backend: CryptoBackend): void {
  const ctx = guest.ctx;
  const bytes = (handle: Parameters<typeof ctx.getArrayBuffer>[0]): Uint8Array => {
    const view = ctx.getArrayBuffer(handle);
    try {
      return view.value.slice();
    } finally {
      view.dispose();
    }
  };
  const out = (data: Uint8Array) =>
    ctx.newArrayBuffer(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const algorithm = (handle: Parameters<typeof ctx.getString>[0]) => {
    const name = ctx.getString(handle).toLowerCase().replace("-", "");
    if (!ALGORITHMS.has(name)) throw new Error(`Digest method not supported: ${name}`);
    return name;
  };
  guest.registerOp("hash", (alg, data) => out(backend.hash(algorithm(alg!), bytes(data!))));
  guest.registerOp("hmac", (alg, key, data) => out(backend.hmac(algorithm(alg!), bytes(key!), bytes(data!))));
  guest.registerOp("randomBytes", (size) => {
    const n = ctx.getNumber(size!);
    if (!Number.isInteger(n) || n < 0 || n > MAX_RANDOM_BYTES) {
      throw new RangeError(`randomBytes: size must be an integer from 0 to ${MAX_RANDOM_BYTES}`);
    }
    return out(backend.randomBytes(n));
  });
}
