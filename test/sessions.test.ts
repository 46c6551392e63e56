import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../src/index.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await createSandbox({ isolation: "inline", maxSessions: 5 });
});
afterAll(() => sb.dispose());

describe("sessions keep state across runs", () => {
  it("keeps top-level declarations, globals and the last expression's value", async () => {
    const s = sb.createSession();
    expect(
      (await s.run("let x = 1; const y = 2; function f() { return x + y } class K {}; globalThis.g = 'G'; x"))
        .value,
    ).toBe(1);
    expect((await s.run("x += 1")).value).toBe(2);
    expect((await s.run("[f(), typeof K, g]")).value).toEqual([4, "function", "G"]);
    expect((await s.run("await new Promise((r) => setTimeout(r, 5)); x * 10")).value).toBe(20);
    s.dispose();
  });

  it("runs module code: imports and exports stay visible to later runs, the value is the default export", async () => {
    const s = sb.createSession();
    const first = await s.run(
      "import { join } from 'node:path'; export const p = join('a', 'b'); export default p + '!'",
    );
    expect(first).toMatchObject({ ok: true, value: "a/b!" });
    expect((await s.run("p")).value).toBe("a/b");
    s.dispose();
  });

  it("keeps its virtual files and host functions", async () => {
    let calls = 0;
    const s = sb.createSession({ files: { "in.txt": "seed" }, globals: { env: { hit: () => ++calls } } });
    await s.run(
      "require('fs').writeFileSync('/out.txt', require('fs').readFileSync('/in.txt', 'utf8') + '+')",
    );
    expect((await s.run("require('fs').readFileSync('/out.txt', 'utf8')")).value).toBe("seed+");
    expect((await s.run("env.hit() + env.hit()")).value).toBe(3);
    expect(calls).toBe(2);
    s.dispose();
  });

  it("never sees another session's state or a one-off run's state", async () => {
    const a = sb.createSession();
    const b = sb.createSession();
    await a.run("var secret = 'a'; globalThis.leak = 1");
    await sb.run("globalThis.fromRun = 1");
    expect((await b.run("[typeof secret, typeof leak, typeof fromRun]")).value).toEqual([
      "undefined",
      "undefined",
      "undefined",
    ]);
    a.dispose();
    b.dispose();
  });

  it("fixes state-shaping options at creation and rejects them per run", async () => {
    const s = sb.createSession();
    await expect(s.run("1", { globals: { a: 1 } })).rejects.toMatchObject({
      code: "ERR_CORDON_INVALID_OPTION",
    });
    expect((await s.run("2", { timeoutMs: 1000 })).value).toBe(2);
    s.dispose();
  });
});

describe("losing and ending sessions", () => {
  it("reports SessionLostError after the memory cap is exceeded, and starts clean after reset()", async () => {
    const s = sb.createSession({ memoryLimitBytes: 32 * 1024 * 1024 });
    await s.run("var kept = 1");
    const bomb = await s.run("const a = []; while (true) a.push(new Array(1e5).fill(1))");
    expect(bomb).toMatchObject({ ok: false, exitCode: 137, error: { name: "MemoryLimitError" } });
    const next = await s.run("kept");
    expect(next.ok).toBe(false);
    expect(next.error?.name).toBe("SessionLostError");
    expect(next.error?.message).toMatch(/memory/);
    s.reset();
    expect((await s.run("typeof kept")).value).toBe("undefined");
    s.dispose();
  });

  it("expires after idleTimeoutMs and after ttlMs, freeing its place", async () => {
    const idle = sb.createSession({ idleTimeoutMs: 40 });
    const ttl = sb.createSession({ ttlMs: 60 });
    await idle.run("1");
    await ttl.run("1");
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sb.getSession(idle.id)).toBeUndefined();
    expect(sb.getSession(ttl.id)).toBeUndefined();
    expect((await idle.run("1")).error?.message).toMatch(/idleTimeoutMs/);
    expect((await ttl.run("1")).error?.message).toMatch(/ttlMs/);
  });

  it("lists sessions, finds them by id, and refuses more than maxSessions with BusyError", async () => {
    const made = Array.from({ length: 5 }, () => sb.createSession());
    expect(sb.listSessions().map((s) => s.id)).toEqual(expect.arrayContaining(made.map((s) => s.id)));
    expect(sb.getSession(made[0]!.id)).toBe(made[0]);
    expect(() => sb.createSession()).toThrow(expect.objectContaining({ code: "ERR_CORDON_BUSY" }));
    for (const s of made) s.dispose();
    expect(sb.listSessions()).toHaveLength(0);
    await expect(made[0]!.run("1")).rejects.toMatchObject({ code: "ERR_CORDON_DISPOSED" });
  });

  it("runs one session's runs in order, one at a time", async () => {
    const s = sb.createSession();
    await s.run("var log = []");
    const runs = [1, 2, 3].map((n) =>
      s.run(`await new Promise((r) => setTimeout(r, ${30 - n * 10})); log.push(${n}); log.length`),
    );
    expect((await Promise.all(runs)).map((r) => r.value)).toEqual([1, 2, 3]);
    expect((await s.run("log")).value).toEqual([1, 2, 3]);
    s.dispose();
  });
});
