// The built-in modules: which Node names exist, which of them the sandbox provides, and where each comes from
// (a guest bundle, a property of another built-in, or a global).

/** Node 20's built-in module names (without the node: prefix). */
const NODE_BUILTINS = new Set([
  "assert",
  "assert/strict",
  "async_hooks",
  "buffer",
  "child_process",
  "cluster",
  "console",
  "constants",
  "crypto",
  "dgram",
  "diagnostics_channel",
  "dns",
  "dns/promises",
  "domain",
  "events",
  "fs",
  "fs/promises",
  "http",
  "http2",
  "https",
  "inspector",
  "inspector/promises",
  "module",
  "net",
  "os",
  "path",
  "path/posix",
  "path/win32",
  "perf_hooks",
  "process",
  "punycode",
  "querystring",
  "readline",
  "readline/promises",
  "repl",
  "stream",
  "stream/consumers",
  "stream/promises",
  "stream/web",
  "string_decoder",
  "sys",
  "test",
  "timers",
  "timers/promises",
  "tls",
  "trace_events",
  "tty",
  "url",
  "util",
  "util/types",
  "v8",
  "vm",
  "wasi",
  "worker_threads",
  "zlib",
]);

export interface BuiltinSpec {
  /** Guest bundle whose create(op, require) makes the module. */
  bundle?: string;
  /** Or: a property of another built-in. */
  of?: string;
  property?: string;
  /** Or: a global of the guest. */
  global?: string;
  /** The bundle's exports are the module itself (no create()). */
  raw?: boolean;
}

const PROVIDED: Record<string, BuiltinSpec> = {
  fs: { bundle: "node:fs" },
  "fs/promises": { of: "fs", property: "promises" },
  path: { bundle: "node:path" },
  "path/posix": { of: "path", property: "posix" },
  buffer: { bundle: "node:buffer" },
  events: { bundle: "node:events" },
  util: { bundle: "node:util" },
  "util/types": { of: "util", property: "types" },
  url: { bundle: "node:url" },
  querystring: { bundle: "node:querystring" },
  string_decoder: { bundle: "node:string_decoder" },
  assert: { bundle: "node:assert" },
  "assert/strict": { bundle: "node:assert-strict" },
  timers: { bundle: "node:timers" },
  "timers/promises": { bundle: "node:timers-promises" },
  stream: { bundle: "node:stream" },
  "stream/promises": { bundle: "node:stream-promises" },
  readline: { bundle: "node:readline" },
  "readline/promises": { bundle: "node:readline-promises" },
  crypto: { bundle: "node:crypto" },
  os: { bundle: "node:os" },
  process: { global: "process" },
  module: { bundle: "node:module" },
  console: { global: "console" },
  "internal:inspect": { bundle: "inspect", raw: true },
  "internal:stdin": { bundle: "process:stdin" },
};

/** Other spellings of provided modules. */
export const BUILTIN_ALIASES: Record<string, string> = { sys: "util" };

export function isNodeBuiltin(name: string): boolean {
  return NODE_BUILTINS.has(name);
}

export function builtinBundle(name: string): BuiltinSpec | undefined {
  return Object.hasOwn(PROVIDED, name) ? PROVIDED[name] : undefined;
}

/** A built-in the guest may name (the internal: ones serve other built-ins only). */
export function guestBuiltin(name: string): BuiltinSpec | undefined {
  return name.startsWith("internal:") ? undefined : builtinBundle(name);
}

export const PROVIDED_BUILTINS = Object.keys(PROVIDED).filter((name) => !name.startsWith("internal:"));
