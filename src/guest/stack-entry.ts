// Guest bundle "stack": the Error.prepareStackTrace that makes `err.stack` read as in Node — a `Name: message` line,
// then `    at fn (file:line:col)` frames — without the sandbox's own frames. Every context starts with a small stub
// as Error.prepareStackTrace that loads this bundle when the first error is made (see Environment).

interface CallSite {
  getFileName(): string | undefined;
  getFunctionName(): string | undefined;
  getLineNumber(): number | undefined;
  getColumnNumber(): number | undefined;
  isNative(): boolean;
}

const INTERNAL = "cordon:";
const StringCtor = String;
const { apply } = Reflect;
const startsWith = String.prototype.startsWith;

/** Error.prototype.toString's rule, on the error's current name and message. */
function header(error: unknown): string {
  if (error === null || (typeof error !== "object" && typeof error !== "function")) return StringCtor(error);
  let name: unknown;
  let message: unknown;
  try {
    name = (error as { name?: unknown }).name;
    message = (error as { message?: unknown }).message;
  } catch {
    return "Error";
  }
  const n = name === undefined ? "Error" : StringCtor(name);
  const m = message === undefined ? "" : StringCtor(message);
  if (n === "") return m;
  if (m === "") return n;
  return `${n}: ${m}`;
}

function frame(site: CallSite): string | undefined {
  if (site.isNative()) {
    const name = site.getFunctionName();
    return name === "op" ? undefined : `    at ${name || "<anonymous>"} (native)`;
  }
  const file = site.getFileName();
  if (file === undefined || apply(startsWith, file, [INTERNAL])) return undefined;
  const where = `${file}:${site.getLineNumber()}:${site.getColumnNumber()}`;
  const name = site.getFunctionName();
  return name && name !== "<eval>" && name !== "<anonymous>"
    ? `    at ${name} (${where})`
    : `    at ${where}`;
}

export function prepareStackTrace(error: unknown, sites: CallSite[]): string {
  let text = "";
  try {
    text = header(error);
  } catch {
    text = "Error";
  }
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i];
    const line = site === undefined ? undefined : frame(site);
    if (line !== undefined) text += `\n${line}`;
  }
  return text;
}

/** What a program's Error.prepareStackTrace may ask of a call site: everything but the frame's function and `this`. */
const SITE_METHODS = [
  "getFileName",
  "getFunctionName",
  "getLineNumber",
  "getColumnNumber",
  "getTypeName",
  "getMethodName",
  "getEvalOrigin",
  "getScriptNameOrSourceURL",
  "getPromiseIndex",
  "isNative",
  "isToplevel",
  "isEval",
  "isConstructor",
  "isAsync",
  "isPromiseAll",
  "toString",
] as const;
const { freeze } = Object;

function internal(site: CallSite): boolean {
  if (site.isNative()) return site.getFunctionName() === "op";
  const file = site.getFileName();
  return file !== undefined && apply(startsWith, file, [INTERNAL]);
}

/** A call site the program may hold: it reads the engine's site, and gives no frame's function or `this`. */
function safeSite(site: CallSite): object {
  const safe: Record<string, () => unknown> = {
    getFunction: () => undefined,
    getThis: () => undefined,
  };
  for (let i = 0; i < SITE_METHODS.length; i++) {
    const name = SITE_METHODS[i] as string;
    const method = (site as unknown as Record<string, unknown>)[name];
    safe[name] = () => (typeof method === "function" ? apply(method, site, []) : undefined);
  }
  return freeze(safe);
}

/**
 * The function the engine calls in place of a program's own Error.prepareStackTrace: the program's function sees the
 * program's frames only (none of the sandbox's own, nor its host-operation function), through sites that hand out no
 * frame's function.
 */
export function guard(hook: (error: unknown, sites: object[]) => unknown) {
  return function prepareStackTrace(this: unknown, error: unknown, sites: CallSite[]): unknown {
    const visible: object[] = [];
    for (let i = 0; i < sites.length; i++) {
      const site = sites[i];
      if (site !== undefined && !internal(site)) visible.push(safeSite(site));
    }
    return apply(hook, this, [error, visible]);
  };
}
