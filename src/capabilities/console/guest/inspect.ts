// Node-compatible `util.inspect`, `util.format` and `util.formatWithOptions` for the guest.

import { type InspectOptions, inspect } from "./inspect-core.js";
import { builtIns, desc, findDesc, formatBigInt, formatNumber, hasOwn, protoOf } from "./inspect-util.js";

export type { InspectOptions };
export { inspect };

/**
 * Whether `%s` should inspect the object rather than call `String()` on it: true when
 * neither `toString` nor `Symbol.toPrimitive` comes from user code.
 */
function hasBuiltInToString(value: object): boolean {
  const toStr = findDesc(value, "toString")?.value;
  const toPrim = findDesc(value, Symbol.toPrimitive)?.value;
  let checkStr = true;
  let checkPrim = true;
  if (typeof toStr !== "function") {
    if (typeof toPrim !== "function") return true;
    if (hasOwn(value, Symbol.toPrimitive)) return false;
    checkStr = false;
  } else if (hasOwn(value, "toString")) {
    return false;
  } else if (typeof toPrim !== "function") {
    checkPrim = false;
  } else if (hasOwn(value, Symbol.toPrimitive)) {
    return false;
  }
  let pointer: object | null = value;
  do {
    pointer = protoOf(pointer);
  } while (
    pointer !== null &&
    !(checkStr && hasOwn(pointer, "toString")) &&
    !(checkPrim && hasOwn(pointer, Symbol.toPrimitive))
  );
  const ctor = pointer === null ? undefined : desc(pointer, "constructor")?.value;
  if (typeof ctor !== "function") return false;
  const name = desc(ctor, "name")?.value;
  return typeof name === "string" && builtIns.has(name);
}

let circularMessage: string | undefined;
function tryStringify(arg: unknown): string {
  try {
    return JSON.stringify(arg);
  } catch (err) {
    if (circularMessage === undefined) {
      try {
        const a: Record<string, unknown> = {};
        a.a = a;
        JSON.stringify(a);
      } catch (circular) {
        circularMessage = firstLine(circular);
      }
    }
    if (err instanceof TypeError && firstLine(err) === circularMessage) return "[Circular]";
    throw err;
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : "";
  return message.split("\n", 1)[0] ?? "";
}

function toNumber(fn: (v: unknown) => number, v: unknown, numericSeparator: boolean): string {
  if (typeof v === "symbol") return "NaN";
  let n: number;
  try {
    n = fn(v);
  } catch {
    n = Number.NaN;
  }
  return formatNumber(n, numericSeparator);
}

/** `util.format` with the given inspect options applied to every inspected argument. */
export function formatWithOptions(inspectOptions: InspectOptions, ...args: unknown[]): string {
  const opts = inspectOptions ?? {};
  const sep = !!opts.numericSeparator;
  const first = args[0];
  let a = 0;
  let str = "";
  let join = "";

  if (typeof first === "string") {
    if (args.length === 1) return first;
    let tempStr: string;
    let lastPos = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const nextChar = first.charCodeAt(++i);
      if (a + 1 !== args.length) {
        switch (nextChar) {
          case 115: {
            // 's'
            const arg = args[++a];
            if (typeof arg === "number") tempStr = formatNumber(arg, sep);
            else if (typeof arg === "bigint") tempStr = formatBigInt(arg, sep);
            else if (typeof arg !== "object" || arg === null || !hasBuiltInToString(arg))
              tempStr = String(arg);
            else tempStr = inspect(arg, { ...opts, compact: 3, colors: false, depth: 0 });
            break;
          }
          case 106: // 'j'
            tempStr = tryStringify(args[++a]);
            break;
          case 100: {
            // 'd'
            const arg = args[++a];
            tempStr = typeof arg === "bigint" ? formatBigInt(arg, sep) : toNumber(Number, arg, sep);
            break;
          }
          case 79: // 'O'
            tempStr = inspect(args[++a], opts);
            break;
          case 111: // 'o'
            tempStr = inspect(args[++a], { ...opts, showHidden: true, showProxy: true, depth: 4 });
            break;
          case 105: {
            // 'i'
            const arg = args[++a];
            // biome-ignore lint/correctness/useParseIntRadix: like Node, "0x10" parses as hexadecimal
            const parse = (v: unknown) => Number.parseInt(v as string);
            tempStr = typeof arg === "bigint" ? formatBigInt(arg, sep) : toNumber(parse, arg, sep);
            break;
          }
          case 102: // 'f'
            tempStr = toNumber((v) => Number.parseFloat(v as string), args[++a], sep);
            break;
          case 99: // 'c'
            a += 1;
            tempStr = "";
            break;
          case 37: // '%'
            str += first.slice(lastPos, i);
            lastPos = i + 1;
            continue;
          default:
            continue;
        }
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
        str += tempStr;
        lastPos = i + 1;
      } else if (nextChar === 37) {
        str += first.slice(lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      join = " ";
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }

  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== "string" ? inspect(value, opts) : value;
    join = " ";
    a++;
  }
  return str;
}

/** Node's `util.format`: printf-like placeholders, remaining arguments inspected. */
export function format(...args: unknown[]): string {
  return formatWithOptions({}, ...args);
}
