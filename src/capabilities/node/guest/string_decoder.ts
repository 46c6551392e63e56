// Built-in module "string_decoder": a port of Node's StringDecoder (src/string_decoder.cc), so each write()
// returns exactly what Node returns for the same chunks, including where incomplete characters are held back.
import type { Op } from "../../../guest/types.js";
import { normalizeEncoding } from "./internal/codec.js";
import { invalidArgType, nodeError } from "./internal/errors.js";

interface BufferCtor {
  from(ab: ArrayBufferLike, offset: number, length: number): { toString(enc: string): string };
}
interface State {
  encoding: string;
  chars: Uint8Array;
  missing: number;
  buffered: number;
}
type Decoder = State & Record<symbol, State> & { write(buf: unknown): string };

const kState = Symbol("kState");

export function create(_op: Op, load: (id: string) => unknown): unknown {
  const { Buffer } = load("buffer") as { Buffer: BufferCtor };
  const makeString = (bytes: Uint8Array, start: number, end: number, enc: string) =>
    Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString(enc);

  function decode(s: State, data: Uint8Array): string {
    const enc = s.encoding;
    if (enc !== "utf8" && enc !== "utf16le" && enc !== "base64" && enc !== "base64url")
      return makeString(data, 0, data.length, enc);
    let pos = 0;
    let nread = data.length;
    let prepend = "";
    if (s.missing > 0) {
      if (enc === "utf8") {
        // A byte that should continue the held-back character but does not starts a new one.
        for (let i = 0; i < nread && i < s.missing; i++) {
          if ((data[i]! & 0xc0) !== 0x80) {
            s.missing = 0;
            s.chars.set(data.subarray(0, i), s.buffered);
            s.buffered += i;
            pos += i;
            nread -= i;
            break;
          }
        }
      }
      const found = Math.min(nread, s.missing);
      s.chars.set(data.subarray(pos, pos + found), s.buffered);
      pos += found;
      nread -= found;
      s.missing -= found;
      s.buffered += found;
      if (s.missing === 0) {
        prepend = makeString(s.chars, 0, s.buffered, enc);
        s.buffered = 0;
      }
    }
    if (nread === 0) return prepend;
    const end = pos + nread;
    if (enc === "utf8" && data[end - 1]! & 0x80) {
      for (let i = end - 1; ; i--) {
        s.buffered++;
        const c = data[i]!;
        if ((c & 0xc0) === 0x80) {
          if (s.buffered >= 4 || i === pos) {
            s.buffered = 0;
            break;
          }
        } else {
          if ((c & 0xe0) === 0xc0) s.missing = 2;
          else if ((c & 0xf0) === 0xe0) s.missing = 3;
          else if ((c & 0xf8) === 0xf0) s.missing = 4;
          else {
            s.buffered = 0;
            break;
          }
          if (s.buffered >= s.missing) s.missing = s.buffered = 0;
          s.missing -= s.buffered;
          break;
        }
      }
    } else if (enc === "utf16le") {
      if (nread % 2 === 1) s.buffered = s.missing = 1;
      else if ((data[end - 1]! & 0xfc) === 0xd8) s.buffered = s.missing = 2;
    } else if (enc !== "utf8") {
      s.buffered = nread % 3;
      if (s.buffered > 0) s.missing = 3 - s.buffered;
    }
    const bodyEnd = end - s.buffered;
    if (s.buffered > 0) s.chars.set(data.subarray(bodyEnd, end));
    return prepend + (bodyEnd > pos ? makeString(data, pos, bodyEnd, enc) : "");
  }

  function flush(s: State): string {
    if (s.encoding === "utf16le" && s.buffered % 2 === 1) {
      s.missing--;
      s.buffered--;
    }
    if (s.buffered === 0) return "";
    const out = makeString(s.chars, 0, s.buffered, s.encoding);
    s.missing = s.buffered = 0;
    return out;
  }

  function StringDecoder(this: Decoder, encoding?: string) {
    const enc = normalizeEncoding(encoding);
    if (enc === undefined)
      throw nodeError(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${String(encoding)}`);
    this.encoding = enc;
    this[kState] = { encoding: enc, chars: new Uint8Array(4), missing: 0, buffered: 0 };
  }
  const state = (self: Decoder): State => {
    const s = self[kState];
    if (!s) throw nodeError(TypeError, "ERR_INVALID_THIS", 'Value of "this" must be of type StringDecoder');
    return s;
  };
  const proto = {
    write(this: Decoder, buf: unknown): string {
      if (typeof buf === "string") return buf;
      if (!ArrayBuffer.isView(buf))
        throw invalidArgType("buf", "an instance of Buffer, TypedArray, or DataView", buf);
      return decode(state(this), new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    },
    end(this: Decoder, buf?: unknown): string {
      let ret = buf === undefined ? "" : this.write(buf);
      if (state(this).buffered > 0) ret += flush(state(this));
      return ret;
    },
    text(this: Decoder, buf: Uint8Array, offset?: number): string {
      state(this).missing = state(this).buffered = 0;
      return this.write(buf.slice(offset));
    },
  };
  Object.assign(StringDecoder.prototype, proto);
  const getters: Record<string, (s: State) => unknown> = {
    lastChar: (s) => s.chars,
    lastNeed: (s) => s.missing,
    lastTotal: (s) => s.buffered + s.missing,
  };
  for (const [name, get] of Object.entries(getters))
    Object.defineProperty(StringDecoder.prototype, name, {
      configurable: true,
      enumerable: true,
      get(this: Decoder) {
        return get(state(this));
      },
    });
  return { StringDecoder };
}
