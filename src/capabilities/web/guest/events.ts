// Guest bundle "events": Event, CustomEvent, EventTarget, AbortController and AbortSignal (DOM Standard,
// with a single target: no tree, so no propagation path).
import { domError, getters, need, named, type Op } from "./types.js";

interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}
/** An event's state; the keys that match attribute names are exposed as getters. */
interface EventState {
  type: string;
  bubbles: boolean;
  cancelable: boolean;
  composed: boolean;
  timeStamp: number;
  defaultPrevented: boolean;
  isTrusted: boolean;
  target: EventTarget | null;
  currentTarget: EventTarget | null;
  eventPhase: number;
  cancelBubble: boolean;
  stopNow?: boolean;
  passive?: boolean;
  dispatching?: boolean;
}
type Callback = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };
interface Listener {
  type: string;
  callback: Callback;
  capture: boolean;
  once: boolean;
  passive: boolean;
  removed?: boolean;
}
interface ListenerOptions {
  capture?: boolean;
  once?: boolean;
  passive?: boolean;
  signal?: AbortSignal;
}

let stateOf: (event: Event) => EventState;

class Event {
  readonly #s: EventState;
  declare readonly type: string;
  declare readonly bubbles: boolean;
  declare readonly cancelable: boolean;
  declare readonly composed: boolean;
  declare readonly timeStamp: number;
  declare readonly defaultPrevented: boolean;
  declare readonly isTrusted: boolean;
  declare readonly target: EventTarget | null;
  declare readonly currentTarget: EventTarget | null;
  declare readonly eventPhase: number;
  static {
    stateOf = (event) => event.#s;
    getters(
      Event.prototype,
      "type bubbles cancelable composed timeStamp defaultPrevented isTrusted target currentTarget eventPhase",
      stateOf as (self: object) => EventState,
    );
    ["NONE", "CAPTURING_PHASE", "AT_TARGET", "BUBBLING_PHASE"].forEach((name, value) => {
      for (const o of [Event, Event.prototype]) Object.defineProperty(o, name, { value, enumerable: true });
    });
  }
  constructor(type: string, init?: EventInit | null) {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    need(arguments.length, 1, "Event");
    this.#s = {
      type: `${type}`,
      bubbles: !!init?.bubbles,
      cancelable: !!init?.cancelable,
      composed: !!init?.composed,
      timeStamp: performance.now(),
      defaultPrevented: false,
      isTrusted: false,
      target: null,
      currentTarget: null,
      eventPhase: 0,
      cancelBubble: false,
    };
  }
  get srcElement(): EventTarget | null {
    return this.#s.target;
  }
  get returnValue(): boolean {
    return !this.#s.defaultPrevented;
  }
  set returnValue(value: boolean) {
    if (!value) this.preventDefault();
  }
  get cancelBubble(): boolean {
    return this.#s.cancelBubble;
  }
  set cancelBubble(value: boolean) {
    if (value) this.stopPropagation();
  }
  composedPath(): EventTarget[] {
    return this.#s.currentTarget ? [this.#s.currentTarget] : [];
  }
  preventDefault(): void {
    if (this.#s.cancelable && !this.#s.passive) this.#s.defaultPrevented = true;
  }
  stopPropagation(): void {
    this.#s.cancelBubble = true;
  }
  stopImmediatePropagation(): void {
    this.#s.cancelBubble = this.#s.stopNow = true;
  }
}

class CustomEvent<T = unknown> extends Event {
  readonly #detail: T | null;
  constructor(type: string, init?: (EventInit & { detail?: T }) | null) {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    need(arguments.length, 1, "CustomEvent");
    super(type, init);
    this.#detail = init?.detail ?? null;
  }
  get detail(): T | null {
    return this.#detail;
  }
}

/** Reports a listener's exception without stopping the dispatch (as an uncaught error, like browsers). */
function report(error: unknown): void {
  const { reportError } = globalThis as { reportError?: (e: unknown) => void };
  if (reportError) reportError(error);
  else
    queueMicrotask(() => {
      throw error;
    });
}

const captureOf = (options: unknown) =>
  !!(typeof options === "object" && options !== null ? (options as ListenerOptions).capture : options);

let dispatch: (target: EventTarget, event: Event) => boolean;

class EventTarget {
  readonly #listeners = new Map<string, Listener[]>();
  static {
    dispatch = (target, event) => {
      const s = stateOf(event);
      s.dispatching = true;
      s.target = s.currentTarget = target;
      s.eventPhase = 2;
      const list = target.#listeners.get(s.type) ?? [];
      // Capture listeners first, then the others, as both phases happen at the target.
      for (const capture of [true, false]) {
        if (s.cancelBubble) break;
        for (const l of [...list]) {
          if (l.removed || l.capture !== capture) continue;
          if (l.once) target.#remove(l);
          s.passive = l.passive;
          try {
            const cb = l.callback;
            if (typeof cb === "function") cb.call(target, event);
            else cb.handleEvent(event);
          } catch (error) {
            report(error);
          }
          s.passive = false;
          if (s.stopNow) break;
        }
      }
      s.dispatching = s.cancelBubble = s.stopNow = false;
      s.currentTarget = null;
      s.eventPhase = 0;
      return !s.defaultPrevented;
    };
  }

