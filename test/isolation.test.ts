// Isolation: nothing one run does (globals, prototypes, timers, host functions) survives into another run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, run, type Sandbox } from "../src/index.js";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await createSandbox();
});
afterAll(() => sb.dispose());

const POLLUTE = [
  "globalThis.leak = 1",
  "var leakedVar = 2",
  "Array.prototype.push = null",
  "Object.prototype.evil = 1",
  "Math.max = () => -1",
  "JSON.stringify = () => 'hijacked'",
  "Promise.prototype.then = function () { throw new Error('hijacked') }",
  "'polluted'",
].join("\n");

const PROBE = `
const a = [];
a.push(1, 2);
export default {
  leak: typeof globalThis.leak,
  leakedVar: typeof globalThis.leakedVar,
  push: typeof Array.prototype.push,
  pushed: a.length,
  evil: ({}).evil === undefined && !("evil" in {}),
  max: Math.max(1, 5),
  json: JSON.stringify({ x: 1 }),
  awaited: await Promise.resolve(7),
};
`;

const CLEAN = {
  leak: "undefined",
  leakedVar: "undefined",
  push: "function",
  pushed: 2,
  evil: true,
  max: 5,
  json: '{"x":1}',
  awaited: 7,
};

describe("globals and prototypes", () => {
  it("are fresh in the next run of the same sandbox", async () => {
    const polluted = await sb.run(POLLUTE);
    expect(polluted).toMatchObject({ ok: true, value: "polluted" });
    for (let i = 0; i < 3; i++) {
      const r = await sb.run(PROBE);
      expect(r).toMatchObject({ ok: true, value: CLEAN });
    }
  });

  it("are fresh in the next run()", async () => {
    expect(await run(POLLUTE)).toMatchObject({ ok: true, value: "polluted" });
    expect(await sb.run(POLLUTE)).toMatchObject({ ok: true, value: "polluted" });
    for (let i = 0; i < 3; i++) {
      expect(await run(PROBE)).toMatchObject({ ok: true, value: CLEAN });
    }
  });

  it("does not carry granted capabilities' changes into the next run", async () => {
    const r1 = await sb.run(
      "console.log = () => { throw new Error('x') }\nprocess.env.SECRET = 'kept'\nglobalThis.setTimeout = null\n1",
      { env: { A: "a" } },
    );
    expect(r1).toMatchObject({ ok: true, value: 1 });
    const r2 = await sb.run(
      "console.log('hello')\nawait new Promise((r) => setTimeout(r, 1));\n[process.env.SECRET, process.env.A]",
    );
    expect(r2).toMatchObject({ ok: true, stdout: "hello\n", value: [undefined, undefined] });
  });

  it("does not leak globals granted to one run into the next", async () => {
    const r1 = await sb.run("typeof env.secret", { globals: { env: { secret: () => "s3cret" } } });
    expect(r1).toMatchObject({ ok: true, value: "function" });
    const r2 = await sb.run("typeof env");
    expect(r2).toMatchObject({ ok: true, value: "undefined" });
  });

  it("keeps concurrent runs apart", async () => {
    const wait = () => new Promise((resolve) => setTimeout(resolve, 20));
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((i) =>
        (i % 2 ? run : sb.run)(`globalThis.x = ${i}\nawait env.wait();\n[x, typeof y]`, {
          globals: { env: { wait } },
        }),
      ),
    );
    expect(results.map((r) => r.value)).toEqual([
      [1, "undefined"],
      [2, "undefined"],
      [3, "undefined"],
      [4, "undefined"],
      [5, "undefined"],
      [6, "undefined"],
    ]);
  });
});

