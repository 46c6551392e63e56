// One fuzzed program: made from (seed, index), run through run(), and checked. The checks: run() resolves to a
// well-formed RunResult and never rejects; it ends by the deadline plus a grace; no host path reaches the guest's
// output or error; the host saw no engine assertion and no exception of its own (checked by the caller).
import { type RunOptions, type RunResult, run } from "../src/index.js";
import type { CorpusEntry } from "./corpus.js";
import { generateProgram } from "./gen-program.js";
import { mutate } from "./mutate.js";
import { fuzzOptions } from "./options.js";
import { programSeed, Rng } from "./prng.js";
import { describe } from "./watch.js";

export type Isolation = "inline" | "worker";

export interface FuzzCase {
  seed: number;
  index: number;
  isolation: Isolation;
  source: "grammar" | "mutation";
  /** The corpus entry a mutation started from. */
  origin?: string;
  code: string;
  options: RunOptions;
  abortAfterMs?: number;
}

export interface CaseOutcome {
  /** "ok", or the error's name. */
  kind: string;
  elapsedMs: number;
  /** What went wrong: empty when every check held. */
  problems: string[];
  /** The error's message, when the run failed. */
  message?: string;
}

/**
 * A single long native operation on a huge array or string (`new Array(1e9) + ""`, `"" + Array(2 ** 32 - 1)`, an
 * array given a huge `length`): the engine's interrupt handler
 * cannot stop it, and the README says an inline run cannot be rescued from one. An inline run of a program with one
 * that ends past its deadline is counted as that documented limit, not as a failure.
 */
const BIG = String.raw`(?:[1-9](?:\.\d+)?e(?:[7-9]|\d\d)|2\s*\*\*\s*(?:2[4-9]|3\d)|1\s*<<\s*(?:2[4-9]|3\d)|\d{8,})`;
const LONG_NATIVE = new RegExp(
  String.raw`(?:new\s+)?Array\(\s*${BIG}|\.repeat\(\s*${BIG}|\.length\s*=\s*${BIG}|length:\s*${BIG}`,
);

/** Entries (files and directories) of a tree, as maxFiles counts them. */
function countEntries(tree: object): number {
  let n = 0;
  for (const value of Object.values(tree)) {
    n += 1;
    if (value !== null && typeof value === "object" && !(value instanceof Uint8Array))
      n += countEntries(value);
  }
  return n;
}

/** maxFiles as headroom over the files the run is given. */
function withFiles(options: RunOptions): RunOptions {
  if (options.maxFiles !== undefined && options.files) options.maxFiles += countEntries(options.files);
  return options;
}

/**
 * Program `index` of `seed`. Its isolation is the one given, or, for "both", inline for even and worker for odd
 * indices, except that a program with a long native operation goes to a worker (inline, it could hold the thread
 * for minutes, the documented limit; `--isolation inline` still runs it inline).
 */
export function makeCase(
  seed: number,
  index: number,
  isolation: Isolation | "both",
  corpus: readonly CorpusEntry[],
): FuzzCase {
  const r = new Rng(programSeed(seed, index));
  const chosen: Isolation = isolation === "both" ? (index % 2 === 0 ? "inline" : "worker") : isolation;
  const place = (code: string): Isolation =>
    isolation === "both" && LONG_NATIVE.test(code) ? "worker" : chosen;
  const hasInput = r.chance(0.2);
  if (corpus.length > 0 && r.chance(0.4)) {
    const entry = r.pick(corpus);
    const made = fuzzOptions(r, entry.filename);
    const code = mutate(r, entry, corpus);
    if (entry.files) made.options.files = { ...made.options.files, ...entry.files };
    if (!hasInput) delete made.options.input;
    return {
      seed,
      index,
      isolation: place(code),
      source: "mutation",
      origin: entry.id,
      code,
      ...made,
      options: withFiles(made.options),
    };
  }
  const program = generateProgram(r, hasInput);
  const made = fuzzOptions(r, program.filename);
  if (!hasInput) delete made.options.input;
  return {
    seed,
    index,
    isolation: place(program.code),
    source: "grammar",
    code: program.code,
    ...made,
    options: withFiles(made.options),
  };
}

/** Paths of the host that must never reach the guest (the repository), and the path host errors carry. */
const HOST_ROOT = process.cwd();
const HOST_ERROR_PATH = "/work/secret";
/** A stack frame of Node's own code or of the sandbox's guest bundles (`cordon:<name>:line`). */
const INTERNAL_FRAME = /node:internal\/[\w/.-]*|cordon:[\w/.-]+:\d+/;

