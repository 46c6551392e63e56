// Built-in module "timers": the guest's timer globals, plus `promises` (the "timers/promises" module).
import type { Op } from "../../../guest/types.js";
import { G } from "./internal/globals.js";

export function create(_op: Op, load: (id: string) => unknown): unknown {
  const timers: Record<string, unknown> = {};
  for (const kind of ["Timeout", "Interval", "Immediate"]) {
    timers[`set${kind}`] = G[`set${kind}`];
    timers[`clear${kind}`] = G[`clear${kind}`];
  }
  return Object.defineProperty(timers, "promises", {
    enumerable: true,
    get: () => load("timers/promises"),
  });
}
