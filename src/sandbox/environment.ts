// The guest environment: a runtime and context inside a cell, with the granted capabilities installed (each global
// installed only when code about to run names it). A one-off run uses an environment once; a session keeps one
// across its runs. Whatever belongs to a single run (deadline, output, pending host calls, the result) comes in
// through `current`, set by the Execution in progress.
import type { QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime } from "quickjs-emscripten-core";
import { installConsole } from "../capabilities/console/console.js";
import { type CryptoBackend, installCryptoOps } from "../capabilities/crypto/host.js";
import { installFsOps } from "../capabilities/fs/host.js";
import type { VirtualFs } from "../capabilities/fs/vfs.js";
import { type HostCallLimits, HostFunctions } from "../capabilities/host-functions/host.js";
import { ModuleHost } from "../capabilities/modules/host.js";
import { dirname, type ResolveFs } from "../capabilities/modules/resolve.js";
import { withImportMetaUrl } from "../capabilities/modules/import-meta.js";
import {
  isTypeScriptPath,
  type Transpiler,
  type TypeScriptHost,
} from "../capabilities/modules/typescript.js";
import { installFetchOps } from "../capabilities/net/host.js";
import type { Fetcher } from "../capabilities/net/transport.js";
import { installProcess } from "../capabilities/process/host.js";
import { installTimers, TimerTable } from "../capabilities/timers/host.js";
import { installWebGlobals } from "../capabilities/web/host.js";
import type { Cell } from "../engine/cell.js";
import { InternalError } from "../errors.js";
import { installCommonJs } from "./commonjs.js";
import { type PositionMapper, shiftedMapper, SourceRegistry } from "../diagnose/sources.js";
import type { FrozenClock } from "./deterministic.js";
import { Guest } from "./guest.js";
import { guardStackTraceHook, type StackTraceHook } from "./stack-guard.js";
import type { ResolvedOptions } from "./options.js";

/** quickjs-ng's JS_EVAL_FLAG_ASYNC: top-level await in a script; the result is a promise of { value }. */
const EVAL_FLAG_ASYNC = 1 << 7;
const LAZY_BUNDLES = new Set<string>(["inspect"]);

export type ProgramKind = "module" | "script";

/** What the run in progress provides to the environment. */
export interface RunHooks {
  shouldInterrupt(): boolean;
  write(fd: number, text: string): void;
  trackPending(
    promise: Promise<unknown>,
    deferred: QuickJSDeferredPromise,
    toHandle: (value: unknown) => QuickJSHandle,
  ): void;
  exit(code: number): void;
  setReturned(handle: QuickJSHandle): void;
  readonly fetcher: Fetcher;
  readonly hostCallLimits: HostCallLimits;
  /** The loop's time for this turn (like libuv's cached now): timers set in one turn share it. */
  readonly loopTime: number;
  /** When the run must end (a performance.now() time). */
  readonly deadline: number;
}

export interface EnvironmentSetup {
  cell: Cell;
  options: ResolvedOptions;
  /** Engine stack (the caller caps it to what the host thread can carry). */
  stackSizeBytes: number;
  vfs: VirtualFs;
  typescript: TypeScriptHost;
  crypto: CryptoBackend;
  /** A shared flag another thread sets (to non-zero) to stop the run in progress: it ends as AbortError. */
  interruptFlag?: Int32Array | undefined;
  /** "run": a one-off program (CommonJS module/exports for scripts); "session": runs share state like a REPL. */
  mode: "run" | "session";
  /** A one-off run's entry is an ES module: no CommonJS globals (require, module, __dirname...), as in Node. */
  esm?: boolean;
  /** Whether a package is installed on the host (for the hint of a refused import). */
  hostHasPackage?: (name: string) => boolean;
  /** The `deterministic` option's frozen clock: the engine reads it instead of the host's clocks. */
  clock?: FrozenClock | undefined;
}

export class Environment {
  readonly cell: Cell;
  readonly rt: QuickJSRuntime;
  readonly guest: Guest;
  private readonly stackHook: StackTraceHook;
  readonly timers: TimerTable;
  readonly hostFunctions: HostFunctions;
  readonly vfs: VirtualFs;
  readonly typescript: TypeScriptHost;
  /** Every file the run compiled, to explain a failure. */
  readonly sources = new SourceRegistry();
  readonly interruptFlag: Int32Array | undefined;
  /** The run in progress. */
  current: RunHooks | undefined;
  private readonly fireTimer: (id: number) => void;
  private readonly exitCodeOf: () => number | undefined;
  private readonly commonJs: (() => QuickJSHandle | undefined) | undefined;
  private readonly options: ResolvedOptions;
  private readonly clock: FrozenClock | undefined;

