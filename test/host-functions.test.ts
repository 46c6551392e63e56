// Host functions and data globals: copies with structured-clone semantics in both directions, errors crossing the
// boundary, maxHostCalls, the `env` option, and the alerting scenario.
import { describe, expect, it } from "vitest";
import { run } from "../src/index.js";

describe("data globals", () => {
  it("copies numbers, strings, nested objects, arrays, Maps and Dates in; guest mutation stays in the guest", async () => {
    const globals = {
      n: 1,
      s: "str",
      o: { deep: { list: [1, 2] } },
      arr: [1, 2, 3],
      m: new Map<string, { v: number }>([["k", { v: 1 }]]),
      d: new Date(86_400_000),
    };
    const r = await run(
      `
      const seen = [n, s, o.deep.list.slice(), arr.slice(), m instanceof Map, m.get('k').v, d instanceof Date, d.getTime()];
      n = 5; o.deep.list.push(3); arr.length = 0; m.set('z', 1); m.get('k').v = 9; d.setTime(0);
      [seen, n, o.deep.list, arr, m.size]
    `,
      { globals },
    );
    expect(r.ok).toBe(true);
    expect(r.value).toEqual([[1, "str", [1, 2], [1, 2, 3], true, 1, true, 86_400_000], 5, [1, 2, 3], [], 2]);
    expect(globals.n).toBe(1);
    expect(globals.o.deep.list).toEqual([1, 2]);
    expect(globals.arr).toEqual([1, 2, 3]);
    expect([...globals.m.keys()]).toEqual(["k"]);
    expect(globals.m.get("k")).toEqual({ v: 1 });
    expect(globals.d.getTime()).toBe(86_400_000);
  });

  it("mixes functions and data in one namespace", async () => {
    const r = await run("[typeof ns.f, ns.f(), ns.val, ns.inner.g()]", {
      globals: { ns: { f: () => 1, val: 2, inner: { g: () => "g" } } },
    });
    expect(r.value).toEqual(["function", 1, 2, "g"]);
  });

  it("does not invoke getters of host data globals; the guest gets the object without that key", async () => {
    let called = 0;
    const cfg = {
      plain: 1,
      get secret() {
        called++;
        return "s";
      },
    };
    const r = await run("[cfg.plain, 'secret' in cfg]", { globals: { cfg } });
    expect(r.value).toEqual([1, false]);
    expect(called).toBe(0);
  });
});

describe("calling host functions", () => {
  it("passes arguments to a sync function and returns its result", async () => {
    const calls: unknown[][] = [];
    const r = await run("add(2, 3) * 10", {
      globals: {
        add: (a: number, b: number) => {
          calls.push([a, b]);
          return a + b;
        },
      },
    });
    expect(r).toMatchObject({ ok: true, value: 50 });
    expect(calls).toEqual([[2, 3]]);
  });

  it("returns a promise from an async function that the guest awaits", async () => {
    const r = await run("const v = await lookup('key'); typeof v + ':' + v", {
      globals: {
        lookup: async (k: string) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return `${k}!`;
        },
      },
    });
    expect(r).toMatchObject({ ok: true, value: "string:key!" });
  });

  it("settles concurrent async calls independently", async () => {
    const r = await run("await Promise.all([g(3, 30), g(1, 5), g(2, 15)])", {
      globals: {
        g: async (v: number, ms: number) => {
          await new Promise((resolve) => setTimeout(resolve, ms));
          return v * 10;
        },
      },
    });
    expect(r.value).toEqual([30, 10, 20]);
    expect(r.stats.hostCalls).toBe(3);
  });

  it("keeps the run alive until a pending host promise settles", async () => {
    const r = await run("slow().then((v) => console.log('resolved', v)); 'sync value'", {
      globals: { slow: () => new Promise((resolve) => setTimeout(() => resolve(1), 30)) },
    });
    expect(r).toMatchObject({ ok: true, value: "sync value", stdout: "resolved 1\n" });
  });

  it("shares host-side state between calls of a nested namespace", async () => {
    let last: unknown = "initial";
    const r = await run(
      "const before = env.getLastAlert(); env.setLastAlert({ level: 3 }); [before, env.getLastAlert()]",
      {
        globals: {
          env: {
            getLastAlert: () => last,
            setLastAlert: (v: unknown) => {
              last = v;
            },
          },
        },
      },
    );
    expect(r.value).toEqual(["initial", { level: 3 }]);
    expect(last).toEqual({ level: 3 });
  });
});

