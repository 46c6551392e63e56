// Errors: guest failures as values with guest-only stacks, exit codes, host misuse, abort, and sandbox lifetimes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CordonError,
  createSandbox,
  InvalidOptionError,
  formatError,
  type RunError,
  type RunOptions,
  run,
  type Sandbox,
} from "../src/index.js";

const MiB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

function rss(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().rss;
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await createSandbox();
});
afterAll(() => sb.dispose());

/** Every line after the first is an "at" frame of the guest's own file or a native function. */
function expectGuestOnlyStack(error: RunError | undefined, file: string): void {
  const stack = error?.stack ?? "";
  for (const forbidden of ["node:", "/work/", "cordon:", "file://", "node_modules", ".ts:"]) {
    expect(stack).not.toContain(forbidden);
  }
  const frames = stack.split("\n").slice(1);
  expect(frames.length).toBeGreaterThan(0);
  for (const frame of frames)
    expect(frame).toMatch(
      new RegExp(`^\\s+at (.* \\(${file}:\\d+:\\d+\\)|${file}:\\d+:\\d+|.* \\(native\\))$`),
    );
}

describe("guest errors", () => {
  it("reports an uncaught TypeError with its location and a guest-only stack", async () => {
    const r = await sb.run("const a = 1;\nfunction g() {\n  throw new TypeError('boom');\n}\ng();\n");
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.value).toBeUndefined();
    expect(r.error?.name).toBe("TypeError");
    expect(r.error?.message).toBe("boom");
    expect(r.error?.location).toEqual({ file: "main.js", line: 3, column: expect.any(Number) });
    expect(r.error?.location?.column).toBeGreaterThan(0);
    expect(r.error?.stack?.startsWith("TypeError: boom\n")).toBe(true);
    expect(r.error?.stack).toContain("main.js:3:");
    expect(r.error?.stack).toContain("main.js:5:");
    expectGuestOnlyStack(r.error, "main.js");
  });

  it("uses the filename option in the location and the stack", async () => {
    const r = await sb.run("\n\nthrow new RangeError('far');", { filename: "task.js" });
    expect(r.error).toMatchObject({
      name: "RangeError",
      message: "far",
      location: { file: "task.js", line: 3 },
    });
    expect(r.error?.stack).toContain("task.js:3:");
    expect(r.error?.stack).not.toContain("main.js");
    expectGuestOnlyStack(r.error, "task.js");
  });

  it("reports errors thrown in ES modules, timers and async functions", async () => {
    const mod = await sb.run("export const x = 1;\nthrow new Error('in module');");
    expect(mod.error).toMatchObject({ name: "Error", message: "in module", location: { line: 2 } });
    const timer = await sb.run("setTimeout(() => {\n  null.x;\n}, 1);");
    expect(timer).toMatchObject({
      ok: false,
      exitCode: 1,
      error: { name: "TypeError", location: { line: 2 } },
    });
    expectGuestOnlyStack(timer.error, "main.js");
    const asyncFn = await sb.run(
      "async function f() {\n  await 1;\n  throw new SyntaxError('late');\n}\nawait f();",
    );
    expect(asyncFn.error).toMatchObject({ name: "SyntaxError", message: "late", location: { line: 3 } });
  });

  it("keeps host frames out of errors thrown by host functions", async () => {
    const bad = () => {
      throw new RangeError("host says no");
    };
    const r = await sb.run("function a() {\n  env.bad();\n}\na();", { globals: { env: { bad } } });
    expect(r.error).toMatchObject({ name: "RangeError", message: "host says no", location: { line: 2 } });
    expectGuestOnlyStack(r.error, "main.js");
  });

  it("reports a SyntaxError at the line of the error", async () => {
    for (const code of [
      "const a = 1;\nconst b = 2;\nconst c = ;\n",
      "export const a = 1;\n\nconst c = ;\n",
    ]) {
      const r = await sb.run(code);
      expect(r).toMatchObject({ ok: false, exitCode: 1, error: { name: "SyntaxError" } });
      expect(r.error?.location).toMatchObject({ file: "main.js", line: 3 });
      expect(r.error?.stack).not.toContain("cordon:");
    }
  });

  it("keeps a message that names an Object.prototype member (toString, constructor, __proto__)", async () => {
    for (const text of ["toString", "valueOf", "constructor", "__proto__", "hasOwnProperty"]) {
      const r = await sb.run(`throw new Error(${JSON.stringify(text)})`);
      expect(r).toMatchObject({ ok: false, error: { name: "Error", message: text } });
      expect(r.error?.engineMessage).toBeUndefined();
      expect(r.error?.stack?.split("\n")[0]).toBe(`Error: ${text}`);
    }
  });

  it("describes thrown non-errors", async () => {
    const r = await sb.run("throw 'plain text'");
    expect(r).toMatchObject({ ok: false, exitCode: 1 });
    expect(r.error?.message).toContain("plain text");
  });
});

