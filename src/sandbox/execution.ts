// One run inside an environment: the deadline, the program's value (evaluated, awaited, called with input), the
// event loop, output capture and the RunResult. The environment (runtime, context, capabilities) is set up by the
// caller and outlives the run when it belongs to a session.
import type { QuickJSDeferredPromise, QuickJSHandle } from "quickjs-emscripten-core";
import { Output } from "../capabilities/console/host.js";
import { ChangedFilesTooLarge } from "../capabilities/fs/vfs.js";
import type { Fetcher } from "../capabilities/net/transport.js";
import type { HostCallLimits } from "../capabilities/host-functions/host.js";
import { CloneError } from "../engine/codec.js";
import { errorShape } from "../engine/error-shape.js";
import { GuestThrew } from "../engine/guest-api.js";
import type { Environment, ProgramKind, RunHooks } from "./environment.js";
import { CloneSizeExceeded } from "./guest.js";
import type { ResolvedOptions } from "./options.js";
import { explain, markdownFailure } from "./explain.js";
import { EXIT, type RunError, type RunResult } from "./result.js";

/** The value another thread stores in the interrupt flag when the run passed its deadline on that thread's clock. */
export const INTERRUPT_TIMEOUT = 2;

/** Longest stretch the loop runs guest work without letting the host's own event loop turn. */
const YIELD_EVERY_MS = 10;

type Interrupt = "timeout" | "memory" | "abort" | "exit" | "failed" | "ended";
/** Where the program's value is on its way to the result: evaluated, then its default/last value, then input(). */
type Stage = "evaluated" | "value" | "called";

export interface ExecutionRequest {
  code: string;
  kind: ProgramKind;
  filename: string;
  options: ResolvedOptions;
  fetcher: Fetcher;
  /** Session runs: the value is the last expression (or the default export of module code), never module.exports. */
  session?: boolean;
}

interface PendingCall {
  deferred: QuickJSDeferredPromise;
  toHandle: (value: unknown) => QuickJSHandle;
  settled?: { ok: boolean; value: unknown };
}

export class Execution implements RunHooks {
  private readonly options: ResolvedOptions;
  private readonly output: Output;
  private readonly started = performance.now();
  readonly deadline: number;
  private interrupt: Interrupt | undefined;
  private main: { stage: Stage; handle: QuickJSHandle } | undefined;
  private mainSettled = false;
  private value: { value: unknown } | undefined;
  private returned: { value: unknown } | undefined;
  private failure: RunError | undefined;
  /** Where the guest was when the deadline interrupted it (the engine's stack of the interrupt). */
  private interruptedAt: string | undefined;
  private exitRequested: number | undefined;
  /** Why the run's owner ended it from outside (see end()). */
  private ended: { error: RunError; exitCode: number } | undefined;
  private guestExitCode: number | undefined;
  private readonly pendingCalls = new Set<PendingCall>();
  private settledCount = 0;
  private wake: (() => void) | undefined;
  private finished = false;
  private lastYield = performance.now();
  readonly fetcher: Fetcher;
  readonly hostCallLimits: HostCallLimits;
  loopTime = performance.now();

  constructor(
    private readonly env: Environment,
    private readonly request: ExecutionRequest,
  ) {
    this.options = request.options;
    this.deadline = this.started + this.options.timeoutMs;
    this.output = new Output(this.options);
    this.fetcher = request.fetcher;
    this.hostCallLimits = {
      maxHostCalls: this.options.maxHostCalls,
      maxHostCallBytes: this.options.maxHostCallBytes,
    };
  }

  private get guest() {
    return this.env.guest;
  }

  private get cell() {
    return this.env.cell;
  }

  async run(): Promise<RunResult> {
    const signal = this.options.signal;
    const onAbort = () => {
      this.interrupt ??= "abort";
      this.wake?.();
    };
    if (signal?.aborted) this.interrupt ??= "abort";
    signal?.addEventListener("abort", onAbort);
    this.env.current = this;
    this.env.beginRun();
    this.env.hostFunctions.beginRun();
    try {
      if (!this.interrupt) {
        this.start();
        await this.loop();
      }
    } catch (error) {
      this.engineFailed(error);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.finish();
      this.env.current = undefined;
    }
    if (this.output.callbackError !== undefined) throw this.output.callbackError;
    return this.result();
  }

  /**
   * Ends the run from outside (its sandbox or session was disposed, or the session expired): no host function or
   * host operation runs from now on, the engine stops at its next check, a wait in the event loop ends at once, and
   * the result is a failure with `error`. Before run(), the program never starts.
   */
  end(error: RunError, exitCode: number = EXIT.aborted): void {
    if (this.finished || this.interrupt) return;
    this.ended = { error, exitCode };
    this.interrupt = "ended";
    this.wake?.();
  }

