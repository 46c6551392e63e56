// Host half of modules: the engine's ES module loader and normalizer, CommonJS require() with its cache, and the
// built-in modules (node:*) the guest may import. Files come only from the run's virtual filesystem; remote and
// data: imports are refused; TypeScript is transformed on the host (types removed, lines kept).
import { cjsLexer } from "../../platform/deps.js";
import { parse as parseEsm } from "es-module-lexer";
import type { QuickJSHandle, QuickJSRuntime } from "quickjs-emscripten-core";
import { type PositionMapper, shiftedMapper, type SourceRegistry } from "../../diagnose/sources.js";
import { type GuestApi, GuestThrew } from "../../engine/guest-api.js";
import {
  BUILTIN_ALIASES,
  builtinBundle,
  guestBuiltin,
  isNodeBuiltin,
  PROVIDED_BUILTINS,
} from "./builtins.js";
import { kindOfBrokenCode, positionOf } from "../../diagnose/ast.js";
import { jsonErrorOffset } from "../../diagnose/json.js";
import { dirname, formatOf, type ResolveFs, ResolveError, resolveModule } from "./resolve.js";
import type { Transpiler } from "./typescript.js";
import { withImportMetaUrl } from "./import-meta.js";
import { describeRefusal, importLocation } from "./refusal.js";

export interface ModuleHostOptions {
  fs: ResolveFs;
  /** Where relative imports of a module without a path (the entry named by a bare filename) resolve from. */
  cwd: string;
  /** Built-in module names the guest may import; undefined: all available ones. */
  allow: ReadonlySet<string> | undefined;
  transpile: Transpiler;
  /** Whether a file is TypeScript ("auto": by extension). */
  isTypeScript(path: string): boolean;
  /** Where the files the run compiles are recorded, to explain failures. */
  sources: SourceRegistry;
  /** The original position of a position in a transformed file. */
  originalPosition(file: string, line: number, column: number): { line: number; column: number } | undefined;
  /** Whether a package is installed on the host (for the hint of a refused import). */
  hostHasPackage?: (name: string) => boolean;
}

/** Wraps a CommonJS file's source; the prefix shifts its first line's columns. */
const CJS_PREFIX = "(function (exports, require, module, __filename, __dirname) {";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const REMOTE = /^(?:https?|data|blob|ftp|wss?):/i;
const REFUSED = "cordon:refused:";
/**
 * How a facade (the ES module the engine sees for a built-in or a CommonJS file) gets its object without any global:
 * before the facade's source is handed to the engine, the host evaluates a tiny module named `${FACADE}<facade name>`
 * and gives it, through that module's exports, a host function returning the object. The engine keeps evaluated
 * modules by name, so the facade's import of that name finds it; the normalizer lets no other module name it.
 */
const FACADE = "cordon:facade:";
const FACADE_CELL = "export let get;\nexport function set(f) { get = f; }";
/** Names that cannot be declared as bindings (they can still be export names). */
const RESERVED = new Set(
  (
    "await break case catch class const continue debugger default delete do else enum export extends false finally " +
    "for function if implements import in instanceof interface let new null package private protected public return " +
    "static super switch this throw true try typeof var void while with yield arguments eval"
  ).split(" "),
);

export class ModuleHost {
  private readonly builtins = new Map<string, QuickJSHandle>();
  private readonly cjsCache = new Map<string, QuickJSHandle>();
  /** Names of the facade modules served so far (each one may import its own cell, and only that). */
  private readonly facades = new Set<string>();

  constructor(
    private readonly guest: GuestApi,
    private readonly options: ModuleHostOptions,
  ) {}

  install(rt: QuickJSRuntime): void {
    rt.setModuleLoader(
      (name) => this.guarded(() => this.load(name)),
      // A failed resolution becomes a name the loader refuses with the resolution's message (the engine's
      // normalizer interface has no way to fail an import by itself).
      (base, requested) => {
        try {
          return this.normalize(base, requested);
        } catch (error) {
          return `${REFUSED}${encodeURIComponent(this.refusal(error, base, requested))}`;
        }
      },
    );
    const ctx = this.guest.ctx;
    this.guest.registerOp("builtinModules", () => ctx.newString(JSON.stringify(PROVIDED_BUILTINS)));
    this.guest.registerOp("createRequire", (filename) => {
      const file = ctx.getString(filename!);
      return this.makeRequire(dirname(file), file);
    });
  }

