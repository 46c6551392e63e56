// Built-in module "assert/strict": the strict variant of "assert".
import type { Op } from "../../../guest/types.js";

export function create(_op: Op, load: (id: string) => unknown): unknown {
  return (load("assert") as { strict: unknown }).strict;
}