describe("exit codes", () => {
  it("process.exit(3) ends the run at once with exitCode 3", async () => {
    const r = await sb.run("process.exit(3);\nconsole.log('after');");
    expect(r).toMatchObject({ ok: false, exitCode: 3, stdout: "" });
  });

  it("process.exit(0) is a success", async () => {
    const r = await sb.run("console.log('before');\nprocess.exit(0);\nconsole.log('after');");
    expect(r).toMatchObject({ ok: true, exitCode: 0, stdout: "before\n" });
    expect(r.error).toBeUndefined();
  });

  it("process.exit cannot be caught by the guest", async () => {
    const r = await sb.run("try { process.exit(4) } catch {}\nconsole.log('after');\n5");
    expect(r).toMatchObject({ ok: false, exitCode: 4, stdout: "" });
  });

  it("process.exitCode = 2 sets the exit code", async () => {
    const r = await sb.run("process.exitCode = 2;\n'done'");
    expect(r.exitCode).toBe(2);
    expect(r.ok).toBe(false);
  });
});

describe("errors the host cannot copy whole", () => {
  const chain = `const e = new Error("top"); let c = e;
    for (let i = 0; i < 100000; i++) { c.cause = new Error("inner " + i); c = c.cause }`;

  it("a thrown error with a cause chain 100,000 deep is described by its own message", async () => {
    const r = await run(`${chain}\nthrow e`, { isolation: "inline" });
    expect(r.error).toMatchObject({ name: "Error", message: "top", location: { line: 1 } });
    expect((await run("1 + 1", { isolation: "inline" })).value).toBe(2);
  });

  const deep: [string, string][] = [
    ["an array", "let a = []; for (let i = 0; i < 100000; i++) a = [a]; a"],
    ["a Map", "let a = new Map(); for (let i = 0; i < 100000; i++) a = new Map([[1, a]]); a"],
    ["a thrown object", "let a = {}; for (let i = 0; i < 100000; i++) a = { a }; throw a"],
    ["a chain of proxies", "let a = {}; for (let i = 0; i < 100000; i++) a = new Proxy(a, {}); a"],
    ["a host function's argument", "let a = {}; for (let i = 0; i < 100000; i++) a = { a }; f(a)"],
  ];
  for (const isolation of ["inline", "worker"] as const) {
    it.each(deep)(
      `a structure nested 100,000 deep (%s) gives a RunResult, never a rejection (${isolation})`,
      async (_, code) => {
        const r = await run(code, { isolation, globals: { f: () => 1 } });
        expect(r.ok).toBe(false);
        expect(r.error?.name).toMatch(/^(DataCloneError|Error|RangeError)$/);
        expect((await run("1 + 1", { isolation })).value).toBe(2);
      },
    );
  }

  for (const isolation of ["inline", "worker"] as const) {
    it(`a message, name or thrown string of a million characters arrives cut to 16 KiB, saying so (${isolation})`, async () => {
      const cases = [
        "throw new Error('x'.repeat(1e6))",
        "throw 'x'.repeat(1e6)",
        "const e = new Error('m'); e.name = 'x'.repeat(1e6); throw e",
        "throw { message: 'x'.repeat(1e6) }",
      ];
      for (const code of cases) {
        const r = await run(code, { isolation });
        expect(r.ok).toBe(false);
        const error = r.error!;
        expect(error.message.length + error.name.length).toBeLessThan(17 * 1024);
        expect(`${error.name} ${error.message}`).toMatch(/… \(\d+ more characters\)/);
        expect((error.stack ?? "").length).toBeLessThan(70 * 1024);
        expect(formatError(r).length).toBeLessThanOrEqual(2048);
      }
    });
  }

  it("a returned error with a cause chain 100,000 deep is a DataCloneError, not an engine failure", async () => {
    const r = await run(`${chain}\ne`, { isolation: "inline" });
    expect(r.error?.name).toBe("DataCloneError");
    expect(r.error?.message).toMatch(/nested deeper than/);
  });
});

