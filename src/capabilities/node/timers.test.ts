import * as nodeTimersPromises from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { makeRequire } from "./guest/internal/testing.js";
import { create as createTimers } from "./guest/timers.js";
import { create as createTimersPromises } from "./guest/timers-promises.js";

const load = makeRequire({ timers: createTimers, "timers/promises": createTimersPromises });
const timers = load("timers") as typeof import("node:timers");
const tp = load("timers/promises") as typeof nodeTimersPromises;

async function outcome(p: Promise<unknown>) {
  try {
    return { value: await p };
  } catch (e) {
    const err = e as Error & { code?: string; cause?: unknown };
    return { name: err.name, code: err.code, message: err.message, cause: err.cause };
  }
}

describe("timers", () => {
  it("re-exports the timer globals and the promises module", () => {
    for (const name of [
      "setTimeout",
      "clearTimeout",
      "setInterval",
      "clearInterval",
      "setImmediate",
      "clearImmediate",
    ])
      expect((timers as unknown as Record<string, unknown>)[name], name).toBe(
        (globalThis as unknown as Record<string, unknown>)[name],
      );
    expect(timers.promises).toBe(tp);
  });
});

describe("timers/promises against Node", () => {
  it("setTimeout and setImmediate resolve with the value", async () => {
    expect(await tp.setTimeout(2, "v")).toBe("v");
    expect(await tp.setTimeout()).toBe(undefined);
    expect(await tp.setImmediate(5)).toBe(5);
    expect(await tp.setTimeout(1, "x", { ref: false })).toBe("x");
  });

  it("abort behaviour and validation match", async () => {
    const cases: ((m: typeof nodeTimersPromises) => Promise<unknown>)[] = [
      (m) => {
        const ac = new AbortController();
        const p = m.setTimeout(1000, "never", { signal: ac.signal });
        ac.abort("why");
        return p;
      },
      (m) => m.setTimeout(1, "x", { signal: AbortSignal.abort(new Error("early")) }),
      (m) => m.setImmediate("x", { signal: AbortSignal.abort() }),
      (m) => m.setTimeout(1, "x", "bad" as never),
      (m) => m.setTimeout(1, "x", { signal: "nope" as never }),
      (m) => m.setTimeout(1, "x", { ref: 1 as never }),
    ];
    for (const c of cases) {
      const ours = await outcome(c(tp));
      const theirs = await outcome(c(nodeTimersPromises));
      expect({ ...ours, cause: String(ours.cause) }).toEqual({ ...theirs, cause: String(theirs.cause) });
    }
  });

  it("setInterval yields until the loop stops, and stops on abort", async () => {
    const seen: unknown[] = [];
    for await (const v of tp.setInterval(1, "tick")) {
      seen.push(v);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(["tick", "tick", "tick"]);
    const ac = new AbortController();
    const got: unknown[] = [];
    const loop = (async () => {
      for await (const v of tp.setInterval(1, 7, { signal: ac.signal })) {
        got.push(v);
        if (got.length === 2) ac.abort();
      }
    })();
    const r = await outcome(loop);
    expect(r.name).toBe("AbortError");
    expect(got).toEqual([7, 7]);
  });

  it("scheduler", async () => {
    expect(await tp.scheduler.wait(1)).toBe(undefined);
    expect(await tp.scheduler.yield()).toBe(undefined);
  });
});
