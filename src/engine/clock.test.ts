import { describe, expect, it } from "vitest";
import { loadWasmBytes } from "../platform/node.js";
import { Cell, MIN_CELL_BYTES } from "./cell.js";
import { EngineClock } from "./clock.js";
import { memoizedModule } from "./wasm-module.js";

const wasmModule = memoizedModule(loadWasmBytes);

function evaluate(cell: Cell, code: string): unknown {
  const rt = cell.engine.newRuntime();
  const ctx = rt.newContext();
  try {
    const handle = ctx.unwrapResult(ctx.evalCode(code));
    const value = ctx.dump(handle);
    handle.dispose();
    return value;
  } finally {
    ctx.dispose();
    rt.dispose();
  }
}

describe("EngineClock", () => {
  it("takes the engine's wall clock, monotonic clock and local time", async () => {
    const cell = await Cell.create(await wasmModule(), MIN_CELL_BYTES);
    expect(cell.clock.controlled).toBe(true);
    cell.clock.frozen = { wallMs: 86_400_000 * 365, monotonicMs: 5 };
    const frozen = evaluate(
      cell,
      "[Date.now(), new Date().getTime(), performance.now(), performance.timeOrigin, new Date().getTimezoneOffset(), new Date().getHours(), new Date().toISOString()]",
    );
    expect(frozen).toEqual([86_400_000 * 365, 86_400_000 * 365, 0, 5, 0, 0, "1971-01-01T00:00:00.000Z"]);
    cell.clock.frozen = undefined;
    const [now, since] = evaluate(cell, "[Date.now(), performance.timeOrigin]") as number[];
    expect(Math.abs(now! - Date.now())).toBeLessThan(60_000);
    expect(since).not.toBe(5);
  });

  it("gives the same Math.random sequence to contexts made at the same frozen time", async () => {
    const cell = await Cell.create(await wasmModule(), MIN_CELL_BYTES);
    const sequence = "[Math.random(), Math.random(), Math.random()]";
    cell.clock.frozen = { wallMs: 12_345, monotonicMs: 0 };
    const a = evaluate(cell, sequence);
    const b = evaluate(cell, sequence);
    cell.clock.frozen = { wallMs: 12_346, monotonicMs: 0 };
    const c = evaluate(cell, sequence);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it("controls nothing when an engine build's clock imports are not all found exactly once", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const missing = new EngineClock();
    missing.hook({ a: { b: () => Date.now(), c: () => 0 } }, memory);
    expect(missing.controlled).toBe(false);
    const twice = new EngineClock();
    const wall = () => Date.now();
    twice.hook({ a: { b: wall, c: () => Date.now() } }, memory);
    expect(twice.controlled).toBe(false);
  });
});
