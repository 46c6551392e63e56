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
