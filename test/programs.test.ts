// Program kinds: ES modules, CommonJS scripts, plain scripts, __return(), `input`, and the exit codes of failures.
import { describe, expect, it } from "vitest";
import { createSandbox, run } from "../src/index.js";

describe("ES modules", () => {
  it("uses the default export as the value", async () => {
    const r = await run("export default 1 + 1");
    expect(r.ok).toBe(true);
    expect(r.exitCode).toBe(0);
    expect(r.value).toBe(2);
    expect(r.error).toBeUndefined();
  });

  it("awaits a default-exported promise", async () => {
    const r = await run("export default Promise.resolve(5)");
    expect(r).toMatchObject({ ok: true, exitCode: 0, value: 5 });
  });

  it("supports top-level await", async () => {
    const r = await run(
      "const v = await new Promise((resolve) => setTimeout(() => resolve(7), 5));\nexport default v * 2;",
    );
    expect(r).toMatchObject({ ok: true, value: 14 });
  });

  it("has an undefined value when nothing is exported by default", async () => {
    const r = await run("export const named = 3;");
    expect(r.ok).toBe(true);
    expect(r.value).toBeUndefined();
  });

  it("calls a default-exported async function with `input` and awaits its return", async () => {
    const r = await run(
      "export default async function (o) { await null; return { doubled: o.n * 2, tag: o.tag.toUpperCase() }; }",
      { input: { n: 21, tag: "ok" } },
    );
    expect(r).toMatchObject({ ok: true, value: { doubled: 42, tag: "OK" } });
  });

  it("reports a default-exported function without `input` as a DataCloneError that mentions input", async () => {
    const r = await run("export default () => 1");
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.error?.name).toBe("DataCloneError");
    expect(r.error?.message).toContain("input");
  });

  it("ignores `input` when the default export is not a function", async () => {
    const r = await run("export default 5", { input: 99 });
    expect(r).toMatchObject({ ok: true, value: 5 });
  });
});

describe("__return()", () => {
  it("sets the value from a module, over its default export", async () => {
    const r = await run("__return('from module');\nexport default 'default';");
    expect(r).toMatchObject({ ok: true, value: "from module" });
  });

  it("sets the value from a plain script, over its last expression", async () => {
    const r = await run("__return({ a: [1, 2] }); 'last'");
    expect(r).toMatchObject({ ok: true, value: { a: [1, 2] } });
  });

  it("sets the value from a CommonJS program, over module.exports", async () => {
    const r = await run("module.exports = 3; __return(9);");
    expect(r).toMatchObject({ ok: true, value: 9 });
  });

  it("fails with ResultTooLargeError for a value over maxResultBytes, which the guest can catch", async () => {
    const big = await run("__return({ a: 'x'.repeat(100) }); 1", { maxResultBytes: 16 });
    expect(big).toMatchObject({ ok: false, error: { name: "ResultTooLargeError" } });
    expect(big.error?.message).toContain("maxResultBytes");
    const caught = await run("try { __return('x'.repeat(100)) } catch (e) { __return(e.name) }", {
      maxResultBytes: 64,
    });
    expect(caught).toMatchObject({ ok: true, value: "ResultTooLargeError" });
  });

  it("sets the value from inside a timer callback", async () => {
    const r = await run("setTimeout(() => __return('from timer'), 10); 'sync value'");
    expect(r).toMatchObject({ ok: true, value: "from timer" });
  });
});

describe("CommonJS scripts", () => {
  it("calls module.exports with `input` when it is a function", async () => {
    const r = await run("module.exports = s => s.length", { input: "hello" });
    expect(r).toMatchObject({ ok: true, exitCode: 0, value: 5 });
  });

  it("uses exports.x assignments as the value", async () => {
    const r = await run("exports.a = 1; exports.b = 2");
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({ a: 1, b: 2 });
  });

  it("copies an object `input` in: guest mutation is not visible on the host", async () => {
    const input = { a: 1, list: [1, 2], nested: { deep: "x" } };
    const r = await run(
      "module.exports = (o) => { o.a = 99; o.list.push(3); o.nested.deep = 'changed'; o.added = true; return o; }",
      { input },
    );
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({ a: 99, list: [1, 2, 3], nested: { deep: "changed" }, added: true });
    expect(input).toEqual({ a: 1, list: [1, 2], nested: { deep: "x" } });
    expect(r.value).not.toBe(input);
  });

  it("throws an Error with code MODULE_NOT_FOUND naming the module from require()", async () => {
    const r = await run(
      "try { require('x'); 'loaded' } catch (e) { [e instanceof Error, e.name, e.code, e.message] }",
    );
    expect(r.ok).toBe(true);
    const [isError, name, code, message] = r.value as [boolean, string, string, string];
    expect(isError).toBe(true);
    expect(name).toBe("Error");
    expect(code).toBe("MODULE_NOT_FOUND");
    expect(message).toContain("'x'");
  });

  it("fails the run when require() is not caught", async () => {
    const r = await run("const lib = require('left-pad');\nlib(1);");
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.error?.name).toBe("Error");
    expect(r.error?.message).toContain("'left-pad'");
    expect(r.error?.location).toEqual({ file: "main.js", line: 1, column: expect.any(Number) });
  });

  it("provides __filename and __dirname from the filename option", async () => {
    const r = await run("[__filename, __dirname]", { filename: "/app/src/job.js" });
    expect(r.value).toEqual(["/app/src/job.js", "/app/src"]);
  });
});