// The sandbox copies results and errors with its own guest code; a guest that replaced built-ins in its own realm
// must neither break that copy nor forge what it produces.
describe("a guest that replaces built-ins in its own run", () => {
  const cases: [string, string, unknown][] = [
    [
      "Object.prototype gets an enumerable property",
      "Object.prototype.evil = 1;\n({ a: 1, b: [2] })",
      { a: 1, b: [2] },
    ],
    ["JSON.stringify is replaced", "JSON.stringify = () => '\"forged\"';\n({ a: 1 })", { a: 1 }],
    [
      "Object.getOwnPropertyDescriptors is replaced",
      "Object.getOwnPropertyDescriptors = () => ({});\n({ a: 1 })",
      { a: 1 },
    ],
    [
      "Array.prototype[Symbol.iterator] is removed",
      "Array.prototype[Symbol.iterator] = null;\n[1, 2]",
      [1, 2],
    ],
    [
      "Map.prototype.set is removed",
      "const m = new Map([[1, 2]]);\nMap.prototype.set = null;\nm",
      new Map([[1, 2]]),
    ],
  ];

  for (const [label, code, expected] of cases) {
    it(`still gets its result copied out exactly when ${label}`, async () => {
      const r = await sb.run(code);
      expect(r.error).toBeUndefined();
      expect(r.ok).toBe(true);
      expect(r.value).toEqual(expected);
      expect(await sb.run(PROBE)).toMatchObject({ ok: true, value: CLEAN });
    });
  }

  it("still gets its own error reported", async () => {
    const r = await sb.run("Object.prototype.evil = 1;\nthrow new TypeError('boom')");
    expect(r).toMatchObject({ ok: false, exitCode: 1, error: { name: "TypeError", message: "boom" } });
  });

  it("can still log objects", async () => {
    const r = await sb.run("Object.prototype.evil = 1;\nconsole.log({ a: 1 });\n1");
    expect(r).toMatchObject({ ok: true, value: 1, stdout: "{ a: 1 }\n" });
  });
});

describe("timers", () => {
  it("a timer of a timed-out run never fires into a later run of the sandbox", async () => {
    const r1 = await sb.run("setTimeout(() => __return('late'), 50)\nawait new Promise(() => {})", {
      timeoutMs: 20,
    });
    expect(r1).toMatchObject({ ok: false, exitCode: 124, error: { name: "TimeoutError" } });
    expect(r1.value).toBeUndefined();

    const r2 = await sb.run("'mine'");
    expect(r2).toMatchObject({ ok: true, value: "mine" });
    // Outlive the old timer's delay inside a new run.
    const r3 = await sb.run("await new Promise((r) => setTimeout(r, 100))\n'mine too'");
    expect(r3).toMatchObject({ ok: true, value: "mine too", stdout: "" });
  });

  it("a timer of a timed-out run() never fires into a later run()", async () => {
    const r1 = await run("setTimeout(() => { console.log('late'); __return('late') }, 50)\n1", {
      timeoutMs: 20,
    });
    expect(r1).toMatchObject({ ok: false, exitCode: 124, error: { name: "TimeoutError" } });
    const r2 = await run("await new Promise((r) => setTimeout(r, 100))\n'fresh'");
    expect(r2).toMatchObject({ ok: true, value: "fresh", stdout: "" });
  });

  it("timer ids and pending timers start fresh in each run", async () => {
    await sb.run("for (let i = 0; i < 50; i++) setTimeout(() => {}, 10_000)\n1", { timeoutMs: 30 });
    const r = await sb.run(
      "let fired = 0\nsetTimeout(() => fired++, 1)\nawait new Promise((r) => setTimeout(r, 20))\nfired",
      {
        maxTimers: 2,
      },
    );
    expect(r).toMatchObject({ ok: true, value: 1 });
  });
});

describe("host functions", () => {
  it("are not called after their run ended", async () => {
    let calls = 0;
    const tick = () => {
      calls += 1;
    };
    const r = await sb.run("setInterval(() => env.tick(), 10)\nawait new Promise(() => {})", {
      timeoutMs: 200,
      globals: { env: { tick } },
    });
    expect(r).toMatchObject({ ok: false, exitCode: 124, error: { name: "TimeoutError" } });
    expect(calls).toBeGreaterThan(3);
    expect(r.stats.hostCalls).toBe(calls);
    const atEnd = calls;
    await sleep(200);
    expect(calls).toBe(atEnd);
    expect(await sb.run("1")).toMatchObject({ ok: true, value: 1 });
    await sleep(50);
    expect(calls).toBe(atEnd);
  });

  it("a late-settling async host call does not reach a later run", async () => {
    let resolveLate: ((value: string) => void) | undefined;
    const late = () =>
      new Promise<string>((resolve) => {
        resolveLate = resolve;
      });
    const r1 = await sb.run("globalThis.got = await env.late()\ngot", {
      timeoutMs: 50,
      globals: { env: { late } },
    });
    expect(r1).toMatchObject({ ok: false, error: { name: "TimeoutError" } });
    expect(resolveLate).toBeTypeOf("function");
    const r2Promise = sb.run("await new Promise((r) => setTimeout(r, 50))\ntypeof globalThis.got");
    resolveLate?.("too late");
    const r2 = await r2Promise;
    expect(r2).toMatchObject({ ok: true, value: "undefined" });
  });
});
