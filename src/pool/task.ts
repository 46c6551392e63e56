// One pooled run on the host thread: the request a worker gets, the host functions it may call back, the output it
// has streamed so far, and the settling of the run() promise (with the worker's RunResult, or with one made here when
// the worker had to be stopped).
import { truncationMarker } from "../capabilities/console/host.js";
import { CloneError, decode, type Encoded, encode } from "../engine/codec.js";
import { errorShape, hostErrorShape } from "../engine/error-shape.js";
import { RunOverError } from "../engine/guest-api.js";
import type { ErrorShape } from "../engine/guest-api.js";
import type { ResolvedOptions, RunOptions } from "../sandbox/options.js";
import { EXIT, type RunError, type RunResult } from "../sandbox/result.js";
import { sessionLostError } from "../session/lost.js";
import {
  type CallReply,
  type CallRequest,
  encodeGlobals,
  type HostFunctionEntry,
  type PostedOptions,
  type PostedResult,
  type RunRequest,
  type SessionRunRequest,
} from "./protocol.js";

export type StopReason = "timeout" | "abort" | "crash";

export class Task {
  readonly request: RunRequest | SessionRunRequest;
  readonly promise: Promise<RunResult>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  /** The tenant the run is for ("" for none): fair queueing and per-tenant caps go by it. */
  readonly tenant: string;
  /** When a worker took the run (performance.now()). */
  startedAt = 0;
  private readonly maxOutputBytes: number;
  private readonly onStdout: ((chunk: string) => void) | undefined;
  private readonly onStderr: ((chunk: string) => void) | undefined;
  private readonly stdout: string[] = [];
  private readonly stderr: string[] = [];
  private hostCalls = 0;
  private callbackError: { error: unknown } | undefined;
  private done = false;
  /** Why the run was ended from outside (its sandbox or session was disposed, the session expired). */
  private ending: { error: RunError; exitCode: number } | undefined;
  private resolvePromise!: (result: RunResult) => void;
  private rejectPromise!: (error: unknown) => void;

  private readonly hostErrors: "redact" | "verbatim";

