// What kind of program the code is: an ES module (import/export syntax) or a script (plain or CommonJS).
import { init, parse } from "es-module-lexer";
import type { ProgramKind } from "./environment.js";

const ready = init;

export async function detectKind(code: string): Promise<ProgramKind> {
  await ready;
  try {
    return parse(code)[3] ? "module" : "script";
  } catch {
    // The lexer could not read it; the engine reports the real syntax error when it compiles the script.
    return "script";
  }
}
