// How each kind of object is presented by the inspector: prefixes, braces and entry formatters.

import { type Ctx, formatPrimitive, formatProperty, formatValue } from "./inspect-core.js";
import { formatError } from "./inspect-extra.js";
import {
  FAIL,
  type Formatter,
  fnName,
  fnSource,
  formatBigInt,
  formatNumber,
  getKeys,
  hasOwn,
  inChain,
  internalName,
  intrinsic,
  isArguments,
  isError,
  kArrayExtrasType,
  kArrayType,
  kObjectType,
  nonIndexKeys,
  protoOf,
  readData,
  regExpString,
  remainingText,
  safeString,
  tryCall,
  unbox,
} from "./inspect-util.js";

export function getPrefix(ctorName: string | null, tag: string, fallback: string, size = ""): string {
  if (ctorName === null) {
    if (tag !== "" && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== "" && ctorName !== tag) return `${ctorName}${size} [${tag}] `;
  return `${ctorName}${size} `;
}

export function getCtxStyle(value: object, ctorName: string | null, tag: string): string {
  let fallback = "";
  if (ctorName === null) {
    fallback = internalName(value);
    if (fallback === tag) fallback = "Object";
  }
  return getPrefix(ctorName, tag, fallback);
}

function getFunctionBase(value: object, ctorName: string | null, tag: string): string {
  const src = fnSource(value);
  if (src.startsWith("class") && src.endsWith("}")) {
    const slice = src.slice(5, -1);
    const brace = slice.indexOf("{");
    const head = slice.slice(0, brace);
    if (
      brace !== -1 &&
      (!head.includes("(") || /^(\s+[^(]*?)\s*{/.test(slice.replace(/(\/\/.*?\n)|(\/\*(.|\n)*?\*\/)/g, "")))
    ) {
      const ownName = hasOwn(value, "name") ? readData(value, "name") : undefined;
      let base = `class ${ownName ? safeString(ownName) : "(anonymous)"}`;
      if (ctorName !== "Function" && ctorName !== null) base += ` [${ctorName}]`;
      if (tag !== "" && ctorName !== tag) base += ` [${tag}]`;
      if (ctorName !== null) {
        const proto = protoOf(value);
        const superName = proto === null ? undefined : fnName(proto);
        if (superName) base += ` extends ${safeString(superName)}`;
      } else {
        base += " extends [null prototype]";
      }
      return `[${base}]`;
    }
  }
  let type = "Function";
  if (inChain(value, intrinsic.genFnProto) || inChain(value, intrinsic.asyncGenFnProto))
    type = `Generator${type}`;
  if (inChain(value, intrinsic.asyncFnProto) || inChain(value, intrinsic.asyncGenFnProto))
    type = `Async${type}`;
  let base = `[${type}`;
  if (ctorName === null) base += " (null prototype)";
  const name = fnName(value);
  base += name === "" || name === undefined ? " (anonymous)" : `: ${safeString(name)}`;
  base += "]";
  if (ctorName !== type && ctorName !== null) base += ` ${ctorName}`;
  if (tag !== "" && ctorName !== tag) base += ` [${tag}]`;
  return base;
}

function getBoxedBase(value: object, ctx: Ctx, keys: PropertyKey[], ctorName: string | null, tag: string) {
  const [type, prim] = unbox(value) as [string, unknown];
  if (type === "String") keys.splice(0, (prim as string).length);
  let base = `[${type}`;
  if (type !== ctorName) base += ctorName === null ? " (null prototype)" : ` (${ctorName})`;
  base += `: ${formatPrimitive(prim, ctx)}]`;
  if (tag !== "" && tag !== ctorName) base += ` [${tag}]`;
  return base;
}

export interface Shape {
  keys: PropertyKey[];
  base: string;
  braces: [string, string];
  formatter: Formatter;
  extrasType: number;
  special: Map<PropertyKey, PropertyDescriptor>;
}

/** Stores `v` in `out` and tells whether it is a real result (not a failed brand check). */
function hold(out: { v?: unknown }, v: unknown): boolean {
  out.v = v;
  return v !== FAIL && v !== undefined;
}

/**
 * Works out how `value` is presented: its prefix, braces, entry formatter and keys.
 * Returns a finished string when nothing else needs to be listed.
 */
export function describe(
  ctx: Ctx,
  value: object,
  recurseTimes: number,
  ctorName: string | null,
  tag: string,
  hasProtoProps: boolean,
  typedArray?: boolean,
): Shape | string {
  let keys: PropertyKey[] = [];
  const special = new Map<PropertyKey, PropertyDescriptor>();
  let base = "";
  const found: { v?: unknown } = {};
  let formatter: Formatter = () => [];
  let braces: [string, string] = ["{", "}"];
  let extrasType = kObjectType;
  let noIterator = true;
  const noExtras = () => keys.length === 0 && !hasProtoProps;

  if (Symbol.iterator in value || ctorName === null) {
    noIterator = false;
    if (Array.isArray(value)) {
      const prefix =
        ctorName !== "Array" || tag !== "" ? getPrefix(ctorName, tag, "Array", `(${value.length})`) : "";
      keys = nonIndexKeys(value, ctx.showHidden);
      braces = [`${prefix}[`, "]"];
      if (value.length === 0 && noExtras()) return `${braces[0]}]`;
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (hold(found, tryCall(intrinsic.setSize, value))) {
      const size = found.v as number;
      const prefix = getPrefix(ctorName, tag, "Set", `(${size})`);
      keys = getKeys(value, ctx.showHidden);
      formatter = (c, v, r) => formatCollection(c, v, r, size, false);
      if (size === 0 && noExtras()) return `${prefix}{}`;
      braces = [`${prefix}{`, "}"];
    } else if (hold(found, tryCall(intrinsic.mapSize, value))) {
      const size = found.v as number;
      const prefix = getPrefix(ctorName, tag, "Map", `(${size})`);
      keys = getKeys(value, ctx.showHidden);
      formatter = (c, v, r) => formatCollection(c, v, r, size, true);
      if (size === 0 && noExtras()) return `${prefix}{}`;
      braces = [`${prefix}{`, "}"];
    } else if (hold(found, tryCall(intrinsic.taTag, value))) {
      const name = found.v as string;
      keys = nonIndexKeys(value, ctx.showHidden);
      const length = tryCall(intrinsic.taLength, value) as number;
      const prefix = getPrefix(ctorName, tag, ctorName === null ? name : "", `(${length})`);
      braces = [`${prefix}[`, "]"];
      if (length === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`;
      formatter = (c, v, r) => formatTypedArray(c, v, r, length);
      extrasType = kArrayExtrasType;
    } else if (inChain(value, intrinsic.mapIterProto) || inChain(value, intrinsic.setIterProto)) {
      keys = getKeys(value, ctx.showHidden);
      const type = `${inChain(value, intrinsic.mapIterProto) ? "Map" : "Set"} Iterator`;
      braces = [`[${tag === type ? tag : tag === "" ? type : `${tag}] [${type}`}] {`, "}"];
      formatter = () => ["<items unknown>"];
    } else {
      noIterator = true;
    }
  }
  if (noIterator) {
    keys = getKeys(value, ctx.showHidden);
    braces = ["{", "}"];
    if (typeof value === "function") {
      base = getFunctionBase(value, ctorName, tag);
      if (noExtras()) return base;
    } else if (ctorName === "Object") {
      if (isArguments(value)) braces[0] = "[Arguments] {";
      else if (tag !== "") braces[0] = `${getPrefix(ctorName, tag, "Object")}{`;
      if (noExtras()) return `${braces[0]}}`;
    } else if (hold(found, regExpString(value))) {
      const str = found.v as string;
      const prefix = getPrefix(ctorName, tag, "RegExp");
      base = prefix !== "RegExp " ? `${prefix}${str}` : str;
      if (noExtras() || recurseTimes > ctx.depth) return base;
    } else if (hold(found, tryCall(intrinsic.dateGetTime, value))) {
      const iso = Number.isNaN(found.v) ? "Invalid Date" : (tryCall(intrinsic.dateISO, value) as string);
      const prefix = getPrefix(ctorName, tag, "Date");
      base = prefix !== "Date " ? `${prefix}${iso}` : iso;
      if (noExtras()) return base;
    } else if (isError(value)) {
      base = formatError(value, ctorName, tag, ctx, keys);
      if (noExtras()) return base;
    } else if (
      hold(found, tryCall(intrinsic.abByteLength, value)) ||
      hold(found, tryCall(intrinsic.sabByteLength, value))
    ) {
      const boxed = found.v;
      const shared = tryCall(intrinsic.abByteLength, value) === FAIL;
      const prefix = getPrefix(ctorName, tag, shared ? "SharedArrayBuffer" : "ArrayBuffer");
      if (typedArray !== true) formatter = formatArrayBuffer;
      else if (noExtras()) return `${prefix}{ byteLength: ${formatNumber(boxed as number, false)} }`;
      braces[0] = `${prefix}{`;
      keys.unshift("byteLength");
      special.set("byteLength", { value: boxed, enumerable: true });
    } else if (hold(found, tryCall(intrinsic.dvByteLength, value))) {
      const boxed = found.v;
      braces[0] = `${getPrefix(ctorName, tag, "DataView")}{`;
      keys.unshift("byteLength", "byteOffset", "buffer");
      special.set("byteLength", { value: boxed, enumerable: true });
      special.set("byteOffset", { value: tryCall(intrinsic.dvByteOffset, value), enumerable: true });
      special.set("buffer", { value: tryCall(intrinsic.dvBuffer, value), enumerable: true });
    } else if (inChain(value, Promise.prototype)) {
      braces[0] = `${getPrefix(ctorName, tag, "Promise")}{`;
      formatter = () => ["<unknown>"];
    } else if (tryCall(intrinsic.weakSetHas, value, [{}]) !== FAIL) {
      braces[0] = `${getPrefix(ctorName, tag, "WeakSet")}{`;
      formatter = () => ["<items unknown>"];
    } else if (tryCall(intrinsic.weakMapHas, value, [{}]) !== FAIL) {
      braces[0] = `${getPrefix(ctorName, tag, "WeakMap")}{`;
      formatter = () => ["<items unknown>"];
    } else if (ctorName === null && tag === "Module") {
      braces[0] = `${getPrefix(ctorName, "", "Module")}{`;
      const nsKeys = keys;
      keys = [];
      formatter = (c, v, r) => nsKeys.map((k) => formatNamespaceProperty(c, v, r, k));
    } else if (unbox(value) !== undefined) {
      base = getBoxedBase(value, ctx, keys, ctorName, tag);
      if (noExtras()) return base;
    } else {
      if (noExtras()) return `${getCtxStyle(value, ctorName, tag)}{}`;
      braces[0] = `${getCtxStyle(value, ctorName, tag)}{`;
    }
  }

  return { keys, base, braces, formatter, extrasType, special };
}

function formatNamespaceProperty(ctx: Ctx, value: object, recurseTimes: number, key: PropertyKey): string {
  try {
    return formatProperty(ctx, value, recurseTimes, key, kObjectType);
  } catch {
    const out = formatProperty(ctx, { [key]: "" }, recurseTimes, key, kObjectType);
    return `${out.slice(0, out.lastIndexOf(" ") + 1)}<uninitialized>`;
  }
}

function formatArray(ctx: Ctx, value: object, recurseTimes: number): string[] {
  const valLen = (value as unknown[]).length;
  const len = Math.min(Math.max(0, ctx.maxArrayLength), valLen);
  const output: string[] = [];
  for (let i = 0; i < len; i++) {
    if (!hasOwn(value, i)) return formatSpecialArray(ctx, value, recurseTimes, len, output, i);
    output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
  }
  if (valLen > len) output.push(remainingText(valLen - len));
  return output;
}

function formatSpecialArray(
  ctx: Ctx,
  value: object,
  rt: number,
  maxLength: number,
  output: string[],
  i: number,
) {
  const keys = Object.keys(value);
  let index = i;
  for (; i < keys.length && output.length < maxLength; i++) {
    const key = keys[i] as string;
    const tmp = +key;
    if (tmp > 2 ** 32 - 2) break;
    if (`${index}` !== key) {
      if (!/^(0|[1-9][0-9]*)$/.test(key)) break;
      const empty = tmp - index;
      output.push(`<${empty} empty item${empty > 1 ? "s" : ""}>`);
      index = tmp;
      if (output.length === maxLength) break;
    }
    output.push(formatProperty(ctx, value, rt, key, kArrayType));
    index++;
  }
  const remaining = (value as unknown[]).length - index;
  if (output.length !== maxLength) {
    if (remaining > 0) output.push(`<${remaining} empty item${remaining > 1 ? "s" : ""}>`);
  } else if (remaining > 0) {
    output.push(remainingText(remaining));
  }
  return output;
}

function formatTypedArray(ctx: Ctx, value: object, recurseTimes: number, length: number): string[] {
  const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const output: string[] = [];
  const arr = value as ArrayLike<number | bigint>;
  for (let i = 0; i < maxLength; i++) {
    const n = arr[i];
    output.push(
      typeof n === "bigint"
        ? formatBigInt(n, ctx.numericSeparator)
        : formatNumber(n as number, ctx.numericSeparator),
    );
  }
  if (length > maxLength) output.push(remainingText(length - maxLength));
  if (ctx.showHidden) {
    ctx.indentationLvl += 2;
    const hidden: [string, unknown][] = [
      ["BYTES_PER_ELEMENT", readData(value, "BYTES_PER_ELEMENT")],
      ["length", length],
      ["byteLength", tryCall(intrinsic.taByteLength, value)],
      ["byteOffset", tryCall(intrinsic.taByteOffset, value)],
      ["buffer", tryCall(intrinsic.taBuffer, value)],
    ];
    for (const [key, v] of hidden) output.push(`[${key}]: ${formatValue(ctx, v, recurseTimes, true)}`);
    ctx.indentationLvl -= 2;
  }
  return output;
}

function formatArrayBuffer(ctx: Ctx, value: object): string[] {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(value as ArrayBuffer);
  } catch {
    return ["(detached)"];
  }
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), bytes.length);
  let str = Array.from(bytes.subarray(0, shown), (b) => b.toString(16).padStart(2, "0")).join(" ");
  const remaining = bytes.length - shown;
  if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? "s" : ""}`;
  return [`[Uint8Contents]: <${str}>`];
}

function formatCollection(ctx: Ctx, value: object, recurseTimes: number, size: number, isMap: boolean) {
  const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), size);
  const output: string[] = [];
  ctx.indentationLvl += 2;
  const it = tryCall(isMap ? intrinsic.mapEntries : intrinsic.setValues, value);
  const next = isMap ? intrinsic.mapIterNext : intrinsic.setIterNext;
  for (let i = 0; it !== FAIL && i < maxLength; i++) {
    const step = tryCall(next, it) as IteratorResult<unknown> | typeof FAIL;
    if (step === FAIL || step.done) break;
    if (isMap) {
      const entry = step.value as unknown[];
      output.push(
        `${formatValue(ctx, entry[0], recurseTimes)} => ${formatValue(ctx, entry[1], recurseTimes)}`,
      );
    } else {
      output.push(formatValue(ctx, step.value, recurseTimes));
    }
  }
  if (size > maxLength) output.push(remainingText(size - maxLength));
  ctx.indentationLvl -= 2;
  return output;
}
