// Built-in module "stream/promises": pipeline and finished returning promises (the same object as
// load("stream").promises).
import type { Op } from "../../../guest/types.js";

export function create(_op: Op, load: (id: string) => unknown): unknown {
  return (load("stream") as { promises: unknown }).promises;
}
