// Host functions: what crosses into the host is a copy (own enumerable data only: no getter, Proxy trap or
// `__proto__` key reaches or changes a host object), what comes back is a copy (no host object or function), a host
// error reaches the guest without host paths or frames, the arguments the host holds are bounded by
// maxHostCallBytes, and once a run is over (deadline, abort) no host function runs for it again, whatever it catches.
import { beforeAll, describe, expect, it } from "vitest";
import type { RunOptions, Sandbox } from "../../src/index.js";
import { attackOn, ISOLATIONS, MiB, sandboxFor } from "./harness.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(ISOLATIONS)("host functions (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });
  const go = (code: string, name: string, options: RunOptions = {}) =>
    attackOn(box, isolation, code, { timeoutMs: 5000, ...options }, { name });

  it("__proto__ and constructor keys in arguments arrive as own data, the host's prototypes unchanged", async () => {
    const received: unknown[] = [];
    const take = (v: unknown) => {
      received.push(v);
      return 1;
    };
    await go(
      `take(JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}'));
       take([JSON.parse('{"__proto__": {"isAdmin": true}}')]);
       const o = {}; Object.defineProperty(o, "__proto__", { value: { polluted: 3 }, enumerable: true }); take(o)`,
      "ok",
      { globals: { take } },
    );
    expect(received).toHaveLength(3);
    for (const v of received.flat()) {
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(Object.hasOwn(v as object, "__proto__")).toBe(true);
      expect((v as { polluted?: unknown }).polluted).toBeUndefined();
    }
    expect(({} as { polluted?: unknown; isAdmin?: unknown }).polluted).toBeUndefined();
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });

  it("getters and Proxy traps of an argument run in the guest only, and a trap that never returns times out", async () => {
    const received: unknown[] = [];
    const take = (v: unknown) => {
      received.push(v);
      return Object.keys(v as object);
    };
    const r = await go(
      `let getters = 0;
       take({ get x() { getters++; return 1 }, y: 2 });
       const traps = [];
       take(new Proxy({ a: 1 }, { ownKeys() { traps.push("ownKeys"); return ["a"] },
         getOwnPropertyDescriptor() { traps.push("gopd"); return { value: 9, enumerable: true, configurable: true } },
         get() { traps.push("get"); return 5 } }));
       [getters, traps]`,
      "ok",
      { globals: { take } },
    );
    expect(r.value).toEqual([0, ["ownKeys", "gopd"]]);
    expect(received).toEqual([{ y: 2 }, { a: 9 }]);
    await go(`take(new Proxy({}, { ownKeys() { for (;;) {} } }))`, "TimeoutError", {
      timeoutMs: 400,
      globals: { take },
    });
  });

  it("no host object or function comes back to the guest", async () => {
    const r = await go(
      `const out = [];
       for (const f of [hostProcess, hostFunction, hostGlobal]) { try { out.push(typeof f()) } catch (e) { out.push(e.name) } }
       out`,
      "ok",
      { globals: { hostProcess: () => process, hostFunction: () => () => 1, hostGlobal: () => globalThis } },
    );
    expect(r.value).toEqual(["DataCloneError", "DataCloneError", "DataCloneError"]);
  });

  it("a host error reaches the guest with name and message only, host paths redacted", async () => {
    const r = await go(
      `try { boom() } catch (e) { [e.name, e.message, e.stack, Object.keys(e), e.cause] }`,
      "ok",
      {
        globals: {
          boom: () => {
            throw new Error(`failed at ${process.cwd()}/x.js and file:///etc/passwd`, { cause: process });
          },
        },
      },
    );
    const [name, message, stack, keys, cause] = r.value as [string, string, string, string[], unknown];
    expect([name, message, keys, cause]).toEqual([
      "Error",
      "failed at <host path> and <host path>",
      [],
      undefined,
    ]);
    expect(stack).not.toMatch(/node:|\/work\/|\.ts:/);
  });

  it("150 async calls given the same 1 MiB string hold at most maxHostCallBytes on the host", async () => {
    let calls = 0;
    let bytes = 0;
    const hold = (s: string) => {
      calls += 1;
      bytes += s.length;
      return sleep(50);
    };
    const r = await attackOn(
      box,
      isolation,
      `const s = "x".repeat(1 << 20); let refused = 0; const all = [];
       for (let i = 0; i < 150; i++) { try { all.push(hold(s)) } catch { refused++ } }
       await Promise.all(all); refused`,
      { timeoutMs: 20_000, maxHostCallBytes: 16 * MiB, globals: { hold } },
      { name: "ok" },
      { rssBound: 250 * MiB },
    );
    expect(calls).toBeLessThanOrEqual(17);
    expect(bytes).toBeLessThanOrEqual(17 * MiB);
    expect(r.value).toBe(150 - calls);
  });

  it("a 12 MB string of control characters reaches a host function whole, not amplified", async () => {
    let length = 0;
    const r = await attackOn(
      box,
      isolation,
      `take("\\x01".repeat(12e6))`,
      {
        timeoutMs: 20_000,
        globals: {
          take: (s: string) => {
            length = s.length;
            return s.charCodeAt(0);
          },
        },
      },
      { name: "ok" },
      { rssBound: 250 * MiB },
    );
    expect([r.value, length]).toEqual([1, 12e6]);
  });

  it("after the deadline no host call runs, though the guest catches each TimeoutError and calls again", async () => {
    let over = false;
    let late = 0;
    let calls = 0;
    const tick = () => {
      calls += 1;
      if (over) late += 1;
      return sleep(1);
    };
    const r = await go(`for (;;) { try { await tick() } catch {} }`, "TimeoutError", {
      timeoutMs: 300,
      maxHostCalls: Number.MAX_SAFE_INTEGER,
      globals: { tick },
    });
    over = true;
    await sleep(200);
    expect(calls).toBeGreaterThan(0);
    expect(late).toBe(0);
    expect(r.stats.hostCalls).toBeLessThanOrEqual(calls);
  });

  it("after an abort no host call runs, though the guest catches each AbortError and calls again", async () => {
    let over = false;
    let late = 0;
    const tick = () => {
      if (over) late += 1;
      return sleep(1);
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await go(`for (;;) { try { await tick(); tickSync() } catch {} }`, "AbortError", {
      timeoutMs: 5000,
      signal: controller.signal,
      maxHostCalls: Number.MAX_SAFE_INTEGER,
      globals: { tick, tickSync: () => void (over && late++) },
    }).then(() => {
      over = true;
    });
    await sleep(200);
    expect(late).toBe(0);
  });

  it("maxHostCalls ends a call flood; the calls past it never reach the host", async () => {
    let calls = 0;
    const r = await go(
      `let refused = 0; for (let i = 0; i < 500; i++) { try { tick() } catch { refused++ } } refused`,
      "ok",
      { maxHostCalls: 100, globals: { tick: () => void calls++ } },
    );
    expect(calls).toBe(100);
    expect(r.value).toBe(400);
  });
});