describe("structured-clone copies through host functions", () => {
  const guestValue = `
    const x = {
      u: undefined, nul: null, nan: NaN, negZero: -0, big: 10n ** 20n, date: new Date(5), re: /ab+c/gi,
      map: new Map([[1, 'one'], ['k', { v: [1] }]]), set: new Set(['x', 2]), ab: new Uint8Array([9, 8, 7]).buffer,
      u8: new Uint8Array([3, 4]), f64: new Float64Array([1.5, -2.25]), err: new TypeError('t'),
    };
    x.self = x;
    x.list = [x, x.map];
  `;

  function checkOnHost(v: Record<string, unknown>) {
    expect("u" in v).toBe(true);
    expect(v.u).toBeUndefined();
    expect(v.nul).toBeNull();
    expect(Number.isNaN(v.nan)).toBe(true);
    expect(Object.is(v.negZero, -0)).toBe(true);
    expect(v.big).toBe(10n ** 20n);
    expect(v.date).toBeInstanceOf(Date);
    expect((v.date as Date).getTime()).toBe(5);
    expect(v.re).toBeInstanceOf(RegExp);
    expect([(v.re as RegExp).source, (v.re as RegExp).flags]).toEqual(["ab+c", "gi"]);
    expect(v.map).toEqual(
      new Map<unknown, unknown>([
        [1, "one"],
        ["k", { v: [1] }],
      ]),
    );
    expect(v.set).toEqual(new Set(["x", 2]));
    expect(v.ab).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(v.ab as ArrayBuffer)]).toEqual([9, 8, 7]);
    expect(v.u8).toBeInstanceOf(Uint8Array);
    expect([...(v.u8 as Uint8Array)]).toEqual([3, 4]);
    expect(v.f64).toBeInstanceOf(Float64Array);
    expect([...(v.f64 as Float64Array)]).toEqual([1.5, -2.25]);
    expect(v.err).toBeInstanceOf(TypeError);
    expect([(v.err as Error).name, (v.err as Error).message]).toEqual(["TypeError", "t"]);
    expect(v.self).toBe(v);
    expect((v.list as unknown[])[0]).toBe(v);
    expect((v.list as unknown[])[1]).toBe(v.map);
  }

  const guestChecks = `[
    'u' in v, v.u === undefined, v.nul === null, Number.isNaN(v.nan), Object.is(v.negZero, -0), v.big === 10n ** 20n,
    v.date instanceof Date && v.date.getTime() === 5, v.re instanceof RegExp && v.re.source === 'ab+c' && v.re.flags === 'gi',
    v.map instanceof Map && v.map.get(1) === 'one' && v.map.get('k').v[0] === 1, v.set instanceof Set && v.set.has('x') && v.set.has(2),
    v.ab instanceof ArrayBuffer && new Uint8Array(v.ab).join() === '9,8,7', v.u8 instanceof Uint8Array && v.u8.join() === '3,4',
    v.f64 instanceof Float64Array && v.f64.join() === '1.5,-2.25',
    v.err instanceof TypeError && v.err.name === 'TypeError' && v.err.message === 't',
    v.self === v, v.list[0] === v, v.list[1] === v.map, v !== x,
  ]`;

  it("copies guest values to the host and back", async () => {
    const received: unknown[][] = [];
    const r = await run(`${guestValue}\nconst v = echo(x, undefined, null);\n${guestChecks}`, {
      globals: {
        echo: (...args: unknown[]) => {
          received.push(args);
          return args[0];
        },
      },
    });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual(Array(18).fill(true));
    expect(received).toHaveLength(1);
    const [v, second, third] = received[0]!;
    expect(received[0]).toHaveLength(3);
    expect(second).toBeUndefined();
    expect(third).toBeNull();
    checkOnHost(v as Record<string, unknown>);
  });

  it("copies host values into the guest", async () => {
    const make = () => {
      const x: Record<string, unknown> = {
        u: undefined,
        nul: null,
        nan: Number.NaN,
        negZero: -0,
        big: 10n ** 20n,
        date: new Date(5),
        re: /ab+c/gi,
        map: new Map<unknown, unknown>([
          [1, "one"],
          ["k", { v: [1] }],
        ]),
        set: new Set(["x", 2]),
        ab: new Uint8Array([9, 8, 7]).buffer,
        u8: new Uint8Array([3, 4]),
        f64: new Float64Array([1.5, -2.25]),
        err: new TypeError("t"),
      };
      x.self = x;
      x.list = [x, x.map];
      return x;
    };
    const r = await run(`const x = null; const v = make();\n${guestChecks}`, { globals: { make } });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual(Array(18).fill(true));
  });

  it("does not invoke getters of guest objects; the host gets the object without that key", async () => {
    const received: unknown[] = [];
    const r = await run(
      "let count = 0; const o = { plain: 1, get g() { count++; return 2; } }; const back = echo(o); [count, 'g' in back, back.plain]",
      {
        globals: {
          echo: (v: unknown) => {
            received.push(v);
            return v;
          },
        },
      },
    );
    expect(r.value).toEqual([0, false, 1]);
    expect(received).toEqual([{ plain: 1 }]);
    expect(Object.keys(received[0] as object)).toEqual(["plain"]);
  });

  it("does not invoke toJSON of guest objects", async () => {
    const received: unknown[] = [];
    const r = await run(
      `let count = 0;
      class Rec { constructor() { this.x = 1; } toJSON() { count++; return 'json'; } }
      const o = { y: 2 };
      Object.defineProperty(o, 'toJSON', { value: () => { count++; return 'json'; }, enumerable: false });
      echo(new Rec(), o);
      count`,
      {
        globals: {
          echo: (...v: unknown[]) => {
            received.push(v);
            return 0;
          },
        },
      },
    );
    expect(r).toMatchObject({ ok: true, value: 0 });
    expect(received).toEqual([[{ x: 1 }, { y: 2 }]]);
  });

  it("throws a DataCloneError in the guest when it passes a function", async () => {
    let called = false;
    const r = await run(
      "try { echo({ f: () => 1 }); 'no error' } catch (e) { [e.name, e instanceof Error] }",
      {
        globals: { echo: () => (called = true) },
      },
    );
    expect(r.value).toEqual(["DataCloneError", true]);
    expect(called).toBe(false);
  });

  it("throws a DataCloneError in the guest when a host function returns a function", async () => {
    const r = await run("try { make(); 'no error' } catch (e) { [e.name, e.message.includes('make')] }", {
      globals: { make: () => () => 1 },
    });
    expect(r.value).toEqual(["DataCloneError", true]);
  });

  it("rejects with a DataCloneError when an async host function resolves to a function", async () => {
    const r = await run("try { await make(); 'no error' } catch (e) { e.name }", {
      globals: { make: async () => () => 1 },
    });
    expect(r.value).toBe("DataCloneError");
  });
});

