// A port of Node's `util.inspect` (lib/internal/util/inspect.js, Node 20) to plain ES2023.
// Instead of engine internals it uses brand checks on captured built-ins and reads property
// descriptors, so inspecting a value never runs its getters, `toJSON`, `toString`,
// `Symbol.toPrimitive` or `inspect.custom`.
//
// Known differences from Node, all due to information that plain JavaScript cannot reach:
// - Promise contents are unknown: `Promise { <unknown> }`.
// - Map/Set iterators print `[Map Iterator] { <items unknown> }`; weak collections always
//   print `<items unknown>` (also with `showHidden`).
// - Proxies are not detected; they are inspected as the objects they pretend to be.
// - A `Symbol.toStringTag` or `name` defined by a getter is not read (Node calls the getter).
// - The `getters` and `colors` options are ignored; getters always print as `[Getter]`.
// - Errors whose stack has no `name: message` header (as QuickJS produces) get one prepended.
// - Error objects with a null prototype are not recognised as errors.

import {
  builtIns,
  desc,
  escapeRaw,
  FunctionProto,
  findDesc,
  fnName,
  formatBigInt,
  formatNumber,
  hasOwn,
  inChain,
  internalName,
  intrinsic,
  isEnumerable,
  kArrayType,
  kObjectType,
  ObjectProto,
  protoOf,
  readData,
  safeString,
  strEscape,
  stringWidth,
  symbolString,
  tryCall,
} from "./inspect-util.js";
import { reduceToSingleString } from "./inspect-extra.js";
import { describe, getCtxStyle } from "./inspect-types.js";

export interface InspectOptions {
  depth?: number | null;
  breakLength?: number;
  compact?: number | boolean;
  maxArrayLength?: number | null;
  maxStringLength?: number | null;
  sorted?: boolean | ((a: string, b: string) => number);
  showHidden?: boolean;
  getters?: boolean | "get" | "set";
  numericSeparator?: boolean;
  colors?: boolean;
  customInspect?: boolean;
  showProxy?: boolean;
}

export interface Ctx {
  opts: InspectOptions;
  budget: Record<number, number>;
  indentationLvl: number;
  seen: unknown[];
  circular: Map<unknown, number> | undefined;
  currentDepth: number;
  showHidden: boolean;
  depth: number;
  maxArrayLength: number;
  maxStringLength: number;
  breakLength: number;
  compact: number | boolean;
  sorted: boolean | ((a: string, b: string) => number);
  numericSeparator: boolean;
}

function option<T>(opts: InspectOptions, key: keyof InspectOptions, fallback: T): T {
  try {
    const v = opts[key];
    return v === undefined ? fallback : (v as T);
  } catch {
    return fallback;
  }
}

function makeCtx(opts: InspectOptions | boolean | undefined): Ctx {
  const o: InspectOptions = typeof opts === "boolean" ? { showHidden: opts } : (opts ?? {});
  const depth = option<number | null>(o, "depth", 2);
  const maxArr = option<number | null>(o, "maxArrayLength", 100);
  const maxStr = option<number | null>(o, "maxStringLength", 10000);
  return {
    opts: o,
    budget: {},
    indentationLvl: 0,
    seen: [],
    circular: undefined,
    currentDepth: 0,
    showHidden: !!option(o, "showHidden", false),
    depth: depth === null ? Number.POSITIVE_INFINITY : Number(depth),
    maxArrayLength: maxArr === null ? Number.POSITIVE_INFINITY : Number(maxArr),
    maxStringLength: maxStr === null ? Number.POSITIVE_INFINITY : Number(maxStr),
    breakLength: Number(option(o, "breakLength", 80)),
    compact: option<number | boolean>(o, "compact", 3),
    sorted: option<Ctx["sorted"]>(o, "sorted", false),
    numericSeparator: !!option(o, "numericSeparator", false),
  };
}

/** Returns a string representation of `value`, formatted like Node's `util.inspect`. */
export function inspect(value: unknown, options?: InspectOptions): string {
  try {
    return formatValue(makeCtx(options), value, 0);
  } catch {
    return typeof value === "object" && value !== null ? "[object Object]" : safeString(value);
  }
}

