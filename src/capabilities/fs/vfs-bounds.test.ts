// Bounds on the host's work for one guest call: reads never hold more than the run could, paths are no longer than
// the OS allows, recursive mkdir stays linear and stops when told to, changedFiles scales with the files it returns.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nodeHostDirectory } from "../../platform/node-fs.js";
import { FsError } from "./errors.js";
import type { HostDirectory, HostDirectoryFactory } from "./host-directory.js";
import { VirtualFs } from "./vfs.js";

const text = (s: string) => new TextEncoder().encode(s);
const MiB = 1024 * 1024;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cordon-vfs-bounds-"));
});
// Not fs.rmSync: its recursion overflows the stack on the deepest trees made here.
afterEach(() => execFileSync("rm", ["-rf", tmp]));

/** A host directory factory that counts the calls made to each method and the bytes readFile gave back. */
function counting() {
  const calls = new Map<string, number>();
  let bytesRead = 0;
  const factory: HostDirectoryFactory = (...args) => {
    const dir = nodeHostDirectory(...args);
    return new Proxy(dir, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== "function") return value;
        return (...a: unknown[]) => {
          calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
          const out = (value as (...b: unknown[]) => unknown).apply(target, a);
          if (key === "readFile") bytesRead += (out as Uint8Array).length;
          return out;
        };
      },
    }) as HostDirectory;
  };
  return {
    factory,
    calls,
    get bytesRead() {
      return bytesRead;
    },
  };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("reads are bounded by maxReadBytes", () => {
  it("a mounted file larger than maxReadBytes is a RangeError before any byte is read", () => {
    const fd = fs.openSync(path.join(tmp, "huge.bin"), "w");
    fs.ftruncateSync(fd, 256 * MiB); // sparse: takes no disk
    fs.closeSync(fd);
    fs.writeFileSync(path.join(tmp, "small.txt"), "small");
    const host = counting();
    const v = new VirtualFs(
      {
        mounts: [{ hostPath: tmp, guestPath: "/m" }],
        maxReadBytes: MiB,
        files: { "mem.bin": new Uint8Array(MiB + 1) },
      },
      host.factory,
    );
    for (const p of ["/m/huge.bin", "/mem.bin"]) {
      const e = thrown(() => v.readFile(p)) as RangeError & { code: string };
      expect(e).toBeInstanceOf(RangeError);
      expect(e.code).toBe("ERR_FS_FILE_TOO_LARGE");
      expect(e.message).toMatch(/^File size \(\d+\) is greater than memoryLimitBytes \(1048576 bytes\)/);
    }
    expect(host.bytesRead).toBe(0);
    expect(new TextDecoder().decode(v.readFile("/m/small.txt"))).toBe("small");
    const e = thrown(() => v.copyFile("/m/huge.bin", "/copy.bin")) as { code: string };
    expect(e.code).toBe("ERR_FS_FILE_TOO_LARGE");
    expect(host.bytesRead).toBe(5);
  });
});

describe("path length", () => {
  it("a path longer than PATH_MAX (4095 bytes) or a name longer than NAME_MAX (255) is ENAMETOOLONG", () => {
    const host = counting();
    const v = new VirtualFs({ mounts: [{ hostPath: tmp, guestPath: "/m", readOnly: false }] }, host.factory);
    const deep = "d/".repeat(9_999);
    for (const p of [`/${deep}`, `/m/${deep}`]) {
      const e = thrown(() => v.mkdir(p, { recursive: true })) as FsError;
      expect(e).toBeInstanceOf(FsError);
      expect(e.code).toBe("ENAMETOOLONG");
      expect(e.syscall).toBe("mkdir");
    }
    expect((thrown(() => v.writeFile(`/${"n".repeat(256)}`, text(""))) as FsError).code).toBe("ENAMETOOLONG");
    expect((thrown(() => v.readFile(`/m/${"é".repeat(128)}`)) as FsError).code).toBe("ENAMETOOLONG");
    expect(v.fileCount).toBe(0);
    expect(host.calls.size).toBe(0);
    expect(fs.readdirSync(tmp)).toEqual([]);
    // Just under the limits works.
    v.mkdir(`/${"d/".repeat(2_000)}${"n".repeat(94)}`, { recursive: true });
    expect(v.fileCount).toBe(2_001);
  });
});

describe("recursive mkdir", () => {
  it("in a mount: a constant number of host calls per level, and deep trees are made quickly", () => {
    const host = counting();
    const v = new VirtualFs({ mounts: [{ hostPath: tmp, guestPath: "/m", readOnly: false }] }, host.factory);
    const levels = 1_000;
    const started = performance.now();
    expect(v.mkdir(`/m/${"d/".repeat(levels)}`, { recursive: true })).toBe("/m/d");
    const total = [...host.calls.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(3 * levels);
    // Generous: made in well under a second on an idle machine (it took minutes when each level re-resolved every
    // prefix of the host path).
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(v.stat(`/m/${"d/".repeat(levels)}`).type).toBe("directory");
  });

  it("calls `check` for every level and stops as soon as it throws", () => {
    const host = counting();
    const v = new VirtualFs({ mounts: [{ hostPath: tmp, guestPath: "/m", readOnly: false }] }, host.factory);
    for (const root of ["/mem", "/m"]) {
      let checks = 0;
      const check = () => {
        if (++checks > 10) throw new Error("the run is over");
      };
      expect(() => v.mkdir(`${root}/${"d/".repeat(500)}`, { recursive: true, check })).toThrow(
        "the run is over",
      );
      expect(checks).toBe(11);
    }
    expect(v.fileCount).toBeLessThanOrEqual(11);
    expect(host.calls.get("mkdir") ?? 0).toBeLessThanOrEqual(11);
  });
});

describe("changedFiles", () => {
  it("returns 1,000 deep files of a writable mount with a few host calls each", () => {
    const host = counting();
    const v = new VirtualFs({ mounts: [{ hostPath: tmp, guestPath: "/m", readOnly: false }] }, host.factory);
    const dir = `/m/${"a/".repeat(700)}`;
    v.mkdir(dir, { recursive: true });
    const n = 1_000;
    for (let i = 0; i < n; i++) v.writeFile(`${dir}${String(i).padStart(6, "0")}`, text("x"));
    host.calls.clear();
    const started = performance.now();
    const all = v.changedFiles();
    const picked = v.changedFiles(["/m/**/*1", "**/0009*"]);
    expect(all.size).toBe(n);
    expect(picked.size).toBe(100 + 100 - 10);
    expect(host.calls.get("readFile")).toBe(all.size + picked.size);
    // Generous: a fraction of a second on an idle machine (tens of seconds when every read re-resolved each prefix
    // of the host path).
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