  private constructor(
    request: RunRequest | SessionRunRequest,
    resolved: ResolvedOptions,
    private readonly functions: HostFunctionEntry[],
  ) {
    this.promise = new Promise<RunResult>((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
    this.request = request;
    this.timeoutMs = resolved.timeoutMs;
    this.hostErrors = resolved.hostErrors;
    this.maxOutputBytes = resolved.maxOutputBytes;
    this.onStdout = resolved.onStdout;
    this.onStderr = resolved.onStderr;
    this.signal = resolved.signal;
    this.tenant = resolved.tenant;
    if (resolved.hasInput) request.input = encode(resolved.input, { includeStacks: false, strings: true });
  }

  /** A one-off run of `code` with `options` (already merged with any defaults; `resolved` from them). */
  static run(id: number, code: string, options: RunOptions, resolved: ResolvedOptions): Task {
    const { globals, input: _input, onStdout: _out, onStderr: _err, signal: _signal, ...posted } = options;
    const functions: HostFunctionEntry[] = [];
    const request: RunRequest = {
      type: "run",
      id,
      code,
      options: postable(posted, resolved),
      timeoutMs: resolved.timeoutMs,
    };
    if (globals !== undefined) request.globals = encodeGlobals(globals, functions);
    return new Task(request, resolved, functions);
  }

  /**
   * A run in session `session` held by a worker: `options` are the run's own (the worker has the session's
   * defaults), `resolved` the session's defaults with them on top, `functions` the session's host function table.
   */
  static session(
    id: number,
    session: string,
    code: string,
    options: RunOptions,
    resolved: ResolvedOptions,
    functions: HostFunctionEntry[],
  ): Task {
    const {
      globals: _globals,
      input: _input,
      onStdout: _out,
      onStderr: _err,
      signal: _signal,
      ...posted
    } = options;
    const request: SessionRunRequest = {
      type: "session-run",
      id,
      session,
      code,
      options: postable(posted, resolved),
      timeoutMs: resolved.timeoutMs,
    };
    return new Task(request, resolved, functions);
  }

  /** The session this run belongs to (undefined for a one-off run). */
  get session(): string | undefined {
    return this.request.type === "session-run" ? this.request.session : undefined;
  }

  get id(): number {
    return this.request.id;
  }

  get settled(): boolean {
    return this.done;
  }

  /** A chunk the guest wrote, forwarded by the worker as it was written. */
  output(fd: 1 | 2, chunk: string): void {
    (fd === 2 ? this.stderr : this.stdout).push(chunk);
    const callback = fd === 2 ? this.onStderr : this.onStdout;
    if (!callback) return;
    try {
      callback(chunk);
    } catch (error) {
      this.callbackError ??= { error };
    }
  }

  /** Calls a host function for the worker. A promise is answered "pending" and settled later via `settle`. */
  call(request: CallRequest, settle: (call: number, outcome: Outcome) => void): CallReply {
    const call = request.call;
    const entry = this.functions[request.fn];
    if (!entry) return { call, kind: "error", error: { name: "Error", message: "unknown host function" } };
    if (this.over()) return { call, kind: "error", error: errorShape(new RunOverError()) };
    this.hostCalls += 1;
    let value: unknown;
    try {
      value = Reflect.apply(entry.fn, undefined, decode(request.args) as unknown[]);
    } catch (error) {
      return { call, kind: "error", error: hostErrorShape(error, this.hostErrors) };
    }
    if (
      value !== null &&
      typeof value === "object" &&
      typeof (value as PromiseLike<unknown>).then === "function"
    ) {
      Promise.resolve(value).then(
        (result) => settle(call, copyResult(result, entry.name)),
        (error: unknown) => settle(call, { ok: false, error: hostErrorShape(error, this.hostErrors) }),
      );
      return { call, kind: "pending" };
    }
    const outcome = copyResult(value, entry.name);
    return outcome.ok
      ? { call, kind: "value", value: outcome.value }
      : { call, kind: "error", error: outcome.error };
  }

  /** Past its deadline (on the host's clock, from when the worker got it), aborted, or ended. */
  private over(): boolean {
    if (this.done || this.ending || this.signal?.aborted) return true;
    return this.pastDeadline();
  }

  /** Past its deadline on the host's clock (which starts a little before the worker's). */
  pastDeadline(): boolean {
    return this.startedAt > 0 && performance.now() > this.startedAt + this.timeoutMs;
  }

  /**
   * Ends the run from outside: no host function runs for it from now on, and its result is a failure with `error`
   * (the worker is told to stop; see PoolWorker.end). False when the run had ended already.
   */
  end(error: RunError, exitCode: number = EXIT.aborted): boolean {
    if (this.done || this.ending) return false;
    this.ending = { error, exitCode };
    return true;
  }

  /** Settles the run now with the failure given to end() (or `error`): its worker is gone. */
  endNow(error: RunError, exitCode: number = EXIT.aborted): void {
    const ending = this.ending ?? { error, exitCode };
    this.finish(this.failure(ending.exitCode, ending.error));
  }

  /** The worker's result. */
  complete(posted: PostedResult): void {
    if (this.ending) {
      this.endNow(this.ending.error);
      return;
    }
    const result = posted as RunResult;
    // The calls that ran: the worker also counts a call the host refused because the run was already over.
    result.stats.hostCalls = this.hostCalls;
    if (posted.value !== undefined) result.value = decode(posted.value);
    this.finish(result);
  }

  /** The run ended without a result from the worker (it was stopped, or it died; `noun` names what ended). */
  stop(reason: StopReason, detail?: string, noun = "worker thread"): void {
    if (this.ending) {
      this.endNow(this.ending.error);
      return;
    }
    if (reason === "timeout") {
      this.finish(
        this.failure(EXIT.timeout, {
          name: "TimeoutError",
          message: `the run took longer than timeoutMs (${this.timeoutMs} ms); raise timeoutMs to allow longer runs`,
        }),
      );
    } else if (reason === "abort") {
      this.finish(
        this.failure(EXIT.aborted, { name: "AbortError", message: "the run was aborted by its signal" }),
      );
    } else {
      this.finish(
        this.failure(EXIT.error, {
          name: "InternalError",
          message: `the engine failed: the ${noun} running it ended unexpectedly${detail ? ` (${detail})` : ""}`,
        }),
      );
    }
  }

  /** A session run that never started: the worker holding its session is gone, and the state with it. */
  lost(reason: string): void {
    this.finish(this.failure(EXIT.error, sessionLostError(reason)));
  }

  /** Rejects run() (host-side failures: the pool was disposed, the worker could not start, bad options). */
  reject(error: unknown): void {
    if (this.ending) {
      this.endNow(this.ending.error);
      return;
    }
    if (this.done) return;
    this.done = true;
    this.rejectPromise(error);
  }

  private finish(result: RunResult): void {
    if (this.done) return;
    this.done = true;
    if (this.callbackError) this.rejectPromise(this.callbackError.error);
    else this.resolvePromise(result);
  }

  private failure(exitCode: number, error: RunError): RunResult {
    const stdout = this.stdout.join("");
    const stderr = this.stderr.join("");
    const marker = truncationMarker(this.maxOutputBytes);
    return {
      ok: false,
      error,
      exitCode,
      stdout,
      stderr,
      truncated: { stdout: stdout.endsWith(marker), stderr: stderr.endsWith(marker) },
      stats: {
        durationMs: this.startedAt === 0 ? 0 : performance.now() - this.startedAt,
        memoryBytes: 0,
        hostCalls: this.hostCalls,
      },
    };
  }
}

export type Outcome = { ok: true; value: Encoded } | { ok: false; error: ErrorShape };

/** A host function's result as the guest will get it, or the error saying why it cannot be copied (as inline). */
function copyResult(value: unknown, name: string): Outcome {
  try {
    return { ok: true, value: encode(value, { includeStacks: false, strings: true }) };
  } catch (error) {
    const context = `the result of ${name}() could not be copied`;
    if (error instanceof CloneError) {
      return { ok: false, error: { name: "DataCloneError", message: `${context}: ${error.message}` } };
    }
    return { ok: false, error: errorShape(error) };
  }
}

/**
 * Options as they are posted: a stdin function cannot cross to the worker, so its bytes (the resolved options',
 * checked and read once) go instead.
 */
function postable(
  options: Omit<RunOptions, "globals" | "input" | "onStdout" | "onStderr" | "signal">,
  resolved: ResolvedOptions,
): PostedOptions {
  return typeof options.stdin === "function"
    ? { ...options, stdin: resolved.stdin() }
    : (options as PostedOptions);
}