  constructor(setup: EnvironmentSetup) {
    const { cell, options, vfs, typescript } = setup;
    this.cell = cell;
    this.options = options;
    this.vfs = vfs;
    this.typescript = typescript;
    this.interruptFlag = setup.interruptFlag;
    const clock = setup.clock;
    this.clock = clock;
    if (clock && !cell.clock.controlled) {
      throw new InternalError("cordon: this engine build's clocks cannot be frozen (option `deterministic`)");
    }
    const rt = cell.engine.newRuntime();
    this.rt = rt;
    rt.setMaxStackSize(setup.stackSizeBytes);
    rt.setInterruptHandler(() => this.current?.shouldInterrupt() ?? false);
    // Math.random's seed and performance.timeOrigin are read from the clocks as the context is made.
    cell.clock.frozen = clock?.seeding();
    const ctx = rt.newContext();
    cell.clock.frozen = clock?.reading();
    const run = () => {
      if (!this.current) throw new Error("no run in progress");
      return this.current;
    };
    const guest = new Guest(ctx, (promise, deferred, toHandle) =>
      run().trackPending(promise, deferred, toHandle),
    );
    this.guest = guest;
    guest.isOver = () => this.current?.shouldInterrupt() ?? false;
    const stackHook = guardStackTraceHook(guest);
    this.stackHook = stackHook;
    guest.whenNamed("stack", () => installStackTrace(guest, stackHook));

    guest.registerOp("bundle", (name) => {
      const bundle = ctx.getString(name!);
      if (!LAZY_BUNDLES.has(bundle)) throw new TypeError(`unknown bundle ${bundle}`);
      return guest.bundle(bundle).dup();
    });
    installConsole(guest, { write: (fd, text) => run().write(fd, text) });
    this.timers = new TimerTable(options.maxTimers);
    this.fireTimer = installTimers(
      guest,
      this.timers,
      () => this.current?.loopTime ?? performance.now(),
    ).fire;
    const filename = options.filename;
    this.exitCodeOf = installProcess(
      guest,
      { env: options.env, argv: ["/usr/local/bin/node", filename, ...options.argv], cwd: vfs.cwd },
      (code) => run().exit(code),
      (name) => modules.builtin(name),
    ).exitCode;
    this.hostFunctions = new HostFunctions(guest, () => run().hostCallLimits, options.hostErrors);
    if (options.globals) this.hostFunctions.install(options.globals);
    guest.defineLazyGlobal("__return", () =>
      guest.newFunction("__return", (value) => {
        run().setReturned(value ?? ctx.undefined);
        return undefined;
      }),
    );
    installFsOps(guest, vfs, options.stdin);
    installCryptoOps(guest, setup.crypto);
    installFetchOps(guest, () => run().fetcher);
    const modules = new ModuleHost(guest, {
      fs: vfsResolver(vfs),
      cwd: vfs.cwd,
      allow: options.modules,
      transpile: this.transpile,
      isTypeScript: (path) => options.typescript !== false && isTypeScriptPath(path),
      sources: this.sources,
      originalPosition: (file, line, column) => typescript.originalPosition(file, line, column),
      ...(setup.hostHasPackage && { hostHasPackage: setup.hostHasPackage }),
    });
    modules.install(rt);
    installWebGlobals(guest, (name) => modules.builtin(name));
    const entryDir = filename.startsWith("/") ? dirname(filename) : vfs.cwd;
    const makeRequire = () => modules.makeRequire(entryDir, filename);
    this.commonJs =
      setup.esm && setup.mode === "run"
        ? undefined
        : installCommonJs(guest, filename, makeRequire, setup.mode === "run");
  }

  get ctx() {
    return this.guest.ctx;
  }

  /** TypeScript transformed under the run's deadline. */
  private readonly transpile: Transpiler = (source, path, target, typescript) => {
    const run = this.current;
    try {
      return this.typescript.transpile(source, path, target, typescript, run?.deadline);
    } catch (error) {
      // A transform the deadline (or an abort) cut short ends the run as such: the run's next check sees it, and a
      // guest that catches the failed import gets no further.
      run?.shouldInterrupt();
      throw error;
    }
  };