describe("errors crossing the boundary", () => {
  it("turns a host throw into a guest error with name and message, without host stack frames", async () => {
    const r = await run(
      "try { boom(); 'no error' } catch (e) { [e instanceof Error, e.name, e.message, String(e.stack)] }",
      {
        globals: {
          boom: () => {
            throw new TypeError("nope");
          },
        },
      },
    );
    expect(r.ok).toBe(true);
    const [isError, name, message, stack] = r.value as [boolean, string, string, string];
    expect(isError).toBe(true);
    expect(name).toBe("TypeError");
    expect(message).toBe("nope");
    expect(stack).toContain("main.js");
    expect(stack).not.toContain("/work/");
    expect(stack).not.toContain("node_modules");
    expect(stack).not.toMatch(/\.ts:\d/);
    expect(stack).not.toContain("host-functions.test");
  });

  it("fails the run with the host error when the guest does not catch it", async () => {
    const r = await run("boom()", {
      globals: {
        boom: () => {
          throw new TypeError("nope");
        },
      },
    });
    expect(r).toMatchObject({ ok: false, exitCode: 1, error: { name: "TypeError", message: "nope" } });
    expect(r.error?.stack).not.toContain("/work/");
    expect(r.error?.stack).not.toContain("node_modules");
  });

  it("rejects in the guest when an async host function rejects", async () => {
    const r = await run(
      "try { await later(); 'no error' } catch (e) { [e instanceof Error, e.name, e.message] }",
      {
        globals: {
          later: async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            throw new RangeError("later failure");
          },
        },
      },
    );
    expect(r.value).toEqual([true, "RangeError", "later failure"]);
  });

  it("turns a thrown string into a guest Error carrying it", async () => {
    const r = await run("try { boom() } catch (e) { [e instanceof Error, e.message] }", {
      globals: {
        boom: () => {
          throw "plain";
        },
      },
    });
    expect(r.value).toEqual([true, "plain"]);
  });
});

