import { describe, expect, it } from "vitest";
import { decode, encode } from "./codec.js";

describe("codec: strings carried outside the JSON text (crossing threads)", () => {
  const control = "\x01".repeat(12_000_000);

  it("does not escape a 12 MB string of control characters into the JSON text", () => {
    const encoded = encode([control], { strings: true });
    expect(encoded.json.length).toBeLessThan(100);
    expect((decode(encoded) as string[])[0] === control).toBe(true);
  });

  it("carries long keys, error messages and stacks the same way, and round-trips them", () => {
    const key = "\x02".repeat(1000);
    const error = new TypeError("\x03".repeat(1000));
    error.stack = `TypeError: ${"\x04".repeat(1000)}`;
    const value = {
      [key]: "short",
      nested: [control.slice(0, 500), new Map([["\x05".repeat(300), 1]])],
      error,
    };
    const encoded = encode(value, { strings: true });
    expect(encoded.json.length).toBeLessThan(1000);
    const back = decode(encoded) as typeof value;
    expect(back[key]).toBe("short");
    expect(back.nested).toEqual(value.nested);
    expect(back.error).toBeInstanceOf(TypeError);
    expect(back.error.message).toBe(error.message);
    expect(back.error.stack).toBe(error.stack);
  });

  it("counts those strings toward maxBytes", () => {
    expect(() => encode(["x".repeat(2000)], { strings: true, maxBytes: 1000 })).toThrow(/exceeds 1000 bytes/);
  });

  it("keeps everything in the JSON text without the option (the guest's transport)", () => {
    const encoded = encode(["\x01".repeat(100)]);
    expect(encoded.strings).toBeUndefined();
    expect(encoded.json.length).toBeGreaterThan(600);
  });
});

describe("codec: sparse arrays", () => {
  it("copies a sparse array's elements and length, not its holes", () => {
    const sparse: unknown[] = [];
    sparse[5] = "five";
    sparse[2 ** 32 - 2] = { last: true };
    const encoded = encode(sparse);
    expect(encoded.json.length).toBeLessThan(100);
    const back = decode(encoded) as unknown[];
    expect(back.length).toBe(2 ** 32 - 1);
    expect(Object.keys(back)).toEqual(["5", "4294967294"]);
    expect(back[2 ** 32 - 2]).toEqual({ last: true });
    const dense = Array.from({ length: 2000 }, (_, i) => i);
    delete dense[7];
    const again = decode(encode(dense)) as number[];
    expect(again.length).toBe(2000);
    expect(7 in again).toBe(false);
    expect(again[1999]).toBe(1999);
  });

  it("refuses an index outside the array's length", () => {
    for (const index of [5, -1, 1.5, "0"]) {
      expect(() => decode({ json: JSON.stringify(["A", 0, 5, [], [index, 1]]), buffers: [] })).toThrow(
        /bad array index/,
      );
    }
  });
});
