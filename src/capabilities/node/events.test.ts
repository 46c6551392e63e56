import * as nodeEvents from "node:events";
import * as nodeUtil from "node:util";
import { describe, expect, it, vi } from "vitest";
import { create } from "./guest/events.js";
import { makeRequire } from "./guest/internal/testing.js";

const events = makeRequire(
  { events: create },
  { "internal:inspect": nodeUtil },
)("events") as typeof nodeEvents;

type Log = (...parts: unknown[]) => void;
/** Runs the scenario with both modules and compares what it logged. */
async function same(scenario: (m: typeof nodeEvents, log: Log) => unknown) {
  const logs: unknown[][] = [];
  for (const m of [events, nodeEvents]) {
    const out: unknown[] = [];
    const log: Log = (...parts) => out.push(parts.length === 1 ? parts[0] : parts);
    try {
      await scenario(m, log);
    } catch (e) {
      const err = e as Error & { code?: string };
      out.push(["threw", err.name, err.code, err.message]);
    }
    logs.push(out);
  }
  expect(logs[0]).toEqual(logs[1]);
}

describe("EventEmitter against node:events", () => {
  it("listener order, once, prepend, newListener / removeListener events", async () => {
    await same(({ EventEmitter }, log) => {
      const e = new EventEmitter();
      e.on("newListener", (name, fn) => log("newListener", name, typeof fn));
      e.on("removeListener", (name) => log("removeListener", name));
      const a = () => log("a");
      const b = (x: unknown) => log("b", x);
      e.on("ev", a);
      e.prependListener("ev", b);
      e.once("ev", (x) => log("once", x));
      e.prependOnceListener("ev", (x) => log("prependOnce", x));
      log("count", e.listenerCount("ev"), e.listeners("ev").length, e.rawListeners("ev").length);
      log("emit", e.emit("ev", 1));
      log("emit", e.emit("ev", 2));
      log("emit none", e.emit("nothing"));
      e.off("ev", a);
      e.removeListener("ev", a);
      log("names", e.eventNames());
      e.removeAllListeners("ev");
      log("after", e.listenerCount("ev"), e.eventNames());
      e.removeAllListeners();
      log("all", e.eventNames());
    });
  });

  it("once wrappers can be removed by the original listener", async () => {
    await same(({ EventEmitter }, log) => {
      const e = new EventEmitter();
      const fn = () => log("called");
      e.once("x", fn);
      log(e.rawListeners("x")[0] === fn, e.listeners("x")[0] === fn);
      e.removeListener("x", fn);
      log(e.emit("x"));
      e.on("y", fn);
      e.on("y", fn);
      log(e.listenerCount("y", fn));
      e.removeListener("y", fn);
      log(e.listenerCount("y"));
    });
  });

  it("listeners added or removed during emit", async () => {
    await same(({ EventEmitter }, log) => {
      const e = new EventEmitter();
      const second = () => log("second");
      e.on("x", () => {
        log("first");
        e.removeListener("x", second);
        e.on("x", () => log("added"));
      });
      e.on("x", second);
      e.emit("x");
      e.emit("x");
    });
  });

  it("errors: unhandled error events, errorMonitor, bad listeners", async () => {
    await same(({ EventEmitter, errorMonitor }, log) => {
      const e = new EventEmitter();
      e.on(errorMonitor, (err: Error) => log("monitor", err.message));
      try {
        e.emit("error", new Error("boom"));
      } catch (err) {
        log("threw", (err as Error).message);
      }
      for (const value of ["text", { a: 1 }, undefined, 42]) {
        try {
          new EventEmitter().emit("error", value);
        } catch (err) {
          const x = err as Error & { code?: string; context?: unknown };
          log(x.code, x.message, x.context === value);
        }
      }
      e.on("error", (err: Error) => log("handled", err.message));
      log(e.emit("error", new Error("fine")));
      e.on("x", 5 as never);
    });
  });

  it("max listeners", async () => {
    const spy = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      await same(({ EventEmitter }, log) => {
        const e = new EventEmitter();
        log(e.getMaxListeners(), EventEmitter.defaultMaxListeners);
        e.setMaxListeners(2);
        log(e.getMaxListeners());
        for (let i = 0; i < 4; i++) e.on("x", () => {});
        e.setMaxListeners(-1);
      });
      expect(spy).toHaveBeenCalledTimes(2);
      const [ours, theirs] = spy.mock.calls;
      expect(String(ours![0])).toBe(String((theirs![0] as Error).message));
    } finally {
      spy.mockRestore();
    }
  });

  it("subclassing and old-style inheritance", async () => {
    await same(({ EventEmitter }, log) => {
      class Sub extends EventEmitter {
        fire() {
          return this.emit("fire", 1);
        }
      }
      const s = new Sub();
      s.on("fire", function (this: unknown, x) {
        log("this is emitter", this === s, x);
      });
      log(s.fire(), s instanceof EventEmitter);
      function Old(this: nodeEvents.EventEmitter) {
        EventEmitter.call(this);
      }
      Object.setPrototypeOf(Old.prototype, EventEmitter.prototype);
      const o = new (Old as unknown as new () => nodeEvents.EventEmitter)();
      o.on("y", () => log("old y"));
      o.emit("y");
      log(Object.keys(o).sort());
      log(
        EventEmitter.EventEmitter === EventEmitter,
        typeof EventEmitter.once,
        EventEmitter.captureRejectionSymbol,
      );
    });
  });

  it("events.once and events.on", async () => {
    await same(async ({ EventEmitter }, log) => {
      const { once, on } = EventEmitter;
      const e = new EventEmitter();
      setTimeout(() => e.emit("ready", 1, 2), 1);
      log(await once(e, "ready"));
      setTimeout(() => e.emit("error", new Error("failed")), 1);
      await once(e, "never").catch((err: Error) => log("rejected", err.message));
      const ac = new AbortController();
      const pending = once(e, "x", { signal: ac.signal }).catch((err: Error & { code?: string }) =>
        log(err.name, err.code),
      );
      ac.abort();
      await pending;
      log("listeners left", e.listenerCount("x"), e.listenerCount("error"));
      const target = new EventTarget();
      setTimeout(() => target.dispatchEvent(new Event("ping")), 1);
      const [ev] = await once(target as never, "ping");
      log("target", (ev as Event).type);
      setTimeout(() => {
        e.emit("data", "a");
        e.emit("data", "b");
        e.emit("data", "c");
      }, 1);
      for await (const [value] of on(e, "data")) {
        log("data", value);
        if (value === "c") break;
      }
      log("after break", e.listenerCount("data"), e.listenerCount("error"));
      const iter = on(e, "value");
      setTimeout(() => e.emit("error", new Error("iter error")), 1);
      try {
        for await (const _ of iter) log("never");
      } catch (err) {
        log("iterator threw", (err as Error).message);
      }
    });
  });

  it("static helpers", async () => {
    await same(({ EventEmitter }, log) => {
      const { getEventListeners, listenerCount, setMaxListeners, getMaxListeners } = EventEmitter;
      const e = new EventEmitter();
      const fn = () => {};
      e.on("a", fn);
      log(getEventListeners(e, "a")[0] === fn, listenerCount(e, "a"));
      setMaxListeners(5, e);
      log(getMaxListeners(e));
      log(Object.keys(EventEmitter.prototype).sort());
    });
  });
});
