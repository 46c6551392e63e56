// Host half of host functions: `globals` become guest globals. Data is copied in; a function becomes a guest
// function that calls the host (arguments and results copied with structured-clone semantics, a host throw reduced
// to name and message); a plain object holding functions becomes a namespace. Calls are counted per run.
import type { QuickJSHandle } from "quickjs-emscripten-core";
import { CloneError } from "../../engine/codec.js";
import { errorShape, HostFunctionError, hostErrorShape } from "../../engine/error-shape.js";
import { CloneSizeExceeded, type ErrorShape, type GuestApi, GuestThrew } from "../../engine/guest-api.js";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own enumerable data properties only: copying never runs a getter of the host's objects either. */
export function dataEntries(value: object): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const [key, desc] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (desc.enumerable && "value" in desc) entries.push([key, desc.value]);
  }
  return entries;
}

/** True when `value` holds a function somewhere in its plain-object tree (it becomes a namespace). */
export function holdsFunction(value: Record<string, unknown>, seen = new Set<object>()): boolean {
  seen.add(value);
  for (const [, item] of dataEntries(value)) {
    if (typeof item === "function") return true;
    if (isPlainObject(item) && !seen.has(item) && holdsFunction(item, seen)) return true;
  }
  return false;
}

/** The limits of the run in progress. */
export interface HostCallLimits {
  maxHostCalls: number;
  maxHostCallBytes: number;
}

/** Bytes of copied arguments the host holds for one run's calls in progress. */
interface Ledger {
  bytes: number;
}

export class HostFunctions {
  calls = 0;
  /** The run's ledger: a call that settles after its run ended releases into that run's, not the next one's. */
  private ledger: Ledger = { bytes: 0 };

  constructor(
    private readonly guest: GuestApi,
    private readonly limits: () => HostCallLimits,
    /** Whether host paths in host functions' error messages reach the guest. */
    private readonly errors: "redact" | "verbatim" = "redact",
  ) {}

  /** Starts the count of a new run: no call made, no argument held. */
  beginRun(): void {
    this.calls = 0;
    this.ledger = { bytes: 0 };
  }

  /** Bytes of copied arguments the current run's calls in progress hold. */
  get heldBytes(): number {
    return this.ledger.bytes;
  }

  /** Defines each of `globals` as a lazy guest global. */
  install(globals: Record<string, unknown>): void {
    for (const [name, value] of dataEntries(globals)) {
      this.guest.defineLazyGlobal(name, () => this.materialize(value, name, new Map()), { eager: true });
    }
  }

  private materialize(value: unknown, name: string, seen: Map<object, QuickJSHandle>): QuickJSHandle {
    const ctx = this.guest.ctx;
    if (typeof value === "function") return this.hostFunction(value, name);
    if (!isPlainObject(value) || !holdsFunction(value)) return this.guest.toGuest(value);
    const prior = seen.get(value);
    if (prior) return prior.dup();
    const namespace = ctx.newObject();
    seen.set(value, namespace);
    for (const [key, item] of dataEntries(value)) {
      const handle = this.materialize(item, key, seen);
      ctx.setProp(namespace, key, handle);
      if (handle.alive && handle !== ctx.undefined && handle !== ctx.null) handle.dispose();
    }
    seen.delete(value);
    return namespace;
  }

  private hostFunction(fn: Function, name: string): QuickJSHandle {
    const guest = this.guest;
    return guest.newFunction(name, (...argHandles) => {
      guest.checkOpen();
      const { maxHostCalls, maxHostCallBytes } = this.limits();
      if (this.calls >= maxHostCalls) {
        const message = `host call limit reached: at most ${maxHostCalls} calls per run (option maxHostCalls)`;
        return { error: guest.newError({ name: "RangeError", message }) };
      }
      this.calls += 1;
      const ledger = this.ledger;
      let args: unknown[];
      let bytes = 0;
      try {
        args = argHandles.map((handle) => {
          const copy = guest.fromGuestSized(handle, maxHostCallBytes - ledger.bytes - bytes);
          bytes += copy.bytes;
          return copy.value;
        });
      } catch (error) {
        if (error instanceof CloneSizeExceeded) {
          const message = `the arguments of ${name}() do not fit in maxHostCallBytes (${maxHostCallBytes} bytes) with those of the host calls still in progress (${ledger.bytes} bytes); wait for pending calls to settle, pass less data, or raise maxHostCallBytes`;
          return { error: guest.newError({ name: "RangeError", message }) };
        }
        return { error: guest.newError(shapeFor(error, `the arguments of ${name}() could not be copied`)) };
      }
      ledger.bytes += bytes;
      let pending = false;
      try {
        let value: unknown;
        try {
          value = Reflect.apply(fn, undefined, args);
        } catch (error) {
          return { error: guest.newError(hostErrorShape(error, this.errors)) };
        }
        if (
          value !== null &&
          typeof value === "object" &&
          typeof (value as PromiseLike<unknown>).then === "function"
        ) {
          // The host may hold the arguments until its promise settles: they stay charged until then.
          pending = true;
          const settled = Promise.resolve(value).then(
            (result) => {
              ledger.bytes -= bytes;
              return result;
            },
            (error: unknown) => {
              ledger.bytes -= bytes;
              throw new HostFunctionError(hostErrorShape(error, this.errors));
            },
          );
          return guest.hostPromise(settled, (result) => this.copyIn(result, name));
        }
        return this.copyIn(value, name);
      } finally {
        if (!pending) ledger.bytes -= bytes;
      }
    });
  }

  /** Copies a host function's result into the guest; throws the error saying why it could not be copied. */
  private copyIn(value: unknown, name: string): QuickJSHandle {
    try {
      return this.guest.toGuest(value);
    } catch (error) {
      throw new GuestThrew(
        this.guest.newError(shapeFor(error, `the result of ${name}() could not be copied`)),
      );
    }
  }
}

function shapeFor(error: unknown, context: string): ErrorShape {
  if (error instanceof CloneError) return { name: "DataCloneError", message: `${context}: ${error.message}` };
  return errorShape(error);
}
