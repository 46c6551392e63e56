// What the tools tell the model about the environment, built from the operator's actual configuration: the program
// kinds and how a value comes back, the built-ins, the packages and hosts granted (or that there are none), the
// limits in force and the gaps a model would otherwise walk into.
import type { OperatorConfig } from "../operator/config.js";

/** The Node built-ins a program can import or require (a test requires each of them in the sandbox). */
export const NODE_BUILTINS = [
  "fs",
  "fs/promises",
  "path",
  "buffer",
  "events",
  "util",
  "url",
  "querystring",
  "string_decoder",
  "assert",
  "timers",
  "timers/promises",
  "stream",
  "stream/promises",
  "readline",
  "crypto",
  "os",
  "process",
  "module",
];

/** Web globals a program can use (a test checks each is defined in the sandbox). */
export const WEB_GLOBALS = [
  "fetch",
  "URL",
  "URLSearchParams",
  "TextEncoder",
  "TextDecoder",
  "atob",
  "btoa",
  "structuredClone",
  "AbortController",
  "Blob",
  "Headers",
  "Request",
  "Response",
  "crypto",
  "Buffer",
  "setTimeout",
  "queueMicrotask",
];

/** Modules that do not exist in the sandbox and that models often reach for. */
export const MISSING = ["Intl", "zlib", "child_process", "http", "net", "worker_threads"];

function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

export function describeEnvironment(config: OperatorConfig): string {
  const hosts = config.network.allow;
  const mounts = config.mounts;
  return [
    "Environment: QuickJS (ES2023) in WebAssembly, not Node, but with Node's APIs below; nothing of the host is visible.",
    "How a value comes back: an ES module (import/export; top-level await works) returns its default export (`export default await main()`); a plain script returns its last expression; CommonJS returns module.exports. console.log output comes back as stdout. With `input`, a function value is called with it.",
    `Node built-ins (import or require, with or without node:): ${NODE_BUILTINS.join(", ")}. os is virtual.`,
    `Web globals: ${WEB_GLOBALS.join(", ")}.`,
    `Not available: ${MISSING.join(", ")} (Intl is missing: toLocaleString() does not group digits; format numbers and dates by hand).`,
    config.packages.length > 0
      ? `npm packages: only ${config.packages.join(", ")} (granted by the operator); any other package import fails.`
      : "npm packages: none; importing a package fails (write the code yourself, or use the built-ins).",
    hosts.length > 0
      ? `Network: fetch may reach only ${hosts.join(", ")}; any other host is refused.`
      : "Network: off; fetch fails for every host.",
    mounts.length > 0
      ? `Files: an in-memory filesystem at /, plus host directories ${mounts.map((m) => `${m.guestPath} (${m.readOnly ? "read-only" : "read-write"})`).join(", ")}.`
      : "Files: an in-memory filesystem at / (give files with `files`; files the run writes come back in files_changed).",
    `Limits per run: ${config.timeoutMs} ms wall clock (timeout_ms may ask for less, never more), ${mib(config.memoryLimitBytes)} of memory, ${mib(config.maxOutputBytes)} of stdout and of stderr.`,
  ].join("\n");
}

export function runJsDescription(config: OperatorConfig): string {
  return [
    "Run JavaScript or TypeScript in a fresh sandbox, or in a session from create_session (its variables, imports and files persist across calls). Markdown code fences around `code` are removed. A failed program returns isError with the error's location, a code frame and a hint; fix the code and call again.",
    'A run still going after wait_ms (default 25000 ms) returns status "running" and an execution_id: call wait with it, or cancel.',
    describeEnvironment(config),
  ].join("\n\n");
}
