// Guest `node:module`: createRequire (a require resolving from the given file, made by the host), the list of
// built-ins, and isBuiltin.
import type { Op } from "../../../guest/types.js";

export function create(op: Op) {
  const builtinModules = JSON.parse(op("builtinModules") as string) as string[];
  const createRequire = (filename: unknown) => {
    let path = filename;
    if (typeof path === "string" && path.startsWith("file://")) path = decodeURIComponent(path.slice(7));
    if (path !== null && typeof path === "object" && (path as { protocol?: unknown }).protocol === "file:") {
      path = decodeURIComponent((path as { pathname: string }).pathname);
    }
    if (typeof path !== "string" || !path.startsWith("/")) {
      throw new TypeError(
        "The argument 'filename' must be a file URL object, file URL string, or absolute path string",
      );
    }
    return op("createRequire", path);
  };
  return {
    createRequire,
    builtinModules,
    isBuiltin: (name: string) => builtinModules.includes(name.replace(/^node:/, "")),
  };
}
