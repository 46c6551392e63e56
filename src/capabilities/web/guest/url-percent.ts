// Percent-encoding sets and percent-decoding from the URL Standard.
import { utf8Encode } from "./utf8.js";

// Each set lists its ASCII members; C0 controls and code points above U+007E are always encoded.
export const FRAGMENT_SET = ' "<>`';
export const QUERY_SET = ' "#<>';
export const SPECIAL_QUERY_SET = QUERY_SET + "'";
export const PATH_SET = QUERY_SET + "?`{}";
export const USERINFO_SET = PATH_SET + "/:;=@[\\]^|";
export const FORM_SET = USERINFO_SET + "$%&+,!'()~";

const hex = (c: number): string => "%" + (c < 16 ? "0" : "") + c.toString(16).toUpperCase();

/** UTF-8 percent-encodes every code point of `s` in `set` (and, with `plus`, spaces as "+"). */
export function percentEncode(s: string, set: string, plus = false): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 32 && plus) out += "+";
    else if (c > 0x7e) {
      try {
        out += encodeURIComponent(ch);
      } catch {
        out += "%EF%BF%BD";
      }
    } else out += c < 32 || set.includes(ch) ? hex(c) : ch;
  }
  return out;
}

const hexValue = (c: number | undefined): number =>
  c === undefined ? -1 : c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;

/** Percent-decodes the UTF-8 encoding of `s` into bytes. */
export function percentDecode(s: string): Uint8Array {
  const b = utf8Encode(s);
  const out = new Uint8Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const hi = hexValue(b[i + 1]);
    const lo = hexValue(b[i + 2]);
    if (b[i] === 37 && hi >= 0 && lo >= 0) {
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else out[n++] = b[i]!;
  }
  return out.subarray(0, n);
}
