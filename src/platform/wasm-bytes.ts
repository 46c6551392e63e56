// Where the engine's .wasm bytes come from on Node: the engine package's file.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { WasmBytesLoader } from "../engine/wasm-module.js";

const require = createRequire(import.meta.url);

export const loadWasmBytes: WasmBytesLoader = () =>
  readFile(require.resolve("@jitl/quickjs-ng-wasmfile-release-sync/wasm"));
