// Dependencies a run rarely needs, loaded on first use: esbuild (TypeScript with value namespaces), acorn (parsing a
// failing program for its error's location), trace-mapping (TypeScript positions) and cjs-module-lexer (CommonJS
// named exports). Loading them all up front costs more than a whole run; `cordon run -e '1+1'` needs none.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Thrown when a dependency is not installed (the MCP bundle leaves out esbuild, a binary for one platform). */
export class MissingDependencyError extends Error {
  override name = "MissingDependencyError";
}

function lazy<T>(name: string, need: string): () => T {
  let loaded: T | undefined;
  return () => {
    try {
      loaded ??= require(name) as T;
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      if (code === "MODULE_NOT_FOUND" && message.includes(`'${name}'`)) {
        throw new MissingDependencyError(`${need} needs the package ${name}, which is not installed here`, {
          cause: error,
        });
      }
      throw error;
    }
    return loaded;
  };
}

export const esbuild = lazy<typeof import("esbuild")>("esbuild", "a TypeScript namespace with values");
export const acorn = lazy<typeof import("acorn")>("acorn", "locating a syntax error");
export const traceMapping = lazy<typeof import("@jridgewell/trace-mapping")>(
  "@jridgewell/trace-mapping",
  "mapping TypeScript positions",
);
export const cjsLexer = lazy<typeof import("cjs-module-lexer")>(
  "cjs-module-lexer",
  "a CommonJS module's exports",
);
