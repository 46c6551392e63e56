// What capability host halves may do with the guest of the current run. The sandbox implements it; capabilities
// depend only on this interface, so they stay independent of how a run is driven.
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";

/** Guest bundles evaluated on first use in a run (their sources are built from the capabilities' guest/ folders). */
export type BundleName = string;

/** A host operation the guest bundles call through `op(name, ...args)`. Arguments are borrowed handles. */
export type OpHandler = (...args: QuickJSHandle[]) => QuickJSHandle | undefined;

/** An error as it reaches the guest: a standard class when the name is one, with only these fields. */
export interface ErrorShape {
  name: string;
  message: string;
  /** Node-style fields (code, errno, syscall, path) copied onto the guest error. */
  extra?: Record<string, string | number>;
}

/** What a host operation or host function called after the run ended gives the guest instead of running. */
export class RunOverError extends Error {
  constructor() {
    super(
      "the run is over (it passed timeoutMs, was aborted or ran out of memory); no host call runs after that",
    );
    this.name = "Error";
  }
}

export interface GuestApi {
  /** Throws RunOverError when the run in progress is over: no host operation or host function runs after that. */
  checkOpen(): void;
  readonly ctx: QuickJSContext;
  /** Copies a host value into the guest (structured-clone semantics). The caller owns the returned handle. */
  toGuest(value: unknown): QuickJSHandle;
  /** Copies a guest value out without running guest code on its behalf. Throws CloneError when it cannot. */
  fromGuest(handle: QuickJSHandle, maxBytes?: number): unknown;
  /** fromGuest, with the size of the copy as maxBytes counts it. */
  fromGuestSized(handle: QuickJSHandle, maxBytes?: number): { value: unknown; bytes: number };
  /** The exports of a guest bundle, evaluated on first use. Borrowed: valid until the run ends. */
  bundle(name: BundleName): QuickJSHandle;
  /**
   * Calls a function of a bundle's exports; returns the result handle (caller owns) or throws GuestThrew.
   * Disposes the handles in `owned` (default: all of `args`).
   */
  callBundle(name: BundleName, fn: string, args: QuickJSHandle[], owned?: QuickJSHandle[]): QuickJSHandle;
  /**
   * A guest function implemented on the host. A GuestThrew thrown by `impl` rethrows the guest's own exception;
   * any other host exception reaches the guest as an Error with its name and message only.
   */
  newFunction(
    name: string,
    impl: (...args: QuickJSHandle[]) => QuickJSHandle | undefined | { error: QuickJSHandle },
  ): QuickJSHandle;
  /** The host function guest bundles receive as `op`. Borrowed. */
  op(): QuickJSHandle;
  /**
   * A guest promise settled by a host promise. The run waits for it; when the host promise fulfils, `toHandle` makes
   * the guest value (default: a structured-clone copy); a rejection reaches the guest as an Error (name and message).
   * The caller owns the returned handle.
   */
  hostPromise<T>(promise: Promise<T>, toHandle?: (value: T) => QuickJSHandle): QuickJSHandle;
  /** Registers a host operation reachable from guest bundles as op(name, ...). */
  registerOp(name: string, handler: OpHandler): void;
  /**
   * Declares a global whose value is made on first access (a run pays only for the globals it touches). It is
   * installed when its name appears in code about to run, or at once with `eager`. `materialize` returns a handle
   * the caller gives up (return a dup of anything kept).
   */
  defineLazyGlobal(name: string, materialize: () => QuickJSHandle, options?: { eager?: boolean }): void;
  /** Installs the declared globals whose names appear in `source`. */
  ensureGlobals(source: string): void;
  /**
   * Declares a global function whose implementation is made on its first call (a writable data property, cheaper
   * than a lazy accessor); installed like defineLazyGlobal. `load` returns the real function (caller gives it up).
   */
  defineLazyFunction(name: string, load: () => QuickJSHandle): void;
  /** A guest error of the standard class named by `shape.name` (TypeError, RangeError...), or an Error with that name. */
  newError(shape: ErrorShape): QuickJSHandle;
  /** `handle === null` (this engine build's FFI has no equality). */
  isNull(handle: QuickJSHandle): boolean;
  /** `a === b`. */
  same(a: QuickJSHandle, b: QuickJSHandle): boolean;
  /** Keeps a handle alive until the run ends, then disposes it. Returns the handle. */
  keep(handle: QuickJSHandle): QuickJSHandle;
}

/** The copied value is larger than the byte budget. */
export class CloneSizeExceeded extends Error {
  override name = "CloneSizeError";
  constructor(readonly maxBytes: number) {
    super(`the value is larger than ${maxBytes} bytes`);
  }
}

/** A guest exception surfaced to host code; `handle` is owned by the thrower's caller until disposed. */
export class GuestThrew extends Error {
  constructor(readonly handle: QuickJSHandle) {
    super("guest code threw");
  }
}
