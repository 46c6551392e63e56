// The shared harness of the adversarial suite. Every case goes through `attack()`, which asserts, beyond what the
// case checks itself: the run ends with the expected outcome within its bound; the host's event loop kept turning
// (a heartbeat timer's largest gap); the host's RSS grew by less than a bound; the canaries are untouched (a secret
// host file and environment variable, the host's prototypes and globals); and a trivial run right after works.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, expect } from "vitest";
import {
  createSandbox,
  type Isolation,
  type RunOptions,
  type RunResult,
  type Sandbox,
  type SandboxOptions,
} from "../../src/index.js";

export const MiB = 1024 * 1024;
export const ISOLATIONS: Isolation[] = ["inline", "worker"];
/** Added to a run's deadline for its bound: generous, the machine is shared. Not a speed assertion. */
export const GRACE_MS = 4000;
/** The largest heartbeat gap allowed while a worker runs the guest: the host thread does no guest work. */
export const WORKER_GAP_MS = 1500;
/** Default bound on host RSS growth during one case. */
export const RSS_BOUND = 300 * MiB;

/** A secret the guest must never read: in a host file outside every mount, and in the host's environment. */
export const SECRET = `cordon-canary-${process.pid}-${Math.random().toString(36).slice(2)}`;
process.env.CORDON_SECURITY_CANARY = SECRET;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cordon-security-"));
/** A host file outside every mount the suite makes, holding SECRET. */
export const SECRET_FILE = path.join(scratch, "outside", "secret.txt");
fs.mkdirSync(path.dirname(SECRET_FILE));
fs.writeFileSync(SECRET_FILE, SECRET);

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const box of sandboxes) box.dispose();
  // Not fs.rmSync: its recursion overflows the stack on the deepest trees the cases make.
  execFileSync("rm", ["-rf", scratch]);
});

/** A fresh host directory under the suite's scratch directory (removed after the file's tests). */
export function hostDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(scratch, `${name}-`));
  return dir;
}

/** A sandbox with one worker (for "worker"), disposed after the file's tests. */
export async function sandboxFor(isolation: Isolation, options: SandboxOptions = {}): Promise<Sandbox> {
  const box = await createSandbox({ isolation, workerPool: { workers: 1 }, ...options });
  sandboxes.push(box);
  await box.run("0"); // the engine (and the worker) is up before anything is measured
  return box;
}

/** A host file whose content must not change (and, when `secret`, must not be read). */
export interface FileCanary {
  file: string;
  secret?: boolean;
}

export interface Expected {
  /**
   * `result.error.name`, or "ok" for a run that must succeed (its value checked by the case); several names when the
   * isolations legitimately differ (one detects a failure earlier than the other).
   */
  name: string | string[];
  /** Matched against `result.error.message`. */
  message?: RegExp;
}

export interface Attack {
  isolation: Isolation;
  /** The run; default `sandbox.run(code, options)`. */
  run: () => Promise<RunResult>;
  expected: Expected;
  /** The run's deadline (bound: deadline + GRACE_MS). */
  timeoutMs: number;
  /** Largest host RSS growth allowed during the case. */
  rssBound?: number;
  /** Host files that must keep their content (SECRET_FILE is always one). */
  files?: FileCanary[];
  /** The trivial run after the attack; default: `export default 6 * 7` on `sandbox`. */
  next?: () => Promise<RunResult>;
  /** The value the next run must give; default 42. */
  nextValue?: unknown;
  /** The sandbox for the default next run. */
  sandbox?: Sandbox;
  /** Extra assertions that the attack failed. */
  check?: (result: RunResult) => void | Promise<void>;
}

interface Snapshot {
  objectProto: string[];
  arrayProto: string[];
  functionProto: string[];
  globals: string[];
  env: string;
  files: Map<string, string>;
}

function names(value: object): string[] {
  return [...Object.getOwnPropertyNames(value), ...Object.getOwnPropertySymbols(value).map(String)].sort();
}

function snapshot(files: FileCanary[]): Snapshot {
  return {
    objectProto: names(Object.prototype),
    arrayProto: names(Array.prototype),
    functionProto: names(Function.prototype),
    globals: names(globalThis),
    env: JSON.stringify(process.env),
    files: new Map(files.map((f) => [f.file, readOrMissing(f.file)])),
  };
}

function readOrMissing(file: string): string {
  try {
    return fs.readFileSync(file, "latin1");
  } catch (error) {
    return `<${(error as NodeJS.ErrnoException).code}>`;
  }
}

