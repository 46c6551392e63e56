// Node-only pieces behind small interfaces: where the engine's .wasm bytes come from, and crypto primitives.
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { CryptoBackend } from "../capabilities/crypto/host.js";

export { loadWasmBytes } from "./wasm-bytes.js";

/** Digests, HMACs and random bytes from Node's crypto. */
export const nodeCrypto: CryptoBackend = {
  hash: (algorithm, data) => createHash(algorithm).update(data).digest(),
  hmac: (algorithm, key, data) => createHmac(algorithm, key).update(data).digest(),
  randomBytes: (size) => randomBytes(size),
};
