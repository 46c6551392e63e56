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