  /** A guest `require` resolving relative to `fromDir` (for the file `fromFile`). The caller owns the handle. */
  makeRequire(fromDir: string, fromFile = fromDir): QuickJSHandle {
    const ctx = this.guest.ctx;
    return this.guest.newFunction("require", (id) => {
      if (!id || ctx.typeof(id) !== "string") {
        throw Object.assign(new TypeError('The "id" argument must be of type string'), {
          code: "ERR_INVALID_ARG_TYPE",
        });
      }
      const specifier = ctx.getString(id);
      const builtin = this.builtinName(specifier);
      if (builtin) return this.builtin(builtin).dup();
      let path: string;
      try {
        path = resolveModule(this.options.fs, specifier, fromDir, "require");
      } catch (error) {
        if (error instanceof ResolveError && error.code === "ERR_MODULE_NOT_FOUND") {
          const { hint } = describeRefusal(error, specifier, fromDir, {
            sources: this.options.sources,
            hostHasPackage: this.options.hostHasPackage,
          });
          const message = `Cannot find module '${specifier}'\nRequire stack:\n- ${fromFile}`;
          this.options.sources.noteFailure(message, hint ? { hint } : {});
          throw new ResolveError(message, "MODULE_NOT_FOUND");
        }
        throw error;
      }
      return this.requireFile(path);
    });
  }

  /** The message of a refused import; its location and hint are noted for the run's failure. */
  private refusal(error: unknown, base: string, requested: string): string {
    const { sources } = this.options;
    const importer = base.startsWith("/") ? base : this.options.cwd;
    const { message, hint } = describeRefusal(error, requested, importer, {
      sources,
      hostHasPackage: this.options.hostHasPackage,
    });
    const location = importLocation(requested, base, sources);
    sources.noteFailure(message, { ...(location && { location }), ...(hint && { hint }) });
    return message;
  }

