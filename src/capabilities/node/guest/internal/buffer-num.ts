// The numeric read*/write* methods of Buffer.prototype, with Node's argument checks and error messages.
import { invalidArgType, nodeError, outOfRange } from "./errors.js";

type Bytes = Uint8Array;

function checkNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number") throw invalidArgType(name, "of type number", value);
}

function boundsError(value: number, length: number, type?: string): never {
  if (Math.floor(value) !== value) {
    checkNumber(value, type || "offset");
    throw outOfRange(type || "offset", "an integer", value);
  }
  if (length < 0)
    throw nodeError(RangeError, "ERR_BUFFER_OUT_OF_BOUNDS", "Attempt to access memory outside buffer bounds");
  throw outOfRange(type || "offset", `>= ${type ? 1 : 0} and <= ${length}`, value);
}

function checkBounds(b: Bytes, offset: unknown, n: number): asserts offset is number {
  checkNumber(offset, "offset");
  if (b[offset] === undefined || b[offset + n - 1] === undefined) boundsError(offset, b.length - n);
}

function readInt(b: Bytes, offset: unknown, n: number, le: boolean, signed: boolean): number {
  checkBounds(b, offset, n);
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[offset + (le ? n - 1 - i : i)]!;
  return signed && v >= 2 ** (8 * n - 1) ? v - 2 ** (8 * n) : v;
}

function checkRange(value: number | bigint, n: number, signed: boolean, big = false): void {
  const bits = 8 * n;
  const lim = 2n ** BigInt(signed ? bits - 1 : bits);
  const min = big ? (signed ? -lim : 0n) : signed ? -Number(lim) : 0;
  const max = big ? lim - 1n : Number(lim) - 1;
  if (value > max || value < min) {
    const s = big ? "n" : "";
    const range =
      n < 5
        ? `>= ${min}${s} and <= ${max}${s}`
        : signed
          ? `>= -(2${s} ** ${bits - 1}${s}) and < 2${s} ** ${bits - 1}${s}`
          : `>= 0${s} and < 2${s} ** ${bits}${s}`;
    throw outOfRange("value", range, value);
  }
}

function writeInt(
  b: Bytes,
  value: unknown,
  offset: unknown,
  n: number,
  le: boolean,
  signed: boolean,
): number {
  let v = +(value as number);
  checkRange(v, n, signed);
  checkBounds(b, offset, n);
  for (let i = 0; i < n; i++) {
    b[offset + (le ? i : n - 1 - i)] = v;
    v = Math.floor(v / 256);
  }
  return offset + n;
}

function checkByteLength(n: unknown): asserts n is number {
  if (n !== 1 && n !== 2 && n !== 3 && n !== 4 && n !== 5 && n !== 6)
    boundsError(n as number, 6, "byteLength");
}

const f32 = new Float32Array(1);
const f64 = new Float64Array(1);
const u32 = new Uint8Array(f32.buffer);
const u64 = new Uint8Array(f64.buffer);

type Method = (this: Bytes, ...args: unknown[]) => unknown;

/** Adds the numeric accessors (and their `Uint` spellings) to `proto`. */
export function installNumeric(proto: Record<string, Method>): void {
  const def = (name: string, fn: Method) => {
    proto[name] = fn;
    if (name.includes("UInt")) proto[name.replace("UInt", "Uint")] = fn;
  };
  for (const n of [1, 2, 4]) {
    for (const signed of [false, true]) {
      for (const le of n === 1 ? [true] : [true, false]) {
        const name = `${signed ? "Int" : "UInt"}${n * 8}${n === 1 ? "" : le ? "LE" : "BE"}`;
        def(`read${name}`, function (offset = 0) {
          return readInt(this, offset, n, le, signed);
        });
        def(`write${name}`, function (value, offset = 0) {
          return writeInt(this, value, offset, n, le, signed);
        });
      }
    }
  }
  for (const le of [true, false]) {
    const E = le ? "LE" : "BE";
    for (const signed of [false, true]) {
      const T = signed ? "Int" : "UInt";
      def(`read${T}${E}`, function (offset, byteLength) {
        if (offset === undefined) throw invalidArgType("offset", "of type number", offset);
        checkByteLength(byteLength);
        return readInt(this, offset, byteLength, le, signed);
      });
      def(`write${T}${E}`, function (value, offset, byteLength) {
        checkByteLength(byteLength);
        return writeInt(this, value, offset, byteLength, le, signed);
      });
      def(`readBig${T}64${E}`, function (offset = 0) {
        checkBounds(this, offset, 8);
        let v = 0n;
        for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(this[offset + (le ? 7 - i : i)]!);
        return signed ? BigInt.asIntN(64, v) : v;
      });
      def(`writeBig${T}64${E}`, function (value, offset = 0) {
        checkRange(value as bigint, 8, signed, true);
        checkBounds(this, offset, 8);
        if (typeof value !== "bigint")
          throw new TypeError("Cannot mix BigInt and other types, use explicit conversions");
        let v = BigInt.asUintN(64, value as bigint);
        for (let i = 0; i < 8; i++) {
          this[offset + (le ? i : 7 - i)] = Number(v & 255n);
          v >>= 8n;
        }
        return offset + 8;
      });
    }
    for (const [T, arr, bytes] of [
      ["Float", f32, u32],
      ["Double", f64, u64],
    ] as const) {
      const n = bytes.length;
      def(`read${T}${E}`, function (offset = 0) {
        checkBounds(this, offset, n);
        for (let i = 0; i < n; i++) bytes[le ? i : n - 1 - i] = this[offset + i]!;
        return arr[0];
      });
      def(`write${T}${E}`, function (value, offset = 0) {
        const v = +(value as number);
        checkBounds(this, offset, n);
        arr[0] = v;
        for (let i = 0; i < n; i++) this[offset + i] = bytes[le ? i : n - 1 - i]!;
        return offset + n;
      });
    }
  }
}
