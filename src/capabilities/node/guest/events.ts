// Built-in module "events": EventEmitter after Node's lib/events.js. EventEmitter is a plain constructor
// function (not a class) so that `EventEmitter.call(this)` in pre-class code keeps working, and listeners are
// stored in `_events` as in Node because some packages read it.
import type { Op } from "../../../guest/types.js";
import { AbortError, invalidArgType, nodeError, outOfRange, validateFunction } from "./internal/errors.js";
import { emitWarning } from "./internal/globals.js";

type Key = string | symbol;
type Fn = (...args: unknown[]) => unknown;
type Listener = Fn & { listener?: Fn };
type Stored = Listener | (Listener[] & { warned?: boolean });
type Events = Record<Key, Stored | undefined>;
type Require = (id: string) => unknown;

export interface EE {
  _events: Events;
  _eventsCount: number;
  _maxListeners: number | undefined;
  on(type: Key, fn: Fn): EE;
  once(type: Key, fn: Fn): EE;
  emit(type: Key, ...args: unknown[]): boolean;
  removeListener(type: Key, fn: Fn): EE;
  removeAllListeners(type?: Key): EE;
}
interface EventTargetLike {
  addEventListener(type: string, fn: Fn, options?: { once?: boolean }): void;
  removeEventListener(type: string, fn: Fn): void;
}
type Signal = EventTargetLike & { aborted: boolean; reason: unknown };
type Emitter = EE | EventTargetLike;

const errorMonitor = Symbol("events.errorMonitor");
let defaultMaxListeners = 10;
let requireFn: Require;

const newEvents = (): Events => Object.create(null);

function checkListener(fn: unknown): asserts fn is Fn {
  validateFunction(fn, "listener");
}

function checkCount(n: unknown, name: string): asserts n is number {
  if (typeof n !== "number") throw invalidArgType(name, "of type number", n);
  if (n < 0 || Number.isNaN(n)) throw outOfRange(name, ">= 0", n);
}

function maxOf(target: EE): number {
  return target._maxListeners === undefined ? defaultMaxListeners : target._maxListeners;
}

function addListener(target: EE, type: Key, listener: Listener, prepend: boolean): EE {
  checkListener(listener);
  let events = target._events;
  let existing: Stored | undefined;
  if (events === undefined) {
    events = target._events = newEvents();
    target._eventsCount = 0;
  } else {
    if (events.newListener !== undefined) {
      target.emit("newListener", type, listener.listener ?? listener);
      events = target._events;
    }
    existing = events[type];
  }
  if (existing === undefined) {
    events[type] = listener;
    ++target._eventsCount;
  } else {
    if (typeof existing === "function")
      existing = events[type] = prepend ? [listener, existing] : [existing, listener];
    else if (prepend) existing.unshift(listener);
    else existing.push(listener);
    const m = maxOf(target);
    if (m > 0 && existing.length > m && !existing.warned) {
      existing.warned = true;
      const name = (target as { constructor?: { name?: string } }).constructor?.name || "EventEmitter";
      emitWarning(
        `Possible EventEmitter memory leak detected. ${existing.length} ${String(type)} listeners added to [${name}]. MaxListeners is ${m}. Use emitter.setMaxListeners() to increase limit`,
        "MaxListenersExceededWarning",
      );
    }
  }
  return target;
}

function onceWrap(target: EE, type: Key, listener: Fn): Listener {
  let fired = false;
  const wrapped: Listener = function (this: unknown, ...args: unknown[]) {
    if (fired) return;
    target.removeListener(type, wrapped);
    fired = true;
    return listener.apply(target, args);
  };
  wrapped.listener = listener;
  return wrapped;
}

function listenersOf(target: EE, type: Key, unwrap: boolean): Fn[] {
  const list = target._events?.[type];
  if (list === undefined) return [];
  const all = typeof list === "function" ? [list] : list.slice();
  return unwrap ? all.map((l) => l.listener ?? l) : all;
}

function unhandled(er: unknown): Error {
  let shown: string;
  try {
    shown = (requireFn("internal:inspect") as { inspect(v: unknown): string }).inspect(er);
  } catch {
    shown = String(er);
  }
  const err = nodeError(Error, "ERR_UNHANDLED_ERROR", `Unhandled error. (${shown})`) as Error & {
    context?: unknown;
  };
  err.context = er;
  return err;
}

