import { StringDecoder as NodeDecoder } from "node:string_decoder";
import { describe, expect, it } from "vitest";
import { create as createBuffer } from "./guest/buffer.js";
import { makeRequire } from "./guest/internal/testing.js";
import { create } from "./guest/string_decoder.js";

/** The decoder with the properties Node has but does not declare. */
type Decoder = NodeDecoder & {
  lastNeed: number;
  lastTotal: number;
  encoding: string;
  text(b: Uint8Array, o?: number): string;
};
type DecoderCtor = new (encoding?: string) => Decoder;
const { StringDecoder } = makeRequire({ string_decoder: create, buffer: createBuffer })("string_decoder") as {
  StringDecoder: DecoderCtor;
};
const NodeStringDecoder = NodeDecoder as unknown as DecoderCtor;

const ENCODINGS = [
  "utf8",
  "utf-8",
  "utf16le",
  "ucs2",
  "base64",
  "base64url",
  "hex",
  "latin1",
  "binary",
  "ascii",
];
const SAMPLES = ["hello", "héllo wörld", "日本語", "😀 emoji 🎉", "mixed ascii and ü and 中 and 𝄞"];
const BROKEN: number[][] = [
  [0xe2],
  [0xe2, 0x82],
  [0xe2, 0x41],
  [0xf0, 0x9f, 0x98],
  [0xf0, 0x80, 0x80, 0x41],
  [0xc3, 0xc3, 0xa9],
  [0x80, 0x80, 0x80, 0x80, 0x80],
  [0xff, 0xfe, 0xe2, 0x82, 0xac],
  [0xed, 0xa0, 0x80],
  [0x3d, 0xd8, 0x00, 0xde],
  [0x00, 0xd8],
];

/** Feeds `bytes` to both decoders in the given chunk sizes and compares every returned string. */
function compare(enc: string, bytes: number[], sizes: number[]) {
  const ours = new StringDecoder(enc);
  const theirs = new NodeStringDecoder(enc);
  let pos = 0;
  let k = 0;
  while (pos < bytes.length) {
    const n = sizes[k++ % sizes.length]!;
    const chunk = bytes.slice(pos, pos + n);
    pos += n;
    expect(ours.write(Buffer.from(chunk)), `${enc} write ${chunk}`).toBe(theirs.write(Buffer.from(chunk)));
    expect(ours.lastNeed).toBe(theirs.lastNeed);
    expect(ours.lastTotal).toBe(theirs.lastTotal);
  }
  expect(ours.end(), `${enc} end`).toBe(theirs.end());
}

describe("StringDecoder against Node", () => {
  for (const enc of ENCODINGS) {
    it(`${enc}: samples in every chunk size`, () => {
      for (const s of SAMPLES) {
        const bytes = Array.from(Buffer.from(s));
        for (const sizes of [[1], [2], [3], [4], [5], [1, 2], [2, 3, 1], [100]]) compare(enc, bytes, sizes);
      }
    });
    it(`${enc}: broken sequences`, () => {
      for (const bytes of BROKEN) for (const sizes of [[1], [2], [3], [100]]) compare(enc, bytes, sizes);
    });
  }

  it("random bytes in random chunks", () => {
    let seed = 3;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pool = [
      0x41, 0x80, 0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xd8, 0xdc, 0xff,
    ];
    for (let round = 0; round < 1500; round++) {
      const bytes = Array.from(
        { length: Math.floor(rand() * 12) },
        () => pool[Math.floor(rand() * pool.length)]!,
      );
      const sizes = Array.from({ length: 3 }, () => 1 + Math.floor(rand() * 4));
      for (const enc of ["utf8", "utf16le", "base64"]) compare(enc, bytes, sizes);
    }
  });

  it("end with a final chunk, strings, other views, errors", () => {
    const ours = new StringDecoder("utf8");
    const theirs = new NodeStringDecoder("utf8");
    expect(ours.write(Buffer.from([0xe2]))).toBe(theirs.write(Buffer.from([0xe2])));
    expect(ours.end(Buffer.from([0x82]))).toBe(theirs.end(Buffer.from([0x82])));
    expect(ours.write("str" as never)).toBe("str");
    expect(new StringDecoder("utf8").write(new Uint16Array([0x4241]))).toBe("AB");
    expect(new StringDecoder().encoding).toBe(new NodeStringDecoder().encoding);
    expect(new StringDecoder("UCS-2").encoding).toBe(new NodeStringDecoder("UCS-2").encoding);
    expect(() => new StringDecoder("nope" as never)).toThrow("Unknown encoding: nope");
    expect(() => new StringDecoder().write(5 as never)).toThrow(
      'The "buf" argument must be an instance of Buffer, TypedArray, or DataView. Received type number (5)',
    );
    const t = new StringDecoder("utf8");
    t.write(Buffer.from([0xe2]));
    expect(t.text(Buffer.from("xyz"), 1)).toBe(new NodeStringDecoder("utf8").text(Buffer.from("xyz"), 1));
  });
});
