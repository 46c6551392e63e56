// Web globals: each group is a guest bundle evaluated the first time the program touches one of its names.
// structuredClone copies through the same codec as the run's results.
import type { QuickJSHandle } from "quickjs-emscripten-core";
import { type GuestApi, GuestThrew } from "../../engine/guest-api.js";

const GROUPS: Record<string, string[]> = {
  "web:encoding": ["TextEncoder", "TextDecoder", "atob", "btoa"],
  "web:url": ["URL", "URLSearchParams"],
  "web:events": ["Event", "EventTarget", "CustomEvent", "AbortController", "AbortSignal"],
  "web:fetch": ["Headers", "Request", "Response", "Blob", "File", "FormData", "fetch"],
  "web:crypto": ["crypto"],
};
/** Plain functions: installed as cheap trampolines instead of lazy accessors. */
const FUNCTIONS = new Set(["atob", "btoa", "fetch"]);

export function installWebGlobals(guest: GuestApi, builtin: (name: string) => QuickJSHandle): void {
  const ctx = guest.ctx;
  const made = new Map<string, QuickJSHandle>();
  const group = (bundle: string): QuickJSHandle => {
    let exports = made.get(bundle);
    if (!exports) {
      exports = guest.keep(guest.callBundle(bundle, "create", [guest.op()], []));
      made.set(bundle, exports);
    }
    return exports;
  };
  for (const [bundle, names] of Object.entries(GROUPS)) {
    for (const name of names) {
      const load = () => ctx.getProp(group(bundle), name);
      if (FUNCTIONS.has(name)) guest.defineLazyFunction(name, load);
      else guest.defineLazyGlobal(name, load);
    }
  }
  guest.defineLazyGlobal("structuredClone", () =>
    guest.newFunction("structuredClone", (value) => {
      try {
        return guest.toGuest(guest.fromGuest(value ?? ctx.undefined));
      } catch (error) {
        if (error instanceof GuestThrew) throw error;
        throw new GuestThrew(guest.newError({ name: "DataCloneError", message: (error as Error).message }));
      }
    }),
  );
  guest.defineLazyGlobal("Buffer", () => ctx.getProp(builtin("buffer"), "Buffer"));
  guest.defineLazyGlobal("global", () => ctx.global.dup());
}