/** Everything of a result a secret could travel in. */
function visible(result: RunResult): string {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(
    {
      value: result.value,
      error: result.error,
      stdout: result.stdout,
      stderr: result.stderr,
      files: result.files,
    },
    (_key, v: unknown) => {
      if (typeof v === "bigint") return String(v);
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
        const buffer = ArrayBuffer.isView(v) ? v.buffer : v;
        if (seen.has(buffer)) return "<seen>";
        seen.add(buffer);
        return Buffer.from(buffer as ArrayBuffer).toString("latin1");
      }
      if (v instanceof Map) return [...v.entries()];
      if (v instanceof Set) return [...v.values()];
      if (typeof v === "object" && v !== null) {
        if (seen.has(v)) return "<seen>";
        seen.add(v);
      }
      return v;
    },
  );
  return text ?? "";
}

/** Runs one attack and asserts everything the suite promises; returns the result for the case's own checks. */
export async function attack(a: Attack): Promise<RunResult> {
  const files: FileCanary[] = [{ file: SECRET_FILE, secret: true }, ...(a.files ?? [])];
  const before = snapshot(files);
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  let last = performance.now();
  let maxGap = 0;
  let beats = 0;
  const heartbeat = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    beats += 1;
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  let result: RunResult;
  try {
    result = await a.run();
  } finally {
    clearInterval(heartbeat);
  }
  const elapsed = performance.now() - started;
  maxGap = Math.max(maxGap, performance.now() - last);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const summary = `${result.ok ? "ok" : `${result.error?.name}: ${result.error?.message?.slice(0, 300)}`}`;

  // The outcome, within its bound.
  const names = Array.isArray(a.expected.name) ? a.expected.name : [a.expected.name];
  if (names.includes("ok")) expect(result.error, summary).toBeUndefined();
  else expect(names, summary).toContain(result.error?.name);
  if (a.expected.message) expect(result.error?.message ?? "", summary).toMatch(a.expected.message);
  expect(elapsed, "the run ended within its deadline plus grace").toBeLessThan(a.timeoutMs + GRACE_MS);

  // The host stayed responsive.
  const gapBound = a.isolation === "worker" ? WORKER_GAP_MS : a.timeoutMs + GRACE_MS;
  expect(maxGap, `largest heartbeat gap (${beats} beats)`).toBeLessThan(gapBound);
  expect(rssPeak - rssStart, "host RSS growth").toBeLessThan(a.rssBound ?? RSS_BOUND);

  // Canaries.
  const after = snapshot(files);
  expect(after.objectProto, "host Object.prototype").toEqual(before.objectProto);
  expect(after.arrayProto, "host Array.prototype").toEqual(before.arrayProto);
  expect(after.functionProto, "host Function.prototype").toEqual(before.functionProto);
  expect(after.globals, "host globals").toEqual(before.globals);
  expect(after.env, "host environment").toBe(before.env);
  for (const f of files)
    expect(after.files.get(f.file), `host file ${f.file}`).toBe(before.files.get(f.file));
  const shown = visible(result);
  expect(shown.includes(SECRET), "the secret reached the result").toBe(false);
  for (const f of files.filter((c) => c.secret && !c.file.startsWith(SECRET_FILE))) {
    const content = before.files.get(f.file) ?? "";
    if (content.length >= 8) expect(shown.includes(content), `${f.file} reached the result`).toBe(false);
  }
  expect(shown.includes(scratch), "a host path reached the result").toBe(false);

  await a.check?.(result);

  // The next run works.
  const next = a.next ?? (a.sandbox ? () => (a.sandbox as Sandbox).run("export default 6 * 7") : undefined);
  if (next) {
    const r = await next();
    expect(r.error, "the next run").toBeUndefined();
    expect(r.value, "the next run's value").toEqual(a.nextValue ?? 42);
  }
  return result;
}

/** `attack()` for the common shape: `code` with `options` on `sandbox`, default next run on the same sandbox. */
export function attackOn(
  sandbox: Sandbox,
  isolation: Isolation,
  code: string,
  options: RunOptions & { timeoutMs: number },
  expected: Expected,
  extra: Partial<Attack> = {},
): Promise<RunResult> {
  return attack({
    isolation,
    run: () => sandbox.run(code, options),
    expected,
    timeoutMs: options.timeoutMs,
    sandbox,
    ...extra,
  });
}
