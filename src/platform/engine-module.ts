// The engine's compiled WebAssembly module for this thread, compiled once, on first use: run(), createSandbox() and
// pool workers share it. A module of its own, which the CLI's bundle leaves out (scripts/bundle-cli.mjs), so the
// `cordon` command can start the compile before it loads the bundle, and the bundle finds it started.
import { memoizedModule } from "../engine/wasm-module.js";
import { loadWasmBytes } from "./wasm-bytes.js";

export const engineModule = memoizedModule(loadWasmBytes);