  private guarded<T>(fn: () => T): T | { error: Error } {
    try {
      return fn();
    } catch (error) {
      if (error instanceof GuestThrew) {
        const described = this.guest.fromGuest(error.handle);
        error.handle.dispose();
        return { error: described instanceof Error ? described : new Error(String(described)) };
      }
      return { error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /** The built-in name for `specifier` (node:x or a bare built-in name), after the allow list; else undefined. */
  private builtinName(specifier: string): string | undefined {
    const name = specifier.startsWith("node:") ? specifier.slice(5) : specifier;
    if (!specifier.startsWith("node:") && !isNodeBuiltin(name)) return undefined;
    const canonical = (Object.hasOwn(BUILTIN_ALIASES, name) ? BUILTIN_ALIASES[name] : undefined) ?? name;
    if (!guestBuiltin(canonical)) {
      throw new ResolveError(
        `module '${name}' is not available in the sandbox (cordon provides: fs, path, buffer, events, util, url, querystring, string_decoder, assert, timers, stream, crypto, os, process, module)`,
        "ERR_UNKNOWN_BUILTIN_MODULE",
      );
    }
    const allow = this.options.allow;
    if (allow && !allow.has(canonical) && !allow.has(canonical.split("/")[0]!)) {
      throw new ResolveError(
        `module '${name}' is not allowed in this sandbox (option modules)`,
        "ERR_ACCESS_DENIED",
      );
    }
    return canonical;
  }

  private normalize(base: string, requested: string): string {
    if (requested === `${FACADE}${base}` && this.facades.has(base)) return requested;
    if (REMOTE.test(requested)) {
      throw new ResolveError(
        `remote and data: imports are not allowed in the sandbox: '${requested}'`,
        "ERR_ACCESS_DENIED",
      );
    }
    const builtin = this.builtinName(requested);
    if (builtin) return `node:${builtin}`;
    let specifier = requested;
    if (specifier.startsWith("file:")) specifier = decodeURIComponent(new URL(specifier).pathname);
    const fromDir = base.startsWith("/") ? dirname(base) : this.options.cwd;
    return resolveModule(this.options.fs, specifier, fromDir, "import");
  }

  private load(name: string): string {
    if (name.startsWith(REFUSED)) throw new ResolveError(decodeURIComponent(name.slice(REFUSED.length)));
    if (name.startsWith("node:")) {
      const id = name.slice(5);
      return this.facade(name, () => this.builtin(id).dup(), this.builtinKeys(id));
    }
    const fs = this.options.fs;
    const text = fs.readText(name);
    const format = formatOf(fs, name, () => hasModuleSyntax(text));
    if (format === "json") return `export default ${JSON.stringify(this.parseJson(text, name))};`;
    if (format === "cjs") {
      const names = this.cjsExportNames(text);
      return this.facade(name, () => this.requireFile(name), names);
    }
    const source = this.compiled(text, name, "esm", this.options.isTypeScript(name));
    this.guest.ensureGlobals(source);
    return source;
  }

  /** A file's source as the engine compiles it (TypeScript transformed), recorded with its way back to the text. */
  private compiled(text: string, path: string, target: "esm" | "cjs", transform: boolean): string {
    const { sources } = this.options;
    let source = text;
    let toOriginal: PositionMapper | undefined;
    if (transform) {
      try {
        source = this.options.transpile(text, path, target);
      } catch (error) {
        sources.add(path, { code: text, kind: "text" });
        const at = /\n {4}at (.*):(\d+):(\d+)$/.exec((error as Error).stack ?? "");
        if (at) {
          const location = { file: at[1]!, line: Number(at[2]), column: Number(at[3]) };
          sources.noteFailure((error as Error).message, { location });
        }
        throw error;
      }
      if (source !== text) toOriginal = (line, column) => this.options.originalPosition(path, line, column);
    }
    let compiled = source;
    if (target === "esm" && source.includes("import.meta")) compiled = withImportMetaUrl(source, path);
    if (target === "cjs") compiled = `${CJS_PREFIX}${source}\n})`;
    toOriginal = shiftedMapper(compiled.length - source.length - (target === "cjs" ? 3 : 0), toOriginal);
    sources.add(path, {
      code: compiled,
      kind: target === "esm" ? "module" : "script",
      ...(compiled !== text && { original: text }),
      ...(toOriginal && { toOriginal }),
    });
    return compiled;
  }

  /** JSON.parse of a JSON module; a syntax error is noted at its line and column in the file. */
  private parseJson(text: string, path: string): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      const message = `${path}: ${(error as Error).message}`;
      this.options.sources.add(path, { code: text, kind: "text" });
      const pos = jsonErrorOffset(text) ?? text.length;
      const { line, column } = positionOf(text, pos);
      this.options.sources.noteFailure(message, { location: { file: path, line, column } });
      throw new SyntaxError(message);
    }
  }

  /**
   * ES module source for the module `name`, re-exporting the object `get` makes when the module is evaluated: default
   * plus every identifier-like key as a named export.
   */
  private facade(name: string, get: () => QuickJSHandle, keys: string[]): string {
    const cell = `${FACADE}${name}`;
    this.evaluateCell(cell, get);
    this.facades.add(name);
    // One destructuring declaration for plain names (short source compiles fast); reserved words go by index.
    const names = keys.filter((key) => key !== "default" && IDENTIFIER.test(key));
    const plain = names.filter((key) => !RESERVED.has(key));
    const reserved = names.filter((key) => RESERVED.has(key));
    let source = `import { get } from ${JSON.stringify(cell)}; const m = get();\nexport default m;\n`;
    if (plain.length > 0) source += `export const { ${plain.join(", ")} } = m;\n`;
    for (const [i, key] of reserved.entries())
      source += `const _${i} = m[${JSON.stringify(key)}];\nexport { _${i} as ${key} };\n`;
    return source;
  }

  /** Evaluates the module `cell` and hands it `get` (a host function, reachable only by importing the cell). */
  private evaluateCell(cell: string, get: () => QuickJSHandle): void {
    const ctx = this.guest.ctx;
    const result = ctx.evalCode(FACADE_CELL, cell, { type: "module" });
    if (result.error) throw new GuestThrew(result.error);
    const exports = result.value;
    const set = ctx.getProp(exports, "set");
    const getter = this.guest.newFunction("get", get);
    try {
      const call = ctx.callFunction(set, ctx.undefined, getter);
      if (call.error) throw new GuestThrew(call.error);
      call.value.dispose();
    } finally {
      getter.dispose();
      set.dispose();
      exports.dispose();
    }
  }

  private cjsExportNames(source: string): string[] {
    try {
      return cjsLexer().parse(source).exports;
    } catch {
      return [];
    }
  }

  private builtinKeys(name: string): string[] {
    const ctx = this.guest.ctx;
    const object = this.builtin(name);
    const keys = ctx.getOwnPropertyNames(object, { strings: true, onlyEnumerable: true });
    if ("error" in keys && keys.error) {
      keys.error.dispose();
      return [];
    }
    const names = keys.value.map((key) => ctx.getString(key));
    keys.value.dispose();
    return names;
  }

  /** The exports object of a built-in, made once per run. Borrowed. */
  builtin(name: string): QuickJSHandle {
    let object = this.builtins.get(name);
    if (object) return object;
    const ctx = this.guest.ctx;
    const spec = builtinBundle(name);
    if (!spec)
      throw new ResolveError(
        `module '${name}' is not available in the sandbox`,
        "ERR_UNKNOWN_BUILTIN_MODULE",
      );
    if (spec.global) {
      object = ctx.getProp(ctx.global, spec.global);
    } else if (spec.of) {
      object = ctx.getProp(this.builtin(spec.of), spec.property!);
    } else if (spec.raw) {
      object = this.guest.bundle(spec.bundle!).dup();
    } else {
      const requireBuiltin = this.guest.newFunction("require", (id) =>
        this.builtin(ctx.getString(id!)).dup(),
      );
      object = this.guest.callBundle(
        spec.bundle!,
        "create",
        [this.guest.op(), requireBuiltin],
        [requireBuiltin],
      );
    }
    this.builtins.set(name, this.guest.keep(object));
    return object;
  }

  /** Runs (once) and returns module.exports of a CommonJS file; ES module files are converted to CommonJS. */
  requireFile(path: string): QuickJSHandle {
    const ctx = this.guest.ctx;
    const cached = this.cjsCache.get(path);
    if (cached) return ctx.getProp(cached, "exports");
    const fs = this.options.fs;
    const text = fs.readText(path);
    const format = formatOf(fs, path, () => hasModuleSyntax(text));
    // Everything that can fail before the module runs happens before it is cached: a file that does not compile
    // fails again on the next require instead of leaving an empty module behind.
    let source: string | undefined;
    let json: unknown;
    if (format === "json") json = this.parseJson(text, path);
    else source = this.compiled(text, path, "cjs", format === "esm" || this.options.isTypeScript(path));
    let wrapped: QuickJSHandle | undefined;
    if (source !== undefined) {
      this.guest.ensureGlobals(source);
      const compiled = ctx.evalCode(source, path);
      if (compiled.error) throw new GuestThrew(compiled.error);
      wrapped = compiled.value;
    }
    const module = this.guest.keep(ctx.newObject());
    const pathHandle = ctx.newString(path);
    ctx.setProp(module, "id", pathHandle);
    ctx.setProp(module, "filename", pathHandle);
    const exportsObject = wrapped ? ctx.newObject() : this.guest.toGuest(json);
    ctx.setProp(module, "exports", exportsObject);
    this.cjsCache.set(path, module);
    if (!wrapped) {
      exportsObject.dispose();
      pathHandle.dispose();
      return ctx.getProp(module, "exports");
    }
    const requireHandle = this.makeRequire(dirname(path), path);
    const dirHandle = ctx.newString(dirname(path));
    const result = ctx.callFunction(wrapped, exportsObject, [
      exportsObject,
      requireHandle,
      module,
      pathHandle,
      dirHandle,
    ]);
    for (const handle of [wrapped, requireHandle, dirHandle, exportsObject, pathHandle]) {
      if (handle.alive && handle !== ctx.undefined && handle !== ctx.null) handle.dispose();
    }
    if (result.error) {
      this.cjsCache.delete(path);
      throw new GuestThrew(result.error);
    }
    result.value.dispose();
    ctx.setProp(module, "loaded", ctx.true);
    return ctx.getProp(module, "exports");
  }
}

/** Whether source text uses import/export syntax (the lexer is initialised before any run starts). */
export function hasModuleSyntax(source: string): boolean {
  try {
    return parseEsm(source)[3];
  } catch {
    return kindOfBrokenCode(source) === "module";
  }
}
