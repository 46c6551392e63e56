// The guest side of one run as host code sees it: copies in and out (primitives directly, everything else through
// the lazily loaded codec bundle), bundles evaluated on first use, ops, lazy globals, and the handles to dispose.
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from "quickjs-emscripten-core";
import { CloneError, decode, type Encoded, encode } from "../engine/codec.js";
import { errorShape } from "../engine/error-shape.js";
import {
  type BundleName,
  CloneSizeExceeded,
  type ErrorShape,
  type GuestApi,
  GuestThrew,
  type OpHandler,
  RunOverError,
} from "../engine/guest-api.js";
import { newTransport, readTransport, readWholeString, TransportTooLarge } from "../engine/marshal.js";
import { GUEST_BUNDLES } from "../generated/guest-bundles.js";
import { INTERNAL_FILE_PREFIX } from "./result.js";

export { CloneSizeExceeded };

const UNLIMITED = Number.MAX_SAFE_INTEGER;

// [define a writable data property, v === null, a === b, an error of a standard class with extra fields]
const HELPERS_SOURCE = `(()=>{const d=Object.defineProperty,C={Error,TypeError,RangeError,SyntaxError,ReferenceError,EvalError,URIError};
return[(o,k,v)=>{d(o,k,{value:v,writable:true,configurable:true,enumerable:false})},v=>v===null,(a,b)=>a===b,
(n,m,x)=>{const K=C[n],e=K?new K(m):new Error(m);if(!K)d(e,"name",{value:n,writable:true,configurable:true});
for(const k in x)d(e,k,{value:x[k],writable:true,configurable:true,enumerable:true});return e}]})()`;

/**
 * Reads a thrown object's name, message and stack when its message is a string: `[name, message, stack]`, with
 * non-strings as "". Anything else gives undefined and goes to the codec. Calls no built-in a program could replace.
 */
const DESCRIBE_SOURCE = `(e)=>{const s=v=>typeof v=="string"?v:"";if(typeof e.message=="string")return[s(e.name),e.message,s(e.stack)]}`;

/** Called for every guest promise settled by the host: the run keeps going until it settles. */
export type PendingHook = (
  promise: Promise<unknown>,
  deferred: QuickJSDeferredPromise,
  toHandle: (value: unknown) => QuickJSHandle,
) => void;

type HostImpl = (...args: QuickJSHandle[]) => QuickJSHandle | undefined | { error: QuickJSHandle };

export class Guest implements GuestApi {
  private readonly bundles = new Map<BundleName, QuickJSHandle>();
  private readonly kept: QuickJSHandle[] = [];
  private readonly ops = new Map<string, OpHandler>();
  private opFunction: QuickJSHandle | undefined;
  private helpers: QuickJSHandle | undefined;
  private readonly declared = new Map<string, () => void>();
  private readonly installed = new Set<string>();
  private pattern: RegExp | undefined;
  private pristineRealm: QuickJSContext | undefined;
  private describer: QuickJSHandle | undefined;

  constructor(
    readonly ctx: QuickJSContext,
    private readonly onPending: PendingHook,
  ) {}

  hostPromise<T>(promise: Promise<T>, toHandle?: (value: T) => QuickJSHandle): QuickJSHandle {
    const deferred = this.ctx.newPromise();
    this.onPending(
      promise,
      deferred,
      (toHandle ?? ((value: T) => this.toGuest(value))) as (value: unknown) => QuickJSHandle,
    );
    return deferred.handle.dup();
  }

  // ---- copies ------------------------------------------------------------------------------------------------

  toGuest(value: unknown): QuickJSHandle {
    const ctx = this.ctx;
    switch (typeof value) {
      case "undefined":
        return ctx.undefined;
      case "boolean":
        return value ? ctx.true : ctx.false;
      case "number":
        return ctx.newNumber(value);
      case "string":
        return ctx.newString(value);
      case "bigint":
        return ctx.newBigInt(value);
      case "symbol":
      case "function":
        throw new CloneError(`a ${typeof value} could not be cloned`);
    }
    if (value === null) return ctx.null;
    return this.decodeInGuest(encode(value, { includeStacks: false }));
  }