const proto = {
  _events: undefined as Events | undefined,
  _eventsCount: 0,
  _maxListeners: undefined as number | undefined,
  setMaxListeners(this: EE, n: number) {
    checkCount(n, "setMaxListeners");
    this._maxListeners = n;
    return this;
  },
  getMaxListeners(this: EE) {
    return maxOf(this);
  },
  emit(this: EE, type: Key, ...args: unknown[]): boolean {
    const events = this._events;
    let doError = type === "error";
    if (events !== undefined) {
      if (doError && events[errorMonitor] !== undefined) this.emit(errorMonitor, ...args);
      doError = doError && events.error === undefined;
    } else if (!doError) return false;
    if (doError) {
      const er = args[0];
      if (er instanceof Error) throw er;
      throw unhandled(er);
    }
    const handler = events[type];
    if (handler === undefined) return false;
    if (typeof handler === "function") handler.apply(this, args);
    else for (const fn of handler.slice()) fn.apply(this, args);
    return true;
  },
  addListener(this: EE, type: Key, fn: Fn) {
    return addListener(this, type, fn, false);
  },
  prependListener(this: EE, type: Key, fn: Fn) {
    return addListener(this, type, fn, true);
  },
  once(this: EE, type: Key, fn: Fn) {
    checkListener(fn);
    return this.on(type, onceWrap(this, type, fn));
  },
  prependOnceListener(this: EE, type: Key, fn: Fn) {
    checkListener(fn);
    return addListener(this, type, onceWrap(this, type, fn), true);
  },
  removeListener(this: EE, type: Key, listener: Fn) {
    checkListener(listener);
    const events = this._events;
    const list = events?.[type];
    if (list === undefined) return this;
    if (list === listener || (list as Listener).listener === listener) {
      if (--this._eventsCount === 0) this._events = newEvents();
      else {
        delete events[type];
        if (events.removeListener) this.emit("removeListener", type, (list as Listener).listener || listener);
      }
    } else if (typeof list !== "function") {
      let i = list.length - 1;
      while (i >= 0 && list[i] !== listener && list[i]!.listener !== listener) i--;
      if (i < 0) return this;
      list.splice(i, 1);
      if (list.length === 1) events[type] = list[0];
      if (events.removeListener !== undefined) this.emit("removeListener", type, listener);
    }
    return this;
  },
  removeAllListeners(this: EE, ...rest: Key[]) {
    const events = this._events;
    if (events === undefined) return this;
    const type = rest[0] as Key;
    if (events.removeListener === undefined) {
      if (rest.length === 0) {
        this._events = newEvents();
        this._eventsCount = 0;
      } else if (events[type] !== undefined) {
        if (--this._eventsCount === 0) this._events = newEvents();
        else delete events[type];
      }
      return this;
    }
    if (rest.length === 0) {
      for (const key of Reflect.ownKeys(events)) if (key !== "removeListener") this.removeAllListeners(key);
      this.removeAllListeners("removeListener");
      this._events = newEvents();
      this._eventsCount = 0;
      return this;
    }
    const listeners = events[type];
    if (typeof listeners === "function") this.removeListener(type, listeners);
    else if (listeners !== undefined)
      for (let i = listeners.length - 1; i >= 0; i--) this.removeListener(type, listeners[i]!);
    return this;
  },
  listeners(this: EE, type: Key) {
    return listenersOf(this, type, true);
  },
  rawListeners(this: EE, type: Key) {
    return listenersOf(this, type, false);
  },
  listenerCount(this: EE, type: Key, listener?: Fn) {
    const all = listenersOf(this, type, false);
    return listener == null
      ? all.length
      : all.filter((l) => l === listener || (l as Listener).listener === listener).length;
  },
  eventNames(this: EE) {
    return this._eventsCount > 0 ? Reflect.ownKeys(this._events) : [];
  },
};

function EventEmitter(this: EE, opts?: unknown): void {
  EventEmitter.init.call(this, opts);
}
EventEmitter.init = function (this: EE, _opts?: unknown) {
  if (this._events === undefined || this._events === (Object.getPrototypeOf(this) as EE)._events) {
    this._events = newEvents();
    this._eventsCount = 0;
  }
  this._maxListeners = this._maxListeners || undefined;
};
const P = Object.assign(EventEmitter.prototype as object, proto) as typeof proto;
Object.assign(P, { on: P.addListener, off: P.removeListener });

// ---- helpers that work with both emitters and EventTargets -------------------------------------------------