describe("host paths in host functions' errors (hostErrors)", () => {
  const failing = () => {
    throw Object.assign(new Error("ENOENT: no such file or directory, open '/home/app/config.json'"), {
      code: "ENOENT",
      path: "/home/app/config.json",
    });
  };
  const rejecting = async () => {
    throw new Error("cannot load file:///srv/app/secrets/key.pem (see C:\\Users\\app\\log.txt)");
  };
  const code = `
    const seen = [];
    try { readConfig() } catch (e) { seen.push(e.message, e.code, e.path) }
    try { await loadKey() } catch (e) { seen.push(e.message) }
    seen`;

  for (const isolation of ["inline", "worker"] as const) {
    it(`replaces host paths and file: URLs by <host path> by default (${isolation})`, async () => {
      const r = await run(code, { isolation, globals: { readConfig: failing, loadKey: rejecting } });
      expect(r.ok).toBe(true);
      expect(r.value).toEqual([
        "ENOENT: no such file or directory, open '<host path>'",
        "ENOENT",
        "<host path>",
        "cannot load <host path> (see <host path>)",
      ]);
    });

    it(`passes messages through with hostErrors: "verbatim" (${isolation})`, async () => {
      const r = await run(code, {
        isolation,
        hostErrors: "verbatim",
        globals: { readConfig: failing, loadKey: rejecting },
      });
      expect(r.value).toEqual([
        "ENOENT: no such file or directory, open '/home/app/config.json'",
        "ENOENT",
        "/home/app/config.json",
        "cannot load file:///srv/app/secrets/key.pem (see C:\\Users\\app\\log.txt)",
      ]);
    });
  }

  it("leaves URLs' paths and guest-relative text alone", async () => {
    const r = await run(`try { f() } catch (e) { e.message }`, {
      isolation: "inline",
      globals: {
        f: () => {
          throw new Error("GET https://api.example.com/v1/users failed for user/42");
        },
      },
    });
    expect(r.value).toBe("GET https://api.example.com/v1/users failed for user/42");
  });

  it("refuses an unknown hostErrors value", async () => {
    await expect(run("1", { hostErrors: "hide" as never })).rejects.toThrow(/hostErrors/);
  });
});

describe("no host call runs once the run is over", () => {
  // The guest catches every error and calls again: past the end of the run, the host function must not run.
  const code = `for (;;) { try { tick() } catch {} }`;

  for (const isolation of ["inline", "worker"] as const) {
    it(`after the signal aborts the run (${isolation})`, async () => {
      const controller = new AbortController();
      let calls = 0;
      let afterAbort = 0;
      const tick = () => {
        if (controller.signal.aborted) afterAbort += 1;
        calls += 1;
        if (calls === 50) controller.abort();
      };
      const r = await run(code, { isolation, signal: controller.signal, timeoutMs: 5000, globals: { tick } });
      expect(r.error?.name).toBe("AbortError");
      expect(calls).toBeGreaterThanOrEqual(50);
      expect(afterAbort).toBe(0);
    });

    it(`after the deadline passed during a host call (${isolation})`, async () => {
      let calls = 0;
      let late = 0;
      let pastDeadline = false;
      const tick = () => {
        if (pastDeadline) late += 1;
        calls += 1;
        if (calls === 50) {
          // This call itself outlasts the run's deadline.
          const until = performance.now() + 400;
          while (performance.now() < until) {}
          pastDeadline = true;
        }
      };
      const r = await run(code, { isolation, timeoutMs: 200, globals: { tick } });
      expect(r.error?.name).toBe("TimeoutError");
      expect(calls).toBe(50);
      expect(late).toBe(0);
    });
  }

  it("refuses the sandbox's own host operations too (fs, console) once the deadline passed", async () => {
    let pastDeadline = false;
    const written: string[] = [];
    const r = await run(
      `const fs = require("fs");
      for (;;) { try { block(); fs.writeFileSync("/x", "y"); console.log("after") } catch {} }`,
      {
        isolation: "inline",
        timeoutMs: 200,
        onStdout: (chunk) => written.push(chunk),
        globals: {
          block: () => {
            if (pastDeadline) return;
            const until = performance.now() + 400;
            while (performance.now() < until) {}
            pastDeadline = true;
          },
        },
      },
    );
    expect(r.error?.name).toBe("TimeoutError");
    expect(written).toEqual([]);
  });
});

