// Node-only pieces behind small interfaces: where the engine's .wasm bytes come from, and crypto primitives.
import { createRequire } from "node:module";
import type { CryptoBackend } from "../capabilities/crypto/host.js";

export { loadWasmBytes } from "./wasm-bytes.js";

const require = createRequire(import.meta.url);
let crypto: typeof import("node:crypto") | undefined;
/** Node's crypto, loaded on first use: most runs never hash nor draw random bytes, and loading it takes ~5 ms. */
const nodeCryptoModule = () => {
  crypto ??= require("node:crypto") as typeof import("node:crypto");
  return crypto;
};

/** Digests, HMACs and random bytes from Node's crypto. */
export const nodeCrypto: CryptoBackend = {
  hash: (algorithm, data) => nodeCryptoModule().createHash(algorithm).update(data).digest(),
  hmac: (algorithm, key, data) => nodeCryptoModule().createHmac(algorithm, key).update(data).digest(),
  randomBytes: (size) => nodeCryptoModule().randomBytes(size),
};