function listen(target: Emitter, name: Key, fn: Fn, once?: boolean): void {
  if (typeof (target as EE).on === "function") (target as EE)[once ? "once" : "on"](name, fn);
  else if (typeof (target as EventTargetLike).addEventListener === "function")
    (target as EventTargetLike).addEventListener(name as string, fn, { once });
  else throw invalidArgType("emitter", "an instance of EventEmitter or EventTarget", target);
}
function unlisten(target: Emitter, name: Key, fn: Fn): void {
  if (typeof (target as EE).removeListener === "function") (target as EE).removeListener(name, fn);
  else (target as EventTargetLike).removeEventListener(name as string, fn);
}
function checkSignal(signal: Signal | undefined): void {
  if (signal !== undefined && (signal === null || typeof signal !== "object" || !("aborted" in signal)))
    throw invalidArgType("options.signal", "an instance of AbortSignal", signal);
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

async function once(emitter: Emitter, name: Key, options: { signal?: Signal } = {}): Promise<unknown[]> {
  const signal = options.signal;
  checkSignal(signal);
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      unlisten(emitter, name, resolver);
      if (typeof (emitter as EE).removeListener === "function") unlisten(emitter, "error", errorListener);
      if (signal) unlisten(signal, "abort", abortListener);
    };
    const errorListener = (err: unknown) => {
      cleanup();
      reject(err);
    };
    const resolver = (...args: unknown[]) => {
      cleanup();
      resolve(args);
    };
    const abortListener = () => errorListener(new AbortError(undefined, { cause: signal?.reason }));
    listen(emitter, name, resolver, true);
    if (name !== "error" && typeof (emitter as EE).once === "function")
      (emitter as EE).once("error", errorListener);
    if (signal) listen(signal, "abort", abortListener, true);
  });
}

function on(emitter: Emitter, event: Key, options: { signal?: Signal; close?: Key[] } = {}) {
  const signal = options.signal;
  checkSignal(signal);
  const events: unknown[][] = [];
  const waiting: { resolve(v: IteratorResult<unknown[]>): void; reject(e: unknown): void }[] = [];
  let error: unknown = null;
  let finished = false;
  const done = (): IteratorResult<unknown[]> => ({ value: undefined, done: true });
  const handler = (...args: unknown[]) => {
    const p = waiting.shift();
    if (p) p.resolve({ value: args, done: false });
    else events.push(args);
  };
  const errorHandler = (err: unknown) => {
    finished = true;
    const p = waiting.shift();
    if (p) p.reject(err);
    else error = err;
    void iterator.return();
  };
  const closeHandler = () => {
    finished = true;
    removeAll();
    for (const p of waiting.splice(0)) p.resolve(done());
  };
  const abortHandler = () => errorHandler(new AbortError(undefined, { cause: signal?.reason }));
  const removeAll = () => {
    unlisten(emitter, event, handler);
    if (event !== "error" && typeof (emitter as EE).on === "function")
      unlisten(emitter, "error", errorHandler);
    for (const name of options.close ?? []) unlisten(emitter, name, closeHandler);
    if (signal) unlisten(signal, "abort", abortHandler);
  };
  const iterator = {
    next(): Promise<IteratorResult<unknown[]>> {
      const value = events.shift();
      if (value) return Promise.resolve({ value, done: false });
      if (error) {
        const p = Promise.reject(error);
        error = null;
        return p;
      }
      if (finished) return Promise.resolve(done());
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return(): Promise<IteratorResult<unknown[]>> {
      closeHandler();
      return Promise.resolve(done());
    },
    throw(err: unknown): Promise<IteratorResult<unknown[]>> {
      if (!(err instanceof Error))
        throw invalidArgType("EventEmitter.AsyncIterator", "an instance of Error", err);
      error = err;
      removeAll();
      return Promise.resolve(done());
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  listen(emitter, event, handler);
  if (event !== "error" && typeof (emitter as EE).on === "function") listen(emitter, "error", errorHandler);
  for (const name of options.close ?? []) listen(emitter, name, closeHandler);
  if (signal) listen(signal, "abort", abortHandler, true);
  return iterator;
}

Object.defineProperties(
  Object.assign(EventEmitter, {
    EventEmitter,
    once,
    on,
    errorMonitor,
    captureRejectionSymbol: Symbol.for("nodejs.rejection"),
    captureRejections: false,
    usingDomains: false,
    listenerCount: (emitter: EE, type: Key) => P.listenerCount.call(emitter, type),
    getEventListeners(target: Emitter, type: Key): Fn[] {
      if (typeof (target as EE).on === "function") return listenersOf(target as EE, type, true);
      return [];
    },
    getMaxListeners: (emitter: EE) => maxOf(emitter),
    setMaxListeners(n = defaultMaxListeners, ...targets: EE[]) {
      if (targets.length === 0) defaultMaxListeners = n;
      for (const t of targets) P.setMaxListeners.call(t, n);
    },
    addAbortListener(signal: Signal, listener: Fn) {
      validateFunction(listener, "listener");
      if (signal.aborted) queueMicrotask(() => listener());
      else signal.addEventListener("abort", listener, { once: true });
      const dispose = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for("nodejs.dispose");
      return { [dispose]: () => signal.removeEventListener("abort", listener) };
    },
  }),
  {
    defaultMaxListeners: {
      enumerable: true,
      get: () => defaultMaxListeners,
      set(n: number) {
        checkCount(n, "defaultMaxListeners");
        defaultMaxListeners = n;
      },
    },
  },
);

export function create(_op: Op, load: Require): unknown {
  requireFn = load;
  return EventEmitter;
}
