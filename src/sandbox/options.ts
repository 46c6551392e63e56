// Run options: their defaults, and the checks that turn host misuse into a TypeError naming the option.
import type { FileTree, MountSpec } from "../capabilities/fs/vfs.js";
import type { NetOptions } from "../capabilities/net/transport.js";
import { PROVIDED_BUILTINS } from "../capabilities/modules/builtins.js";
import { MIN_CELL_BYTES } from "../engine/cell.js";
import { encode } from "../engine/codec.js";
import { InvalidOptionError } from "../errors.js";
import { checkDeterministic, type Deterministic, type DeterministicOptions } from "./deterministic.js";

export interface RunOptions {
  /** Wall-clock budget for the whole run, host calls and waiting included. Default 5000. */
  timeoutMs?: number;
  /** Bytes of engine memory (a bounded WebAssembly memory; at least 16 MiB). Default 64 MiB. */
  memoryLimitBytes?: number;
  /** Engine stack; overflow is a catchable RangeError in the guest. Default 512 KiB. */
  stackSizeBytes?: number;
  /** Cap on each of stdout and stderr, in UTF-8 bytes. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Cap on the copied result value, and separately on the bytes of the files returnFiles gives back. Default 4 MiB. */
  maxResultBytes?: number;
  /** Host function calls allowed per run. Default 10,000. */
  maxHostCalls?: number;
  /**
   * Bytes of host function arguments the host may hold for a run at once: the copied arguments of the calls in
   * progress, a pending async call's until it settles (sized like maxResultBytes). Default 64 MiB.
   */
  maxHostCallBytes?: number;
  /** Timers pending at once. Default 1,000. */
  maxTimers?: number;
  /** Values and functions placed in the guest's global scope. */
  globals?: Record<string, unknown>;
  /** The guest's process.env (strings only; the host's environment is never visible). */
  env?: Record<string, string>;
  /** When the program's value is a function, it is called with this and its awaited return is the value. */
  input?: unknown;
  /** File name used in stack traces and error locations. Default "main.js". */
  filename?: string;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  signal?: AbortSignal;
  /** Files the guest sees, rooted at "/": names to string or Uint8Array contents, or nested directories. */
  files?: FileTree;
  /** Host directories the guest sees at guestPath; read-only unless readOnly is false. */
  mounts?: MountSpec[];
  /** The guest's working directory. Default "/". */
  cwd?: string;
  /** Bytes the guest may write per run. Default 64 MiB. */
  maxFsBytes?: number;
  /** Files the in-memory tree may hold. Default 10,000. */
  maxFiles?: number;
  /**
   * What fs.readFileSync(0) and process.stdin give the guest. Default empty. A function is called once, when the
   * guest first reads stdin (inline isolation), or before the run is sent (worker and process isolation).
   */
  stdin?: string | Uint8Array | (() => string | Uint8Array);
  /** The guest's process.argv.slice(2). Default empty. */
  argv?: string[];
  /**
   * Return files created or changed by the run in RunResult.files: true for all, or glob patterns. Files of a
   * writable mount come back only when the run wrote to them. Over maxResultBytes together: ResultTooLargeError.
   */
  returnFiles?: boolean | string[];
  /** Built-in modules the guest may import (default: all that cordon provides). */
  modules?: string[];
  /** TypeScript handling: "auto" (default) by file extension, true for the entry too, false never. */
  typescript?: boolean | "auto";
  /** Network access for fetch: denied unless listed in allow. */
  network?: NetOptions;
  /** Host packages (pure JavaScript) the guest may import, mounted read-only at /node_modules/<name>. */
  packages?: string[];
  /**
   * Messages of errors thrown by host functions: "redact" (default) replaces host absolute paths and file: URLs
   * with `<host path>`; "verbatim" passes them through.
   */
  hostErrors?: "redact" | "verbatim";
  /**
   * Who the run is for, when one pool serves several tenants: runs queue fairly across tenants, and per-tenant caps
   * (the sandbox's `perTenant`) apply by this key. A non-empty string of at most 256 characters; runs without it
   * share one default tenant.
   */
  tenant?: string;
  /**
   * Reproducible runs, and no fine timing source for the guest: the guest's clocks are frozen within a run and
   * Math.random is seeded. `true` is `{ seed: 0 }` with the host's time in whole seconds. See deterministic.ts.
   */
  deterministic?: boolean | DeterministicOptions;
}

export interface ResolvedOptions {
  timeoutMs: number;
  memoryLimitBytes: number;
  stackSizeBytes: number;
  maxOutputBytes: number;
  maxResultBytes: number;
  maxHostCalls: number;
  maxHostCallBytes: number;
  maxTimers: number;
  globals: Record<string, unknown> | undefined;
  env: Record<string, string>;
  hasInput: boolean;
  input: unknown;
  filename: string;
  onStdout: ((chunk: string) => void) | undefined;
  onStderr: ((chunk: string) => void) | undefined;
  signal: AbortSignal | undefined;
  files: FileTree | undefined;
  mounts: MountSpec[] | undefined;
  cwd: string;
  maxFsBytes: number;
  maxFiles: number;
  /** The guest's stdin, read on first use. */
  stdin: () => Uint8Array;
  argv: string[];
  returnFiles: string[] | undefined;
  modules: ReadonlySet<string> | undefined;
  typescript: boolean | "auto";
  network: NetOptions;
  packages: string[];
  hostErrors: "redact" | "verbatim";
  /** The run's tenant ("" for the default tenant). */
  tenant: string;
  deterministic: Deterministic | undefined;
}

