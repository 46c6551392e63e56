// What a host error becomes in the guest: its name and message (plus Node-style fields such as code and errno),
// never its stack, cause or any other host detail.
import type { ErrorShape } from "./guest-api.js";

const NODE_FIELDS = ["code", "errno", "syscall", "path", "dest"];

/** A host function's failure already shaped for the guest (its message redacted as the run asked). */
export class HostFunctionError extends Error {
  constructor(readonly shape: ErrorShape) {
    super(shape.message);
  }
}

export function errorShape(error: unknown): ErrorShape {
  if (error instanceof HostFunctionError) return error.shape;
  if (!(error instanceof Error)) {
    return {
      name: "Error",
      message: typeof error === "string" ? error : `host function failed: ${String(error)}`,
    };
  }
  const name = typeof error.name === "string" && error.name ? error.name : "Error";
  const shape: ErrorShape = { name, message: String(error.message) };
  const fields = error as unknown as Record<string, unknown>;
  const extra: Record<string, string | number> = {};
  for (const key of NODE_FIELDS) {
    const value = fields[key];
    if (typeof value === "string" || typeof value === "number") extra[key] = value;
  }
  if (Object.keys(extra).length > 0) shape.extra = extra;
  return shape;
}

/** Host absolute paths (POSIX with a directory, Windows drive paths) and file: URLs. */
const HOST_PATH =
  /file:\/\/[^\s'"`)\]]*|(?<![\w.:/@~-])\/(?:[\w.@~+%-]+\/)+[\w.@~+%-]*|\b[A-Za-z]:\\[^\s'"`)]*/g;

/** `text` with host absolute paths and file: URLs replaced by `<host path>`. */
export function redactHostPaths(text: string): string {
  return text.replace(HOST_PATH, "<host path>");
}

/**
 * What an error thrown by a host function becomes in the guest: `errorShape`, with host paths redacted from the
 * message and Node-style fields unless the host asked for `verbatim`.
 */
export function hostErrorShape(error: unknown, mode: "redact" | "verbatim"): ErrorShape {
  const shape = errorShape(error);
  if (mode === "verbatim") return shape;
  shape.message = redactHostPaths(shape.message);
  if (shape.extra) {
    for (const [key, value] of Object.entries(shape.extra)) {
      if (typeof value === "string") shape.extra[key] = redactHostPaths(value);
    }
  }
  return shape;
}
