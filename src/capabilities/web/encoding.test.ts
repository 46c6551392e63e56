import { describe, expect, it } from "vitest";
import { create } from "./guest/encoding.js";

const guest = create(() => undefined);
const GuestEncoder = guest.TextEncoder as unknown as typeof TextEncoder;
const GuestDecoder = guest.TextDecoder as unknown as typeof TextDecoder;

/** A deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

/** Random bytes biased towards UTF-8 lead/continuation bytes and edge values, so invalid sequences abound. */
function randomBytes(next: () => number, n: number): Uint8Array {
  const interesting = [
    0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
  ];
  return Uint8Array.from({ length: n }, () => {
    const r = next();
    if (r < 0.3) return interesting[Math.floor(next() * interesting.length)]!;
    if (r < 0.6) return 0x80 + Math.floor(next() * 0x40);
    return Math.floor(next() * 256);
  });
}

function decodeOrError(
  D: typeof TextDecoder,
  label: string,
  opts: { fatal?: boolean; ignoreBOM?: boolean },
  chunks: Uint8Array[],
) {
  try {
    const d = new D(label, opts);
    let out = "";
    for (let i = 0; i < chunks.length; i++) out += d.decode(chunks[i], { stream: i < chunks.length - 1 });
    return out + d.decode();
  } catch (e) {
    return `${(e as Error).name}`;
  }
}