  /** Turns an encoding made on the host into a guest value (through the codec bundle). */
  decodeInGuest(encoded: Encoded): QuickJSHandle {
    const transport = newTransport(this.ctx, encoded);
    try {
      return this.callBundle("decode", "decode", [transport]);
    } catch (error) {
      if (!(error instanceof GuestThrew)) throw error;
      error.handle.dispose();
      throw new CloneError("the value could not be rebuilt inside the sandbox");
    }
  }

  fromGuest(handle: QuickJSHandle, maxBytes = UNLIMITED): unknown {
    return this.fromGuestSized(handle, maxBytes).value;
  }

  /**
   * fromGuest, with the size of the copy as maxBytes counts it (the length of its encoding: a string's characters
   * plus its quotes; a primitive counts 8).
   */
  fromGuestSized(handle: QuickJSHandle, maxBytes = UNLIMITED): { value: unknown; bytes: number } {
    const ctx = this.ctx;
    switch (ctx.typeof(handle)) {
      case "undefined":
        return { value: undefined, bytes: 8 };
      case "number":
        return { value: ctx.getNumber(handle), bytes: 8 };
      case "string": {
        const text = readWholeString(ctx, handle);
        if (text !== undefined && text.length + 2 > maxBytes) throw new CloneSizeExceeded(maxBytes);
        // A string holding a NUL character is copied through the codec instead.
        return text === undefined
          ? this.decodeSized(handle, maxBytes)
          : { value: text, bytes: text.length + 2 };
      }
      case "boolean":
        return { value: ctx.dump(handle) === true, bytes: 8 };
      case "bigint": {
        const value = ctx.getBigInt(handle);
        return { value, bytes: 8 + Math.ceil(value.toString(16).length / 2) };
      }
      case "symbol":
      case "function":
        throw new CloneError(`a ${ctx.typeof(handle)} could not be cloned`);
    }
    if (this.isNull(handle)) return { value: null, bytes: 8 };
    return this.decodeSized(handle, maxBytes);
  }

  private decodeSized(handle: QuickJSHandle, maxBytes: number): { value: unknown; bytes: number } {
    const encoded = this.encodeInGuest(handle, maxBytes);
    let bytes = encoded.json.length;
    for (const buffer of encoded.buffers) bytes += buffer.byteLength;
    return { value: decode(encoded), bytes };
  }

  /** The encoding of a guest object, made by the codec bundle and read as a transport. */
  encodeInGuest(handle: QuickJSHandle, maxBytes: number): Encoded {
    const limit = this.ctx.newNumber(maxBytes);
    let transport: QuickJSHandle;
    try {
      transport = this.callBundle("encode", "encode", [handle, limit], [limit]);
    } catch (error) {
      if (error instanceof GuestThrew) {
        const described = this.describe(error.handle);
        error.handle.dispose();
        if (described.name === "CloneSizeError") throw new CloneSizeExceeded(maxBytes);
        throw new CloneError(described.message);
      }
      throw error;
    }
    try {
      return readTransport(this.ctx, transport, maxBytes);
    } catch (error) {
      // The guest's encoder checks its size as it goes; the few closing characters it adds last can tip it over.
      if (error instanceof TransportTooLarge) throw new CloneSizeExceeded(maxBytes);
      throw error;
    } finally {
      transport.dispose();
    }
  }

  /**
   * Name, message and stack of a thrown guest value. An error's own string properties are read by a few bytes of
   * guest code (its getters may run, under the run's deadline: the error is the program's own); anything else is
   * described by the codec, which runs none of the value's code.
   */
  describe(thrown: QuickJSHandle): { name: string; message: string; stack?: string } {
    const ctx = this.ctx;
    const type = ctx.typeof(thrown);
    if (type !== "object" && type !== "function") {
      const text =
        type === "string" ? ctx.getString(thrown) : type === "symbol" ? "Symbol()" : String(ctx.dump(thrown));
      return { name: "Error", message: boundMessage(`Uncaught ${text}`) };
    }
    const described = this.readError(thrown) ?? this.describeError(thrown) ?? this.describeValue(thrown);
    described.name = boundMessage(described.name, MAX_NAME_CHARS);
    described.message = boundMessage(described.message);
    if (described.stack !== undefined) described.stack = boundStack(described.stack);
    return described;
  }