  /** Compiles and starts `code`; returns the evaluation handle (module namespace or a promise) or the error. */
  evaluate(
    code: string,
    kind: ProgramKind,
    filename: string,
  ): { value?: QuickJSHandle; error?: QuickJSHandle } {
    const { options, typescript } = this;
    const entryIsTs =
      options.typescript === true || (options.typescript === "auto" && isTypeScriptPath(filename));
    const ctx = this.ctx;
    let source = code;
    let toOriginal: PositionMapper | undefined;
    if (entryIsTs) {
      try {
        source = this.transpile(code, filename, "esm", true);
        toOriginal = (line, column) => typescript.originalPosition(filename, line, column);
      } catch (error) {
        this.sources.add(filename, { code, kind: "text" });
        // A transform's SyntaxError carries a stack made for the guest (the file, line and column); anything else
        // (the transform ran into the deadline) is named by its message only: its stack is the host's.
        const failure = error as Error;
        const extra = failure instanceof SyntaxError && failure.stack ? { stack: failure.stack } : undefined;
        return {
          error: this.guest.newError({
            name: failure instanceof SyntaxError ? "SyntaxError" : "Error",
            message: String(failure?.message ?? failure),
            ...(extra && { extra }),
          }),
        };
      }
    }
    const compiled =
      kind === "module" && source.includes("import.meta") ? withImportMetaUrl(source, filename) : source;
    toOriginal = shiftedMapper(compiled.length - source.length, toOriginal);
    this.sources.add(filename, {
      code: compiled,
      kind,
      ...(compiled !== code && { original: code }),
      ...(toOriginal && { toOriginal }),
    });
    source = compiled;
    this.guest.ensureGlobals(source);
    const result =
      kind === "module"
        ? ctx.evalCode(source, filename, { type: "module" })
        : ctx.evalCode(source, filename, EVAL_FLAG_ASYNC);
    return result.error ? { error: result.error } : { value: result.value };
  }

  /** module.exports when a one-off script used CommonJS; else undefined. */
  commonJsValue(): QuickJSHandle | undefined {
    return this.commonJs?.();
  }

  /** A run begins: with a frozen clock, the engine reads the run's time from now on. */
  beginRun(): void {
    if (!this.clock) return;
    this.clock.beginRun();
    this.cell.clock.frozen = this.clock.reading();
  }

  fire(id: number): void {
    this.fireTimer(id);
  }

  /** The guest's process.exitCode, reset so a later run in the same environment starts clean. */
  takeExitCode(): number | undefined {
    return this.exitCodeOf();
  }

  /**
   * Disposes every handle, the context and the runtime. A broken cell is dropped whole instead, and so is a cell
   * that ran out of memory: it is never reused, and an allocation that failed part-way (in an async function's
   * resumption, for one) can leave objects the runtime's own teardown asserts on.
   */
  dispose(): void {
    this.timers.clearAll();
    this.cell.clock.frozen = undefined;
    if (this.cell.broken || this.cell.outOfMemory) return;
    try {
      this.stackHook.dispose();
      this.guest.dispose();
      this.ctx.dispose();
      this.rt.dispose();
    } catch {
      this.cell.broken = true;
    }
  }
}

/**
 * Installs the Error.prepareStackTrace that gives `err.stack` Node's shape (a `Name: message` line, guest frames
 * only). Done before the first code that names `stack` runs: a program that never reads a stack never pays for it
 * (the engine's own stack is reshaped on the host for results, and by inspect for console output).
 */
function installStackTrace(guest: Guest, hook: StackTraceHook): void {
  const format = guest.ctx.getProp(guest.bundle("stack"), "prepareStackTrace");
  try {
    hook.installFormat(format);
  } finally {
    format.dispose();
  }
}

/** Resolution's view of the run's filesystem: what is there, and file text. */
function vfsResolver(vfs: VirtualFs): ResolveFs {
  const decoder = new TextDecoder();
  return {
    kind(path) {
      try {
        const type = vfs.stat(path).type;
        return type === "directory" ? "directory" : type === "file" ? "file" : undefined;
      } catch {
        return undefined;
      }
    },
    readText: (path) => decoder.decode(vfs.readFile(path)),
  };
}
