// Built-in module "querystring": a port of Node's lib/querystring.js (same parsing quirks, same escaping).
import type { Op } from "../../../guest/types.js";
import { nodeError } from "./internal/errors.js";

type Decode = (s: string) => string;
type Encode = (s: string) => string;
type Value = string | string[];
interface BufferLike extends Uint8Array {
  toString(): string;
}
interface BufferCtor {
  allocUnsafe(n: number): BufferLike;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(`%${i < 16 ? "0" : ""}${i.toString(16).toUpperCase()}`);
const NO_ESCAPE = new Int8Array(128);
for (const c of "!'()*-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  NO_ESCAPE[c.charCodeAt(0)] = 1;
const unhex = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;

function encodeStr(str: string): string {
  const len = str.length;
  let out = "";
  let lastPos = 0;
  for (let i = 0; i < len; i++) {
    let c = str.charCodeAt(i);
    if (c < 0x80) {
      if (NO_ESCAPE[c] === 1) continue;
      out += str.slice(lastPos, i) + HEX[c];
    } else {
      out += str.slice(lastPos, i);
      if (c < 0x800) out += HEX[0xc0 | (c >> 6)]! + HEX[0x80 | (c & 0x3f)];
      else if (c < 0xd800 || c >= 0xe000)
        out += HEX[0xe0 | (c >> 12)]! + HEX[0x80 | ((c >> 6) & 0x3f)] + HEX[0x80 | (c & 0x3f)];
      else {
        if (++i >= len) throw nodeError(URIError, "ERR_INVALID_URI", "URI malformed");
        c = 0x10000 + (((c & 0x3ff) << 10) | (str.charCodeAt(i) & 0x3ff));
        out += HEX[0xf0 | (c >> 18)]! + HEX[0x80 | ((c >> 12) & 0x3f)] + HEX[0x80 | ((c >> 6) & 0x3f)];
        out += HEX[0x80 | (c & 0x3f)];
      }
    }
    lastPos = i + 1;
  }
  return lastPos === 0 ? str : out + str.slice(lastPos);
}

function qsEscape(str: unknown): string {
  return encodeStr(
    typeof str === "string" ? str : typeof str === "object" ? String(str) : `${str as string}`,
  );
}

function stringifyPrimitive(v: unknown): string {
  if (typeof v === "string") return v;
  if ((typeof v === "number" && Number.isFinite(v)) || typeof v === "bigint") return `${v}`;
  if (typeof v === "boolean") return v ? "true" : "false";
  return "";
}

export function create(_op: Op, load: (id: string) => unknown): unknown {
  function unescapeBuffer(s: string, decodeSpaces?: boolean): BufferLike {
    const out = (load("buffer") as { Buffer: BufferCtor }).Buffer.allocUnsafe(s.length);
    let index = 0;
    let outIndex = 0;
    let hasHex = false;
    while (index < s.length) {
      let c = s.charCodeAt(index);
      if (c === 43 && decodeSpaces) {
        out[outIndex++] = 32;
        index++;
        continue;
      }
      if (c === 37 && index < s.length - 2) {
        const hi = unhex(s.charCodeAt(++index));
        if (hi < 0) {
          out[outIndex++] = 37;
          continue;
        }
        const lo = unhex(s.charCodeAt(++index));
        if (lo < 0) {
          out[outIndex++] = 37;
          index--;
        } else {
          hasHex = true;
          c = hi * 16 + lo;
        }
      }
      out[outIndex++] = c;
      index++;
    }
    return hasHex ? (out.subarray(0, outIndex) as BufferLike) : out;
  }

  function qsUnescape(s: string, decodeSpaces?: boolean): string {
    try {
      return decodeURIComponent(s);
    } catch {
      return qs.unescapeBuffer(s, decodeSpaces).toString();
    }
  }

  function parse(
    str: unknown,
    sep?: string,
    eq?: string,
    options?: { maxKeys?: number; decodeURIComponent?: Decode },
  ): Record<string, Value> {
    const obj: Record<string, Value> = Object.create(null);
    if (typeof str !== "string" || str.length === 0) return obj;
    const sepStr = sep ? String(sep) : "&";
    const eqStr = eq ? String(eq) : "=";
    const sepLen = sepStr.length;
    const eqLen = eqStr.length;
    let pairs = 1000;
    if (typeof options?.maxKeys === "number") pairs = options.maxKeys > 0 ? options.maxKeys : -1;
    const decode =
      typeof options?.decodeURIComponent === "function" ? options.decodeURIComponent : qs.unescape;
    const customDecode = decode !== qsUnescape;
    const decodeStr = (s: string) => {
      try {
        return decode(s);
      } catch {
        return qs.unescape(s, true);
      }
    };
    const add = (key: string, value: string, keyEncoded: boolean, valEncoded: boolean) => {
      if (key.length > 0 && keyEncoded) key = decodeStr(key);
      if (value.length > 0 && valEncoded) value = decodeStr(value);
      const cur = obj[key];
      if (cur === undefined) obj[key] = value;
      else if (Array.isArray(cur)) cur.push(value);
      else obj[key] = [cur, value];
    };
    let lastPos = 0;
    let sepIdx = 0;
    let eqIdx = 0;
    let key = "";
    let value = "";
    let keyEncoded = customDecode;
    let valEncoded = customDecode;
    const plusChar = customDecode ? "%20" : " ";
    let encodeCheck = 0;
    for (let i = 0; i < str.length; ++i) {
      const code = str.charCodeAt(i);
      if (code === sepStr.charCodeAt(sepIdx)) {
        if (++sepIdx === sepLen) {
          const end = i - sepIdx + 1;
          if (eqIdx < eqLen) {
            if (lastPos < end) key += str.slice(lastPos, end);
            else if (key.length === 0) {
              if (--pairs === 0) return obj;
              lastPos = i + 1;
              sepIdx = eqIdx = 0;
              continue;
            }
          } else if (lastPos < end) value += str.slice(lastPos, end);
          add(key, value, keyEncoded, valEncoded);
          if (--pairs === 0) return obj;
          keyEncoded = valEncoded = customDecode;
          key = value = "";
          encodeCheck = 0;
          lastPos = i + 1;
          sepIdx = eqIdx = 0;
        }
        continue;
      }
      sepIdx = 0;
      if (eqIdx < eqLen) {
        if (code === eqStr.charCodeAt(eqIdx)) {
          if (++eqIdx === eqLen) {
            const end = i - eqIdx + 1;
            if (lastPos < end) key += str.slice(lastPos, end);
            encodeCheck = 0;
            lastPos = i + 1;
          }
          continue;
        }
        eqIdx = 0;
        if (!keyEncoded) {
          if (code === 37) {
            encodeCheck = 1;
            continue;
          }
          if (encodeCheck > 0) {
            if (unhex(code) >= 0) {
              if (++encodeCheck === 3) keyEncoded = true;
              continue;
            }
            encodeCheck = 0;
          }
        }
        if (code === 43) {
          if (lastPos < i) key += str.slice(lastPos, i);
          key += plusChar;
          lastPos = i + 1;
          continue;
        }
      }
      if (code === 43) {
        if (lastPos < i) value += str.slice(lastPos, i);
        value += plusChar;
        lastPos = i + 1;
      } else if (!valEncoded) {
        if (code === 37) encodeCheck = 1;
        else if (encodeCheck > 0) {
          if (unhex(code) >= 0) {
            if (++encodeCheck === 3) valEncoded = true;
          } else encodeCheck = 0;
        }
      }
    }
    if (lastPos < str.length) {
      if (eqIdx < eqLen) key += str.slice(lastPos);
      else if (sepIdx < sepLen) value += str.slice(lastPos);
    } else if (eqIdx === 0 && key.length === 0) return obj;
    add(key, value, keyEncoded, valEncoded);
    return obj;
  }

  function stringify(
    obj: unknown,
    sep?: string,
    eq?: string,
    options?: { encodeURIComponent?: Encode },
  ): string {
    sep ||= "&";
    eq ||= "=";
    const custom = typeof options?.encodeURIComponent === "function" ? options.encodeURIComponent : undefined;
    const convert = custom
      ? (v: unknown) => custom(stringifyPrimitive(v))
      : (v: unknown) =>
          typeof v === "string"
            ? v.length
              ? qsEscape(v)
              : ""
            : typeof v === "number" && Number.isFinite(v) && Math.abs(v) >= 1e21
              ? qsEscape(`${v}`)
              : stringifyPrimitive(v);
    if (obj === null || typeof obj !== "object") return "";
    const fields: string[] = [];
    for (const k of Object.keys(obj)) {
      const v = (obj as Record<string, unknown>)[k];
      const ks = convert(k) + eq;
      if (Array.isArray(v)) for (const item of v) fields.push(ks + convert(item));
      else fields.push(ks + convert(v));
    }
    return fields.join(sep);
  }

  const qs = {
    unescapeBuffer,
    unescape: qsUnescape,
    escape: qsEscape,
    stringify,
    encode: stringify,
    parse,
    decode: parse,
  };
  return qs;
}
