// The event loop: timers, immediates, microtasks, process.nextTick, how long a run stays alive, and maxTimers.
import { describe, expect, it } from "vitest";
import { run } from "../src/index.js";

describe("setTimeout", () => {
  it("fires by delay, then by insertion order for equal delays", async () => {
    const r = await run(`
      setTimeout(() => console.log('c30'), 30);
      setTimeout(() => console.log('a10'), 10);
      setTimeout(() => console.log('b10'), 10);
      setTimeout(() => console.log('d20'), 20);
      setTimeout(() => console.log('z0'), 0);
    `);
    expect(r.ok).toBe(true);
    expect(r.stdout).toBe("z0\na10\nb10\nd20\nc30\n");
  });

  it("treats delays of 0, 1 and none alike, in insertion order (as Node does)", async () => {
    const r = await run(`
      setTimeout(() => console.log('one'), 1);
      setTimeout(() => console.log('zero'), 0);
      setTimeout(() => console.log('none'));
    `);
    expect(r.stdout).toBe("one\nzero\nnone\n");
  });

  it("passes extra arguments to the callback", async () => {
    const r = await run("setTimeout((a, b) => console.log(a + b), 1, 'x', 'y')");
    expect(r.stdout).toBe("xy\n");
  });

  it("is cancelled by clearTimeout", async () => {
    const r = await run(
      "const t = setTimeout(() => console.log('should not run'), 5); clearTimeout(t); 'done'",
    );
    expect(r).toMatchObject({ ok: true, value: "done", stdout: "" });
  });

  it("returns an object usable with clearTimeout and convertible to a number", async () => {
    const r = await run(`
      const t = setTimeout(() => console.log('no'), 5);
      const u = setTimeout(() => console.log('no either'), 5);
      clearTimeout(t);
      clearTimeout(+u);
      [typeof t, typeof +t, Number.isInteger(+t) && +t > 0, +u !== +t]
    `);
    expect(r.ok).toBe(true);
    expect(r.value).toEqual(["object", "number", true, true]);
    expect(r.stdout).toBe("");
  });

  it("runs nested timers", async () => {
    const r = await run(`
      setTimeout(() => {
        console.log('outer');
        setTimeout(() => {
          console.log('inner');
          setTimeout(() => console.log('innermost'), 1);
        }, 1);
      }, 1);
    `);
    expect(r.stdout).toBe("outer\ninner\ninnermost\n");
  });

  it("waits at least the delay", async () => {
    const r = await run("const s = Date.now(); await new Promise((r) => setTimeout(r, 50)); Date.now() - s");
    expect(r.ok).toBe(true);
    expect(r.value as number).toBeGreaterThanOrEqual(49);
  });
});

describe("setInterval", () => {
  it("repeats until clearInterval", async () => {
    const r = await run(`
      let n = 0;
      const h = setInterval(() => { n++; console.log('tick', n); if (n === 3) clearInterval(h); }, 5);
      'started'
    `);
    expect(r).toMatchObject({ ok: true, value: "started" });
    expect(r.stdout).toBe("tick 1\ntick 2\ntick 3\n");
  });

  it("is stopped by clearInterval from another timer", async () => {
    const r = await run(`
      let n = 0;
      const h = setInterval(() => { n++; }, 5);
      await new Promise((resolve) => setTimeout(() => { clearInterval(h); resolve(); }, 60));
      const seen = n;
      await new Promise((resolve) => setTimeout(resolve, 30));
      [seen > 2, n === seen]
    `);
    expect(r.value).toEqual([true, true]);
  });

  it("keeps the run alive until the timeout when never cleared", async () => {
    const r = await run("setInterval(() => {}, 10); 'x'", { timeoutMs: 200 });
    expect(r).toMatchObject({ ok: false, exitCode: 124, error: { name: "TimeoutError" } });
  });
});

describe("microtasks, immediates and nextTick", () => {
  it("runs setImmediate after synchronous code, with its arguments", async () => {
    const r = await run("setImmediate((a, b) => console.log('immediate', a, b), 1, 2); console.log('sync')");
    expect(r.stdout).toBe("sync\nimmediate 1 2\n");
  });

  it("clearImmediate cancels an immediate", async () => {
    const r = await run("const i = setImmediate(() => console.log('no')); clearImmediate(i); 'ok'");
    expect(r).toMatchObject({ ok: true, value: "ok", stdout: "" });
  });

  it("runs queueMicrotask and promise jobs before timers", async () => {
    const r = await run(`
      setTimeout(() => console.log('timer'), 0);
      setImmediate(() => console.log('immediate'));
      queueMicrotask(() => console.log('micro'));
      Promise.resolve().then(() => console.log('then'));
      console.log('sync');
    `);
    expect(r.stdout.split("\n").slice(0, 3)).toEqual(["sync", "micro", "then"]);
    expect(r.stdout.split("\n").slice(3).sort()).toEqual(["", "immediate", "timer"]);
  });

  it("drains microtasks queued by one timer before the next timer fires", async () => {
    const r = await run(`
      setTimeout(() => { Promise.resolve().then(() => console.log('m1')); console.log('t1'); }, 1);
      setTimeout(() => console.log('t2'), 1);
    `);
    expect(r.stdout).toBe("t1\nm1\nt2\n");
  });

  it("runs process.nextTick callbacks with their arguments before timers", async () => {
    const r = await run(`
      setTimeout(() => console.log('timer'), 0);
      process.nextTick((a, b) => console.log('tick', a, b), 7, 8);
      console.log('sync');
    `);
    expect(r.stdout).toBe("sync\ntick 7 8\ntimer\n");
  });
});

