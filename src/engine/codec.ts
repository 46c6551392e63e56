// Structured-clone codec shared by the host and the guest.
//
// A value is encoded as JSON text plus a list of binary buffers. Only own, enumerable data properties are read
// (property descriptors, never [[Get]]): no getter, toJSON, toString or Symbol.toPrimitive of the value runs while it
// is copied. Every intrinsic is captured when this module is evaluated, before any untrusted code can replace it.
//
// Node kinds (plain JSON null, booleans, finite numbers and strings stand for themselves):
//   ["u"] undefined      ["n", "NaN" | "Infinity" | "-Infinity" | "-0"]      ["b", "123"] bigint
//   ["h"] a hole, among an array's items
//   ["r", id] reference to an object already seen (cycles and shared references are preserved)
//   ["A", id, length, [item...], [index, item, ...]?]   ["O", id, [key, value, ...]]   ["M", id, [key, value, ...]]   ["S", id, [item...]]
//   ["D", id, ms | null]   ["R", id, source, flags]   ["E", id, name, message, stack | null, cause?]
//   ["B", id, bufferIndex]   ["V", id, typeName, buffer, byteOffset, byteLength]
// A sparse array (fewer than half its length in elements, and longer than 1,024) goes as its elements with their
// indexes, in the fifth slot, so `a[2**32 - 2] = 1` copies one element, not four billion holes.
// A view's buffer is a ["B"] node or a reference to one (its id comes before the view's): views over one ArrayBuffer
// share one copy of it, as with structured clone, and a buffer under many views is copied once.
//   ["s", stringIndex] a string carried in `strings` (only with the `strings` option: long strings crossing threads
//   go as they are, through structured clone, instead of JSON-escaped, which can make them six times larger)
import { nodeFrames } from "../guest/frames.js";

const { getOwnPropertyDescriptors, getPrototypeOf, defineProperty, keys: objectKeys } = Object;
const { isArray } = Array;
/** Arrays longer than this are checked for sparseness (see the header). */
const SPARSE_FROM = 1024;
const { isView } = ArrayBuffer;
const { apply } = Reflect;
const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;
const StringCtor = String;
const { isNaN: numberIsNaN } = Number;
const mapForEach = Map.prototype.forEach;
const mapSet = Map.prototype.set;
const setForEach = Set.prototype.forEach;
const setAdd = Set.prototype.add;
const dateGetTime = Date.prototype.getTime;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, "size")!.get!;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, "size")!.get!;
const regexpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, "source")!.get!;
const regexpFlags = Object.getOwnPropertyDescriptor(RegExp.prototype, "flags")!.get!;
const abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength")!.get!;
const abSlice = ArrayBuffer.prototype.slice;
const typedArrayProto = getPrototypeOf(Uint8Array.prototype) as object;
const taBuffer = Object.getOwnPropertyDescriptor(typedArrayProto, "buffer")!.get!;
const taByteOffset = Object.getOwnPropertyDescriptor(typedArrayProto, "byteOffset")!.get!;
const taByteLength = Object.getOwnPropertyDescriptor(typedArrayProto, "byteLength")!.get!;
const taTag = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag)!.get!;
const dvBuffer = Object.getOwnPropertyDescriptor(DataView.prototype, "buffer")!.get!;
const dvByteOffset = Object.getOwnPropertyDescriptor(DataView.prototype, "byteOffset")!.get!;
const dvByteLength = Object.getOwnPropertyDescriptor(DataView.prototype, "byteLength")!.get!;
const objectToString = Object.prototype.toString;
const MapCtor = Map;
const SetCtor = Set;
const DateCtor = Date;
const RegExpCtor = RegExp;
const DataViewCtor = DataView;
// Lookup tables without a prototype: names added to Object.prototype by a guest never match.
type ViewCtor = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): unknown;
  readonly BYTES_PER_ELEMENT: number;
};
const typedArrays: Record<string, ViewCtor> = Object.setPrototypeOf(
  {
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
  },
  null,
);
const errorCtors: Record<string, new (message?: string) => Error> = Object.setPrototypeOf(
  {
    Error,
    TypeError,
    RangeError,
    SyntaxError,
    ReferenceError,
    EvalError,
    URIError,
  },
  null,
);