export const DEFAULTS = {
  timeoutMs: 5_000,
  memoryLimitBytes: 64 * 1024 * 1024,
  stackSizeBytes: 512 * 1024,
  maxOutputBytes: 1024 * 1024,
  maxResultBytes: 4 * 1024 * 1024,
  maxHostCalls: 10_000,
  maxHostCallBytes: 64 * 1024 * 1024,
  maxTimers: 1_000,
  maxFsBytes: 64 * 1024 * 1024,
  maxFiles: 10_000,
} as const;

const KNOWN = new Set<string>([
  ...Object.keys(DEFAULTS),
  "globals",
  "env",
  "input",
  "filename",
  "onStdout",
  "onStderr",
  "signal",
  "files",
  "mounts",
  "cwd",
  "stdin",
  "argv",
  "returnFiles",
  "modules",
  "typescript",
  "network",
  "packages",
  "hostErrors",
  "tenant",
  "deterministic",
]);

const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const MAX_MEMORY_BYTES = 2 ** 31;

function integer(options: RunOptions, name: keyof typeof DEFAULTS, min: number, max: number): number {
  const value = options[name];
  if (value === undefined) return DEFAULTS[name];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(name, `must be an integer from ${min} to ${max}; got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  return `a value of type ${typeof value}`;
}

/** The stdin option as a function giving its bytes, called at most once. */
function checkStdin(value: unknown): () => Uint8Array {
  const bytes = (data: unknown): Uint8Array => {
    if (typeof data === "string") return new TextEncoder().encode(data);
    if (data instanceof Uint8Array) return data;
    throw new InvalidOptionError(
      "stdin",
      `must be a string, a Uint8Array or a function returning one; got ${describe(data)}`,
    );
  };
  if (typeof value !== "function") {
    const data = bytes(value);
    return () => data;
  }
  let data: Uint8Array | undefined;
  return () => {
    data ??= bytes((value as () => unknown)());
    return data;
  };
}

function callback(options: RunOptions, name: "onStdout" | "onStderr"): ((chunk: string) => void) | undefined {
  const value = options[name];
  if (value !== undefined && typeof value !== "function") {
    throw new InvalidOptionError(name, `must be a function; got ${describe(value)}`);
  }
  return value;
}

function checkPackages(packages: unknown): string[] {
  if (packages === undefined) return [];
  if (!Array.isArray(packages) || !packages.every((name) => typeof name === "string")) {
    throw new InvalidOptionError("packages", `must be an array of package names; got ${describe(packages)}`);
  }
  return packages;
}

/** Every data value in `globals` must be copyable; functions and plain objects of them are fine. */
function checkGlobals(value: Record<string, unknown>, path: string, seen: Set<object>): void {
  seen.add(value);
  for (const [key, desc] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (!desc.enumerable || !("value" in desc)) continue;
    const item: unknown = desc.value;
    const itemPath = `${path}.${key}`;
    if (typeof item === "function") continue;
    if (isPlainObject(item)) {
      if (!seen.has(item)) checkGlobals(item, itemPath, seen);
      continue;
    }
    try {
      encode(item);
    } catch (error) {
      throw new InvalidOptionError(
        itemPath,
        `cannot be copied into the sandbox: ${(error as Error).message}`,
      );
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Merges sandbox defaults with per-run options and validates the result. */
export function resolveOptions(
  defaults: RunOptions | undefined,
  options: RunOptions | undefined,
): ResolvedOptions {
  for (const source of [defaults, options]) {
    if (source === undefined) continue;
    if (source === null || typeof source !== "object") {
      throw new InvalidOptionError("options", `must be an object; got ${describe(source)}`);
    }
    for (const key of Object.keys(source)) {
      if (!KNOWN.has(key))
        throw new InvalidOptionError(key, `is not a known option (known: ${[...KNOWN].join(", ")})`);
    }
  }
  const merged: RunOptions = { ...defaults, ...options };
  if (defaults?.globals && options?.globals) merged.globals = { ...defaults.globals, ...options.globals };
  if (defaults?.env && options?.env) merged.env = { ...defaults.env, ...options.env };

  const globals = merged.globals;
  if (globals !== undefined && !isPlainObject(globals)) {
    throw new InvalidOptionError(
      "globals",
      `must be a plain object of names to values; got ${describe(globals)}`,
    );
  }
  if (globals !== undefined) checkGlobals(globals, "globals", new Set());
  const env = merged.env ?? {};
  if (!isPlainObject(env))
    throw new InvalidOptionError("env", `must be a plain object of strings; got ${describe(env)}`);
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== "string")
      throw new InvalidOptionError("env", `values must be strings; env.${key} is ${describe(value)}`);
  }
  const filename = merged.filename ?? "main.js";
  if (typeof filename !== "string" || filename.length === 0 || filename.includes("\0")) {
    throw new InvalidOptionError("filename", `must be a non-empty string; got ${describe(filename)}`);
  }
  if (merged.input !== undefined) {
    try {
      encode(merged.input);
    } catch (error) {
      throw new InvalidOptionError(
        "input",
        `must be copyable with structured-clone semantics: ${(error as Error).message}`,
      );
    }
  }
  const signal = merged.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidOptionError("signal", `must be an AbortSignal; got ${describe(signal)}`);
  }
  const stdin = checkStdin(merged.stdin ?? "");
  const argv = merged.argv ?? [];
  if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === "string")) {
    throw new InvalidOptionError("argv", `must be an array of strings; got ${describe(argv)}`);
  }
  const returnFiles = merged.returnFiles;
  if (
    returnFiles !== undefined &&
    typeof returnFiles !== "boolean" &&
    !(Array.isArray(returnFiles) && returnFiles.every((p) => typeof p === "string"))
  ) {
    throw new InvalidOptionError(
      "returnFiles",
      `must be true or an array of glob patterns; got ${describe(returnFiles)}`,
    );
  }
  const modules = merged.modules;
  if (modules !== undefined) {
    if (!Array.isArray(modules))
      throw new InvalidOptionError("modules", "must be an array of built-in module names");
    for (const name of modules) {
      const bare = typeof name === "string" ? name.replace(/^node:/, "") : name;
      if (typeof bare !== "string" || !PROVIDED_BUILTINS.includes(bare)) {
        throw new InvalidOptionError(
          "modules",
          `names an unknown module ${describe(name)} (known: ${PROVIDED_BUILTINS.join(", ")})`,
        );
      }
    }
  }
  const typescript = merged.typescript ?? "auto";
  if (typescript !== true && typescript !== false && typescript !== "auto") {
    throw new InvalidOptionError("typescript", `must be true, false or "auto"; got ${describe(typescript)}`);
  }
  const hostErrors = merged.hostErrors ?? "redact";
  if (hostErrors !== "redact" && hostErrors !== "verbatim") {
    throw new InvalidOptionError("hostErrors", `must be "redact" or "verbatim"; got ${describe(hostErrors)}`);
  }
  return {
    hostErrors,
    tenant: checkTenant(merged.tenant),
    deterministic: checkDeterministic(merged.deterministic),
    files: merged.files,
    mounts: merged.mounts,
    cwd: merged.cwd ?? "/",
    maxFsBytes: integer(merged, "maxFsBytes", 0, MAX_MEMORY_BYTES * 8),
    maxFiles: integer(merged, "maxFiles", 0, 10_000_000),
    stdin,
    argv: [...argv],
    returnFiles: returnFiles === true ? [] : returnFiles === false ? undefined : returnFiles,
    modules: modules && new Set(modules.map((name) => name.replace(/^node:/, ""))),
    typescript,
    network: merged.network ?? { allow: [] },
    packages: checkPackages(merged.packages),
    timeoutMs: integer(merged, "timeoutMs", 1, MAX_TIMEOUT_MS),
    memoryLimitBytes: integer(merged, "memoryLimitBytes", MIN_CELL_BYTES, MAX_MEMORY_BYTES),
    stackSizeBytes: integer(merged, "stackSizeBytes", 16 * 1024, 64 * 1024 * 1024),
    maxOutputBytes: integer(merged, "maxOutputBytes", 0, MAX_MEMORY_BYTES),
    maxResultBytes: integer(merged, "maxResultBytes", 16, MAX_MEMORY_BYTES),
    maxHostCalls: integer(merged, "maxHostCalls", 0, Number.MAX_SAFE_INTEGER),
    maxHostCallBytes: integer(merged, "maxHostCallBytes", 0, MAX_MEMORY_BYTES * 8),
    maxTimers: integer(merged, "maxTimers", 0, 1_000_000),
    globals,
    env: { ...env } as Record<string, string>,
    hasInput: "input" in merged && merged.input !== undefined,
    input: merged.input,
    filename,
    onStdout: callback(merged, "onStdout"),
    onStderr: callback(merged, "onStderr"),
    signal,
  };
}

export const MAX_TENANT_LENGTH = 256;

/** The tenant key of a run or session ("" when none is given). */
export function checkTenant(tenant: unknown): string {
  if (tenant === undefined) return "";
  if (typeof tenant !== "string" || tenant.length === 0 || tenant.length > MAX_TENANT_LENGTH) {
    throw new InvalidOptionError(
      "tenant",
      `must be a non-empty string of at most ${MAX_TENANT_LENGTH} characters; got ${describe(tenant)}`,
    );
  }
  return tenant;
}
