// Byte encodings of Node's Buffer: utf8, utf16le (ucs2), latin1 (binary), ascii, base64, base64url, hex.
// Decoding follows Node: utf8 replaces invalid sequences with U+FFFD as the WHATWG decoder does, base64 accepts
// both alphabets, skips other characters and stops at "=", hex stops at the first invalid pair.

export type Encoding = "utf8" | "utf16le" | "latin1" | "ascii" | "base64" | "base64url" | "hex";

const ALIASES: Record<string, Encoding> = {
  utf8: "utf8",
  "utf-8": "utf8",
  ucs2: "utf16le",
  "ucs-2": "utf16le",
  utf16le: "utf16le",
  "utf-16le": "utf16le",
  latin1: "latin1",
  binary: "latin1",
  ascii: "ascii",
  base64: "base64",
  base64url: "base64url",
  hex: "hex",
};

/** Node's normalizeEncoding: undefined for an unknown name; null, undefined and "" mean utf8. */
export function normalizeEncoding(enc: unknown): Encoding | undefined {
  if (enc == null || enc === "utf8" || enc === "") return "utf8";
  return typeof enc === "string" ? ALIASES[enc.toLowerCase()] : undefined;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const UNB64 = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  UNB64[B64.charCodeAt(i)] = i;
  UNB64[B64URL.charCodeAt(i)] = i;
}
const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? "0" : "") + i.toString(16));

function fromCodes(codes: ArrayLike<number>): string {
  let out = "";
  for (let i = 0; i < codes.length; i += 8192)
    out += String.fromCharCode.apply(null, Array.prototype.slice.call(codes, i, i + 8192) as number[]);
  return out;
}

export function utf8Encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 3);
  let p = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
      continue;
    }
    if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        const d = s.charCodeAt(i + 1);
        if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + d - 0xdc00;
          i++;
          out[p++] = 0xf0 | (c >> 18);
          out[p++] = 0x80 | ((c >> 12) & 63);
          out[p++] = 0x80 | ((c >> 6) & 63);
          out[p++] = 0x80 | (c & 63);
          continue;
        }
        c = 0xfffd;
      }
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 63);
    }
    out[p++] = 0x80 | (c & 63);
  }
  return out.subarray(0, p);
}

export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n++;
    else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

function utf8Decode(b: Uint8Array, i: number, end: number): string {
  const units: number[] = [];
  let out = "";
  while (i < end) {
    const c = b[i++]!;
    if (c < 0x80) units.push(c);
    else {
      let need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
      let cp = c & (0x3f >> need);
      let lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
      let hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
      if (need === 0) cp = -1;
      for (; need > 0; need--) {
        const d = b[i]!;
        if (i >= end || d < lo || d > hi) {
          cp = -1;
          break;
        }
        lo = 0x80;
        hi = 0xbf;
        cp = (cp << 6) | (d & 63);
        i++;
      }
      if (cp < 0) units.push(0xfffd);
      else if (cp >= 0x10000) units.push(0xd7c0 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      else units.push(cp);
    }
    if (units.length > 8190) {
      out += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode.apply(null, units);
}

function base64Encode(b: Uint8Array, start: number, end: number, url: boolean): string {
  const abc = url ? B64URL : B64;
  let out = "";
  let i = start;
  for (; i + 2 < end; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out += abc[n >> 18]! + abc[(n >> 12) & 63]! + abc[(n >> 6) & 63]! + abc[n & 63]!;
  }
  if (i < end) {
    const n = (b[i]! << 16) | (i + 1 < end ? b[i + 1]! << 8 : 0);
    out += abc[n >> 18]! + abc[(n >> 12) & 63]!;
    out += i + 1 < end ? abc[(n >> 6) & 63]! : url ? "" : "=";
    if (!url) out += "=";
  }
  return out;
}

function base64Decode(s: string): Uint8Array {
  const out = new Uint8Array((s.length * 3) >> 2);
  let bits = 0;
  let acc = 0;
  let p = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 255;
    if (c === 61) break;
    const v = UNB64[c]!;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[p++] = acc >> bits;
      acc &= (1 << bits) - 1;
    }
  }
  return out.subarray(0, p);
}

export function base64Length(s: string): number {
  let n = s.length;
  if (s.charCodeAt(n - 1) === 61) n--;
  if (n > 1 && s.charCodeAt(n - 1) === 61) n--;
  return (n * 3) >>> 2;
}

function unhex(c: number): number {
  c &= 255;
  return c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;
}

function hexDecode(s: string): Uint8Array {
  const out = new Uint8Array(s.length >>> 1);
  for (let i = 0; i < out.length; i++) {
    const a = unhex(s.charCodeAt(2 * i));
    const b = unhex(s.charCodeAt(2 * i + 1));
    if (a < 0 || b < 0) return out.subarray(0, i);
    out[i] = a * 16 + b;
  }
  return out;
}

/** The bytes of `s` in encoding `enc`. */
export function encode(s: string, enc: Encoding): Uint8Array {
  switch (enc) {
    case "utf8":
      return utf8Encode(s);
    case "base64":
    case "base64url":
      return base64Decode(s);
    case "hex":
      return hexDecode(s);
    case "utf16le": {
      const out = new Uint8Array(s.length * 2);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        out[2 * i] = c;
        out[2 * i + 1] = c >> 8;
      }
      return out;
    }
    default: {
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
      return out;
    }
  }
}

/** The bytes b[start, end) as a string in encoding `enc`. */
export function decode(b: Uint8Array, enc: Encoding, start: number, end: number): string {
  switch (enc) {
    case "utf8":
      return utf8Decode(b, start, end);
    case "base64":
    case "base64url":
      return base64Encode(b, start, end, enc === "base64url");
    case "hex": {
      let out = "";
      for (let i = start; i < end; i++) out += HEX[b[i]!];
      return out;
    }
    case "utf16le": {
      const codes: number[] = [];
      for (let i = start; i + 1 < end; i += 2) codes.push(b[i]! | (b[i + 1]! << 8));
      return fromCodes(codes);
    }
    case "ascii":
      return fromCodes(b.subarray(start, end).map((c) => c & 127));
    default:
      return fromCodes(b.subarray(start, end));
  }
}

/** Byte length of `s` in encoding `enc`, computed as Node does (base64 from the length and padding only). */
export function byteLengthOf(s: string, enc: Encoding): number {
  switch (enc) {
    case "utf8":
      return utf8Length(s);
    case "utf16le":
      return s.length * 2;
    case "base64":
    case "base64url":
      return base64Length(s);
    case "hex":
      return s.length >>> 1;
    default:
      return s.length;
  }
}