describe("host misuse", () => {
  const misuse: [string, () => Promise<unknown>, RegExp][] = [
    ["code that is not a string", () => run(42 as unknown as string), /code/],
    ["a negative timeoutMs", () => run("1", { timeoutMs: -1 }), /timeoutMs/],
    ["a fractional timeoutMs", () => run("1", { timeoutMs: 1.5 }), /timeoutMs/],
    ["an unknown option", () => run("1", { nope: 1 } as unknown as RunOptions), /nope/],
    [
      "an env value that is not a string",
      () => run("1", { env: { A: 1 } as unknown as Record<string, string> }),
      /env/,
    ],
    ["an input that cannot be cloned", () => run("1", { input: () => 1 }), /input/],
    ["an empty filename", () => run("1", { filename: "" }), /filename/],
    ["a signal that is not an AbortSignal", () => run("1", { signal: {} as AbortSignal }), /signal/],
    [
      "bad options on a sandbox run",
      () => sb.run("1", { maxResultBytes: "big" as unknown as number }),
      /maxResultBytes/,
    ],
  ];
  for (const [label, call, names] of misuse) {
    it(`throws an InvalidOptionError for ${label}`, async () => {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toBeInstanceOf(CordonError);
      expect((error as Error).message).toMatch(names);
    });
  }

  it("throws at createSandbox() for bad defaults", async () => {
    await expect(createSandbox({ timeoutMs: 0 })).rejects.toThrow(/timeoutMs/);
  });
});

describe("abort", () => {
  const slow = () => new Promise((resolve) => setTimeout(resolve, 10_000));

  it("does not start a run whose signal is already aborted", async () => {
    let called = false;
    const r = await sb.run("env.mark(); 1", {
      signal: AbortSignal.abort(),
      globals: { env: { mark: () => (called = true) } },
    });
    expect(r).toMatchObject({ ok: false, exitCode: 130, error: { name: "AbortError" } });
    expect(called).toBe(false);
  });

  it("ends a run waiting on a slow host function soon after the abort", async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 100);
    const r = await sb.run("await env.slow(); 'finished'", {
      signal: controller.signal,
      globals: { env: { slow } },
    });
    const delay = performance.now() - abortedAt;
    expect(abortedAt).toBeGreaterThan(0);
    expect(r).toMatchObject({ ok: false, exitCode: 130, error: { name: "AbortError" } });
    expect(r.value).toBeUndefined();
    expect(delay).toBeLessThan(200);
    expect(await sb.run("export default 'next'")).toMatchObject({ ok: true, value: "next" });
  });

  it("aborts run() the same way", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const r = await run("await env.slow()", { signal: controller.signal, globals: { env: { slow } } });
    expect(r.error?.name).toBe("AbortError");
    expect(r.exitCode).toBe(130);
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe("lifetimes", () => {
  it("runs 10,000 times through one sandbox without growing", { timeout: 45_000 }, async () => {
    const box = await createSandbox();
    try {
      let sum = 0;
      for (let i = 0; i < 1_000; i++) {
        const r = await box.run("export default 1+1");
        sum += r.value as number;
      }
      const baseline = rss();
      for (let i = 0; i < 9_000; i++) {
        const r = await box.run("export default 1+1");
        sum += r.value as number;
      }
      const after = rss();
      expect(sum).toBe(20_000);
      expect(after - baseline).toBeLessThan(64 * MiB);
    } finally {
      box.dispose();
    }
  });

  it("rejects runs on a disposed sandbox with ERR_CORDON_DISPOSED", async () => {
    const box = await createSandbox();
    expect(await box.run("1")).toMatchObject({ ok: true, value: 1 });
    box.dispose();
    await expect(box.run("1")).rejects.toMatchObject({ code: "ERR_CORDON_DISPOSED" });
    box.dispose();
    await expect(box.run("2")).rejects.toMatchObject({ code: "ERR_CORDON_DISPOSED" });
  });

  it("supports Symbol.dispose", async () => {
    const box = await createSandbox();
    box[Symbol.dispose]();
    await expect(box.run("1")).rejects.toMatchObject({ code: "ERR_CORDON_DISPOSED" });
  });

  it("ends a run in flight as a DisposedError failure when its inline sandbox is disposed", async () => {
    const box = await createSandbox({ isolation: "inline" });
    const wait = () => new Promise((resolve) => setTimeout(() => resolve(5), 50));
    const pending = box.run("(await env.wait()) + 1", { globals: { env: { wait } } });
    box.dispose();
    expect(await pending).toMatchObject({ ok: false, error: { name: "DisposedError" } });
    expect(await run("'pool still fine'")).toMatchObject({ ok: true, value: "pool still fine" });
  });

  it("ends a run in flight as a DisposedError failure when its worker sandbox is disposed", async () => {
    const box = await createSandbox({ isolation: "worker" });
    const wait = () => new Promise((resolve) => setTimeout(() => resolve(5), 200));
    let started!: () => void;
    const begun = new Promise<void>((resolve) => {
      started = resolve;
    });
    const pending = box.run("env.started(); (await env.wait()) + 1", { globals: { env: { wait, started } } });
    await begun;
    box.dispose();
    expect(await pending).toMatchObject({ ok: false, error: { name: "DisposedError" } });
    expect(await run("'pool still fine'")).toMatchObject({ ok: true, value: "pool still fine" });
  });
});