/** Raised when a value cannot be copied (name "DataCloneError", as the web platform names it). */
export class CloneError extends Error {
  override name = "DataCloneError";
}

/** Raised by encode() when the encoding grows past maxBytes. */
export class CloneSizeError extends Error {
  override name = "CloneSizeError";
}

export interface Encoded {
  json: string;
  buffers: ArrayBuffer[];
  /** Strings referred to by ["s", index] nodes (only with the `strings` option). */
  strings?: string[];
}

export interface EncodeOptions {
  /** Largest encoding (JSON characters plus buffer bytes) before a CloneSizeError. */
  maxBytes?: number;
  /** Deepest nesting of containers before a CloneError. */
  maxDepth?: number;
  /** Copy the `stack` of errors (false when the stack belongs to the host and must not reach the guest). */
  includeStacks?: boolean;
  /**
   * Carry strings of STRING_SLOT_MIN characters or more in `strings`, not in the JSON text: for encodings that
   * cross threads (structured clone copies a string as it is) and are decoded by decode() on the other side.
   */
  strings?: boolean;
}

/** Shortest string the `strings` option carries outside the JSON text. */
export const STRING_SLOT_MIN = 64;

export interface DecodeOptions {
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 256;

function call<T>(fn: Function, self: unknown, ...args: unknown[]): T {
  return apply(fn, self, args) as T;
}

function brand(getter: Function, value: object): boolean {
  try {
    call(getter, value);
    return true;
  } catch {
    return false;
  }
}

/** Errors of any realm: the engine's internal error class shows through Object.prototype.toString. */
function isErrorLike(value: object): boolean {
  return call<string>(objectToString, value) === "[object Error]";
}

/** Reads a data property along the prototype chain without running accessors. */
/**
 * A stack as V8 writes it: the engine's own stacks are frames only, so they get the `Name: message` line, lose the
 * sandbox's frames and name top-level code by its file alone. (Only stacks copied out of the guest reach this.)
 */
function withHeader(name: string, message: string, stack: string): string {
  if (stack !== "" && !/^\s+at /.test(stack)) return stack;
  return [message === "" ? name : `${name}: ${message}`, ...nodeFrames(stack)].join("\n");
}

function readData(value: object, key: string): unknown {
  let target: object | null = value;
  for (let i = 0; i < 64 && target !== null; i++) {
    const desc = getOwnPropertyDescriptors(target)[key];
    if (desc) return "value" in desc ? desc.value : undefined;
    target = getPrototypeOf(target) as object | null;
  }
  return undefined;
}

function kindOf(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  return "this object";
}

export function encode(value: unknown, options: EncodeOptions = {}): Encoded {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const includeStacks = options.includeStacks ?? true;
  const seen = new MapCtor<object, number>();
  const buffers: ArrayBuffer[] = [];
  const strings: string[] | undefined = options.strings ? [] : undefined;
  let out = "";
  let bufferBytes = 0;
  let nextId = 0;

  const grow = () => {
    if (out.length + bufferBytes > maxBytes) throw new CloneSizeError(`encoding exceeds ${maxBytes} bytes`);
  };
  const addBuffer = (buffer: ArrayBuffer): number => {
    bufferBytes += call<number>(abByteLength, buffer);
    grow();
    buffers[buffers.length] = buffer;
    return buffers.length - 1;
  };
  /** A string as a JSON string, or (with the `strings` option, when long) as a reference into `strings`. */
  const str = (text: string): string => {
    if (strings === undefined || text.length < STRING_SLOT_MIN) return jsonStringify(text);
    bufferBytes += text.length;
    grow();
    strings[strings.length] = text;
    return '["s",' + (strings.length - 1) + "]";
  };

  const walk = (v: unknown, depth: number): void => {
    switch (typeof v) {
      case "string":
        out += str(v);
        grow();
        return;
      case "boolean":
        out += v ? "true" : "false";
        return;
      case "number":
        if (numberIsNaN(v)) out += '["n","NaN"]';
        else if (v === Number.POSITIVE_INFINITY) out += '["n","Infinity"]';
        else if (v === Number.NEGATIVE_INFINITY) out += '["n","-Infinity"]';
        else if (v === 0 && 1 / v < 0) out += '["n","-0"]';
        else out += "" + v;
        return;
      case "undefined":
        out += '["u"]';
        return;
      case "bigint":
        out += '["b","' + StringCtor(v) + '"]';
        grow();
        return;
      case "symbol":
      case "function":
        throw new CloneError(`${kindOf(v)} could not be cloned`);
    }
    if (v === null) {
      out += "null";
      return;
    }
    const obj = v as object;
    const prior = seen.get(obj);
    if (prior !== undefined) {
      out += '["r",' + prior + "]";
      return;
    }
    if (depth >= maxDepth) throw new CloneError(`value is nested deeper than ${maxDepth} levels`);
    if (isView(obj)) {
      encodeView(obj);
      return;
    }
    const id = nextId++;
    seen.set(obj, id);
    const d = depth + 1;

    // A plain object of any realm: its prototype is null or a realm's root prototype (Object.prototype).
    const proto = getPrototypeOf(obj) as object | null;
    if (proto === null || getPrototypeOf(proto) === null) {
      encodeObject(obj, id, d);
      return;
    }
    if (isArray(obj)) {
      const descs = getOwnPropertyDescriptors(obj) as unknown as Record<string, PropertyDescriptor>;
      const lengthDesc = descs.length;
      const length = lengthDesc ? (lengthDesc.value as number) : 0;
      out += '["A",' + id + "," + length + ",[";
      if (length > SPARSE_FROM) {
        const names = objectKeys(descs);
        if (names.length - 1 < length / 2) {
          out += "],[";
          let first = true;
          for (const name of names) {
            const index = +name;
            if (StringCtor(index) !== name || !(index < length)) continue;
            if (!first) out += ",";
            first = false;
            const desc = descs[name];
            out += index + ",";
            walk(desc && "value" in desc ? desc.value : undefined, d);
          }
          out += "]]";
          return;
        }
      }
      for (let i = 0; i < length; i++) {
        if (i > 0) out += ",";
        const desc = descs[i];
        if (desc === undefined) out += '["h"]';
        else walk("value" in desc ? desc.value : undefined, d);
      }
      out += "]]";
      return;
    }
    if (brand(mapSize, obj)) {
      out += '["M",' + id + ",[";
      let first = true;
      call(mapForEach, obj, (val: unknown, key: unknown) => {
        if (!first) out += ",";
        first = false;
        walk(key, d);
        out += ",";
        walk(val, d);
      });
      out += "]]";
      return;
    }
    if (brand(setSize, obj)) {
      out += '["S",' + id + ",[";
      let first = true;
      call(setForEach, obj, (val: unknown) => {
        if (!first) out += ",";
        first = false;
        walk(val, d);
      });
      out += "]]";
      return;
    }
    if (brand(dateGetTime, obj)) {
      const t = call<number>(dateGetTime, obj);
      out += '["D",' + id + "," + (numberIsNaN(t) ? "null" : "" + t) + "]";
      return;
    }
    if (brand(regexpFlags, obj) && brand(regexpSource, obj) && obj !== RegExpCtor.prototype) {
      out +=
        '["R",' +
        id +
        "," +
        jsonStringify(call(regexpSource, obj)) +
        "," +
        jsonStringify(call(regexpFlags, obj)) +
        "]";
      grow();
      return;
    }
    if (brand(abByteLength, obj)) {
      out += '["B",' + id + "," + addBuffer(call(abSlice, obj, 0)) + "]";
      return;
    }
    if (isErrorLike(obj)) {
      const name = readData(obj, "name");
      const message = readData(obj, "message");
      const stack = includeStacks ? readData(obj, "stack") : undefined;
      out += '["E",' + id + "," + str(typeof name === "string" ? name : "Error") + ",";
      out += str(typeof message === "string" ? message : "") + ",";
      out += typeof stack === "string" ? str(stack) : "null";
      const causeDesc = getOwnPropertyDescriptors(obj).cause;
      if (causeDesc && "value" in causeDesc) {
        out += ",";
        walk(causeDesc.value, d);
      }
      out += "]";
      grow();
      return;
    }
    encodeObject(obj, id, d);
  };

  /** A typed array or DataView: its buffer first (a ["B"] node or a reference), then the view's own id. */
  const encodeView = (obj: object): void => {
    const tag = call<string | undefined>(taTag, obj);
    const dataView = tag === undefined;
    const buffer = call<object>(dataView ? dvBuffer : taBuffer, obj);
    const byteOffset = call<number>(dataView ? dvByteOffset : taByteOffset, obj);
    const byteLength = call<number>(dataView ? dvByteLength : taByteLength, obj);
    let bufferNode: string;
    const prior = seen.get(buffer);
    if (prior !== undefined) bufferNode = '["r",' + prior + "]";
    else {
      if (!brand(abByteLength, buffer))
        throw new CloneError("a view of a SharedArrayBuffer could not be cloned");
      const bufferId = nextId++;
      seen.set(buffer, bufferId);
      bufferNode = '["B",' + bufferId + "," + addBuffer(call(abSlice, buffer, 0)) + "]";
    }
    const id = nextId++;
    seen.set(obj, id);
    out += '["V",' + id + "," + jsonStringify(tag ?? "DataView") + "," + bufferNode;
    out += "," + byteOffset + "," + byteLength + "]";
  };

  const encodeObject = (obj: object, id: number, d: number): void => {
    const descs = getOwnPropertyDescriptors(obj) as unknown as Record<string, PropertyDescriptor>;
    const names = objectKeys(descs);
    out += '["O",' + id + ",[";
    let first = true;
    for (let i = 0; i < names.length; i++) {
      const key = names[i]!;
      const desc = descs[key]!;
      if (!desc.enumerable || !("value" in desc)) continue;
      if (!first) out += ",";
      first = false;
      out += str(key) + ",";
      walk(desc.value, d);
    }
    out += "]]";
    grow();
  };

  walk(value, 0);
  return strings === undefined ? { json: out, buffers } : { json: out, buffers, strings };
}

function fail(message: string): never {
  throw new CloneError(`malformed encoding: ${message}`);
}

/** A view made over a decoded buffer; bounds outside it (or a length not in whole elements) are malformed. */
function newView(make: () => unknown): unknown {
  try {
    return make();
  } catch {
    return fail("view out of its buffer's bounds");
  }
}

export function decode(encoded: Encoded, options: DecodeOptions = {}): unknown {
  const root: unknown = jsonParse(encoded.json);
  const buffers = encoded.buffers;
  const strings = encoded.strings;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH + 8;
  const objects: unknown[] = [];

  const bind = (id: unknown, value: unknown) => {
    if (id !== objects.length) fail("object ids out of order");
    objects[objects.length] = value;
    return value;
  };
  const buffer = (index: unknown): ArrayBuffer => {
    const b = typeof index === "number" ? buffers[index] : undefined;
    if (!b) fail("missing buffer");
    return b;
  };
  const list = (v: unknown): unknown[] => (isArray(v) ? v : fail("expected a list"));
  /** A string node: JSON text, or a reference into `strings`. */
  const text = (node: unknown): string => {
    if (!isArray(node)) return StringCtor(node);
    const index = node[0] === "s" ? node[1] : undefined;
    const found = typeof index === "number" && strings ? strings[index] : undefined;
    return typeof found === "string" ? found : fail("bad string reference");
  };

  const revive = (node: unknown, depth: number): unknown => {
    if (node === null || typeof node !== "object") return node;
    if (depth > maxDepth) fail("nested too deeply");
    if (!isArray(node)) fail("unexpected object");
    const d = depth + 1;
    const id = node[1];
    switch (node[0]) {
      case "u":
        return undefined;
      case "n":
        return node[1] === "-0" ? -0 : Number(node[1]);
      case "b":
        return BigInt(StringCtor(node[1]));
      case "s":
        return text(node);
      case "r": {
        if (typeof id !== "number" || id < 0 || id >= objects.length) fail("bad reference");
        return objects[id];
      }
      case "A": {
        const length = node[2];
        if (typeof length !== "number" || length < 0 || length > 0xffffffff) fail("bad array length");
        const arr: unknown[] = [];
        bind(id, arr);
        const items = list(node[3]);
        for (let i = 0; i < items.length; i++) {
          const item = items[i];
          if (!(isArray(item) && item[0] === "h")) arr[i] = revive(item, d);
        }
        if (node.length > 4) {
          const pairs = list(node[4]);
          for (let i = 0; i + 1 < pairs.length; i += 2) {
            const index = pairs[i];
            if (typeof index !== "number" || !(index >= 0 && index < length) || index % 1 !== 0) {
              fail("bad array index");
            }
            arr[index as number] = revive(pairs[i + 1], d);
          }
        }
        arr.length = length;
        return arr;
      }
      case "O": {
        const obj: Record<string, unknown> = {};
        bind(id, obj);
        const items = list(node[2]);
        for (let i = 0; i + 1 < items.length; i += 2) {
          const key = text(items[i]);
          const val = revive(items[i + 1], d);
          if (key === "__proto__")
            defineProperty(obj, key, { value: val, enumerable: true, writable: true, configurable: true });
          else obj[key] = val;
        }
        return obj;
      }
      case "M": {
        const map = new MapCtor();
        bind(id, map);
        const items = list(node[2]);
        for (let i = 0; i + 1 < items.length; i += 2)
          call(mapSet, map, revive(items[i], d), revive(items[i + 1], d));
        return map;
      }
      case "S": {
        const set = new SetCtor();
        bind(id, set);
        const items = list(node[2]);
        for (let i = 0; i < items.length; i++) call(setAdd, set, revive(items[i], d));
        return set;
      }
      case "D":
        return bind(id, new DateCtor(typeof node[2] === "number" ? node[2] : Number.NaN));
      case "R":
        return bind(id, new RegExpCtor(StringCtor(node[2]), StringCtor(node[3])));
      case "E": {
        const name = text(node[2]);
        const message = text(node[3]);
        const Ctor = errorCtors[name] ?? Error;
        const err = new Ctor(message);
        bind(id, err);
        if (!errorCtors[name])
          defineProperty(err, "name", { value: name, writable: true, configurable: true });
        if (typeof node[4] === "string" || isArray(node[4])) {
          const stack = withHeader(name, message, text(node[4]));
          defineProperty(err, "stack", { value: stack, writable: true, configurable: true });
        }
        if (node.length > 5)
          defineProperty(err, "cause", { value: revive(node[5], d), writable: true, configurable: true });
        return err;
      }
      case "B":
        return bind(id, call(abSlice, buffer(node[2]), 0));
      case "V": {
        // The buffer's node comes first: it is bound (or referenced) before the view.
        const type = StringCtor(node[2]);
        const over = revive(node[3], d) as ArrayBuffer;
        const [byteOffset, byteLength] = [node[4], node[5]];
        if (typeof over !== "object" || over === null || !brand(abByteLength, over)) fail("bad view buffer");
        if (typeof byteOffset !== "number" || typeof byteLength !== "number") fail("bad view bounds");
        if (type === "DataView")
          return bind(
            id,
            newView(() => new DataViewCtor(over, byteOffset, byteLength)),
          );
        const Ctor = typedArrays[type];
        if (!Ctor) fail(`unknown view type ${type}`);
        const length = byteLength / Ctor.BYTES_PER_ELEMENT;
        return bind(
          id,
          newView(() => new Ctor(over, byteOffset, length)),
        );
      }
      default:
        return fail(`unknown tag ${StringCtor(node[0])}`);
    }
  };
  return revive(root, 0);
}