describe("plain scripts", () => {
  it("uses the last expression as the value", async () => {
    const r = await run("const x = 2; x * 21");
    expect(r).toMatchObject({ ok: true, exitCode: 0, value: 42 });
  });

  it("supports top-level await and keeps the last expression", async () => {
    const r = await run("await Promise.resolve(3); 4");
    expect(r).toMatchObject({ ok: true, value: 4 });
  });

  it("awaits a last expression that is a promise", async () => {
    const r = await run("new Promise((resolve) => setTimeout(() => resolve({ done: true }), 5))");
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({ done: true });
  });

  it("has an undefined value when the last statement is a declaration", async () => {
    const r = await run("const x = 1;");
    expect(r.ok).toBe(true);
    expect(r.value).toBeUndefined();
  });
});

describe("failures are values", () => {
  it("reports a top-level promise that never settles as UnsettledError with exit code 13", async () => {
    const r = await run("new Promise(() => {})");
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(13);
    expect(r.error?.name).toBe("UnsettledError");
  });

  it("reports a module awaiting forever as UnsettledError", async () => {
    const r = await run("await new Promise(() => {});\nexport default 1;");
    expect(r).toMatchObject({ ok: false, exitCode: 13, error: { name: "UnsettledError" } });
  });

  it("reports an uncaught error with its name, message and location", async () => {
    const r = await run("const a = 1;\nthrow new RangeError('too far');", { filename: "job.js" });
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.error).toMatchObject({ name: "RangeError", message: "too far" });
    expect(r.error?.location).toMatchObject({ file: "job.js", line: 2 });
    expect(r.error?.stack?.split("\n")[0]).toBe("RangeError: too far");
  });

  it("reports a syntax error", async () => {
    const r = await run("let = ;");
    expect(r).toMatchObject({ ok: false, exitCode: 1, error: { name: "SyntaxError" } });
  });

  it("describes a thrown non-error value", async () => {
    const r = await run("throw 'plain string'");
    expect(r.ok).toBe(false);
    expect(r.error?.message).toContain("plain string");
  });

  it("keeps output written before the failure", async () => {
    const r = await run("console.log('before'); null.x; console.log('after')");
    expect(r.ok).toBe(false);
    expect(r.error?.name).toBe("TypeError");
    expect(r.stdout).toBe("before\n");
  });

  it("uses the code given to process.exit() as the exit code", async () => {
    const r = await run("console.log('a'); process.exit(3); console.log('b')");
    expect(r).toMatchObject({ ok: false, exitCode: 3, error: { name: "ExitError" }, stdout: "a\n" });
  });

  it("treats process.exit(0) as success", async () => {
    const r = await run("__return('kept'); process.exit(0);");
    expect(r).toMatchObject({ ok: true, exitCode: 0, value: "kept" });
  });
});

describe("createSandbox", () => {
  it("runs programs of every kind with fresh state per run", async () => {
    const sb = await createSandbox({ timeoutMs: 2000 });
    try {
      expect((await sb.run("globalThis.counter = (globalThis.counter ?? 0) + 1; counter")).value).toBe(1);
      expect((await sb.run("globalThis.counter = (globalThis.counter ?? 0) + 1; counter")).value).toBe(1);
      expect((await sb.run("export default 'esm'")).value).toBe("esm");
      expect((await sb.run("module.exports = (n) => n + 1", { input: 1 })).value).toBe(2);
    } finally {
      sb.dispose();
    }
  });
});
