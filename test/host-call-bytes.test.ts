// What a run may make the host hold through host function arguments: maxHostCallBytes bounds the copied arguments of
// the calls in flight (a pending async call keeps its bytes until it settles), and strings cross from a worker as
// they are, not escaped.
import { describe, expect, it } from "vitest";
import { run } from "../src/index.js";

const MiB = 1024 * 1024;

describe("maxHostCallBytes", () => {
  for (const isolation of ["inline", "worker"] as const) {
    it(`refuses calls past the budget while earlier async calls are pending, then accepts again (${isolation})`, async () => {
      let received = 0;
      let bytes = 0;
      const hold = (s: string) => {
        received += 1;
        bytes += s.length;
        return new Promise((resolve) => setTimeout(resolve, 100));
      };
      const r = await run(
        `const s = "x".repeat(1 << 20);
        // A call past the budget throws at once; the calls before it are pending.
        const call = () => { try { return hold(s) } catch (e) { return Promise.reject(e) } };
        const settled = await Promise.allSettled(Array.from({ length: 200 }, call));
        const refused = settled.filter((o) => o.status === "rejected");
        const after = await hold(s).then(() => "accepted");
        export default [refused.length, refused[0]?.reason.name, refused[0]?.reason.message, after];`,
        { isolation, timeoutMs: 20_000, maxHostCallBytes: 8 * MiB, globals: { hold } },
      );
      expect(r.error).toBeUndefined();
      const [refused, name, message, after] = r.value as [number, string, string, string];
      expect(received).toBeLessThanOrEqual(8 + 1);
      expect(bytes).toBeLessThanOrEqual(8 * MiB + MiB);
      expect(refused).toBe(200 - (received - 1));
      expect(name).toBe("RangeError");
      expect(message).toContain("maxHostCallBytes");
      expect(after).toBe("accepted");
    });
  }

  it("releases the bytes of a synchronous call when it returns", async () => {
    let calls = 0;
    const r = await run(`const s = "x".repeat(1 << 20); for (let i = 0; i < 50; i++) take(s); "done"`, {
      isolation: "inline",
      maxHostCallBytes: 4 * MiB,
      globals: { take: () => void calls++ },
    });
    expect(r.value).toBe("done");
    expect(calls).toBe(50);
  });

  it("refuses one call whose arguments alone exceed the budget", async () => {
    let calls = 0;
    const r = await run(
      `try { take({ list: ["x".repeat(1 << 20), "y".repeat(1 << 20)] }); "ran" } catch (e) { e.name + ": " + e.message }`,
      { isolation: "inline", maxHostCallBytes: MiB, globals: { take: () => void calls++ } },
    );
    expect(calls).toBe(0);
    expect(r.value).toMatch(/^RangeError: .*maxHostCallBytes/);
  });

  it("refuses binary arguments just past the budget with the same RangeError, also for async calls", async () => {
    let calls = 0;
    const take = () => void calls++;
    const later = async () => void calls++;
    for (const call of [
      "take(new Uint8Array(100))",
      "take([new ArrayBuffer(50), new ArrayBuffer(50)])",
      "later(new Uint8Array(100))",
    ]) {
      const r = await run(`try { ${call}; "ran" } catch (e) { e.name + ": " + e.message }`, {
        isolation: "inline",
        maxHostCallBytes: 120,
        globals: { take, later },
      });
      expect(r.value).toMatch(/^RangeError: .*maxHostCallBytes/);
    }
    expect(calls).toBe(0);
  });

  it("is 64 MiB by default", async () => {
    let calls = 0;
    const r = await run(
      `const s = "x".repeat(1 << 20); const all = []; let refused;
      for (let i = 0; i < 100 && !refused; i++) { try { all.push(hold(s)) } catch (e) { refused = e } }
      await Promise.all(all); export default refused?.message;`,
      {
        isolation: "inline",
        timeoutMs: 20_000,
        globals: {
          hold: () => {
            calls++;
            return new Promise((r) => setTimeout(r, 50));
          },
        },
      },
    );
    expect(calls).toBe(63);
    expect(r.value).toContain("maxHostCallBytes");
  });
});

describe("strings crossing from a worker", () => {
  it("a 12 MB string of control characters reaches a host function whole", async () => {
    let received: string | undefined;
    const r = await run(`take("\\x01".repeat(12e6))`, {
      isolation: "worker",
      timeoutMs: 20_000,
      globals: {
        take: (s: string) => {
          received = s;
          return s.length;
        },
      },
    });
    expect(r.error).toBeUndefined();
    expect(r.value).toBe(12e6);
    expect(received === "\x01".repeat(12e6)).toBe(true);
  });
});
