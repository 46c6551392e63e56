// Run options for one fuzzed program: small limits, a file tree, host functions (sync and async) that return or
// throw odd values, and now and then returnFiles, a modules allow list, input, env, stdin or an abort signal.
import type { RunOptions } from "../src/index.js";
import type { Rng } from "./prng.js";

const MiB = 1024 * 1024;

/** What the host functions return by index: values that copy, and some that cannot. */
function oddValue(i: number): unknown {
  const cyclic: Record<string, unknown> = { name: "cyclic" };
  cyclic.self = cyclic;
  const values: unknown[] = [
    null,
    undefined,
    0,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2n ** 70n,
    "",
    "x".repeat(1000),
    "\ud800",
    [1, [2, [3, [4]]]],
    new Map<unknown, unknown>([[{ k: 1 }, new Set([1, 2])]]),
    new Date(0),
    /re+/gi,
    new Uint8Array([1, 2, 3]),
    new Error("host value"),
    cyclic,
    Object.assign(Object.create(null) as object, { a: 1 }),
    new Array(5),
    { nested: { deeper: { deepest: [true, false] } } },
    Symbol("host"),
  ];
  return values[i % values.length];
}

/** The host functions and data every fuzzed run gets (`host.*`, `config`). Deterministic. */
export function hostGlobals(): Record<string, unknown> {
  return {
    host: {
      echo: (value: unknown) => value,
      fail: (value: unknown) => {
        if (typeof value === "number" && value > 0) throw value;
        if (value === null) throw null;
        throw new Error(`host failed on ${typeof value} at /work/secret/path.js`);
      },
      later: (value: unknown, ms?: unknown) =>
        new Promise((resolve) =>
          setTimeout(() => resolve(value), typeof ms === "number" ? Math.min(ms, 50) : 0),
        ),
      reject: async (value: unknown) => {
        throw new TypeError(`rejected: ${String(typeof value === "symbol" ? "symbol" : value).slice(0, 40)}`);
      },
      odd: (i: unknown) => oddValue(typeof i === "number" && Number.isInteger(i) ? Math.abs(i) : 0),
      big: (n: unknown) => "b".repeat(typeof n === "number" && n > 0 ? Math.min(n, 8 * MiB) : 0),
    },
    config: { list: [1, "two", { three: 3 }], n: 3, nested: { a: [null, true] } },
  };
}

const FILES = {
  "data.txt": "line one\nline two\n",
  dir: { "a.json": '{"a": [1, 2, 3]}', "b.bin": new Uint8Array([0, 255, 128]), sub: {} },
  "mod.js": "module.exports = { value: 42 };",
  "esm.mjs": "export const named = 1; export default 'd';",
};

export const MODULE_NAMES = [
  "fs",
  "path",
  "buffer",
  "events",
  "util",
  "crypto",
  "os",
  "url",
  "assert",
  "timers",
];

export interface FuzzOptions {
  options: RunOptions;
  /** When set, abort the run after this many milliseconds. */
  abortAfterMs?: number;
}

/** Options for one program. `filename` is chosen by the generator (it knows whether the code is TypeScript). */
export function fuzzOptions(r: Rng, filename: string): FuzzOptions {
  const options: RunOptions = {
    filename,
    timeoutMs: r.int(50, 300),
    memoryLimitBytes: r.pick([16, 16, 17, 20, 24]) * MiB,
    stackSizeBytes: r.pick([16, 32, 64, 128, 256]) * 1024,
    maxOutputBytes: r.pick([0, 64, 1024, 4096]),
    maxHostCalls: r.int(0, 20),
    globals: hostGlobals(),
    files: FILES,
  };
  if (r.chance(0.3)) options.maxResultBytes = r.pick([16, 256, 4096, 65536]);
  if (r.chance(0.2)) options.maxTimers = r.int(0, 10);
  if (r.chance(0.2)) options.maxHostCallBytes = r.pick([0, 16, 1024, 65536]);
  if (r.chance(0.2)) options.maxFsBytes = r.pick([0, 10, 4096]);
  // Fewer than the files given would be host misuse (an InvalidOptionError); the runner sets it past those.
  if (r.chance(0.1)) options.maxFiles = r.int(0, 4);
  if (r.chance(0.3)) options.returnFiles = r.chance(0.5) ? true : ["*.txt", "dir/**"];
  if (r.chance(0.2)) {
    const n = r.int(0, 4);
    const names: string[] = [];
    for (let i = 0; i < n; i++) names.push(`${r.chance(0.5) ? "node:" : ""}${r.pick(MODULE_NAMES)}`);
    options.modules = names;
  }
  if (r.chance(0.2)) options.input = r.pick<unknown>([1, "text", [1, 2], { a: null }, null]);
  if (r.chance(0.1)) options.env = { HOME: "/home/user", FUZZ: "1" };
  if (r.chance(0.1)) options.stdin = r.chance(0.5) ? "stdin text\n" : new Uint8Array([1, 2, 3]);
  if (r.chance(0.1)) options.cwd = "/dir";
  if (r.chance(0.05)) options.typescript = r.pick<boolean | "auto">([true, false]);
  if (r.chance(0.1)) options.hostErrors = "verbatim";
  const result: FuzzOptions = { options };
  if (r.chance(0.05)) result.abortAfterMs = r.int(0, 100);
  return result;
}

/** The options as text for a reproducer: functions by name, byte arrays as arrays. */
export function describeOptions(options: RunOptions): string {
  return JSON.stringify(
    options,
    (key, value: unknown) => {
      if (typeof value === "function") return `[function ${key}]`;
      if (typeof value === "bigint") return `${value}n`;
      if (value instanceof Uint8Array) return `Uint8Array(${[...value].join(", ")})`;
      return value;
    },
    2,
  );
}