  /**
   * The common case without compiling anything: an error whose name, message and stack read as strings. A getter
   * that throws leaves the read unusable (and the exception pending): the guest-code path below reads again and
   * takes the exception properly.
   */
  private readError(thrown: QuickJSHandle): { name: string; message: string; stack?: string } | undefined {
    const ctx = this.ctx;
    const read = (key: string): string | undefined | false => {
      const handle = ctx.getProp(thrown, key);
      try {
        const type = ctx.typeof(handle);
        // (The FFI's read stops at a NUL character: such a string is read up to it, as by the reader below.)
        if (type === "string") return ctx.getString(handle);
        return type === "undefined" ? undefined : false;
      } finally {
        handle.dispose();
      }
    };
    const message = read("message");
    if (typeof message !== "string") return undefined;
    const name = read("name");
    const stack = read("stack");
    if (name === false || stack === false) return undefined;
    return stack ? { name: name || "Error", message, stack } : { name: name || "Error", message };
  }

  private describeError(
    thrown: QuickJSHandle,
  ): { name: string; message: string; stack?: string } | undefined {
    const ctx = this.ctx;
    this.describer ??= this.keep(
      ctx.unwrapResult(ctx.evalCode(DESCRIBE_SOURCE, `${INTERNAL_FILE_PREFIX}describe`)),
    );
    const result = ctx.callFunction(this.describer, ctx.undefined, thrown);
    if (result.error) {
      result.error.dispose();
      return undefined;
    }
    try {
      if (ctx.typeof(result.value) !== "object") return undefined;
      const [name, message, stack] = [0, 1, 2].map((i) => {
        const item = ctx.getProp(result.value, i);
        const text = ctx.getString(item);
        item.dispose();
        return text;
      }) as [string, string, string];
      return stack ? { name: name || "Error", message, stack } : { name: name || "Error", message };
    } finally {
      result.value.dispose();
    }
  }

  private describeValue(thrown: QuickJSHandle): { name: string; message: string; stack?: string } {
    const ctx = this.ctx;
    try {
      const transport = this.callBundle("encode", "describe", [thrown], []);
      try {
        const value = decode(readTransport(ctx, transport, 1 << 20)) as Record<string, unknown>;
        if (!(value instanceof Error) && typeof value.message !== "string") {
          return { name: "Error", message: `Uncaught ${preview(value)}` };
        }
        const name = typeof value.name === "string" && value.name ? value.name : "Error";
        const message = typeof value.message === "string" ? value.message : "";
        const stack = typeof value.stack === "string" ? value.stack : undefined;
        return stack === undefined ? { name, message } : { name, message, stack };
      } finally {
        transport.dispose();
      }
    } catch (error) {
      if (error instanceof GuestThrew) error.handle.dispose();
      return { name: "Error", message: "the program failed with a value that could not be described" };
    }
  }

  // ---- bundles and ops ---------------------------------------------------------------------------------------

  bundle(name: BundleName): QuickJSHandle {
    let exports = this.bundles.get(name);
    if (!exports) {
      const realm = name === "encode" ? this.pristine() : this.ctx;
      const source = GUEST_BUNDLES[name];
      if (source === undefined) throw new TypeError(`unknown guest bundle ${name}`);
      if (realm === this.ctx) this.ensureGlobals(source);
      const result = realm.evalCode(source, `${INTERNAL_FILE_PREFIX}${name}`);
      if (result.error) throw new GuestThrew(result.error);
      exports = result.value;
      this.bundles.set(name, exports);
    }
    return exports;
  }

  /**
   * A second context of the same runtime that no program code ever runs in. Copying out happens there, with
   * built-ins the program cannot have replaced (it can still only read the program's values, under the same limits).
   */
  private pristine(): QuickJSContext {
    this.pristineRealm ??= this.ctx.runtime.newContext();
    return this.pristineRealm;
  }

  /**
   * Calls `fn` of a bundle's exports with `args`. Disposes the handles in `owned` (default: all of `args`).
   * Returns the result (caller owns it) or throws GuestThrew with the exception handle.
   */
  callBundle(
    name: BundleName,
    fn: string,
    args: QuickJSHandle[],
    owned: QuickJSHandle[] = args,
  ): QuickJSHandle {
    const ctx = this.ctx;
    try {
      const exports = this.bundle(name);
      const method = ctx.getProp(exports, fn);
      try {
        const result = ctx.callFunction(method, ctx.undefined, args);
        if (result.error) throw new GuestThrew(result.error);
        return result.value;
      } finally {
        method.dispose();
      }
    } finally {
      for (const handle of owned) if (handle.alive) handle.dispose();
    }
  }

