import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";

type Crypto = typeof globalThis.crypto;
import { create } from "./guest/crypto.js";

function setup() {
  const calls: unknown[][] = [];
  const op = vi.fn((name: string, ...args: unknown[]) => {
    calls.push([name, ...args]);
    // The host protocol: bytes cross as ArrayBuffers; "hash" takes the algorithm name and the data.
    if (name === "randomBytes") return new Uint8Array(randomBytes(args[0] as number)).buffer;
    if (name === "hash") {
      const algorithm = (args[0] as string).replace("-", "").toLowerCase();
      const digest = createHash(algorithm)
        .update(new Uint8Array(args[1] as ArrayBuffer))
        .digest();
      return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength);
    }
    throw new Error(`unexpected op ${name}`);
  });
  const { crypto: c } = create(op) as unknown as { crypto: Crypto };
  return { crypto: c, op, calls };
}

describe("crypto.getRandomValues", () => {
  it("fills integer arrays in place from op('randomBytes') and returns them", () => {
    const { crypto: c, calls } = setup();
    for (const Ctor of [
      Int8Array,
      Uint8Array,
      Uint8ClampedArray,
      Int16Array,
      Uint16Array,
      Int32Array,
      Uint32Array,
      BigInt64Array,
      BigUint64Array,
    ]) {
      const a = new Ctor(64);
      expect(c.getRandomValues(a)).toBe(a);
      expect(Array.from(a as ArrayLike<number | bigint>).some((x) => x !== 0 && x !== 0n)).toBe(true);
    }
    expect(calls[0]).toEqual(["randomBytes", 64]);
    expect(calls[3]).toEqual(["randomBytes", 128]);
  });
  it("only touches the view's own bytes", () => {
    const { crypto: c } = setup();
    const buffer = new Uint8Array(16);
    c.getRandomValues(new Uint8Array(buffer.buffer, 4, 8));
    expect(Array.from(buffer.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(buffer.subarray(12))).toEqual([0, 0, 0, 0]);
  });
  it("throws TypeMismatchError for float arrays and DataView, like Node", () => {
    const { crypto: c } = setup();
    for (const a of [new Float32Array(4), new Float64Array(4), new DataView(new ArrayBuffer(4))]) {
      expect(() => c.getRandomValues(a as unknown as Uint8Array)).toThrow(
        expect.objectContaining({ name: "TypeMismatchError" }),
      );
      expect(() => crypto.getRandomValues(a as unknown as Uint8Array)).toThrow(
        expect.objectContaining({ name: "TypeMismatchError" }),
      );
    }
    expect(() => c.getRandomValues([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });
  it("throws QuotaExceededError above 65536 bytes, like Node", () => {
    const { crypto: c, op } = setup();
    expect(() => c.getRandomValues(new Uint8Array(65537))).toThrow(
      expect.objectContaining({ name: "QuotaExceededError" }),
    );
    expect(() => crypto.getRandomValues(new Uint8Array(65537))).toThrow(
      expect.objectContaining({ name: "QuotaExceededError" }),
    );
    expect(op).not.toHaveBeenCalled();
    expect(c.getRandomValues(new Uint32Array(16384)).length).toBe(16384);
  });
});

describe("crypto.randomUUID", () => {
  it("formats a version 4 UUID from 16 random bytes", () => {
    const { crypto: c, calls } = setup();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = c.randomUUID();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(200);
    expect(calls[0]).toEqual(["randomBytes", 16]);
  });
  it("uses exactly the host's bytes", () => {
    const { crypto: c } = create(() => Uint8Array.from({ length: 16 }, (_, i) => i * 17)) as unknown as {
      crypto: Crypto;
    };
    expect(c.randomUUID()).toBe("00112233-4455-4677-8899-aabbccddeeff");
  });
});

describe("crypto.subtle.digest", () => {
  const data = new TextEncoder().encode("hello world");
  it.each(["SHA-1", "SHA-256", "SHA-384", "SHA-512"])("%s equals Node's WebCrypto", async (name) => {
    const { crypto: c } = setup();
    const mine = await c.subtle.digest(name, data);
    const node = await crypto.subtle.digest(name, data);
    expect(mine).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(mine)).toEqual(new Uint8Array(node));
  });
  it("normalizes algorithm names and objects, and accepts any BufferSource", async () => {
    const { crypto: c, calls } = setup();
    const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    for (const alg of ["sha-256", "Sha-256", { name: "sha-256" }]) {
      for (const input of [
        data,
        data.buffer,
        new DataView(data.buffer),
        new Uint16Array(data.slice(0, 10).buffer),
      ]) {
        const out = new Uint8Array(await c.subtle.digest(alg as string, input));
        if (input instanceof Uint16Array) {
          expect(out).toEqual(new Uint8Array(await crypto.subtle.digest("SHA-256", data.slice(0, 10))));
        } else expect(out).toEqual(expected);
      }
    }
    expect(calls.every((call) => call[1] === "SHA-256")).toBe(true);
  });
  it("sends a copy of the data", async () => {
    const { crypto: c, calls } = setup();
    const input = new Uint8Array([1, 2, 3]);
    const pending = c.subtle.digest("SHA-256", input);
    input[0] = 9;
    await pending;
    expect(new Uint8Array(calls[0]![2] as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
  });
  it("rejects unknown algorithms with NotSupportedError and bad data with TypeError, like Node", async () => {
    const { crypto: c, op } = setup();
    for (const subtle of [c.subtle, crypto.subtle]) {
      await expect(subtle.digest("MD5", data)).rejects.toMatchObject({ name: "NotSupportedError" });
      await expect(subtle.digest({ name: "SHA-3" }, data)).rejects.toMatchObject({
        name: "NotSupportedError",
      });
      await expect(subtle.digest("SHA-256", "text" as unknown as Uint8Array)).rejects.toBeInstanceOf(
        TypeError,
      );
    }
    expect(op).not.toHaveBeenCalled();
  });
});