  // ---- hooks the environment calls ------------------------------------------------------------------------------

  write(fd: number, text: string): void {
    this.output.write(fd, text);
  }

  exit(code: number): void {
    this.exitRequested = code;
    this.interrupt ??= "exit";
  }

  setReturned(handle: QuickJSHandle): void {
    try {
      this.returned = { value: this.copyOut(handle) };
    } catch (error) {
      if (!(error instanceof CloneSizeExceeded)) throw error;
      // The guest sees (and, uncaught, the run ends with) the error a too-large value of any other kind gets.
      const failure = this.resultFailure(error);
      throw Object.assign(new Error(failure.message), { name: failure.name });
    }
  }

  readonly shouldInterrupt = (): boolean => {
    if (this.interrupt) return true;
    const flag = this.env.interruptFlag;
    const flagged = flag ? Atomics.load(flag, 0) : 0;
    if (flagged !== 0) {
      this.interrupt = flagged === INTERRUPT_TIMEOUT ? "timeout" : "abort";
      return true;
    }
    if (this.cell.outOfMemory) {
      this.interrupt = "memory";
      return true;
    }
    if (performance.now() > this.deadline) {
      this.interrupt = "timeout";
      return true;
    }
    return false;
  };

  private start(): void {
    this.loopTime = performance.now();
    const { code, kind, filename } = this.request;
    const markdown = markdownFailure(code, filename);
    if (markdown) {
      this.failure = markdown;
      this.interrupt = "failed";
      return;
    }
    const evaluated = this.env.evaluate(code, kind, filename);
    if (evaluated.error) {
      this.failWith(evaluated.error);
      return;
    }
    this.main = { stage: "evaluated", handle: evaluated.value! };
  }

  // ---- the event loop ----------------------------------------------------------------------------------------

  private async loop(): Promise<void> {
    for (;;) {
      this.drainJobs();
      if (this.interrupt) return;
      if (this.settledCount > 0) {
        this.loopTime = performance.now();
        this.settlePending();
        continue;
      }
      const now = performance.now();
      this.loopTime = now;
      if (now >= this.deadline) {
        this.interrupt = "timeout";
        return;
      }
      const due = this.env.timers.takeDue(now);
      if (due.length > 0) {
        for (const id of due) {
          this.guarded(() => this.env.fire(id));
          this.drainJobs();
          if (this.interrupt) return;
        }
        if (performance.now() - this.lastYield > YIELD_EVERY_MS) await this.yieldToHost();
        continue;
      }
      if (this.pendingCalls.size === 0 && !this.env.timers.hasRef) return;
      await this.waitUntil(Math.min(this.env.timers.nextDue(), this.deadline));
    }
  }

  /** Runs promise jobs until none are left, then moves the program's value along. */
  private drainJobs(): void {
    const rt = this.env.rt;
    for (;;) {
      if (rt.hasPendingJob()) {
        const result = rt.executePendingJobs(-1);
        if (result.error) {
          this.failWith(result.error);
          return;
        }
      }
      if (this.interrupt || !this.main || !this.advanceMain()) return;
    }
  }

  /** Moves the program's value one stage on when its promise has settled. Returns true when it moved. */
  private advanceMain(): boolean {
    const ctx = this.guest.ctx;
    const main = this.main!;
    const state = ctx.getPromiseState(main.handle);
    if (state.type === "pending") return false;
    this.main = undefined;
    if (state.type === "rejected") {
      main.handle.dispose();
      this.failWith(state.error);
      return false;
    }
    const settled = state.value;
    if (!state.notAPromise) main.handle.dispose();
    let next: QuickJSHandle;
    let stage: Stage;
    try {
      if (main.stage === "evaluated") {
        next = this.programValue(settled);
        stage = "value";
      } else if (main.stage === "value" && this.options.hasInput && ctx.typeof(settled) === "function") {
        const input = this.guest.toGuest(this.options.input);
        const called = ctx.callFunction(settled, ctx.undefined, input);
        if (input.alive && input !== ctx.undefined) input.dispose();
        if (called.error) {
          this.failWith(called.error);
          return false;
        }
        next = called.value;
        stage = "called";
      } else {
        this.mainSettled = true;
        this.value = this.settleValue(settled);
        return false;
      }
    } finally {
      settled.dispose();
    }
    this.main = { stage, handle: next };
    return true;
  }

  /** The module's default export, or the script's module.exports (CommonJS) or last expression value. */
  private programValue(evaluated: QuickJSHandle): QuickJSHandle {
    const ctx = this.guest.ctx;
    if (this.request.kind === "module") return ctx.getProp(evaluated, "default");
    return (this.request.session ? undefined : this.env.commonJsValue()) ?? ctx.getProp(evaluated, "value");
  }

