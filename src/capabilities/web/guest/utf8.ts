// UTF-8 as the WHATWG Encoding Standard defines it (shared by the encoding, url and fetch bundles).

/**
 * Encodes `s` into `dest` (lone surrogates become U+FFFD), stopping before a character that does not fit.
 * Returns [UTF-16 code units read, bytes written].
 */
export function utf8Write(s: string, dest: Uint8Array): [number, number] {
  const n = s.length;
  const room = dest.length;
  let i = 0;
  let j = 0;
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    let units = 1;
    if (c < 0x80) {
      if (j >= room) break;
      dest[j++] = c;
      continue;
    }
    if (c >= 0xd800 && c < 0xe000) {
      const d = s.charCodeAt(i + 1);
      if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        units = 2;
      } else c = 0xfffd;
    }
    const size = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (j + size > room) break;
    if (size === 2) dest[j++] = 0xc0 | (c >> 6);
    else {
      if (size === 3) dest[j++] = 0xe0 | (c >> 12);
      else {
        dest[j++] = 0xf0 | (c >> 18);
        dest[j++] = 0x80 | ((c >> 12) & 63);
      }
      dest[j++] = 0x80 | ((c >> 6) & 63);
    }
    dest[j++] = 0x80 | (c & 63);
    i += units - 1;
  }
  return [i, j];
}

/** UTF-8 encode (lone surrogates become U+FFFD). */
export function utf8Encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 3);
  return out.slice(0, utf8Write(s, out)[1]);
}

/** Joins UTF-16 code units into a string, in chunks small enough for `apply`. */
export function fromUnits(units: number[]): string {
  let s = "";
  for (let i = 0; i < units.length; i += 8192) s += String.fromCharCode.apply(null, units.slice(i, i + 8192));
  return s;
}

/** Decodes a chunk; with `stream`, an incomplete trailing sequence is kept for the next call. */
export type ChunkDecoder = (bytes: Uint8Array, stream?: boolean) => string;

/** A stateful UTF-8 decoder; `onError` returns the replacement or throws (fatal mode). */
export function utf8Decoder(onError: () => number = () => 0xfffd): ChunkDecoder {
  let cp = 0;
  let need = 0;
  let seen = 0;
  let lo = 0x80;
  let hi = 0xbf;
  return (b, stream) => {
    const out: number[] = [];
    const reset = () => {
      cp = need = seen = 0;
      lo = 0x80;
      hi = 0xbf;
    };
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      if (need === 0) {
        if (x < 0x80) out.push(x);
        else if (x >= 0xc2 && x <= 0xdf) {
          need = 1;
          cp = x & 0x1f;
        } else if (x >= 0xe0 && x <= 0xef) {
          if (x === 0xe0) lo = 0xa0;
          if (x === 0xed) hi = 0x9f;
          need = 2;
          cp = x & 0xf;
        } else if (x >= 0xf0 && x <= 0xf4) {
          if (x === 0xf0) lo = 0x90;
          if (x === 0xf4) hi = 0x8f;
          need = 3;
          cp = x & 7;
        } else out.push(onError());
        continue;
      }
      if (x < lo || x > hi) {
        reset();
        out.push(onError());
        i--;
        continue;
      }
      lo = 0x80;
      hi = 0xbf;
      cp = (cp << 6) | (x & 0x3f);
      if (++seen === need) {
        if (cp > 0xffff) out.push(0xd7c0 + (cp >> 10), 0xdc00 | (cp & 0x3ff));
        else out.push(cp);
        reset();
      }
    }
    if (need && !stream) {
      reset();
      out.push(onError());
    }
    return fromUnits(out);
  };
}

/** UTF-8 decode without BOM handling, replacing errors (what the URL Standard calls "UTF-8 decode without BOM"). */
export const utf8Decode = (b: Uint8Array): string => utf8Decoder()(b);

/** "UTF-8 decode": like utf8Decode but a leading BOM is dropped (Body.text(), Blob.text()). */
export const utf8DecodeBOM = (b: Uint8Array): string =>
  utf8Decode(b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b);
