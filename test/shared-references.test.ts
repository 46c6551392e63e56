// Results with shared references keep them, as structured clone does, on both isolations: an object reached twice
// arrives once (a DAG stays a DAG), and typed-array views over one ArrayBuffer arrive over one buffer, copied once.
import { afterAll, describe, expect, it } from "vitest";
import { decode, encode } from "../src/engine/codec.js";
import { createSandbox, type Isolation, type Sandbox } from "../src/index.js";

const MiB = 1024 * 1024;
const boxes: Sandbox[] = [];
afterAll(() => {
  for (const box of boxes) box.dispose();
});

function encodedBytes(value: unknown): number {
  const { json, buffers } = encode(value);
  return json.length + buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
}

describe("the codec", () => {
  it("encodes one buffer under many views once, and decodes the views over one buffer", () => {
    const buffer = new ArrayBuffer(MiB);
    const views = Array.from({ length: 200 }, () => new Uint8Array(buffer));
    expect(encodedBytes(views)).toBeLessThan(1.1 * MiB);
    const copy = decode(encode(views)) as Uint8Array[];
    expect(copy).toHaveLength(200);
    expect(copy[0]!.buffer).toBe(copy[199]!.buffer);
    expect(copy[0]!.buffer).not.toBe(buffer);
  });

  it("keeps offsets, lengths, view types and the buffer itself", () => {
    const buffer = new ArrayBuffer(64);
    new Uint8Array(buffer).forEach((_, i, a) => {
      a[i] = i;
    });
    const value = {
      buffer,
      bytes: new Uint8Array(buffer, 8, 4),
      words: new Uint16Array(buffer, 16, 3),
      view: new DataView(buffer, 32, 8),
    };
    const copy = decode(encode(value)) as typeof value;
    expect(copy.bytes.buffer).toBe(copy.buffer);
    expect(copy.words.buffer).toBe(copy.buffer);
    expect(copy.view.buffer).toBe(copy.buffer);
    expect([...copy.bytes]).toEqual([8, 9, 10, 11]);
    expect(copy.words).toBeInstanceOf(Uint16Array);
    expect([copy.words.byteOffset, copy.words.length]).toEqual([16, 3]);
    expect([copy.view.byteOffset, copy.view.byteLength, copy.view.getUint8(0)]).toEqual([32, 8, 32]);
  });
});

describe.each<Isolation>(["inline", "worker"])("results with shared references (%s)", (isolation) => {
  const sandbox = async () => {
    const box = await createSandbox({ isolation, workerPool: { workers: 1 } });
    boxes.push(box);
    return box;
  };

  it("bring a sparse array as its elements, holes kept, in and out of a host function", async () => {
    let seen: unknown[] = [];
    const box = await sandbox();
    const code = "const a = [1, , 3]; a[2 ** 32 - 2] = 'last'; take(a); export default a";
    const take = (a: unknown[]) => {
      seen = a;
    };
    const r = await box.run(code, { globals: { take }, timeoutMs: 2000 });
    for (const value of [r.value as unknown[], seen]) {
      expect(value.length).toBe(2 ** 32 - 1);
      expect(Object.keys(value)).toEqual(["0", "2", "4294967294"]);
    }
  });

  it("keep a DAG's shared object shared", async () => {
    const r = await (await sandbox()).run("const o = { x: 1 }; export default [o, o, { o }]");
    const value = r.value as [{ x: number }, { x: number }, { o: { x: number } }];
    expect(value[0]).toEqual({ x: 1 });
    expect(value[0]).toBe(value[1]);
    expect(value[2].o).toBe(value[0]);
  });

  it("bring views over one buffer as views over one buffer, copied once", async () => {
    const code =
      "const b = new ArrayBuffer(1 << 20); export default Array.from({ length: 200 }, () => new Uint8Array(b))";
    // Copied per view, the result would be 200 MiB: over maxResultBytes.
    const r = await (await sandbox()).run(code, { maxResultBytes: 4 * MiB, timeoutMs: 20_000 });
    expect(r.error).toBeUndefined();
    const value = r.value as Uint8Array[];
    expect(value).toHaveLength(200);
    expect(value[0]!.buffer).toBe(value[199]!.buffer);
    expect(value[0]!.buffer.byteLength).toBe(MiB);
    expect(encodedBytes(value)).toBeLessThan(1.1 * MiB);
  });

  it("bring a binary result larger than the engine's first memory (its memory grew)", async () => {
    const r = await (await sandbox()).run("export default new Uint8Array(24 << 20).fill(7)", {
      memoryLimitBytes: 256 * MiB,
      maxResultBytes: 64 * MiB,
      timeoutMs: 20_000,
    });
    expect(r.error).toBeUndefined();
    const value = r.value as Uint8Array;
    expect([value.length, value[0], value[value.length - 1]]).toEqual([24 * MiB, 7, 7]);
  });
});