  /**
   * Whether the run in progress is over (past its deadline, aborted, out of memory). Once it is, no host operation
   * or host function runs: the guest gets an error, and the engine's next interrupt check ends it.
   */
  isOver: () => boolean = () => false;

  /** Throws when the run is over (see isOver). */
  checkOpen(): void {
    if (this.isOver()) throw new RunOverError();
  }

  registerOp(name: string, handler: OpHandler): void {
    this.ops.set(name, handler);
  }

  /** The single host function guest bundles reach the host through. */
  op(): QuickJSHandle {
    this.opFunction ??= this.newFunction("op", (nameHandle, ...args) => {
      this.checkOpen();
      const name = this.ctx.getString(nameHandle!);
      const handler = this.ops.get(name);
      if (!handler) throw new TypeError(`unknown host operation ${name}`);
      return handler(...args);
    });
    return this.opFunction;
  }

  /**
   * A guest function implemented on the host. Every call counts toward the run's deadline: once the run is over it
   * fails at once (the engine polls its deadline only every few thousand calls of a native function).
   */
  newFunction(name: string, impl: HostImpl): QuickJSHandle {
    const ctx = this.ctx;
    return ctx.newFunction(name, (...args) => {
      try {
        this.checkOpen();
        return impl(...args);
      } catch (error) {
        if (error instanceof GuestThrew) return { error: error.handle };
        return { error: this.thrownError(error) };
      }
    });
  }

  /**
   * The guest error for a host failure. Once the run is over no guest code runs (the engine would stop the helper
   * that builds errors): the error is then made without it. If the helper fails, its own exception is thrown instead.
   */
  private thrownError(error: unknown): QuickJSHandle {
    const shape = errorShape(error);
    if (this.isOver()) return this.ctx.newError({ name: shape.name, message: shape.message });
    try {
      return this.newError(shape);
    } catch (failure) {
      if (failure instanceof GuestThrew) return failure.handle;
      throw failure;
    }
  }

  // ---- globals -----------------------------------------------------------------------------------------------

  defineLazyGlobal(name: string, materialize: () => QuickJSHandle, options: { eager?: boolean } = {}): void {
    this.declare(name, () => this.installLazyGlobal(name, materialize), options.eager ?? false);
  }

  /** Runs `install` once, before the first code that names `name` runs. */
  whenNamed(name: string, install: () => void): void {
    this.declare(name, install, false);
  }

  defineLazyFunction(name: string, load: () => QuickJSHandle): void {
    this.declare(name, () => this.installLazyFunction(name, load), false);
  }

  /**
   * Globals are declared, not installed: installing one costs a few microseconds, so a global is installed only
   * when its name appears in code about to run (see ensureGlobals) — or at once when `eager`.
   */
  private declare(name: string, install: () => void, eager: boolean): void {
    if (eager) {
      this.declared.delete(name);
      this.installed.add(name);
      install();
    } else if (!this.installed.has(name)) {
      this.declared.set(name, install);
      this.pattern = undefined;
    }
  }

  /** Installs every declared global whose name appears in `source` (program text, module text or bundle text). */
  ensureGlobals(source: string): void {
    if (this.declared.size === 0) return;
    this.pattern ??= namesPattern([...this.declared.keys()]);
    this.pattern.lastIndex = 0;
    for (let match = this.pattern.exec(source); match; match = this.pattern.exec(source)) {
      const name = match[0];
      const install = this.declared.get(name);
      if (!install) continue;
      this.declared.delete(name);
      this.installed.add(name);
      install();
      if (this.declared.size === 0) return;
    }
  }

  private installLazyGlobal(name: string, materialize: () => QuickJSHandle): void {
    const ctx = this.ctx;
    const define = (value: QuickJSHandle) => {
      const key = ctx.newString(name);
      this.callDefiner([ctx.global, key, value]);
      key.dispose();
    };
    ctx.defineProp(ctx.global, name, {
      configurable: true,
      enumerable: false,
      get: () => {
        try {
          const value = materialize();
          define(value);
          return value;
        } catch (error) {
          if (error instanceof GuestThrew) return { error: error.handle } as never;
          throw error;
        }
      },
      set: (value) => define(value),
    });
  }

