// Host parsing from the URL Standard: IPv4 (all number forms), IPv6, opaque hosts and domains (with punycode).
import { percentDecode, percentEncode } from "./url-percent.js";
import { utf8Decode } from "./utf8.js";

const FORBIDDEN_HOST = /[\0\t\n\r #/:<>?@[\\\]^|]/;
const FORBIDDEN_DOMAIN = /[\0-\x20#%/:<>?@[\\\]^|\x7f]/;

// ---- punycode (RFC 3492) ----
function adapt(delta: number, points: number, first: boolean): number {
  delta = first ? Math.floor(delta / 700) : delta >> 1;
  delta += Math.floor(delta / points);
  let k = 0;
  for (; delta > 455; k += 36) delta = Math.floor(delta / 35);
  return Math.floor(k + (36 * delta) / (delta + 38));
}
const threshold = (k: number, bias: number): number => (k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias);
const digit = (d: number): string => String.fromCharCode(d < 26 ? d + 97 : d + 22);

function punyEncode(input: string): string {
  const cps = Array.from(input, (c) => c.codePointAt(0)!);
  let out = "";
  for (const c of cps) if (c < 128) out += String.fromCharCode(c);
  const basic = out.length;
  let h = basic;
  if (basic) out += "-";
  let n = 128;
  let delta = 0;
  let bias = 72;
  while (h < cps.length) {
    let m = Infinity;
    for (const c of cps) if (c >= n && c < m) m = c;
    delta += (m - n) * (h + 1);
    n = m;
    for (const c of cps) {
      if (c < n) delta++;
      if (c !== n) continue;
      let q = delta;
      for (let k = 36; ; k += 36) {
        const t = threshold(k, bias);
        if (q < t) break;
        out += digit(t + ((q - t) % (36 - t)));
        q = Math.floor((q - t) / (36 - t));
      }
      out += digit(q);
      bias = adapt(delta, h + 1, h === basic);
      delta = 0;
      h++;
    }
    delta++;
    n++;
  }
  return out;
}

function punyDecode(input: string): string | null {
  const b = Math.max(input.lastIndexOf("-"), 0);
  const out = Array.from(input.slice(0, b), (c) => c.charCodeAt(0));
  if (out.some((c) => c > 127)) return null;
  let n = 128;
  let bias = 72;
  let i = 0;
  for (let at = b ? b + 1 : 0; at < input.length; ) {
    const old = i;
    for (let w = 1, k = 36; ; k += 36) {
      const c = input.charCodeAt(at++);
      const d = c >= 48 && c < 58 ? c - 22 : c >= 65 && c < 91 ? c - 65 : c >= 97 && c < 123 ? c - 97 : -1;
      if (d < 0 || i + d * w > 0x7fffffff) return null;
      i += d * w;
      const t = threshold(k, bias);
      if (d < t) break;
      w *= 36 - t;
    }
    const len = out.length + 1;
    bias = adapt(i - old, len, old === 0);
    n += Math.floor(i / len);
    i %= len;
    if (n > 0x10ffff) return null;
    out.splice(i++, 0, n);
  }
  return String.fromCodePoint(...out);
}

// ---- domain to ASCII ----
// UTS #46 without its mapping tables: ASCII domains are exact (lowercased; xn-- labels are checked). Other
// domains are mapped with NFKC + lowercase + a few UTS #46 specifics, and labels with unassigned, control,
// format or private-use code points or a leading mark are rejected. Known gaps: the CheckBidi and
// CheckJoiners rules are not applied, code points UTS #46 disallows but Unicode assigns (symbols such as
// U+2FF0..) are accepted, mappings that differ from NFKC + lowercase (e.g. Cherokee) are not made, and the
// Unicode version is the engine's.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: a set of code points, not of characters
const IGNORED = /[\xad\u034f\u180b-\u180f\u200b\u2060\u2064\ufe00-\ufe0f\ufeff\u{e0100}-\u{e01ef}]/gu;
// Unassigned, control, format, private-use and surrogate code points, U+FFFC, U+FFFD, a leading mark.
const DISALLOWED = /[\p{Cn}\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}\ufffc\ufffd]|^\p{M}/u;
const ASCII = /^[\0-\x7f]*$/;

function domainToASCII(domain: string): string | null {
  if (ASCII.test(domain) && !/(^|\.)xn--/i.test(domain)) return domain.toLowerCase();
  const stops = /[.\u3002\uff0e\uff61]/g;
  const mapped = domain
    .replace(IGNORED, "")
    .replace(/[\u0345\u03f2]/g, (c) => (c === "\u0345" ? "\u03b9" : "\u03c3"))
    .normalize("NFKC")
    .replace(/\u03a3/g, "\u03c3") // UTS #46 maps Σ to σ; toLowerCase would pick ς at the end of a word
    .toLowerCase()
    .normalize("NFC")
    .replace(stops, ".");
  // A mapping must not make new dots (U+2025 "‥" becomes "..").
  if (mapped.split(".").length !== domain.split(stops).length) return null;
  const labels = mapped.split(".");
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (DISALLOWED.test(label)) return null;
    if (label.startsWith("xn--")) {
      const decoded = punyDecode(label.slice(4));
      if (
        decoded === null ||
        ASCII.test(decoded) ||
        DISALLOWED.test(decoded) ||
        decoded !== decoded.normalize("NFC") ||
        punyEncode(decoded) !== label.slice(4)
      ) {
        return null;
      }
    } else if (!ASCII.test(label)) labels[i] = "xn--" + punyEncode(label);
  }
  return labels.join(".");
}

