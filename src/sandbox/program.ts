// What kind of program the code is: an ES module (import/export syntax) or a script (plain or CommonJS).
import { init, parse } from "es-module-lexer";
import { kindOfBrokenCode } from "../diagnose/ast.js";
import type { ProgramKind } from "./environment.js";

const ready = init;

export async function detectKind(code: string): Promise<ProgramKind> {
  await ready;
  try {
    return parse(code)[3] ? "module" : "script";
  } catch {
    return kindOfBrokenCode(code);
  }
}