  #remove(l: Listener): void {
    l.removed = true;
    const list = this.#listeners.get(l.type)!;
    list.splice(list.indexOf(l), 1);
  }

  addEventListener(type: string, callback: Callback | null, options?: boolean | ListenerOptions): void {
    const o: ListenerOptions = typeof options === "object" && options !== null ? options : {};
    const signal = o.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal))
      throw new TypeError("signal must be an AbortSignal");
    if (callback === null || callback === undefined || signal?.aborted) return;
    if (typeof callback !== "function" && typeof callback !== "object") {
      throw new TypeError("The listener must be a function or an object");
    }
    const l: Listener = {
      type: `${type}`,
      callback,
      capture: captureOf(options),
      once: !!o.once,
      passive: !!o.passive,
    };
    const list = this.#listeners.get(l.type) ?? [];
    this.#listeners.set(l.type, list);
    if (list.some((x) => x.callback === callback && x.capture === l.capture)) return;
    list.push(l);
    signal?.addEventListener("abort", () => l.removed || this.#remove(l));
  }

  removeEventListener(
    type: string,
    callback: Callback | null,
    options?: boolean | { capture?: boolean },
  ): void {
    const capture = captureOf(options);
    const l = this.#listeners.get(`${type}`)?.find((x) => x.callback === callback && x.capture === capture);
    if (l) this.#remove(l);
  }

  dispatchEvent(event: Event): boolean {
    if (!(event instanceof Event)) throw new TypeError("The event must be an Event");
    const s = stateOf(event);
    if (s.dispatching) throw domError("The event is already being dispatched", "InvalidStateError");
    s.isTrusted = false;
    return dispatch(this, event);
  }
}

const KEY = Symbol();
let signalAbort: (signal: AbortSignal, reason: unknown) => void;
const abortError = () => domError("This operation was aborted", "AbortError");
type Handler = ((this: AbortSignal, event: Event) => unknown) | null;

class AbortSignal extends EventTarget {
  #aborted = false;
  #reason: unknown;
  #dependents = new Set<AbortSignal>();
  #sources?: AbortSignal[];
  #handler: Handler = null;
  #listener?: (event: Event) => void;

  static {
    signalAbort = (signal, reason) => {
      if (signal.#aborted) return;
      // Dependent signals (AbortSignal.any) are marked before any abort event fires.
      const aborted = [signal, ...signal.#dependents].filter((s) => !s.#aborted);
      for (const s of aborted) {
        s.#aborted = true;
        s.#reason = reason === undefined ? abortError() : reason;
        reason = s.#reason;
      }
      signal.#dependents.clear();
      for (const s of aborted) {
        const event = new Event("abort");
        stateOf(event).isTrusted = true;
        dispatch(s, event);
      }
    };
  }

  constructor(key?: unknown) {
    if (key !== KEY) throw new TypeError("Illegal constructor");
    super();
  }

  get aborted(): boolean {
    return this.#aborted;
  }
  get reason(): unknown {
    return this.#reason;
  }
  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }
  get onabort(): Handler {
    return this.#handler;
  }
  set onabort(value: Handler) {
    this.#handler = typeof value === "function" ? value : null;
    // The handler keeps the place in the listener list where it was first set.
    if (this.#handler && !this.#listener) {
      this.#listener = (event) => {
        if (this.#handler?.call(this, event) === false) event.preventDefault();
      };
      this.addEventListener("abort", this.#listener);
    } else if (!this.#handler && this.#listener) {
      this.removeEventListener("abort", this.#listener);
      this.#listener = undefined;
    }
  }

  static abort(reason?: unknown): AbortSignal {
    const signal = new AbortSignal(KEY);
    signalAbort(signal, reason);
    return signal;
  }

  static timeout(ms: number): AbortSignal {
    const delay = Number(ms);
    if (!(delay >= 0 && delay <= Number.MAX_SAFE_INTEGER)) throw new TypeError(`Invalid timeout: ${ms}`);
    const signal = new AbortSignal(KEY);
    const { setTimeout } = globalThis as unknown as {
      setTimeout: (fn: () => void, ms: number) => { unref?: () => void } | undefined;
    };
    // Unref'd: a pending timeout signal alone does not keep the program running.
    setTimeout(
      () => signalAbort(signal, domError("The operation was aborted due to timeout", "TimeoutError")),
      Math.trunc(delay),
    )?.unref?.();
    return signal;
  }

  static any(signals: Iterable<AbortSignal>): AbortSignal {
    const list = [...signals];
    if (!list.every((s) => s instanceof AbortSignal))
      throw new TypeError("AbortSignal.any takes AbortSignals");
    const result = new AbortSignal(KEY);
    const aborted = list.find((s) => s.#aborted);
    if (aborted) {
      result.#aborted = true;
      result.#reason = aborted.#reason;
      return result;
    }
    // Follow the sources themselves, not the dependent signals in between.
    result.#sources = [...new Set(list.flatMap((s) => s.#sources ?? [s]))];
    for (const source of result.#sources) source.#dependents.add(result);
    return result;
  }
}

class AbortController {
  readonly #signal = new AbortSignal(KEY);
  get signal(): AbortSignal {
    return this.#signal;
  }
  abort(reason?: unknown): void {
    signalAbort(this.#signal, reason);
  }
}

export function create(_op: Op) {
  return named({ Event, EventTarget, CustomEvent, AbortController, AbortSignal });
}
