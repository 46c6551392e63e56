// For the tests (not bundled): a `require` over every built-in module of this folder, created the way the
// loader creates them, with `extra` supplying ids the loader provides itself (such as "internal:inspect").
import type { Op } from "../../../../guest/types.js";

type Create = (op: Op, require: (id: string) => unknown) => unknown;

export function makeRequire(
  creates: Record<string, Create>,
  extra: Record<string, unknown> = {},
): (id: string) => unknown {
  const cache = new Map<string, unknown>(Object.entries(extra));
  const op: Op = (name) => {
    throw new Error(`unexpected op ${name}`);
  };
  const require = (id: string): unknown => {
    const name = id.startsWith("node:") ? id.slice(5) : id;
    if (cache.has(name)) return cache.get(name);
    const create = creates[name];
    if (!create) throw new Error(`Cannot find module '${id}'`);
    const exports = create(op, require);
    cache.set(name, exports);
    return exports;
  };
  return require;
}