  private installLazyFunction(name: string, load: () => QuickJSHandle): void {
    const ctx = this.ctx;
    let real: QuickJSHandle | undefined;
    const trampoline = this.newFunction(name, (...args) => {
      if (!real) {
        real = this.keep(load());
        // Later calls through the global go straight to the real function (unless the program replaced it).
        const current = ctx.getProp(ctx.global, name);
        if (this.same(current, self)) ctx.setProp(ctx.global, name, real);
        current.dispose();
      }
      const result = ctx.callFunction(real, ctx.undefined, args);
      if (result.error) return { error: result.error };
      return result.value;
    });
    const self = this.keep(trampoline);
    ctx.setProp(ctx.global, name, trampoline);
  }

  /** Object.defineProperty(o, k, { value, writable, configurable }) in the guest (the FFI cannot make writable data properties). */
  private callDefiner(args: QuickJSHandle[]): void {
    this.callHelper(0, args).dispose();
  }

  newError(shape: ErrorShape): QuickJSHandle {
    const ctx = this.ctx;
    const name = ctx.newString(shape.name);
    const message = ctx.newString(shape.message);
    const extra = shape.extra === undefined ? ctx.undefined : this.toGuest(shape.extra);
    try {
      return this.callHelper(3, [name, message, extra]);
    } finally {
      name.dispose();
      message.dispose();
      if (extra.alive && extra !== ctx.undefined) extra.dispose();
    }
  }

  isNull(handle: QuickJSHandle): boolean {
    const ctx = this.ctx;
    if (ctx.typeof(handle) !== "object") return false;
    const result = this.callHelper(1, [handle]);
    const isNull = ctx.dump(result) === true;
    result.dispose();
    return isNull;
  }

  same(a: QuickJSHandle, b: QuickJSHandle): boolean {
    const result = this.callHelper(2, [a, b]);
    const same = this.ctx.dump(result) === true;
    result.dispose();
    return same;
  }

  /** Small guest helpers for what the FFI of this engine build does not offer (compiled once per run, on demand). */
  private callHelper(index: number, args: QuickJSHandle[]): QuickJSHandle {
    const ctx = this.ctx;
    if (!this.helpers) {
      const result = ctx.evalCode(HELPERS_SOURCE, `${INTERNAL_FILE_PREFIX}helpers`);
      if (result.error) throw new GuestThrew(result.error);
      this.helpers = result.value;
    }
    const fn = ctx.getProp(this.helpers, index);
    try {
      const result = ctx.callFunction(fn, ctx.undefined, args);
      if (result.error) throw new GuestThrew(result.error);
      return result.value;
    } finally {
      fn.dispose();
    }
  }

  keep(handle: QuickJSHandle): QuickJSHandle {
    this.kept.push(handle);
    return handle;
  }

  /** Disposes every handle this run kept. */
  dispose(): void {
    for (const handle of this.kept) if (handle.alive) handle.dispose();
    for (const handle of this.bundles.values()) if (handle.alive) handle.dispose();
    this.opFunction?.dispose();
    this.helpers?.dispose();
    this.kept.length = 0;
    this.bundles.clear();
    this.pristineRealm?.dispose();
  }
}

const patterns = new Map<string, RegExp>();

/** A global regular expression matching any of `names` as a whole word. */
function namesPattern(names: string[]): RegExp {
  const key = names.join(",");
  let pattern = patterns.get(key);
  if (!pattern) {
    pattern = new RegExp(`(?<![\\w$])(?:${names.join("|")})(?![\\w$])`, "g");
    patterns.set(key, pattern);
  }
  return pattern;
}

/** Most characters of a guest error's stack the host reads frames from (a program can set any string). */
export const MAX_STACK_CHARS = 64 * 1024;

/** The longest error message (and thrown string) a RunResult carries; the rest is cut, saying how much. */
export const MAX_MESSAGE_CHARS = 16 * 1024;
const MAX_NAME_CHARS = 256;

function boundMessage(text: string, max = MAX_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** `stack` cut to its whole lines within MAX_STACK_CHARS, so explaining a failure never parses an unbounded text. */
function boundStack(stack: string): string {
  if (stack.length <= MAX_STACK_CHARS) return stack;
  const cut = stack.lastIndexOf("\n", MAX_STACK_CHARS);
  return stack.slice(0, cut > 0 ? cut : MAX_STACK_CHARS);
}

/** A short JSON preview of a copied value (for thrown values that are not errors). */
function preview(value: unknown): string {
  let text: string;
  try {
    text =
      JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
