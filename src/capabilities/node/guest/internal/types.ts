// util.types: brand checks through built-in getters and methods that throw for the wrong receiver, so values
// cannot pass for something they are not by faking `Symbol.toStringTag`. Where plain JavaScript has no such
// check (promises, errors, functions, iterators) the internal tag or `instanceof` is used; proxies and
// externals are never detected.

type Check = (value: unknown) => boolean;

const getter = (proto: object, key: PropertyKey) => Object.getOwnPropertyDescriptor(proto, key)!.get!;
const brand =
  (fn: Function, args: unknown[] = []): Check =>
  (value) => {
    try {
      Reflect.apply(fn, value, args);
      return true;
    } catch {
      return false;
    }
  };
const objectTag = (value: unknown): string => Object.prototype.toString.call(value).slice(8, -1);
const taTag = getter(Object.getPrototypeOf(Uint8Array.prototype) as object, Symbol.toStringTag);
export const typedArrayName = (value: unknown): string | undefined => taTag.call(value) as string | undefined;
const boxed = (ctor: { prototype: { valueOf(): unknown } }): Check => {
  const check = brand(ctor.prototype.valueOf);
  return (value) => typeof value === "object" && check(value);
};
const tagIs =
  (...tags: string[]): Check =>
  (value) =>
    tags.includes(objectTag(value));

const hasSAB = typeof SharedArrayBuffer === "function";
const isArrayBuffer = brand(getter(ArrayBuffer.prototype, "byteLength"));
const isSharedArrayBuffer: Check = hasSAB
  ? brand(getter(SharedArrayBuffer.prototype, "byteLength"))
  : () => false;
const isRegExpLike = brand(getter(RegExp.prototype, "source"));
const isNumberObject = boxed(Number);
const isStringObject = boxed(String);
const isBooleanObject = boxed(Boolean);
const isBigIntObject = boxed(BigInt as unknown as { prototype: { valueOf(): unknown } });
const isSymbolObject = boxed(Symbol as unknown as { prototype: { valueOf(): unknown } });
const isFn =
  (re: RegExp): Check =>
  (value) =>
    typeof value === "function" && re.test(objectTag(value));

const known = {
  isAnyArrayBuffer: (v) => isArrayBuffer(v) || isSharedArrayBuffer(v),
  isArrayBuffer,
  isSharedArrayBuffer,
  isArrayBufferView: (v) => ArrayBuffer.isView(v),
  isArgumentsObject: tagIs("Arguments"),
  isAsyncFunction: isFn(/^Async(Generator)?Function$/),
  isGeneratorFunction: isFn(/^(Async)?GeneratorFunction$/),
  isGeneratorObject: tagIs("Generator", "AsyncGenerator"),
  isBoxedPrimitive: (v) =>
    isNumberObject(v) || isStringObject(v) || isBooleanObject(v) || isBigIntObject(v) || isSymbolObject(v),
  isNumberObject,
  isStringObject,
  isBooleanObject,
  isBigIntObject,
  isSymbolObject,
  isDataView: brand(getter(DataView.prototype, "buffer")),
  isDate: brand(Date.prototype.getTime),
  isMap: brand(getter(Map.prototype, "size")),
  isSet: brand(getter(Set.prototype, "size")),
  isWeakMap: brand(WeakMap.prototype.has, [{}]),
  isWeakSet: brand(WeakSet.prototype.has, [{}]),
  isMapIterator: tagIs("Map Iterator"),
  isSetIterator: tagIs("Set Iterator"),
  isModuleNamespaceObject: (v) => objectTag(v) === "Module" && Object.getPrototypeOf(v) === null,
  isNativeError: tagIs("Error"),
  isPromise: (v) => v instanceof Promise,
  isRegExp: (v) => v !== RegExp.prototype && isRegExpLike(v),
  isTypedArray: (v) => typedArrayName(v) !== undefined,
  isProxy: () => false,
  isExternal: () => false,
  isKeyObject: () => false,
  isCryptoKey: () => false,
} satisfies Record<string, Check>;
export const types = known as typeof known & Record<string, Check>;
for (const name of [
  "Int8",
  "Uint8",
  "Uint8Clamped",
  "Int16",
  "Uint16",
  "Int32",
  "Uint32",
  "Float32",
  "Float64",
  "BigInt64",
  "BigUint64",
]) {
  types[`is${name}Array`] = (v) => typedArrayName(v) === `${name}Array`;
}
