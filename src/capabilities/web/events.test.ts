import { afterEach, describe, expect, it, vi } from "vitest";
import { create } from "./guest/events.js";

const guest = create(() => undefined) as unknown as {
  Event: typeof Event;
  EventTarget: typeof EventTarget;
  CustomEvent: typeof CustomEvent;
  AbortController: typeof AbortController;
  AbortSignal: typeof AbortSignal;
};
const G = guest;
const N = { Event, EventTarget, CustomEvent, AbortController, AbortSignal };
type Impl = typeof N;

/** Runs the same scenario against the guest classes and Node's. */
function same<T>(scenario: (impl: Impl) => T): void {
  expect(scenario(G)).toEqual(scenario(N));
}

afterEach(() => {
  vi.useRealTimers();
  delete (globalThis as { reportError?: unknown }).reportError;
});

describe("Event", () => {
  it("has Node's defaults, init handling and constants", () => {
    same(({ Event }) => {
      const e = new Event("x");
      const f = new Event("y", { bubbles: true, cancelable: true, composed: true });
      const view = (ev: Event) => [
        ev.type,
        ev.bubbles,
        ev.cancelable,
        ev.composed,
        ev.defaultPrevented,
        ev.isTrusted,
        ev.eventPhase,
        ev.target,
        ev.currentTarget,
        ev.returnValue,
        ev.cancelBubble,
        ev.composedPath(),
        typeof ev.timeStamp,
      ];
      const C = Event as unknown as Record<string, number>;
      return [view(e), view(f), C.NONE, C.AT_TARGET, C.BUBBLING_PHASE, C.CAPTURING_PHASE];
    });
    // The DOM Standard also puts the constants on the prototype (Node does not).
    expect((new G.Event("x") as unknown as Record<string, number>).BUBBLING_PHASE).toBe(3);
  });
  it("preventDefault only works on cancelable events", () => {
    same(({ Event }) => {
      const a = new Event("a");
      a.preventDefault();
      const b = new Event("b", { cancelable: true });
      b.preventDefault();
      return [a.defaultPrevented, b.defaultPrevented, b.returnValue];
    });
    // returnValue is settable in the DOM Standard (not in Node).
    const c = new G.Event("c", { cancelable: true });
    c.returnValue = false;
    expect(c.defaultPrevented).toBe(true);
  });
  it("requires a type", () => {
    expect(() => new (G.Event as unknown as new () => Event)()).toThrow(TypeError);
    expect(() => new (G.CustomEvent as unknown as new () => Event)()).toThrow(TypeError);
  });
  it("CustomEvent carries detail", () => {
    same(({ CustomEvent }) => [
      new CustomEvent("x").detail,
      new CustomEvent("x", { detail: { a: 1 } }).detail,
    ]);
    expect(new G.CustomEvent("x")).toBeInstanceOf(G.Event);
  });
  it("has the platform's names", () => {
    expect(G.Event.name).toBe("Event");
    expect(Object.prototype.toString.call(new G.Event("x"))).toBe("[object Event]");
    expect(Object.prototype.toString.call(new G.AbortController().signal)).toBe("[object AbortSignal]");
  });
});

