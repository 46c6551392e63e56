// Node-only pieces behind small interfaces: where the engine's .wasm bytes come from.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { WasmBytesLoader } from "../engine/wasm-module.js";

const require = createRequire(import.meta.url);

export const loadWasmBytes: WasmBytesLoader = () =>
  readFile(require.resolve("@jitl/quickjs-ng-wasmfile-release-sync/wasm"));