  private settleValue(handle: QuickJSHandle): { value: unknown } | undefined {
    try {
      return { value: this.copyOut(handle) };
    } catch (error) {
      this.failure ??= this.resultFailure(error);
      return undefined;
    }
  }

  private copyOut(handle: QuickJSHandle): unknown {
    return this.guest.fromGuest(handle, this.options.maxResultBytes);
  }

  private resultFailure(error: unknown): RunError {
    if (error instanceof CloneSizeExceeded) {
      return {
        name: "ResultTooLargeError",
        message: `the result is larger than maxResultBytes (${this.options.maxResultBytes} bytes); return less data or raise maxResultBytes`,
      };
    }
    if (error instanceof CloneError) {
      const hint = this.options.hasInput ? "" : "; to call an exported function, pass the `input` option";
      return {
        name: "DataCloneError",
        message: `the result could not be copied out of the sandbox: ${error.message}${hint}`,
      };
    }
    throw error;
  }

  private waitUntil(until: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.lastYield = performance.now();
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.ceil(until - performance.now())));
      this.wake = done;
    });
  }

  private yieldToHost(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.lastYield = performance.now();
        resolve();
      };
      if (typeof setImmediate === "function") setImmediate(done);
      else setTimeout(done, 0);
    });
  }

  // ---- host calls that return promises -----------------------------------------------------------------------

  trackPending(
    promise: Promise<unknown>,
    deferred: QuickJSDeferredPromise,
    toHandle: (value: unknown) => QuickJSHandle,
  ): void {
    const call: PendingCall = { deferred, toHandle };
    this.pendingCalls.add(call);
    const settle = (ok: boolean, value: unknown) => {
      if (this.finished) return;
      call.settled = { ok, value };
      this.settledCount += 1;
      this.wake?.();
    };
    promise.then(
      (value) => settle(true, value),
      (error: unknown) => settle(false, error),
    );
  }

  private settlePending(): void {
    const ctx = this.guest.ctx;
    for (const call of this.pendingCalls) {
      if (!call.settled) continue;
      this.pendingCalls.delete(call);
      this.settledCount -= 1;
      const { ok, value } = call.settled;
      this.guarded(() => {
        let handle: QuickJSHandle;
        let fulfilled = ok;
        if (ok) {
          try {
            handle = call.toHandle(value);
          } catch (error) {
            if (!(error instanceof GuestThrew)) throw error;
            handle = error.handle;
            fulfilled = false;
          }
        } else {
          handle = this.guest.newError(errorShape(value));
        }
        if (fulfilled) call.deferred.resolve(handle);
        else call.deferred.reject(handle);
        if (
          handle.alive &&
          handle !== ctx.undefined &&
          handle !== ctx.null &&
          handle !== ctx.true &&
          handle !== ctx.false
        ) {
          handle.dispose();
        }
      });
      call.deferred.dispose();
      this.drainJobs();
      if (this.interrupt) return;
    }
  }

  // ---- failures ----------------------------------------------------------------------------------------------

  /** Runs host code that calls into the guest; a guest exception becomes the run's failure. */
  private guarded(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (error instanceof GuestThrew) this.failWith(error.handle);
      else throw error;
    }
  }

  /** Records a guest exception (and disposes its handle) as the run's failure, unless the run is already ending. */
  private failWith(errorHandle: QuickJSHandle): void {
    // A failure after the run ended (e.g. a host call refused on another thread's clock) is reported as the end.
    if (!this.shouldInterrupt() && !this.cell.outOfMemory) {
      this.failure ??= explain(this.guest.describe(errorHandle), this.env.sources);
      this.interrupt ??= "failed";
    } else if (this.interrupt === "timeout" && this.interruptedAt === undefined) {
      // The engine's own error for the interrupt: its data properties are read without running guest code.
      const dumped = this.guest.ctx.dump(errorHandle) as { stack?: unknown } | undefined;
      this.interruptedAt = typeof dumped?.stack === "string" ? dumped.stack : "";
    }
    if (errorHandle.alive) errorHandle.dispose();
  }

  private engineFailed(error: unknown): void {
    this.cell.broken = true;
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      this.failure ??= {
        name: "RangeError",
        message: "Maximum call stack size exceeded (the host thread's stack ran out; lower stackSizeBytes)",
      };
    } else {
      this.failure ??= {
        name: "InternalError",
        message: `the engine failed: ${String((error as Error)?.message ?? error)}`,
      };
    }
    this.interrupt ??= "failed";
  }

  // ---- the end -----------------------------------------------------------------------------------------------

  private finish(): void {
    this.finished = true;
    this.env.timers.clearAll();
    this.fetcher.abortAll();
    if (this.cell.broken) return; // a broken engine is dropped whole, never touched again
    try {
      if (!this.interrupt && this.mainSettled) this.guestExitCode = this.env.takeExitCode();
      this.main?.handle.dispose();
      for (const call of this.pendingCalls) if (call.deferred.alive) call.deferred.dispose();
      this.pendingCalls.clear();
    } catch {
      this.cell.broken = true;
    }
  }

  /**
   * With returnFiles, the files the run created or changed. Together they may hold at most maxResultBytes: past
   * that, no file comes back (none is read past the cap) and `tooLarge` is the error to report.
   */
  private returnedFiles(): { files?: Record<string, string | Uint8Array>; tooLarge?: RunError } {
    const patterns = this.options.returnFiles;
    if (!patterns) return {};
    const { maxResultBytes } = this.options;
    let changed: Map<string, Uint8Array>;
    try {
      changed = this.env.vfs.changedFiles(patterns.length > 0 ? patterns : undefined, maxResultBytes);
    } catch (error) {
      if (!(error instanceof ChangedFilesTooLarge)) throw error;
      return {
        tooLarge: {
          name: "ResultTooLargeError",
          message: `the files returned by returnFiles are larger than maxResultBytes (${maxResultBytes} bytes) together; pick fewer files with returnFiles glob patterns, write less, or raise maxResultBytes`,
        },
      };
    }
    const files: Record<string, string | Uint8Array> = {};
    const decoder = new TextDecoder("utf-8", { fatal: true });
    for (const [path, bytes] of changed) {
      try {
        files[path] = decoder.decode(bytes);
      } catch {
        files[path] = bytes;
      }
    }
    return { files };
  }

  private result(): RunResult {
    const base = {
      stdout: this.output.stdout.text(),
      stderr: this.output.stderr.text(),
      truncated: { stdout: this.output.stdout.truncated, stderr: this.output.stderr.truncated },
      stats: {
        durationMs: performance.now() - this.started,
        memoryBytes: this.cell.byteLength,
        hostCalls: this.env.hostFunctions.calls,
      },
    };
    const { files, tooLarge } = this.returnedFiles();
    if (files) Object.assign(base, { files });
    const fail = (exitCode: number, error: RunError): RunResult => ({ ok: false, error, exitCode, ...base });
    const { timeoutMs, memoryLimitBytes } = this.options;
    if (this.cell.outOfMemory || this.interrupt === "memory") {
      return fail(EXIT.memory, {
        name: "MemoryLimitError",
        message: `the run ran out of memory: memoryLimitBytes is ${memoryLimitBytes} bytes (${(memoryLimitBytes / 1048576).toFixed(0)} MiB); raise memoryLimitBytes to allow more`,
      });
    }
    if (this.interrupt === "timeout") {
      const message = `the run took longer than timeoutMs (${timeoutMs} ms); raise timeoutMs to allow longer runs`;
      const error = explain(
        { name: "TimeoutError", message, stack: this.interruptedAt },
        this.env.sources,
        true,
      );
      if (error.location) {
        error.hint = `the program was still running at ${error.location.file}:${error.location.line}: look for a loop that never ends there`;
      }
      return fail(EXIT.timeout, error);
    }
    if (this.interrupt === "ended" && this.ended) return fail(this.ended.exitCode, this.ended.error);
    if (this.interrupt === "abort") {
      return fail(EXIT.aborted, { name: "AbortError", message: "the run was aborted by its signal" });
    }
    const value = this.returned ?? this.value;
    if (this.interrupt === "exit") {
      const code = this.exitRequested ?? 0;
      if (tooLarge && code === 0) return fail(EXIT.error, tooLarge);
      if (code === 0) return { ok: true, value: value?.value, exitCode: 0, ...base };
      return fail(code, { name: "ExitError", message: `the program called process.exit(${code})` });
    }
    if (this.failure) return fail(EXIT.error, this.failure);
    if (!this.mainSettled) {
      return fail(EXIT.unsettled, {
        name: "UnsettledError",
        message:
          "the program's top-level promise never settled, and no timer or host call was left to settle it",
      });
    }
    const code = this.guestExitCode ?? 0;
    if (code !== 0)
      return fail(code, { name: "ExitError", message: `the program set process.exitCode to ${code}` });
    // Returned files over the cap fail a run that would have succeeded; another failure is reported as it is.
    if (tooLarge) return fail(EXIT.error, tooLarge);
    return { ok: true, value: value?.value, exitCode: 0, ...base };
  }
}
