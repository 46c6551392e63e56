// Host half of host functions: `globals` become guest globals. Data is copied in; a function becomes a guest
// function that calls the host (arguments and results copied with structured-clone semantics, a host throw reduced
// to name and message); a plain object holding functions becomes a namespace. Calls are counted per run.
import type { QuickJSDeferredPromise, QuickJSHandle } from "quickjs-emscripten-core";
import { CloneError } from "../../engine/codec.js";
import type { GuestApi } from "../../engine/guest-api.js";

export interface HostCallHooks {
  /** An async host function returned a promise; the guest holds `deferred` until the host settles it. */
  pending(promise: Promise<unknown>, deferred: QuickJSDeferredPromise): void;
}

/** Name and message of a host error, never its stack or cause. */
export function hostErrorShape(error: unknown): { name: string; message: string } {
  if (error instanceof Error) {
    return {
      name: typeof error.name === "string" && error.name ? error.name : "Error",
      message: String(error.message),
    };
  }
  return {
    name: "Error",
    message: typeof error === "string" ? error : `host function failed: ${String(error)}`,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function holdsFunction(value: Record<string, unknown>, seen = new Set<object>()): boolean {
  seen.add(value);
  for (const item of Object.values(value)) {
    if (typeof item === "function") return true;
    if (isPlainObject(item) && !seen.has(item) && holdsFunction(item, seen)) return true;
  }
  return false;
}

export class HostFunctions {
  calls = 0;

  constructor(
    private readonly guest: GuestApi,
    private readonly maxHostCalls: number,
    private readonly hooks: HostCallHooks,
  ) {}

  /** Defines each of `globals` as a lazy guest global. */
  install(globals: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(globals)) {
      this.guest.defineLazyGlobal(name, () => this.materialize(value, name, new Map()));
    }
  }

  private materialize(value: unknown, path: string, seen: Map<object, QuickJSHandle>): QuickJSHandle {
    const ctx = this.guest.ctx;
    if (typeof value === "function") return this.hostFunction(value, path.slice(path.lastIndexOf(".") + 1));
    if (isPlainObject(value) && holdsFunction(value)) {
      const prior = seen.get(value);
      if (prior) return prior.dup();
      const namespace = ctx.newObject();
      seen.set(value, namespace);
      for (const [key, item] of Object.entries(value)) {
        const handle = this.materialize(item, `${path}.${key}`, seen);
        ctx.setProp(namespace, key, handle);
        handle.dispose();
      }
      seen.delete(value);
      return namespace;
    }
    try {
      return this.guest.toGuest(value);
    } catch (error) {
      throw new TypeError(
        `cordon: globals.${path} cannot be copied into the sandbox: ${(error as Error).message}`,
      );
    }
  }

  private hostFunction(fn: Function, name: string): QuickJSHandle {
    const guest = this.guest;
    const ctx = guest.ctx;
    return guest.newFunction(name, (...argHandles) => {
      if (this.calls >= this.maxHostCalls) {
        return {
          error: ctx.newError({
            name: "RangeError",
            message: `host call limit reached: at most ${this.maxHostCalls} calls per run (option maxHostCalls)`,
          }),
        };
      }
      this.calls += 1;
      let args: unknown[];
      try {
        args = argHandles.map((handle) => guest.fromGuest(handle));
      } catch (error) {
        return {
          error: ctx.newError(errorForGuest(error, `the arguments of ${name}() could not be copied`)),
        };
      }
      let value: unknown;
      try {
        value = Reflect.apply(fn, undefined, args);
      } catch (error) {
        return { error: ctx.newError(hostErrorShape(error)) };
      }
      if (
        value !== null &&
        typeof value === "object" &&
        typeof (value as PromiseLike<unknown>).then === "function"
      ) {
        const deferred = ctx.newPromise();
        this.hooks.pending(Promise.resolve(value), deferred);
        return deferred.handle.dup();
      }
      return this.copyIn(value, name);
    });
  }

  /** Copies a host function's result into the guest, or the error saying why it could not be copied. */
  copyIn(value: unknown, name: string): QuickJSHandle | { error: QuickJSHandle } {
    try {
      return this.guest.toGuest(value);
    } catch (error) {
      return {
        error: this.guest.ctx.newError(errorForGuest(error, `the result of ${name}() could not be copied`)),
      };
    }
  }
}

function errorForGuest(error: unknown, context: string): { name: string; message: string } {
  if (error instanceof CloneError) return { name: "DataCloneError", message: `${context}: ${error.message}` };
  return hostErrorShape(error);
}