// ---- IPv4 ----
function ipv4Number(s: string): number | null {
  if (s === "") return null;
  let radix = 10;
  if (/^0x/i.test(s)) {
    radix = 16;
    s = s.slice(2);
  } else if (s.length > 1 && s[0] === "0") {
    radix = 8;
    s = s.slice(1);
  }
  if (s === "") return 0;
  const valid = radix === 16 ? /^[\da-f]+$/i : radix === 10 ? /^\d+$/ : /^[0-7]+$/;
  return valid.test(s) ? parseInt(s, radix) : null;
}

function endsInNumber(s: string): boolean {
  const parts = s.split(".");
  if (parts[parts.length - 1] === "") {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1]!;
  return /^\d+$/.test(last) || ipv4Number(last) !== null;
}

function parseIPv4(s: string): string | null {
  const parts = s.split(".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
  if (parts.length > 4) return null;
  const nums: number[] = [];
  for (const part of parts) {
    const n = ipv4Number(part);
    if (n === null) return null;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return null;
  let ip = last;
  nums.forEach((n, i) => {
    ip += n * 256 ** (3 - i);
  });
  return [ip >>> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255].join(".");
}

// ---- IPv6 ----
function parseIPv6(s: string): number[] | null {
  const a = [0, 0, 0, 0, 0, 0, 0, 0];
  let piece = 0;
  let compress: number | null = null;
  let p = 0;
  const isHex = (ch: string | undefined) => ch !== undefined && /^[\da-f]$/i.test(ch);
  const isDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";
  if (s[0] === ":") {
    if (s[1] !== ":") return null;
    p = 2;
    compress = ++piece;
  }
  while (p < s.length) {
    if (piece === 8) return null;
    if (s[p] === ":") {
      if (compress !== null) return null;
      p++;
      compress = ++piece;
      continue;
    }
    let value = 0;
    let length = 0;
    while (length < 4 && isHex(s[p])) {
      value = value * 16 + parseInt(s[p++]!, 16);
      length++;
    }
    if (s[p] === ".") {
      if (length === 0 || piece > 6) return null;
      p -= length;
      let seen = 0;
      while (p < s.length) {
        let v4: number | null = null;
        if (seen > 0) {
          if (s[p] === "." && seen < 4) p++;
          else return null;
        }
        if (!isDigit(s[p])) return null;
        while (isDigit(s[p])) {
          const n = +s[p++]!;
          if (v4 === 0) return null;
          v4 = v4 === null ? n : v4 * 10 + n;
          if (v4 > 255) return null;
        }
        a[piece] = a[piece]! * 256 + v4!;
        if (++seen === 2 || seen === 4) piece++;
      }
      if (seen !== 4) return null;
      break;
    } else if (s[p] === ":") {
      if (++p >= s.length) return null;
    } else if (p < s.length) return null;
    a[piece++] = value;
  }
  if (compress !== null) {
    let swaps = piece - compress;
    for (piece = 7; piece !== 0 && swaps > 0; piece--, swaps--) {
      const j = compress + swaps - 1;
      [a[piece], a[j]] = [a[j]!, a[piece]!];
    }
  } else if (piece !== 8) return null;
  return a;
}

function serializeIPv6(a: number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && a[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j + 1;
  }
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += i === 0 ? "::" : ":";
      i += bestLen - 1;
      continue;
    }
    out += a[i]!.toString(16) + (i < 7 ? ":" : "");
  }
  return out;
}

/** The host parser: returns the serialized host, or null on failure. */
export function parseHost(input: string, opaque: boolean): string | null {
  if (input[0] === "[") {
    if (!input.endsWith("]")) return null;
    const a = parseIPv6(input.slice(1, -1));
    return a && `[${serializeIPv6(a)}]`;
  }
  if (opaque) return FORBIDDEN_HOST.test(input) ? null : percentEncode(input, "");
  const ascii = domainToASCII(utf8Decode(percentDecode(input)));
  if (!ascii || FORBIDDEN_DOMAIN.test(ascii)) return null;
  return endsInNumber(ascii) ? parseIPv4(ascii) : ascii;
}
