// Error.prepareStackTrace is an accessor of the engine: its setter stores the function the engine calls with the call
// sites of every new error, and a call site hands out its frame's function (getFunction). Frames of the sandbox's own
// code would hand out its internals, the host-operation function among them. So the accessor is replaced in every
// context before any program code runs: the program's function is kept, and the engine gets it wrapped (the "stack"
// bundle's guard), seeing the program's frames only, through sites that give no function and no `this`.
import type { QuickJSHandle } from "quickjs-emscripten-core";
import { GuestThrew } from "../engine/guest-api.js";
import type { Guest } from "./guest.js";

export interface StackTraceHook {
  /** Sets the engine's hook to the sandbox's own formatter, unless the program has set one. */
  installFormat(format: QuickJSHandle): void;
  dispose(): void;
}

export function guardStackTraceHook(guest: Guest): StackTraceHook {
  const ctx = guest.ctx;
  const errorCtor = ctx.getProp(ctx.global, "Error");
  const objectCtor = ctx.getProp(ctx.global, "Object");
  const describe = ctx.getProp(objectCtor, "getOwnPropertyDescriptor");
  const name = ctx.newString("prepareStackTrace");
  const descriptor = ctx.unwrapResult(ctx.callFunction(describe, objectCtor, errorCtor, name));
  const engineSet = ctx.getProp(descriptor, "set");
  for (const handle of [objectCtor, describe, name, descriptor]) handle.dispose();

  let programHook: QuickJSHandle | undefined;
  const setEngineHook = (value: QuickJSHandle) => {
    const result = ctx.callFunction(engineSet, errorCtor, value);
    if (result.error) throw new GuestThrew(result.error);
    result.value.dispose();
  };

  ctx.defineProp(errorCtor, "prepareStackTrace", {
    configurable: true,
    enumerable: false,
    get: () => (programHook?.alive ? programHook.dup() : ctx.undefined),
    // Never throws: a host exception would reach the program with the host's message and stack.
    set: (value: QuickJSHandle) => {
      if (guest.isOver()) return;
      programHook?.dispose();
      programHook = undefined;
      try {
        if (ctx.typeof(value) !== "function") {
          setEngineHook(value);
          return;
        }
        const wrapped = guest.callBundle("stack", "guard", [value.dup()]);
        try {
          setEngineHook(wrapped);
          programHook = value.dup();
        } finally {
          wrapped.dispose();
        }
      } catch (error) {
        // Out of memory or past the deadline while wrapping: the hook stays unset, the run ends by its limits.
        if (error instanceof GuestThrew) error.handle.dispose();
      }
    },
  });

  return {
    installFormat(format) {
      if (!programHook) setEngineHook(format);
    },
    dispose() {
      programHook?.dispose();
      engineSet.dispose();
      errorCtor.dispose();
    },
  };
}