describe("EventTarget", () => {
  it("dispatches to listeners in order with target, currentTarget, this and phase", () => {
    same(({ Event, EventTarget }) => {
      const t = new EventTarget();
      const log: unknown[] = [];
      function fn(this: unknown, e: Event) {
        log.push(["fn", this === t, e.target === t, e.currentTarget === t, e.eventPhase]);
      }
      t.addEventListener("x", fn);
      t.addEventListener("x", { handleEvent: (e) => log.push(["obj", e.type]) });
      t.addEventListener("y", () => log.push("other type"));
      const e = new Event("x");
      const result = t.dispatchEvent(e);
      log.push([result, e.eventPhase, e.currentTarget, e.target === t]);
      return log;
    });
  });
  it("ignores duplicates, and removes by callback and capture", () => {
    same(({ Event, EventTarget }) => {
      const t = new EventTarget();
      const log: string[] = [];
      const fn = () => log.push("fn");
      t.addEventListener("x", fn);
      t.addEventListener("x", fn);
      t.addEventListener("x", fn, { capture: true });
      t.dispatchEvent(new Event("x"));
      t.removeEventListener("x", fn);
      t.dispatchEvent(new Event("x"));
      t.removeEventListener("x", fn, { capture: true });
      t.dispatchEvent(new Event("x"));
      t.addEventListener("x", null as unknown as () => void);
      return log;
    });
    // A boolean third argument means capture (Node ignores it in removeEventListener).
    const t = new G.EventTarget();
    const fn = vi.fn();
    t.addEventListener("x", fn, true);
    t.removeEventListener("x", fn, true);
    t.dispatchEvent(new G.Event("x"));
    expect(fn).not.toHaveBeenCalled();
  });
  it("supports once and signal", () => {
    same(({ Event, EventTarget, AbortController, AbortSignal }) => {
      const t = new EventTarget();
      const log: unknown[] = [];
      t.addEventListener("x", () => log.push("once"), { once: true });
      const ac = new AbortController();
      t.addEventListener("x", () => log.push("signal"), { signal: ac.signal });
      log.push(t.dispatchEvent(new Event("x", { cancelable: true })));
      ac.abort();
      t.dispatchEvent(new Event("x"));
      t.addEventListener("x", () => log.push("never"), { signal: AbortSignal.abort() });
      t.addEventListener("x", () => log.push("never"), { signal: ac.signal });
      t.dispatchEvent(new Event("x"));
      return log;
    });
  });
  it("ignores preventDefault in passive listeners (DOM Standard)", () => {
    const t = new G.EventTarget();
    const seen: boolean[] = [];
    t.addEventListener(
      "x",
      (e) => {
        e.preventDefault();
        seen.push(e.defaultPrevented);
      },
      { passive: true },
    );
    t.addEventListener("x", (e) => {
      e.preventDefault();
      seen.push(e.defaultPrevented);
    });
    expect(t.dispatchEvent(new G.Event("x", { cancelable: true }))).toBe(false);
    expect(seen).toEqual([false, true]);
  });
  it("returns false when a listener cancels, and stopImmediatePropagation skips the rest", () => {
    same(({ Event, EventTarget }) => {
      const t = new EventTarget();
      const log: unknown[] = [];
      t.addEventListener("x", (e) => {
        e.preventDefault();
        e.stopPropagation();
        log.push(1);
      });
      t.addEventListener("x", (e) => {
        e.stopImmediatePropagation();
        log.push(2);
      });
      t.addEventListener("x", () => log.push(3));
      log.push(t.dispatchEvent(new Event("x", { cancelable: true })));
      log.push(t.dispatchEvent(new Event("x")));
      return log;
    });
  });
  it("does not call listeners added during dispatch, and skips those removed", () => {
    same(({ Event, EventTarget }) => {
      const t = new EventTarget();
      const log: string[] = [];
      const b = () => log.push("b");
      t.addEventListener("x", () => {
        log.push("a");
        t.removeEventListener("x", b);
        t.addEventListener("x", () => log.push("c"));
      });
      t.addEventListener("x", b);
      t.dispatchEvent(new Event("x"));
      return log;
    });
  });
  it("calls capture listeners first at the target, as the DOM Standard does", () => {
    const t = new G.EventTarget();
    const log: string[] = [];
    t.addEventListener("x", () => log.push("bubble"));
    t.addEventListener("x", () => log.push("capture"), true);
    t.dispatchEvent(new G.Event("x"));
    expect(log).toEqual(["capture", "bubble"]);
  });
  it("rejects non-events and re-dispatching an event being dispatched", () => {
    const t = new G.EventTarget();
    expect(() => t.dispatchEvent({ type: "x" } as Event)).toThrow(TypeError);
    expect(() => t.dispatchEvent(new Event("x"))).toThrow(TypeError);
    let inner: unknown;
    t.addEventListener("x", (e) => {
      try {
        t.dispatchEvent(e);
      } catch (err) {
        inner = err;
      }
    });
    t.dispatchEvent(new G.Event("x"));
    expect(inner).toMatchObject({ name: "InvalidStateError" });
  });
  it("reports a listener's exception and keeps dispatching", () => {
    const reported: unknown[] = [];
    (globalThis as { reportError?: unknown }).reportError = (e: unknown) => reported.push(e);
    const t = new G.EventTarget();
    const log: string[] = [];
    const boom = new Error("boom");
    t.addEventListener("x", () => {
      throw boom;
    });
    t.addEventListener("x", () => log.push("after"));
    expect(t.dispatchEvent(new G.Event("x"))).toBe(true);
    expect(log).toEqual(["after"]);
    expect(reported).toEqual([boom]);
  });
  it("can be subclassed", () => {
    class Emitter extends G.EventTarget {
      count = 0;
    }
    const e = new Emitter();
    e.addEventListener("x", () => e.count++);
    e.dispatchEvent(new G.Event("x"));
    expect(e.count).toBe(1);
  });
});

