// What crosses between the pool (host thread) and a pool worker: the messages, and the run options in a form that
// can be posted. Values that reach the guest (data globals, input, host call arguments and results, the result value)
// cross as the engine codec's encoding, so they keep the inline copy semantics exactly (own data properties only, no
// getter runs on a host object, Error names and Map/Set/BigInt/cycles kept) and structured clone only ever moves JSON
// text, strings and ArrayBuffers (long strings go as they are, not JSON-escaped). Functions cannot cross: each becomes a marker the worker turns back into a stub that calls
// the host thread.
import type { TransformOptions } from "esbuild";
import { decode, type Encoded, encode } from "../engine/codec.js";
import type { ErrorShape } from "../engine/guest-api.js";
import type { RunOptions } from "../sandbox/options.js";
import type { RunResult } from "../sandbox/result.js";

/** One node of the `globals` tree as it crosses: a host function, a namespace, a repeated namespace, or data. */
export type GlobalNode =
  | { k: "fn"; id: number; name: string }
  | { k: "ns"; ref: number; entries: [string, GlobalNode][] }
  | { k: "ref"; ref: number }
  | { k: "data"; value: Encoded };

/** Run options minus what cannot be posted (functions, the signal); those travel as the fields below. */
export type PostedOptions = Omit<RunOptions, "globals" | "input" | "onStdout" | "onStderr" | "signal">;

export interface RunRequest {
  type: "run";
  id: number;
  code: string;
  options: PostedOptions;
  globals?: [string, GlobalNode][];
  input?: Encoded;
  /** Wall-clock budget (ms) the worker uses to bound a wait for a synchronous host call. */
  timeoutMs: number;
}

/** A run in a session held by the worker: the session's defaults are on the worker; these are the run's options. */
export interface SessionRunRequest {
  type: "session-run";
  id: number;
  session: string;
  code: string;
  options: PostedOptions;
  input?: Encoded;
  /** Wall-clock budget (ms) the worker uses to bound a wait for a synchronous host call. */
  timeoutMs: number;
}

/**
 * Opens a session on the worker. Its host functions (fixed for the session's life) are called by the ids given here,
 * against the session's function table on the host thread.
 */
export interface SessionOpen {
  type: "session-open";
  session: string;
  options: PostedOptions;
  globals?: [string, GlobalNode][];
}

/** Host → worker on the worker's own port. */
export type ToWorker =
  | RunRequest
  | SessionRunRequest
  | SessionOpen
  | { type: "session-reset"; session: string }
  | { type: "session-close"; session: string }
  | { type: "settled"; id: number; call: number; ok: true; value: Encoded }
  | { type: "settled"; id: number; call: number; ok: false; error: ErrorShape }
  | { type: "abort"; id: number };

export interface WorkerMemory {
  heapUsed: number;
  external: number;
}

/** A RunResult whose value is still encoded. */
export type PostedResult = Omit<RunResult, "value"> & { value?: Encoded };

/** Worker → host on the worker's own port. */
export type FromWorker =
  | { type: "ready" }
  | { type: "out"; id: number; fd: 1 | 2; chunk: string }
  | ({ type: "call" } & CallRequest)
  | ({ type: "transform" } & TransformRequest)
  | { type: "result"; id: number; result: PostedResult; memory: WorkerMemory }
  | {
      type: "failed";
      id: number;
      error: { name: string; message: string; code?: string; option?: string };
      memory: WorkerMemory;
    };

/**
 * Worker → host: a host function call; the worker blocks until the reply. It travels on the worker's own port, after
 * the output written before it, so callbacks see output and calls in the order the guest made them.
 */
export interface CallRequest {
  id: number;
  call: number;
  fn: number;
  args: Encoded;
}

/**
 * Worker → host: an esbuild transform of a TypeScript file with namespaces, made on the host thread (esbuild's
 * service process must not belong to a thread the watchdog may terminate: see typescript.ts). Answered on the call
 * channel like a host call (the same numbering), with "transformed" or "error".
 */
