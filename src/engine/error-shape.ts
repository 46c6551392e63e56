// What a host error becomes in the guest: its name and message (plus Node-style fields such as code and errno),
// never its stack, cause or any other host detail.
import type { ErrorShape } from "./guest-api.js";

const NODE_FIELDS = ["code", "errno", "syscall", "path", "dest"];

export function errorShape(error: unknown): ErrorShape {
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