describe("how long a run stays alive", () => {
  it("waits for pending timers after the main program finished", async () => {
    const r = await run("setTimeout(() => console.log('later'), 30); 'now'");
    expect(r).toMatchObject({ ok: true, exitCode: 0, value: "now", stdout: "later\n" });
    expect(r.stats.durationMs).toBeGreaterThanOrEqual(25);
  });

  it("waits for timers of a module after its default export is known", async () => {
    const r = await run("setTimeout(() => console.log('after export'), 20);\nexport default 'value';");
    expect(r).toMatchObject({ ok: true, value: "value", stdout: "after export\n" });
  });

  it("does not wait for an unref()'d timer", async () => {
    const r = await run("const t = setTimeout(() => console.log('never'), 2000); t.unref(); 'u'");
    expect(r).toMatchObject({ ok: true, value: "u", stdout: "" });
    expect(r.stats.durationMs).toBeLessThan(1500);
  });

  it("does not wait for an unref()'d interval", async () => {
    const r = await run("setInterval(() => console.log('tick'), 1000).unref(); 'done'");
    expect(r).toMatchObject({ ok: true, value: "done", stdout: "" });
  });

  it("reports hasRef() and lets ref() keep the run alive again", async () => {
    const r = await run(`
      const t = setTimeout(() => console.log('fired'), 10);
      const states = [t.hasRef(), t.unref().hasRef(), t.ref().hasRef()];
      states
    `);
    expect(r.value).toEqual([true, false, true]);
    expect(r.stdout).toBe("fired\n");
  });

  it("reports a top-level await on an unref()'d timer as unsettled", async () => {
    const r = await run("await new Promise((r) => setTimeout(r, 10).unref()); 'x'");
    expect(r).toMatchObject({ ok: false, exitCode: 13, error: { name: "UnsettledError" } });
  });
});

describe("errors in callbacks", () => {
  it("ends the run with the error thrown by a timer callback", async () => {
    const r = await run(`
      setTimeout(() => { throw new TypeError('boom'); }, 5);
      setTimeout(() => console.log('after'), 40);
      'v'
    `);
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.error).toMatchObject({ name: "TypeError", message: "boom" });
    expect(r.error?.location?.file).toBe("main.js");
    expect(r.value).toBeUndefined();
    expect(r.stdout).toBe("");
  });

  it("throws a TypeError for a callback that is not a function", async () => {
    const r = await run("try { setTimeout('code string', 1); 'no' } catch (e) { e.name }");
    expect(r.value).toBe("TypeError");
  });
});

describe("maxTimers", () => {
  it("throws a RangeError mentioning maxTimers for the timer past the cap", async () => {
    const r = await run(
      `
      for (let i = 0; i < 5; i++) setTimeout(() => {}, 1);
      let caught;
      try { setTimeout(() => {}, 1); } catch (e) { caught = [e.name, e.message]; }
      caught
    `,
      { maxTimers: 5 },
    );
    expect(r.ok).toBe(true);
    const [name, message] = r.value as [string, string];
    expect(name).toBe("RangeError");
    expect(message).toContain("maxTimers");
  });

  it("the error past the cap is an instance of RangeError", async () => {
    const r = await run(
      `
      for (let i = 0; i < 5; i++) setTimeout(() => {}, 1);
      let caught;
      try { setTimeout(() => {}, 1); } catch (e) { caught = [e instanceof RangeError, e instanceof Error]; }
      caught
    `,
      { maxTimers: 5 },
    );
    expect(r.value).toEqual([true, true]);
  });

  it("counts pending timers only: fired and cleared timers free their slot", async () => {
    const r = await run(
      `
      const a = setTimeout(() => {}, 100);
      clearTimeout(a);
      setTimeout(() => setTimeout(() => console.log('second'), 1), 1);
      'ok'
    `,
      { maxTimers: 1 },
    );
    expect(r).toMatchObject({ ok: true, value: "ok", stdout: "second\n" });
  });
});
