// Guest bundle "encoding": TextEncoder, TextDecoder (UTF-8, UTF-16LE/BE, windows-1252), atob and btoa.
import { bytesOf, domError, need, named, type Op } from "./types.js";
import { type ChunkDecoder, fromUnits, utf8Decoder, utf8Encode, utf8Write } from "./utf8.js";

/** The Encoding Standard's labels for the encodings supported here. */
const LABELS: [string, RegExp][] = [
  ["utf-8", /^(utf-?8|unicode-1-1-utf-8|unicode11utf8|(x-)?unicode20utf8)$/],
  ["utf-16le", /^(csunicode|iso-10646-ucs-2|ucs-2|unicode(feff)?|utf-16(le)?)$/],
  ["utf-16be", /^(unicodefffe|utf-16be)$/],
  [
    "windows-1252",
    /^(ansi_x3\.4-1968|(us-)?ascii|(x-)?cp1252|cp819|csisolatin1|ibm819|iso(-8859-1|-ir-100|8859-1|88591|_8859-1(:1987)?)|l1|latin1|windows-1252)$/,
  ],
];

/** windows-1252 bytes 0x80..0x9F (the rest map to the same code point). */
const W1252 =
  "\u20AC\x81\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\x8D\u017D\x8F\x90\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\x9D\u017E\u0178";

function utf16Decoder(onError: () => number, bigEndian: boolean): ChunkDecoder {
  let lead = -1;
  let surrogate = 0;
  return (b, stream) => {
    const out: number[] = [];
    for (const x of b) {
      if (lead < 0) {
        lead = x;
        continue;
      }
      const u = bigEndian ? (lead << 8) | x : (x << 8) | lead;
      lead = -1;
      if (surrogate) {
        const hi = surrogate;
        surrogate = 0;
        if (u >= 0xdc00 && u <= 0xdfff) {
          out.push(hi, u);
          continue;
        }
        out.push(onError());
      }
      if (u >= 0xd800 && u <= 0xdbff) surrogate = u;
      else out.push(u >= 0xdc00 && u <= 0xdfff ? onError() : u);
    }
    if (!stream && (lead >= 0 || surrogate)) {
      lead = -1;
      surrogate = 0;
      out.push(onError());
    }
    return fromUnits(out);
  };
}

const latin1Decoder: ChunkDecoder = (b) => {
  const out: number[] = [];
  for (const x of b) out.push(x >= 0x80 && x < 0xa0 ? W1252.charCodeAt(x - 0x80) : x);
  return fromUnits(out);
};

interface DecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}

class TextDecoder {
  readonly #encoding: string;
  readonly #fatal: boolean;
  readonly #ignoreBOM: boolean;
  #decoder: ChunkDecoder | null = null;
  #bomSeen = false;
  #streaming = false;

  constructor(label: unknown = "utf-8", options: DecoderOptions = {}) {
    const name = `${label}`.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "").toLowerCase();
    const encoding = LABELS.find(([, re]) => re.test(name))?.[0];
    if (!encoding) throw new RangeError(`The "${label}" encoding is not supported`);
    this.#encoding = encoding;
    this.#fatal = !!options?.fatal;
    this.#ignoreBOM = !!options?.ignoreBOM;
  }
  get encoding(): string {
    return this.#encoding;
  }
  get fatal(): boolean {
    return this.#fatal;
  }
  get ignoreBOM(): boolean {
    return this.#ignoreBOM;
  }

  decode(input?: unknown, options?: { stream?: boolean }): string {
    const bytes = input === undefined ? new Uint8Array(0) : bytesOf(input);
    if (!bytes) {
      throw new TypeError("The input must be an ArrayBuffer or ArrayBufferView");
    }
    const encoding = this.#encoding;
    if (!this.#streaming || !this.#decoder) {
      const onError = (): number => {
        if (!this.#fatal) return 0xfffd;
        this.#decoder = null;
        throw new TypeError(`The encoded data was not valid for encoding ${encoding}`);
      };
      this.#decoder =
        encoding === "utf-8"
          ? utf8Decoder(onError)
          : encoding === "windows-1252"
            ? latin1Decoder
            : utf16Decoder(onError, encoding === "utf-16be");
      this.#bomSeen = false;
    }
    this.#streaming = !!options?.stream;
    let text = this.#decoder(bytes, this.#streaming);
    if (!this.#ignoreBOM && !this.#bomSeen && text && encoding !== "windows-1252") {
      this.#bomSeen = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }
}

class TextEncoder {
  get encoding(): string {
    return "utf-8";
  }
  encode(input: unknown = ""): Uint8Array {
    return utf8Encode(`${input}`);
  }
  encodeInto(source: unknown, destination: Uint8Array): { read: number; written: number } {
    if (!(destination instanceof Uint8Array)) {
      throw new TypeError("The destination must be a Uint8Array");
    }
    const [read, written] = utf8Write(`${source}`, destination);
    return { read, written };
  }
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function btoa(data: unknown): string {
  // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
  need(arguments.length, 1, "btoa");
  const s = `${data}`;
  if (/[^\0-\xff]/.test(s)) throw domError("Invalid character", "InvalidCharacterError");
  let out = "";
  for (let i = 0; i < s.length; i += 3) {
    const n = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2);
    for (let j = 0; j < 4; j++) out += j <= s.length - i ? B64[(n >> (18 - 6 * j)) & 63] : "=";
  }
  return out;
}

function atob(data: unknown): string {
  // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
  need(arguments.length, 1, "atob");
  let s = `${data}`.replace(/[\t\n\f\r ]/g, "");
  if (s.length % 4 === 0) s = s.replace(/==?$/, "");
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
    throw domError("The string to be decoded is not correctly encoded.", "InvalidCharacterError");
  }
  const out: number[] = [];
  for (let i = 0, n = 0; i < s.length; i++) {
    n = (n << 6) | B64.indexOf(s[i]!);
    if (i % 4) out.push((n >> (6 - 2 * (i % 4))) & 255);
  }
  return fromUnits(out);
}

export function create(_op: Op) {
  return named({ TextEncoder, TextDecoder, atob, btoa });
}
