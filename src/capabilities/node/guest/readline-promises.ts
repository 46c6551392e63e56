// Built-in module "readline/promises": createInterface whose question() returns a promise, Interface and Readline
// (the same object as load("readline").promises).
import type { Op } from "../../../guest/types.js";

export function create(_op: Op, load: (id: string) => unknown): unknown {
  return (load("readline") as { promises: unknown }).promises;
}
