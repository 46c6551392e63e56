// `cordon run` starts compiling the engine before it loads the rest of the CLI, so the compile runs on V8's
// background threads while this thread loads the bundle. And it compiles the whole module at once: compiled lazily
// (V8's default), each engine function would compile on this thread on its first call, in the middle of the run
// (the interpreter's main loop alone takes ~20 ms). The flag is process-wide, so it is set back as soon as this one
// compile is over; the library itself never touches it.
import { setFlagsFromString } from "node:v8";
import { engineModule } from "../platform/engine-module.js";

export function startEngine(): void {
  setFlagsFromString("--no-wasm-lazy-compilation");
  const restore = () => setFlagsFromString("--wasm-lazy-compilation");
  engineModule().then(restore, restore);
}
