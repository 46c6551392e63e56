// A refused import explained: Node's message naming the importing file, the import's line and column, and the fix
// (the `packages` or `files` option, or that cordon does not provide that built-in).
import { parse as parseEsm } from "es-module-lexer";
import type { KnownFailure, SourceRegistry } from "../../diagnose/sources.js";
import { PROVIDED_BUILTINS } from "./builtins.js";
import { ResolveError } from "./resolve.js";

export interface RefusalContext {
  sources: SourceRegistry;
  hostHasPackage: ((name: string) => boolean) | undefined;
}

const BARE = /^(?![./]|[a-z]+:)/i;

/** The package a bare specifier names: `lodash/fp` → `lodash`, `@scope/pkg/x` → `@scope/pkg`. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Message and hint for a failed resolution of `requested` from `importer`. */
export function describeRefusal(
  error: unknown,
  requested: string,
  importer: string,
  context: RefusalContext,
): { message: string; hint?: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ResolveError)) return { message };
  if (error.code === "ERR_UNKNOWN_BUILTIN_MODULE") {
    return {
      message,
      hint: `cordon does not provide this Node built-in; it provides ${PROVIDED_BUILTINS.join(", ")}`,
    };
  }
  if (error.code === "ERR_ACCESS_DENIED") {
    return {
      message,
      hint: "the host did not grant this module; the `modules` option lists what may be imported",
    };
  }
  if (error.code !== "ERR_MODULE_NOT_FOUND") return { message };
  if (BARE.test(requested)) {
    const name = packageName(requested);
    const installed = context.hostHasPackage?.(name) ?? false;
    return {
      message: `Cannot find package '${name}' imported from ${importer}`,
      hint: installed
        ? `grant the host's copy with the option packages: ["${name}"] (CLI: --package ${name})`
        : `'${name}' is not installed on the host, and the sandbox cannot install packages: use Node built-ins or web APIs, or have the host install it and grant it with packages: ["${name}"]`,
    };
  }
  return {
    message: `Cannot find module '${requested}' imported from ${importer}`,
    hint: "there is no such file in the sandbox: give it with the `files` option, or a host directory with `mounts`",
  };
}

/** Where `importer` imports `requested` (the specifier's string), in original coordinates; undefined if unknown. */
export function importLocation(
  requested: string,
  importer: string,
  sources: SourceRegistry,
): KnownFailure["location"] {
  const record = sources.get(importer);
  if (record?.kind !== "module") return undefined;
  let imports: readonly { specifier?: string | null; start: number }[];
  try {
    imports = parseEsm(record.code)[0];
  } catch {
    return undefined;
  }
  const found = imports.find((entry) => entry.specifier === requested);
  if (!found) return undefined;
  return sources.locate(importer, Math.max(0, found.start - 1));
}