describe("maxHostCalls and stats.hostCalls", () => {
  it("throws a RangeError mentioning maxHostCalls on the call past the limit", async () => {
    let hostSaw = 0;
    const r = await run(
      "const out = []; for (let i = 0; i < 4; i++) { try { out.push(f(i)); } catch (e) { out.push([e.name, e.message]); } } out",
      {
        maxHostCalls: 3,
        globals: {
          f: (i: number) => {
            hostSaw++;
            return i;
          },
        },
      },
    );
    expect(r.ok).toBe(true);
    const out = r.value as unknown[];
    expect(out.slice(0, 3)).toEqual([0, 1, 2]);
    const [name, message] = out[3] as [string, string];
    expect(name).toBe("RangeError");
    expect(message).toContain("maxHostCalls");
    expect(hostSaw).toBe(3);
    expect(r.stats.hostCalls).toBe(3);
  });

  it("the error past the limit is an instance of RangeError", async () => {
    const r = await run("f(); try { f(); } catch (e) { [e instanceof RangeError, e instanceof Error] }", {
      maxHostCalls: 1,
      globals: { f: () => 1 },
    });
    expect(r.value).toEqual([true, true]);
  });

  it("counts sync, async and namespaced calls; data globals are not calls", async () => {
    const r = await run("f(); await g(); env.h(); env.h(); data.x", {
      globals: { f: () => 1, g: async () => 2, env: { h: () => 3 }, data: { x: 4 } },
    });
    expect(r).toMatchObject({ ok: true, value: 4 });
    expect(r.stats.hostCalls).toBe(4);
  });

  it("reports zero calls for a run without host functions", async () => {
    const r = await run("1 + 1");
    expect(r.stats.hostCalls).toBe(0);
  });
});

describe("the env option", () => {
  it("becomes process.env", async () => {
    const r = await run("[process.env.FOO, process.env.PATH, Object.keys(process.env)]", {
      env: { FOO: "bar", PATH: "/guest/bin" },
    });
    expect(r.value).toEqual(["bar", "/guest/bin", ["FOO", "PATH"]]);
  });

  it("never shows the host's environment", async () => {
    const r = await run("[process.env.PATH, process.env.HOME, Object.keys(process.env).length]");
    expect(r.value).toEqual([undefined, undefined, 0]);
  });
});

describe("alerting on readings, with the last alert kept on the host", () => {
  const program = `
    export default async function (readings) {
      const last = env.getLastAlert();
      const peak = Math.max(...readings.map((r) => r.value));
      const shouldAlert = peak > 100 && (last === null || last.peak !== peak);
      if (shouldAlert) env.setLastAlert({ peak, count: readings.length });
      return shouldAlert;
    }
  `;

  it("alerts once, records the alert on the host, and does not repeat it", async () => {
    let last: unknown = null;
    const globals = {
      env: {
        getLastAlert: () => last,
        setLastAlert: (v: unknown) => {
          last = v;
        },
      },
    };
    const readings = [{ value: 40 }, { value: 120 }, { value: 90 }];

    const first = await run(program, { globals, input: readings });
    expect(first).toMatchObject({ ok: true, exitCode: 0, value: true });
    expect(last).toEqual({ peak: 120, count: 3 });
    expect(first.stats.hostCalls).toBe(2);

    const again = await run(program, { globals, input: readings });
    expect(again).toMatchObject({ ok: true, value: false });
    expect(last).toEqual({ peak: 120, count: 3 });
    expect(again.stats.hostCalls).toBe(1);

    const calm = await run(program, { globals, input: [{ value: 10 }] });
    expect(calm).toMatchObject({ ok: true, value: false });
    expect(last).toEqual({ peak: 120, count: 3 });
    expect(readings).toEqual([{ value: 40 }, { value: 120 }, { value: 90 }]);
  });
});