export interface TransformRequest {
  id: number;
  call: number;
  source: string;
  options: TransformOptions;
}

/** Host → worker on the call channel (read synchronously by the blocked worker). */
export type CallReply =
  | { call: number; kind: "value"; value: Encoded }
  | { call: number; kind: "error"; error: ErrorShape }
  | { call: number; kind: "pending" }
  | { call: number; kind: "transformed"; code: string; map: string | undefined };

/** Indexes into the Int32Array over the shared buffer each worker gets. */
export const SLOT = {
  /** Non-zero: stop the current run (polled by the engine's interrupt handler). */
  interrupt: 0,
  /** Bumped after every reply on the call channel, and on abort; a blocked worker waits on it. */
  wake: 1,
} as const;
export const SHARED_BYTES = 8;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function dataEntries(value: object): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const [key, desc] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (desc.enumerable && "value" in desc) entries.push([key, desc.value]);
  }
  return entries;
}

function holdsFunction(value: Record<string, unknown>, seen = new Set<object>()): boolean {
  seen.add(value);
  for (const [, item] of dataEntries(value)) {
    if (typeof item === "function") return true;
    if (isPlainObject(item) && !seen.has(item) && holdsFunction(item, seen)) return true;
  }
  return false;
}

/** A host function the worker may call, by id. */
export interface HostFunctionEntry {
  fn: Function;
  name: string;
}

/**
 * Turns `globals` into posted nodes. Functions are collected into `functions` (their index is the marker's id);
 * plain objects holding functions become namespaces (a repeated one becomes a reference, so cycles and shared
 * namespaces keep their shape); everything else is encoded data, without error stacks (as inline).
 */
export function encodeGlobals(
  globals: Record<string, unknown>,
  functions: HostFunctionEntry[],
): [string, GlobalNode][] {
  const refs = new Map<object, number>();
  const node = (value: unknown, name: string): GlobalNode => {
    if (typeof value === "function") {
      functions.push({ fn: value, name });
      return { k: "fn", id: functions.length - 1, name };
    }
    if (isPlainObject(value) && holdsFunction(value)) {
      const prior = refs.get(value);
      if (prior !== undefined) return { k: "ref", ref: prior };
      const ref = refs.size;
      refs.set(value, ref);
      return { k: "ns", ref, entries: dataEntries(value).map(([key, item]) => [key, node(item, key)]) };
    }
    return { k: "data", value: encode(value, { includeStacks: false, strings: true }) };
  };
  return dataEntries(globals).map(([key, value]) => [key, node(value, key)]);
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The worker's side of encodeGlobals: the same tree, with `stub(id, name)` in place of each host function. */
export function decodeGlobals(
  entries: [string, GlobalNode][],
  stub: (id: number, name: string) => Function,
): Record<string, unknown> {
  const refs = new Map<number, Record<string, unknown>>();
  const value = (node: GlobalNode): unknown => {
    switch (node.k) {
      case "fn":
        return stub(node.id, node.name);
      case "ref":
        return refs.get(node.ref);
      case "data":
        return decode(node.value);
      case "ns": {
        const namespace: Record<string, unknown> = {};
        refs.set(node.ref, namespace);
        for (const [key, item] of node.entries) define(namespace, key, value(item));
        return namespace;
      }
    }
  };
  const globals: Record<string, unknown> = {};
  for (const [key, node] of entries) define(globals, key, value(node));
  return globals;
}

/** An Error the guest sees for a host failure: name and message (and Node-style fields such as code), no stack. */
export function errorFromShape(shape: ErrorShape): Error {
  const error = new Error(shape.message);
  Object.defineProperty(error, "name", { value: shape.name, writable: true, configurable: true });
  if (shape.extra) Object.assign(error, shape.extra);
  return error;
}
