// CommonJS globals for scripts: module, exports, require, __filename, __dirname. A script is CommonJS when it
// assigns module.exports or adds to exports; its value is then module.exports instead of its last expression.
// `require` itself comes from the modules capability.
import type { QuickJSHandle } from "quickjs-emscripten-core";
import type { GuestApi } from "../engine/guest-api.js";

/** Installs the globals; returns a function giving module.exports when the script used CommonJS, else undefined. */
export function installCommonJs(
  guest: GuestApi,
  filename: string,
  makeRequire: () => QuickJSHandle,
  withModule: boolean,
): (() => QuickJSHandle | undefined) | undefined {
  const ctx = guest.ctx;
  const setString = (target: QuickJSHandle, key: string, value: string) => {
    const handle = ctx.newString(value);
    ctx.setProp(target, key, handle);
    handle.dispose();
  };
  let made: { module: QuickJSHandle; exports: QuickJSHandle } | undefined;
  const make = () => {
    if (!made) {
      const exportsObject = guest.keep(ctx.newObject());
      const moduleObject = guest.keep(ctx.newObject());
      ctx.setProp(moduleObject, "exports", exportsObject);
      setString(moduleObject, "id", ".");
      setString(moduleObject, "filename", filename);
      made = { module: moduleObject, exports: exportsObject };
    }
    return made;
  };
  if (withModule) {
    guest.defineLazyGlobal("module", () => make().module.dup());
    guest.defineLazyGlobal("exports", () => make().exports.dup());
  }
  const slash = filename.lastIndexOf("/");
  const dirname = slash > 0 ? filename.slice(0, slash) : slash === 0 ? "/" : ".";
  guest.defineLazyGlobal("__filename", () => ctx.newString(filename));
  guest.defineLazyGlobal("__dirname", () => ctx.newString(dirname));
  guest.defineLazyGlobal("require", makeRequire);

  if (!withModule) return undefined;
  return () => {
    if (!made) return undefined;
    const current = ctx.getProp(made.module, "exports");
    if (!guest.same(current, made.exports)) return current;
    current.dispose();
    const keys = ctx.getOwnPropertyNames(made.exports, {
      strings: true,
      symbols: false,
      onlyEnumerable: true,
    });
    let hasKeys = false;
    if ("error" in keys && keys.error) keys.error.dispose();
    else {
      hasKeys = keys.value.length > 0;
      keys.value.dispose();
    }
    return hasKeys ? ctx.getProp(made.module, "exports") : undefined;
  };
}