export function formatPrimitive(value: unknown, ctx: Ctx): string {
  if (typeof value === "string") {
    let trailer = "";
    if (value.length > ctx.maxStringLength) {
      const remaining = value.length - ctx.maxStringLength;
      value = value.slice(0, Math.max(0, ctx.maxStringLength));
      trailer = `... ${remaining} more character${remaining > 1 ? "s" : ""}`;
    }
    const str = value as string;
    if (ctx.compact !== true && str.length > 16 && str.length > ctx.breakLength - ctx.indentationLvl - 4) {
      const sep = ` +\n${" ".repeat(ctx.indentationLvl + 2)}`;
      return (
        str
          .split(/(?<=\n)/)
          .map(strEscape)
          .join(sep) + trailer
      );
    }
    return strEscape(str) + trailer;
  }
  if (typeof value === "number") return formatNumber(value, ctx.numericSeparator);
  if (typeof value === "bigint") return formatBigInt(value, ctx.numericSeparator);
  return safeString(value);
}

export function formatValue(ctx: Ctx, value: unknown, recurseTimes: number, typedArray?: boolean): string {
  if (typeof value !== "object" && typeof value !== "function") return formatPrimitive(value, ctx);
  if (value === null) return "null";
  if (ctx.seen.includes(value)) {
    if (ctx.circular === undefined) ctx.circular = new Map();
    let index = ctx.circular.get(value);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(value, index);
    }
    return `[Circular *${index}]`;
  }
  const seenLength = ctx.seen.length;
  const indentation = ctx.indentationLvl;
  try {
    return formatRaw(ctx, value, recurseTimes, typedArray);
  } catch (err) {
    ctx.seen.length = seenLength;
    ctx.indentationLvl = indentation;
    return isOverflow(err)
      ? "[Object: Inspection interrupted prematurely. Maximum call stack size exceeded.]"
      : "[Object: Inspection interrupted prematurely]";
  }
}

function isOverflow(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  return inChain(err, RangeError.prototype) || readData(err, "name") === "InternalError";
}

function getConstructorName(
  obj: object,
  ctx: Ctx,
  recurseTimes: number,
  protoProps?: string[],
): string | null {
  let firstProto: object | null | undefined;
  let cur: object | null = obj;
  for (let i = 0; cur !== null && i < 1000; i++) {
    const known =
      cur === obj
        ? undefined
        : cur === ObjectProto
          ? "Object"
          : cur === FunctionProto
            ? "Function"
            : undefined;
    const ctor = known === undefined ? desc(cur, "constructor")?.value : undefined;
    const name = fnName(ctor);
    const found =
      known ??
      (typeof ctor === "function" &&
      name !== "" &&
      name !== undefined &&
      inChain(obj, readData(ctor, "prototype"))
        ? safeString(name)
        : undefined);
    if (found !== undefined) {
      if (protoProps !== undefined && (firstProto !== cur || (known === undefined && !builtIns.has(found)))) {
        addPrototypeProperties(ctx, obj, firstProto || obj, recurseTimes, protoProps);
      }
      return found;
    }
    cur = protoOf(cur);
    if (firstProto === undefined) firstProto = cur;
  }
  if (firstProto === null || firstProto === undefined) return null;
  const res = internalName(obj);
  if (recurseTimes > ctx.depth) return `${res} <Complex prototype>`;
  const protoConstr = getConstructorName(firstProto, ctx, recurseTimes + 1, protoProps);
  if (protoConstr === null) return `${res} <${inspect(firstProto, { ...ctx.opts, depth: -1 })}>`;
  return `${res} <${protoConstr}>`;
}

function addPrototypeProperties(ctx: Ctx, main: object, obj: object, recurseTimes: number, output: string[]) {
  let depth = 0;
  let keys: PropertyKey[] = [];
  const keySet = new Set<PropertyKey>();
  let cur: object | null = obj;
  do {
    if (depth !== 0 || main === cur) {
      cur = protoOf(cur);
      if (cur === null) return;
      const name = fnName(desc(cur, "constructor")?.value);
      if (typeof name === "string" && builtIns.has(name)) return;
    }
    for (const k of keys) keySet.add(k);
    keys = Reflect.ownKeys(cur);
    ctx.seen.push(main);
    for (const key of keys) {
      if (key === "constructor" || hasOwn(main, key) || (depth !== 0 && keySet.has(key))) continue;
      const d = desc(cur, key);
      if (d === undefined || typeof d.value === "function") continue;
      output.push(formatProperty(ctx, cur, recurseTimes, key, kObjectType, d));
    }
    ctx.seen.pop();
  } while (++depth !== 3);
}