function checkShape(result: RunResult, problems: string[]): void {
  if (result === null || typeof result !== "object") {
    problems.push(`run() resolved to ${typeof result}, not a RunResult`);
    return;
  }
  if (typeof result.ok !== "boolean") problems.push("result.ok is not a boolean");
  if (typeof result.stdout !== "string" || typeof result.stderr !== "string") {
    problems.push("result.stdout or result.stderr is not a string");
  }
  if (typeof result.exitCode !== "number") problems.push("result.exitCode is not a number");
  if (typeof result.stats?.durationMs !== "number") problems.push("result.stats is missing");
  if (result.ok === false) {
    const error = result.error;
    if (!error || typeof error.name !== "string" || typeof error.message !== "string") {
      problems.push(`a failed run without an error of string name and message: ${JSON.stringify(error)}`);
    }
  } else if (result.ok && result.error !== undefined) {
    problems.push("ok: true with an error");
  }
}

function checkLeaks(fuzz: FuzzCase, result: RunResult, problems: string[]): void {
  const texts = [
    result.stdout,
    result.stderr,
    result.error?.message,
    result.error?.stack,
    result.error?.hint,
  ];
  for (const text of texts) {
    if (typeof text !== "string") continue;
    if (text.includes(HOST_ROOT))
      problems.push(`a host path (${HOST_ROOT}) reached the guest: ${excerpt(text, HOST_ROOT)}`);
    if (fuzz.options.hostErrors !== "verbatim" && text.includes(HOST_ERROR_PATH)) {
      problems.push(`a host function's error path was not redacted: ${excerpt(text, HOST_ERROR_PATH)}`);
    }
    const internal = INTERNAL_FRAME.exec(text)?.[0];
    if (internal && !fuzz.code.includes(internal)) {
      problems.push(`an internal frame reached the guest: ${excerpt(text, internal)}`);
    }
  }
}

function excerpt(text: string, needle: string): string {
  const at = Math.max(0, text.indexOf(needle));
  return JSON.stringify(text.slice(Math.max(0, at - 120), at + 200));
}

const HANG_MS = 10_000;

export const INLINE_NATIVE_OVERRUN = "inline long native operation past the deadline (documented)";

/** Runs one case and checks its result. `graceMs` is added to the case's timeoutMs. */
export async function runCase(fuzz: FuzzCase, graceMs: number): Promise<CaseOutcome> {
  const problems: string[] = [];
  const options: RunOptions & { isolation: Isolation } = { ...fuzz.options, isolation: fuzz.isolation };
  let abortTimer: NodeJS.Timeout | undefined;
  if (fuzz.abortAfterMs !== undefined) {
    const controller = new AbortController();
    options.signal = controller.signal;
    abortTimer = setTimeout(() => controller.abort(), fuzz.abortAfterMs);
  }
  const started = performance.now();
  const limit = (fuzz.options.timeoutMs ?? 0) + graceMs;
  let result: RunResult | undefined;
  let hangTimer: NodeJS.Timeout | undefined;
  // A run that never resolves would stop the fuzzer: past the limit and HANG_MS more, it is reported as a hang.
  const hang = new Promise<"hang">((resolve) => {
    hangTimer = setTimeout(() => resolve("hang"), limit + HANG_MS);
  });
  try {
    const settled = await Promise.race([run(fuzz.code, options), hang]);
    if (settled === "hang")
      problems.push(`run() had not resolved ${limit + HANG_MS} ms after it started: a hang`);
    else result = settled;
  } catch (error) {
    problems.push(`run() rejected: ${describe(error)}`);
  } finally {
    clearTimeout(abortTimer);
    clearTimeout(hangTimer);
  }
  const elapsedMs = performance.now() - started;
  if (
    elapsedMs > limit &&
    fuzz.isolation === "inline" &&
    LONG_NATIVE.test(fuzz.code) &&
    problems.length === 0
  ) {
    return { kind: INLINE_NATIVE_OVERRUN, elapsedMs, problems };
  }
  if (elapsedMs > limit && !problems.some((p) => p.endsWith("a hang"))) {
    problems.push(
      `run() took ${elapsedMs.toFixed(0)} ms, past timeoutMs ${fuzz.options.timeoutMs} + grace ${graceMs}`,
    );
  }
  if (!result) return { kind: "rejected", elapsedMs, problems };
  checkShape(result, problems);
  checkLeaks(fuzz, result, problems);
  const name = typeof result.error?.name === "string" ? result.error.name : "(no name)";
  const kind = result.ok ? "ok" : name.length > 40 ? `${name.slice(0, 40)}…` : name;
  const outcome: CaseOutcome = { kind, elapsedMs, problems };
  if (typeof result.error?.message === "string") outcome.message = result.error.message;
  return outcome;
}

/** The next trivial run works, in this isolation. */
export async function trivialRun(isolation: Isolation): Promise<string | undefined> {
  try {
    const r = await run("1 + 1", { isolation, timeoutMs: 10_000 });
    if (r.ok && r.value === 2) return undefined;
    return `a trivial run (${isolation}) failed: ${JSON.stringify(r.error ?? r.value)}`;
  } catch (error) {
    return `a trivial run (${isolation}) rejected: ${describe(error)}`;
  }
}
