// Built-in module "timers/promises" (Node's lib/timers/promises.js over the guest's timer globals):
// setTimeout, setImmediate, the setInterval async iterator and scheduler.wait/yield, with AbortSignal support.
import type { Op } from "../../../guest/types.js";
import { AbortError, invalidArgType } from "./internal/errors.js";
import { G } from "./internal/globals.js";

interface Options {
  signal?: AbortSignalLike;
  ref?: boolean;
}
interface AbortSignalLike {
  aborted: boolean;
  reason: unknown;
  addEventListener(type: string, fn: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: string, fn: () => void): void;
}
interface Handle {
  unref?(): void;
}
type Schedule = (fn: () => void, ms?: number) => Handle;
type Clear = (handle: Handle) => void;

function checkOptions(options: unknown): Options {
  if (options === null || typeof options !== "object")
    throw invalidArgType("options", "of type object", options);
  const { signal, ref } = options as Options;
  if (signal !== undefined && (signal === null || typeof signal !== "object" || !("aborted" in signal)))
    throw invalidArgType("options.signal", "an instance of AbortSignal", signal);
  if (ref !== undefined && typeof ref !== "boolean")
    throw invalidArgType("options.ref", "of type boolean", ref);
  return options as Options;
}

const aborted = (signal?: AbortSignalLike) => new AbortError(undefined, { cause: signal?.reason });

function later<T>(
  kind: "Timeout" | "Immediate",
  delay: number | undefined,
  value: T,
  options: unknown,
): Promise<T> {
  let opts: Options;
  try {
    opts = checkOptions(options);
  } catch (err) {
    return Promise.reject(err);
  }
  const { signal, ref } = opts;
  if (signal?.aborted) return Promise.reject(aborted(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      (G[`clear${kind}`] as Clear)(handle);
      reject(aborted(signal));
    };
    const done = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const handle =
      kind === "Timeout" ? (G.setTimeout as Schedule)(done, delay) : (G.setImmediate as Schedule)(done);
    if (ref === false) handle.unref?.();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

async function* setInterval<T>(
  delay?: number,
  value?: T,
  options: unknown = {},
): AsyncGenerator<T | undefined> {
  const { signal, ref } = checkOptions(options);
  if (signal?.aborted) throw aborted(signal);
  let pending = 0;
  let wake: ((v?: unknown) => void) | undefined;
  const handle = (G.setInterval as Schedule)(() => {
    pending++;
    wake?.();
    wake = undefined;
  }, delay);
  if (ref === false) handle.unref?.();
  const onAbort = () => {
    wake?.(Promise.reject(aborted(signal)));
    wake = undefined;
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    while (!signal?.aborted) {
      if (pending === 0)
        await new Promise((resolve) => {
          wake = resolve;
        });
      for (; pending > 0; pending--) yield value;
    }
    throw aborted(signal);
  } finally {
    (G.clearInterval as Clear)(handle);
    signal?.removeEventListener("abort", onAbort);
  }
}

export function create(_op: Op, _require: (id: string) => unknown): unknown {
  const setTimeout = <T>(delay?: number, value?: T, options: unknown = {}) =>
    later("Timeout", delay, value, options);
  const setImmediate = <T>(value?: T, options: unknown = {}) => later("Immediate", 0, value, options);
  return {
    setTimeout,
    setImmediate,
    setInterval,
    scheduler: {
      wait: (delay: number, options?: unknown) => setTimeout(delay, undefined, options ?? {}),
      yield: () => setImmediate(),
    },
  };
}
