// Guest half of timers: callbacks live here, scheduling (due times, the cap, cancellation) lives on the host.
import type { Op } from "../../../guest/types.js";

type Callback = (...args: unknown[]) => unknown;
interface Entry {
  fn: Callback;
  args: unknown[];
  delay: number;
  repeat: boolean;
}

const MAX_DELAY = 2 ** 31 - 1;
const { apply } = Reflect;

function normalizeDelay(ms: unknown): number {
  const n = Number(ms);
  return n >= 1 && n <= MAX_DELAY ? n : 1;
}

export interface Timers {
  globals: Record<string, unknown>;
  fire(id: number): void;
}

export function createTimers(op: Op): Timers {
  const entries = new Map<number, Entry>();
  let nextId = 1;

  class Timeout {
    readonly #id: number;
    #ref = true;
    constructor(id: number) {
      this.#id = id;
    }
    ref(): this {
      this.#ref = true;
      op("timerRef", this.#id, true);
      return this;
    }
    unref(): this {
      this.#ref = false;
      op("timerRef", this.#id, false);
      return this;
    }
    hasRef(): boolean {
      return this.#ref;
    }
    refresh(): this {
      const entry = entries.get(this.#id);
      if (entry) op("timer", this.#id, entry.delay);
      return this;
    }
    close(): this {
      clear(this.#id);
      return this;
    }
    [Symbol.toPrimitive](): number {
      return this.#id;
    }
  }
  class Immediate extends Timeout {}

  const idOf = (handle: unknown): number | undefined => {
    if (typeof handle === "number") return handle;
    if (handle !== null && typeof handle === "object") {
      try {
        return Number(handle);
      } catch {
        return undefined;
      }
    }
    return undefined;
  };

  const schedule = (fn: unknown, delay: number, repeat: boolean, args: unknown[], immediate: boolean) => {
    if (typeof fn !== "function") {
      throw new TypeError(`The "callback" argument must be of type function. Received ${typeof fn}`);
    }
    const id = nextId++;
    op("timer", id, delay);
    entries.set(id, { fn: fn as Callback, args, delay, repeat });
    return immediate ? new Immediate(id) : new Timeout(id);
  };

  const clear = (handle: unknown) => {
    const id = idOf(handle);
    if (id === undefined || !entries.has(id)) return;
    entries.delete(id);
    op("clearTimer", id);
  };

  const globals = {
    setTimeout: (fn: unknown, ms?: unknown, ...args: unknown[]) =>
      schedule(fn, normalizeDelay(ms), false, args, false),
    setInterval: (fn: unknown, ms?: unknown, ...args: unknown[]) =>
      schedule(fn, normalizeDelay(ms), true, args, false),
    setImmediate: (fn: unknown, ...args: unknown[]) => schedule(fn, 0, false, args, true),
    clearTimeout: clear,
    clearInterval: clear,
    clearImmediate: clear,
  };

  const fire = (id: number) => {
    const entry = entries.get(id);
    if (!entry) return;
    if (entry.repeat) op("timer", id, entry.delay);
    else entries.delete(id);
    apply(entry.fn, undefined, entry.args);
  };

  return { globals, fire };
}
