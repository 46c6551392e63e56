// What kind of program the code is: an ES module (import/export syntax) or a script (plain or CommonJS).
import { init, parse } from "es-module-lexer";
import { kindOfBrokenCode } from "../diagnose/ast.js";
import type { ProgramKind } from "./environment.js";

// The lexer's WebAssembly, compiled off this thread as soon as this module loads (parse() before it is ready would
// compile it synchronously, on this thread). If that fails, parse() still compiles it itself.
const ready = init().catch(() => {});

export async function detectKind(code: string): Promise<ProgramKind> {
  await ready;
  try {
    return parse(code)[3] ? "module" : "script";
  } catch {
    return kindOfBrokenCode(code);
  }
}
