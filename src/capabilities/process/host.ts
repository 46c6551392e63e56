// Host half of `process`: the guest object is built by the process bundle on first access; exit() reaches the host
// through op("exit") and ends the run. process.stdin is the built-in "internal:stdin" (bundle "process:stdin"), made
// on the guest's first read of it through op("processStdin").
import type { QuickJSHandle } from "quickjs-emscripten-core";
import type { GuestApi } from "../../engine/guest-api.js";

export interface ProcessGrant {
  env: Record<string, string>;
  argv: string[];
  cwd: string;
}

export function installProcess(
  guest: GuestApi,
  grant: ProcessGrant,
  onExit: (code: number) => void,
  /** A built-in module's exports (borrowed), as the module loader makes them. */
  builtin: (name: string) => QuickJSHandle,
): { exitCode(): number | undefined } {
  const ctx = guest.ctx;
  let proc: ReturnType<GuestApi["keep"]> | undefined;
  guest.registerOp("exit", (code) => {
    onExit(ctx.getNumber(code!));
    return undefined;
  });
  guest.registerOp("processStdin", () => builtin("internal:stdin").dup());
  guest.defineLazyGlobal("process", () => {
    const config = ctx.newString(JSON.stringify(grant));
    proc = guest.keep(guest.callBundle("process", "create", [guest.op(), config], [config]));
    return proc.dup();
  });
  return {
    /** The guest's process.exitCode when the program set one; resets it, so a later run starts clean. */
    exitCode() {
      if (!proc) return undefined;
      const value = ctx.getProp(proc, "exitCode");
      try {
        if (ctx.typeof(value) !== "number") return undefined;
        ctx.setProp(proc, "exitCode", ctx.undefined);
        return ctx.getNumber(value);
      } finally {
        value.dispose();
      }
    },
  };
}
