// Guest bundle "console": the full console, loaded the first time a run needs more than printing primitives.
import type { Op } from "../../../guest/types.js";
import { createConsole } from "./console.js";

interface InspectModule {
  inspect(value: unknown, options?: object): string;
  format(...args: unknown[]): string;
}

const { apply } = Reflect;

export function create(op: Op) {
  let inspectModule: InspectModule | undefined;
  const lazy = (): InspectModule => {
    inspectModule ??= op("bundle", "inspect") as InspectModule;
    return inspectModule;
  };
  return createConsole({
    write: (fd, text) => {
      op("write", fd, text);
    },
    format: (args) => apply(lazy().format, undefined, args) as string,
    inspect: (value, options) => lazy().inspect(value, options),
    now: () => performance.now(),
  });
}