describe("TextDecoder matches Node's", () => {
  for (const label of ["utf-8", "utf-16le", "utf-16be"]) {
    for (const fatal of [false, true]) {
      it(`${label} fatal=${fatal} on random bytes, whole and in random chunks`, () => {
        const next = rng(label.length * 7 + (fatal ? 1 : 0));
        for (let round = 0; round < 300; round++) {
          const bytes = randomBytes(next, Math.floor(next() * 24));
          const chunks: Uint8Array[] = [];
          for (let at = 0; at < bytes.length; ) {
            const size = Math.floor(next() * 5);
            chunks.push(bytes.subarray(at, at + size));
            at += size;
          }
          const whole = decodeOrError(GuestDecoder, label, { fatal }, [bytes]);
          expect(whole).toBe(decodeOrError(TextDecoder, label, { fatal }, [bytes]));
          expect(decodeOrError(GuestDecoder, label, { fatal }, chunks)).toBe(
            decodeOrError(TextDecoder, label, { fatal }, chunks),
          );
        }
      });
    }
  }

  it("decodes every code point like Node", () => {
    let s = "";
    for (let c = 0; c < 0x11000; c += 7) if (c < 0xd800 || c > 0xdfff) s += String.fromCodePoint(c);
    s += "\u{10FFFF}\u{1F600}";
    const bytes = new TextEncoder().encode(s);
    expect(new GuestDecoder().decode(bytes)).toBe(s);
    const utf16 = new Uint8Array(new Uint16Array(Array.from(s, (_, i) => s.charCodeAt(i))).buffer);
    expect(new GuestDecoder("utf-16le").decode(utf16)).toBe(new TextDecoder("utf-16le").decode(utf16));
  });

  it("handles the BOM like Node", () => {
    const cases: [string, number[]][] = [
      ["utf-8", [0xef, 0xbb, 0xbf, 0x41, 0xef, 0xbb, 0xbf]],
      ["utf-16le", [0xff, 0xfe, 0x41, 0x00, 0xff, 0xfe]],
      ["utf-16be", [0xfe, 0xff, 0x00, 0x41]],
    ];
    for (const [label, b] of cases) {
      for (const ignoreBOM of [false, true]) {
        const bytes = Uint8Array.from(b);
        expect(new GuestDecoder(label, { ignoreBOM }).decode(bytes)).toBe(
          new TextDecoder(label, { ignoreBOM }).decode(bytes),
        );
      }
    }
    // A BOM split across streamed chunks is still removed, but only at the start of the stream.
    const d = new GuestDecoder();
    expect(d.decode(Uint8Array.of(0xef), { stream: true })).toBe("");
    expect(d.decode(Uint8Array.of(0xbb, 0xbf, 0x41), { stream: true })).toBe("A");
    expect(d.decode(Uint8Array.of(0xef, 0xbb, 0xbf))).toBe("\uFEFF");
    expect(d.decode(Uint8Array.of(0xef, 0xbb, 0xbf, 0x42))).toBe("B");
  });

  it("accepts ArrayBuffer, DataView, typed arrays with offsets, and no input", () => {
    const bytes = new TextEncoder().encode("xhéllo€y");
    const view = bytes.subarray(1, bytes.length - 1);
    const d = new GuestDecoder();
    expect(d.decode(view)).toBe("héllo€");
    expect(d.decode(new DataView(bytes.buffer, 1, bytes.length - 2))).toBe("héllo€");
    expect(d.decode(bytes.slice(1, -1).buffer)).toBe("héllo€");
    expect(d.decode()).toBe("");
    expect(() => d.decode("str" as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("resolves labels like Node and rejects unknown ones", () => {
    for (const label of [
      "UTF8",
      " utf-8\n",
      "unicode-1-1-utf-8",
      "utf-16",
      "UCS-2",
      "utf-16be",
      "latin1",
      "ascii",
    ]) {
      expect(new GuestDecoder(label).encoding).toBe(new TextDecoder(label).encoding);
    }
    expect(() => new GuestDecoder("klingon")).toThrow(RangeError);
    expect(() => new GuestDecoder("constructor")).toThrow(RangeError);
    const d = new GuestDecoder("utf-8", { fatal: true, ignoreBOM: true });
    expect([d.encoding, d.fatal, d.ignoreBOM]).toEqual(["utf-8", true, true]);
  });

  it("decodes windows-1252 per the Encoding Standard", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = new GuestDecoder("latin1").decode(bytes);
    expect(text.length).toBe(256);
    expect(text.slice(0, 0x80)).toBe(String.fromCharCode(...bytes.subarray(0, 0x80)));
    expect(text.slice(0xa0)).toBe(String.fromCharCode(...bytes.subarray(0xa0)));
    expect(text[0x80]).toBe("€");
    expect(text[0x81]).toBe("\x81");
    expect(text[0x8a]).toBe("Š");
    expect(text[0x99]).toBe("™");
    expect(text[0x9f]).toBe("Ÿ");
    // Node's ICU decoder agrees outside of 0x80-0x9F.
    const node = new TextDecoder("latin1").decode(bytes);
    expect(text.slice(0xa0)).toBe(node.slice(0xa0));
  });

  it("throws a TypeError in fatal mode and recovers afterwards", () => {
    const d = new GuestDecoder("utf-8", { fatal: true });
    expect(() => d.decode(Uint8Array.of(0x41, 0xff))).toThrow(TypeError);
    expect(d.decode(Uint8Array.of(0x42))).toBe("B");
    expect(() => d.decode(Uint8Array.of(0xe2, 0x82))).toThrow(TypeError);
    expect(d.decode(Uint8Array.of(0xe2, 0x82), { stream: true })).toBe("");
    expect(d.decode(Uint8Array.of(0xac))).toBe("€");
  });
});

describe("TextEncoder matches Node's", () => {
  const samples = [
    "",
    "abc",
    "héllo",
    "€",
    "\u{1F600}x",
    "a\ud800b",
    "\udc00",
    "\ud83d",
    "\ud83d\ude00\ud83d",
    "\0\x7f\x80\u07ff\u0800\uffff",
  ];
  it.each(samples)("encode(%j)", (s) => {
    expect(new GuestEncoder().encode(s)).toEqual(new TextEncoder().encode(s));
  });
  it("encodes undefined as empty and converts other values to strings", () => {
    expect(new GuestEncoder().encode()).toEqual(new Uint8Array(0));
    expect(new GuestEncoder().encode(123 as unknown as string)).toEqual(new TextEncoder().encode("123"));
    expect(new GuestEncoder().encoding).toBe("utf-8");
  });
  it("encodeInto stops before a character that does not fit, like Node", () => {
    for (const s of samples) {
      for (let size = 0; size <= 12; size++) {
        const a = new Uint8Array(size).fill(0xaa);
        const b = new Uint8Array(size).fill(0xaa);
        expect(new GuestEncoder().encodeInto(s, a)).toEqual(new TextEncoder().encodeInto(s, b));
        expect(a).toEqual(b);
      }
    }
    expect(() => new GuestEncoder().encodeInto("x", [] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe("atob and btoa match Node's", () => {
  const { atob: gAtob, btoa: gBtoa } = guest as unknown as { atob: typeof atob; btoa: typeof btoa };
  const outcome = (f: (s: string) => string, s: string) => {
    try {
      return f(s);
    } catch (e) {
      return `${(e as Error).name} ${(e as { code?: number }).code}`;
    }
  };
  const inputs = [
    "",
    "QQ==",
    "QQ=",
    "QQ",
    "Q",
    "QUI=",
    "QUJD",
    " Q U\tJ\nD\f\r",
    "QQ==QQ==",
    "Q===",
    "QQ=a",
    "QU!D",
    "QUJD\u00a0",
    "/+/+",
    "-_-_",
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "undefined",
    "YQ",
    "YWI",
    "Zm9vYmFy",
  ];
  it.each(inputs)("atob(%j)", (s) => {
    expect(outcome(gAtob, s)).toBe(outcome(atob, s));
  });
  it.each(["", "a", "ab", "abc", "abcd", "\0\xff\x80", "é", "€", "\u{1F600}"])("btoa(%j)", (s) => {
    expect(outcome(gBtoa, s)).toBe(outcome(btoa, s));
  });
  it("round-trips every byte value", () => {
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    expect(gBtoa(all)).toBe(btoa(all));
    expect(gAtob(gBtoa(all))).toBe(all);
  });
  it("throws an InvalidCharacterError DOMException", () => {
    expect(() => gAtob("*")).toThrow(expect.objectContaining({ name: "InvalidCharacterError", code: 5 }));
    expect(() => gBtoa("€")).toThrow(DOMException);
    expect(() => (gAtob as () => string)()).toThrow(TypeError);
  });
});
