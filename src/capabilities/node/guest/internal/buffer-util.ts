// Argument checks and the byte-level operations behind Buffer's methods (after Node's lib/buffer.js and
// src/node_buffer.cc).
import { type Encoding, encode, normalizeEncoding } from "./codec.js";
import { invalidArgType, nodeError, outOfRange, show } from "./errors.js";

type Bytes = Uint8Array;

export const kMaxLength = 2 ** 32;

export const isAnyArrayBuffer = (v: unknown): v is ArrayBuffer =>
  v instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer);

export function unknownEncoding(enc: unknown): Error {
  return nodeError(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${String(enc)}`);
}

export function encodingOf(enc: unknown): Encoding {
  const e = normalizeEncoding(enc);
  if (e === undefined) throw unknownEncoding(enc);
  return e;
}

export const outOfBounds = (name?: string) =>
  nodeError(
    RangeError,
    "ERR_BUFFER_OUT_OF_BOUNDS",
    name ? `"${name}" is outside of buffer bounds` : "Attempt to access memory outside buffer bounds",
  );

export function checkUint8(value: unknown, name: string): asserts value is Bytes {
  if (!(value instanceof Uint8Array))
    throw invalidArgType(name, "an instance of Buffer or Uint8Array", value);
}

export function validateOffset(
  value: unknown,
  name: string,
  min = 0,
  max = kMaxLength,
): asserts value is number {
  if (typeof value !== "number") throw invalidArgType(name, "of type number", value);
  if (!Number.isInteger(value)) throw outOfRange(name, "an integer", value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

export function validateSize(size: unknown): asserts size is number {
  if (typeof size !== "number") throw invalidArgType("size", "of type number", size);
  if (!(size >= 0 && size <= kMaxLength)) throw outOfRange("size", `>= 0 && <= ${kMaxLength}`, size);
}

export function fillBytes(
  buf: Bytes,
  value: unknown,
  offset?: unknown,
  end?: unknown,
  encoding?: unknown,
): Bytes {
  const received = value;
  if (typeof value === "string") {
    if (offset === undefined || typeof offset === "string") {
      encoding = offset;
      offset = 0;
      end = buf.length;
    } else if (typeof end === "string") {
      encoding = end;
      end = buf.length;
    }
    const enc = normalizeEncoding(encoding);
    if (enc === undefined) {
      if (typeof encoding !== "string") throw invalidArgType("encoding", "of type string", encoding);
      throw unknownEncoding(encoding);
    }
    if (value.length === 0) value = 0;
    else if (value.length === 1 && (enc === "latin1" || (enc === "utf8" && value.charCodeAt(0) < 128)))
      value = value.charCodeAt(0);
    else value = encode(value, enc);
  }
  if (offset === undefined) {
    offset = 0;
    end = buf.length;
  } else {
    validateOffset(offset, "offset");
    if (end === undefined) end = buf.length;
    else validateOffset(end, "end", 0, buf.length);
    if (offset >= (end as number)) return buf;
  }
  const start = offset as number;
  const stop = end as number;
  if (stop > buf.length) throw outOfBounds();
  if (typeof value === "number") return Uint8Array.prototype.fill.call(buf, value, start, stop);
  const pattern = ArrayBuffer.isView(value)
    ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    : [(value as number) & 255];
  if (pattern.length === 0)
    throw nodeError(
      TypeError,
      "ERR_INVALID_ARG_VALUE",
      `The argument 'value' is invalid. Received ${show(received)}`,
    );
  for (let i = start; i < stop; i++) buf[i] = pattern[(i - start) % pattern.length]!;
  return buf;
}

export function compareBytes(a: Bytes, b: Bytes): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Node's indexOf offset rules (IndexOfOffset in node_buffer.cc). */
export function startOffset(length: number, offset: number, needle: number, forward: boolean): number {
  if (offset < 0) {
    if (offset + length >= 0) return length + offset;
    return forward || needle === 0 ? 0 : -1;
  }
  if (offset + needle <= length) return offset;
  if (needle === 0) return length;
  return forward ? -1 : length - 1;
}

export function indexOf(
  buf: Bytes,
  value: unknown,
  byteOffset: unknown,
  encoding: unknown,
  forward: boolean,
): number {
  if (typeof byteOffset === "string") {
    encoding = byteOffset;
    byteOffset = undefined;
  }
  let offset = Math.trunc(Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, +(byteOffset as number))));
  if (Number.isNaN(offset)) offset = forward ? 0 : buf.length;
  let needle: Bytes | number[];
  if (typeof value === "number") needle = [value & 255];
  else if (typeof value === "string") needle = encode(value, encodingOf(encoding));
  else if (value instanceof Uint8Array) needle = value;
  else
    throw invalidArgType(
      "value",
      "one of type number or string or an instance of Buffer or Uint8Array",
      value,
    );
  const n = needle.length;
  let i = startOffset(buf.length, offset, n, forward);
  if (n === 0) return i;
  if (i < 0 || buf.length === 0 || n > buf.length || (forward && i + n > buf.length)) return -1;
  if (!forward) i = Math.min(i, buf.length - n);
  for (; forward ? i <= buf.length - n : i >= 0; forward ? i++ : i--) {
    let j = 0;
    while (j < n && buf[i + j] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

export function adjustOffset(offset: number, length: number): number {
  offset = Math.trunc(offset);
  if (offset === 0 || Number.isNaN(offset)) return 0;
  if (offset < 0) return Math.max(offset + length, 0);
  return Math.min(offset, length);
}

export function toInteger(n: unknown): number {
  const v = +(n as number);
  return v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Math.floor(v) : 0;
}

export function swap(buf: Bytes, size: number): Bytes {
  if (buf.length % size !== 0)
    throw nodeError(
      RangeError,
      "ERR_INVALID_BUFFER_SIZE",
      `Buffer size must be a multiple of ${size * 8}-bits`,
    );
  for (let i = 0; i < buf.length; i += size) buf.subarray(i, i + size).reverse();
  return buf;
}

export function writeString(buf: Bytes, s: unknown, offset: number, length: number, enc: Encoding): number {
  if (typeof s !== "string") throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", "argument must be a string");
  let bytes = encode(s, enc);
  let n = Math.min(bytes.length, length, buf.length - offset);
  if (enc === "utf8") while (n < bytes.length && n > 0 && (bytes[n]! & 0xc0) === 0x80) n--;
  else if (enc === "utf16le") n &= ~1;
  bytes = bytes.subarray(0, n);
  buf.set(bytes, offset);
  return n;
}