describe("AbortController and AbortSignal", () => {
  it("aborts with a default AbortError, once, and fires abort listeners and onabort", () => {
    same(({ AbortController }) => {
      const ac = new AbortController();
      const s = ac.signal;
      const log: unknown[] = [s.aborted, s.reason];
      s.onabort = (e) => log.push(["onabort", e.type, e.isTrusted]);
      s.addEventListener("abort", (e) => log.push(["listener", e.target === s, s.aborted]));
      ac.abort();
      ac.abort("again");
      const r = s.reason as DOMException;
      log.push(s.aborted, r instanceof Error, r.name, r.message, r.code, typeof s.onabort);
      return log;
    });
  });
  it("keeps a given reason and throwIfAborted throws it", () => {
    same(({ AbortController }) => {
      const ac = new AbortController();
      ac.signal.throwIfAborted();
      ac.abort({ why: 1 });
      try {
        ac.signal.throwIfAborted();
        return "no throw";
      } catch (e) {
        return e;
      }
    });
  });
  it("onabort can be replaced and cleared", () => {
    same(({ AbortController }) => {
      const ac = new AbortController();
      const log: string[] = [];
      ac.signal.onabort = () => log.push("first");
      ac.signal.onabort = () => log.push("second");
      const keep = ac.signal.onabort;
      ac.signal.onabort = null;
      ac.signal.onabort = keep;
      ac.abort();
      return log;
    });
  });
  it("AbortSignal.abort() is already aborted", () => {
    same(({ AbortSignal }) => {
      const a = AbortSignal.abort();
      const b = AbortSignal.abort("r");
      return [a.aborted, (a.reason as Error).name, b.reason];
    });
  });
  it("cannot be constructed directly", () => {
    expect(() => new (G.AbortSignal as unknown as new () => AbortSignal)()).toThrow(TypeError);
  });
  it("AbortSignal.any follows its sources, flattening dependent signals", () => {
    same(({ AbortController, AbortSignal }) => {
      const a = new AbortController();
      const b = new AbortController();
      const any = AbortSignal.any([a.signal, b.signal]);
      const nested = AbortSignal.any([any]);
      const log: unknown[] = [any.aborted];
      any.addEventListener("abort", () => log.push(["any", any.reason]));
      nested.addEventListener("abort", () => log.push(["nested", nested.reason]));
      a.abort("A");
      b.abort("B");
      const pre = AbortSignal.any([new AbortController().signal, AbortSignal.abort("early")]);
      log.push(any.reason, pre.aborted, pre.reason, AbortSignal.any([]).aborted);
      return log;
    });
    expect(() => G.AbortSignal.any([{} as AbortSignal])).toThrow(TypeError);
  });
  it("AbortSignal.any marks dependents aborted before any abort event fires (DOM Standard)", () => {
    const a = new G.AbortController();
    const any = G.AbortSignal.any([a.signal]);
    const nested = G.AbortSignal.any([any]);
    const seen: boolean[] = [];
    a.signal.addEventListener("abort", () => seen.push(any.aborted, nested.aborted));
    a.abort();
    expect(seen).toEqual([true, true]);
    expect(nested.reason).toBe(a.signal.reason);
  });
  it("AbortSignal.timeout aborts with a TimeoutError using an unref'd timer", () => {
    vi.useFakeTimers();
    const unref = vi.fn();
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms: number) => {
      const t = realSetTimeout(fn, ms);
      return Object.assign(t, { unref });
    }) as unknown as typeof setTimeout);
    const s = G.AbortSignal.timeout(50);
    expect(spy).toHaveBeenCalledWith(expect.any(Function), 50);
    expect(unref).toHaveBeenCalled();
    const seen: unknown[] = [];
    s.onabort = () => seen.push(s.reason);
    vi.advanceTimersByTime(49);
    expect(s.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(s.aborted).toBe(true);
    expect(s.reason).toMatchObject({ name: "TimeoutError", code: 23 });
    expect(seen).toHaveLength(1);
    spy.mockRestore();
    expect(() => G.AbortSignal.timeout(-1)).toThrow(TypeError);
    expect(() => G.AbortSignal.timeout(Number.NaN)).toThrow(TypeError);
  });
  it("is an EventTarget", () => {
    expect(new G.AbortController().signal).toBeInstanceOf(G.EventTarget);
  });
});
