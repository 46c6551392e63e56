// The guest's `console`. Printing primitives (the common case) is formatted on the host with no guest code at all;
// the first call that needs more (objects, format specifiers, groups, tables, timers, counters) loads the full
// guest console bundle and hands every method over to it, so output stays in order and state is kept in one place.
import type { QuickJSHandle } from "quickjs-emscripten-core";
import type { GuestApi } from "../../engine/guest-api.js";

const METHODS = [
  "log",
  "info",
  "debug",
  "warn",
  "error",
  "trace",
  "dir",
  "dirxml",
  "table",
  "assert",
  "count",
  "countReset",
  "group",
  "groupCollapsed",
  "groupEnd",
  "time",
  "timeLog",
  "timeEnd",
  "clear",
  "profile",
  "profileEnd",
  "timeStamp",
] as const;
const FAST: Record<string, 1 | 2> = { log: 1, info: 1, debug: 1, warn: 2, error: 2 };

export function installConsole(guest: GuestApi, output: { write(fd: number, text: string): void }): void {
  const ctx = guest.ctx;
  guest.registerOp("write", (fd, text) => {
    // fromGuest reads strings whole (the plain FFI read stops at a NUL character).
    output.write(ctx.getNumber(fd!), String(guest.fromGuest(text!)));
    return undefined;
  });

  guest.defineLazyGlobal("console", () => {
    const consoleObject = guest.keep(ctx.newObject());
    let full: QuickJSHandle | undefined;

    /** Loads the full console and points every method of the guest's console object at it. */
    const upgrade = (): QuickJSHandle => {
      if (full) return full;
      full = guest.keep(guest.callBundle("console", "create", [guest.op()], []));
      for (const name of METHODS) {
        const method = ctx.getProp(full, name);
        ctx.setProp(consoleObject, name, method);
        method.dispose();
      }
      return full;
    };

    for (const name of METHODS) {
      const fd = FAST[name];
      const method = guest.newFunction(name, (...args) => {
        if (fd !== undefined && !full) {
          const line = primitiveLine(guest, args);
          if (line !== undefined) {
            output.write(fd, line);
            return undefined;
          }
        }
        const target = ctx.getProp(upgrade(), name);
        try {
          const result = ctx.callFunction(target, ctx.undefined, args);
          if (result.error) return { error: result.error };
          return result.value;
        } finally {
          target.dispose();
        }
      });
      ctx.setProp(consoleObject, name, method);
      method.dispose();
    }
    return consoleObject.dup();
  });
}

/** The printed line when every argument is a primitive and no format specifier is involved; else undefined. */
function primitiveLine(guest: GuestApi, args: QuickJSHandle[]): string | undefined {
  const ctx = guest.ctx;
  let line = "";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    let text: string;
    switch (ctx.typeof(arg)) {
      case "string":
        text = String(guest.fromGuest(arg));
        if (i === 0 && args.length > 1 && text.includes("%")) return undefined;
        break;
      case "number": {
        const n = ctx.getNumber(arg);
        text = Object.is(n, -0) ? "-0" : String(n);
        break;
      }
      case "boolean":
        text = ctx.dump(arg) === true ? "true" : "false";
        break;
      case "undefined":
        text = "undefined";
        break;
      case "bigint":
        text = `${ctx.getBigInt(arg)}n`;
        break;
      case "object":
        if (!guest.isNull(arg)) return undefined;
        text = "null";
        break;
      default:
        return undefined;
    }
    line += i === 0 ? text : ` ${text}`;
  }
  return `${line}\n`;
}