function getTag(value: object, showHidden: boolean): string {
  const d = findDesc(value, Symbol.toStringTag);
  let tag = d?.value;
  if (d?.get !== undefined && d.get === intrinsic.taTag) tag = tryCall(d.get, value);
  if (typeof tag !== "string" || tag === "") return "";
  const own = showHidden ? hasOwn(value, Symbol.toStringTag) : isEnumerable(value, Symbol.toStringTag);
  return own ? "" : tag;
}

function formatRaw(ctx: Ctx, value: object, recurseTimes: number, typedArray?: boolean): string {
  let protoProps: string[] | undefined = ctx.showHidden && recurseTimes <= ctx.depth ? [] : undefined;
  const ctorName = getConstructorName(value, ctx, recurseTimes, protoProps);
  if (protoProps !== undefined && protoProps.length === 0) protoProps = undefined;
  const tag = getTag(value, ctx.showHidden);
  const shape = describe(ctx, value, recurseTimes, ctorName, tag, protoProps !== undefined, typedArray);
  if (typeof shape === "string") return shape;
  const { keys, braces, formatter, extrasType, special } = shape;
  let base = shape.base;

  if (recurseTimes > ctx.depth) {
    const name = getCtxStyle(value, ctorName, tag).slice(0, -1);
    return ctorName !== null ? `[${name}]` : name;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  const indentationLvl = ctx.indentationLvl;
  let output: string[];
  try {
    output = formatter(ctx, value, recurseTimes);
    for (const key of keys) {
      output.push(formatProperty(ctx, value, recurseTimes, key, extrasType, special.get(key)));
    }
    if (protoProps !== undefined) output.push(...protoProps);
  } catch (err) {
    if (!isOverflow(err)) throw err;
    ctx.seen.pop();
    ctx.indentationLvl = indentationLvl;
    const name = getCtxStyle(value, ctorName, tag).slice(0, -1);
    return `[${name}: Inspection interrupted prematurely. Maximum call stack size exceeded.]`;
  }
  const index = ctx.circular?.get(value);
  if (index !== undefined) {
    const reference = `<ref *${index}>`;
    if (ctx.compact !== true) base = base === "" ? reference : `${reference} ${base}`;
    else braces[0] = `${reference} ${braces[0]}`;
  }
  ctx.seen.pop();

  if (ctx.sorted) {
    const cmp = ctx.sorted === true ? undefined : ctx.sorted;
    if (extrasType === kObjectType) output.sort(cmp);
    else if (keys.length > 1) {
      const tail = output.slice(output.length - keys.length).sort(cmp);
      output.splice(output.length - keys.length, keys.length, ...tail);
    }
  }

  const res = reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  const newLength = (ctx.budget[ctx.indentationLvl] ?? 0) + res.length;
  ctx.budget[ctx.indentationLvl] = newLength;
  if (newLength > 2 ** 27) ctx.depth = -1;
  return res;
}

export function formatProperty(
  ctx: Ctx,
  value: object,
  recurseTimes: number,
  key: PropertyKey,
  type: number,
  d?: PropertyDescriptor,
): string {
  let str: string;
  let extra = " ";
  d = d ?? desc(value, key) ?? { value: readData(value, key), enumerable: true };
  if (d.value !== undefined) {
    const diff = ctx.compact !== true || type !== kObjectType ? 2 : 3;
    ctx.indentationLvl += diff;
    str = formatValue(ctx, d.value, recurseTimes);
    if (diff === 3 && ctx.breakLength < stringWidth(str)) extra = `\n${" ".repeat(ctx.indentationLvl)}`;
    ctx.indentationLvl -= diff;
  } else if (d.get !== undefined) {
    str = d.set !== undefined ? "[Getter/Setter]" : "[Getter]";
  } else {
    str = d.set !== undefined ? "[Setter]" : "undefined";
  }
  if (type === kArrayType) return str;
  let name: string;
  if (typeof key === "symbol") name = `[${escapeRaw(symbolString(key))}]`;
  else if (key === "__proto__") name = "['__proto__']";
  else if (d.enumerable === false) name = `[${escapeRaw(String(key))}]`;
  else if (/^[a-zA-Z_][a-zA-Z_0-9]*$/.test(String(key))) name = String(key);
  else name = strEscape(String(key));
  return `${name}:${extra}${str}`;
}
