// Node-only pieces behind small interfaces: where the engine's .wasm bytes come from, and crypto primitives.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { CryptoBackend } from "../capabilities/crypto/host.js";
import type { WasmBytesLoader } from "../engine/wasm-module.js";

const require = createRequire(import.meta.url);

export const loadWasmBytes: WasmBytesLoader = () =>
  readFile(require.resolve("@jitl/quickjs-ng-wasmfile-release-sync/wasm"));

/** Digests, HMACs and random bytes from Node's crypto. */
export const nodeCrypto: CryptoBackend = {
  hash: (algorithm, data) => createHash(algorithm).update(data).digest(),
  hmac: (algorithm, key, data) => createHmac(algorithm, key).update(data).digest(),
  randomBytes: (size) => randomBytes(size),
};
