// Filesystem: a program reaches only its in-memory tree and its mounts. `..`, absolute host paths, file: URLs,
// symlinks and hard links leading out, and a directory swapped for a link while the program works are all refused;
// read-only mounts stay unchanged; quotas hold; what one call costs the host is bounded (a file larger than the run's
// memory is not read, deep paths stop at PATH_MAX and at the deadline); returnFiles is charged to maxResultBytes and
// never brings back a host file the program only renamed.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunOptions, Sandbox } from "../../src/index.js";
import { attackOn, hostDir, ISOLATIONS, MiB, SECRET, SECRET_FILE, sandboxFor } from "./harness.js";

/** Guest code trying each expression, collecting its value or its error's code. */
const ATTEMPTS = (exprs: string[]) => `
  const fs = require("fs"); const out = [];
  for (const f of [${exprs.map((e) => `() => ${e}`).join(", ")}]) {
    try { out.push("read " + String(f()).slice(0, 40)) } catch (e) { out.push(e.code ?? e.name) }
  }
  out`;

describe.each(ISOLATIONS)("filesystem (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });
  const go = (code: string, name: string, options: RunOptions = {}, extra = {}) =>
    attackOn(box, isolation, code, { timeoutMs: 5000, ...options }, { name }, extra);
  const mount = (dir: string, readOnly = true) => ({
    mounts: [{ hostPath: dir, guestPath: "/m", readOnly }],
  });

  it("paths leading out of the tree and the mounts are refused", async () => {
    const dir = hostDir("paths");
    fs.writeFileSync(path.join(dir, "a.txt"), "inside");
    fs.symlinkSync(SECRET_FILE, path.join(dir, "to-secret"));
    fs.symlinkSync(path.dirname(SECRET_FILE), path.join(dir, "to-outside"));
    const rel = path.relative(dir, SECRET_FILE);
    const r = await go(
      ATTEMPTS([
        `fs.readFileSync("/m/${rel}", "utf8")`,
        `fs.readFileSync("/m/../${rel}", "utf8")`,
        `fs.readFileSync(${JSON.stringify(SECRET_FILE)}, "utf8")`,
        `fs.readFileSync(new URL("file://${SECRET_FILE}"), "utf8")`,
        `fs.readFileSync("/m/to-secret", "utf8")`,
        `fs.readFileSync("/m/to-outside/secret.txt", "utf8")`,
        `fs.readdirSync("/m/to-outside")`,
        `fs.readFileSync("/m/a.txt\\0/../../x", "utf8")`,
        `fs.readFileSync("/mX/a.txt", "utf8")`,
        `fs.realpathSync("/m/to-outside")`,
        `fs.readFileSync("/m/a.txt", "utf8")`,
      ]),
      "ok",
      mount(dir),
    );
    const out = r.value as string[];
    expect(out.slice(0, -1).filter((o) => o.startsWith("read"))).toEqual([]);
    expect(out.at(-1)).toBe("read inside");
  });

  it("a read-only mount cannot be changed by any call", async () => {
    const dir = hostDir("ro");
    const file = path.join(dir, "keep.txt");
    fs.writeFileSync(file, "unchanged");
    const r = await go(
      ATTEMPTS([
        `fs.writeFileSync("/m/keep.txt", "x")`,
        `fs.appendFileSync("/m/keep.txt", "x")`,
        `fs.renameSync("/m/keep.txt", "/m/moved.txt")`,
        `fs.unlinkSync("/m/keep.txt")`,
        `fs.mkdirSync("/m/d")`,
        `fs.rmSync("/m", { recursive: true })`,
        `fs.copyFileSync("/m/keep.txt", "/m/copy.txt")`,
      ]),
      "ok",
      mount(dir),
      { files: [{ file }] },
    );
    // The mount point itself cannot be removed: EBUSY, as Node says for a mount point.
    expect(r.value).toEqual(["EROFS", "EROFS", "EROFS", "EROFS", "EROFS", "EBUSY", "EROFS"]);
    expect(fs.readdirSync(dir)).toEqual(["keep.txt"]);
  });

  it("a hard link in a writable mount to a file outside is refused for reading and writing", async () => {
    const dir = hostDir("hardlink");
    const outside = path.join(hostDir("hardlink-target"), "target.txt");
    fs.writeFileSync(outside, `outside ${SECRET}`);
    fs.linkSync(outside, path.join(dir, "link.txt"));
    const r = await go(
      ATTEMPTS([
        `fs.readFileSync("/m/link.txt", "utf8")`,
        `fs.writeFileSync("/m/link.txt", "changed")`,
        `fs.appendFileSync("/m/link.txt", "changed")`,
        `fs.copyFileSync("/m/link.txt", "/copy.txt")`,
      ]),
      "ok",
      mount(dir, false),
      { files: [{ file: outside, secret: true }] },
    );
    expect(r.value).toEqual(["EACCES", "EACCES", "EACCES", "EACCES"]);
  });

  it("a directory swapped for a link to the outside while the program reads never yields the outside", async () => {
    const dir = hostDir("race");
    fs.mkdirSync(path.join(dir, "sub"));
    fs.writeFileSync(path.join(dir, "sub", "b.txt"), "inside");
    const outside = hostDir("race-outside");
    fs.writeFileSync(path.join(outside, "b.txt"), SECRET);
    // Another process swaps /m/sub for a link to the outside directory and back, as fast as it can.
    const swapper: ChildProcess = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("fs"); const [sub, old, out] = process.argv.slice(1);
         for (;;) { try { fs.renameSync(sub, old); fs.symlinkSync(out, sub); fs.unlinkSync(sub); fs.renameSync(old, sub) } catch {} }`,
        path.join(dir, "sub"),
        path.join(dir, "sub-old"),
        outside,
      ],
      { stdio: "ignore" },
    );
    try {
      const r = await go(
        `const fs = require("fs"); const seen = {}; const end = Date.now() + 1500;
         while (Date.now() < end) {
           for (const f of [() => fs.readFileSync("/m/sub/b.txt", "utf8"), () => fs.readdirSync("/m/sub").join(","),
                            () => String(fs.statSync("/m/sub/b.txt").size)]) {
             let v; try { v = f() } catch (e) { v = e.code } seen[v] = (seen[v] ?? 0) + 1;
           }
         }
         seen`,
        "ok",
        { ...mount(dir, false), timeoutMs: 10_000 },
        { files: [{ file: path.join(outside, "b.txt"), secret: true }] },
      );
      const seen = r.value as Record<string, number>;
      expect(Object.keys(seen).length).toBeGreaterThan(0);
      expect(seen[SECRET]).toBeUndefined();
      expect(String(SECRET.length) in seen).toBe(false);
    } finally {
      swapper.kill();
    }
  });

  it("a file larger than the run's memory is not read (RangeError ERR_FS_FILE_TOO_LARGE)", async () => {
    const dir = hostDir("huge");
    const fd = fs.openSync(path.join(dir, "huge.bin"), "w");
    fs.ftruncateSync(fd, 1024 * MiB); // sparse: takes no disk
    fs.closeSync(fd);
    const r = await go(
      ATTEMPTS([
        `fs.readFileSync("/m/huge.bin")`,
        `fs.readFileSync("/m/huge.bin", "utf8")`,
        `fs.copyFileSync("/m/huge.bin", "/copy.bin")`,
      ]),
      "ok",
      { ...mount(dir), memoryLimitBytes: 32 * MiB },
      { rssBound: 250 * MiB },
    );
    expect(r.value).toEqual(["ERR_FS_FILE_TOO_LARGE", "ERR_FS_FILE_TOO_LARGE", "ERR_FS_FILE_TOO_LARGE"]);
  });

  it("a path of 9,999 levels is ENAMETOOLONG at once, and creates nothing", async () => {
    const dir = hostDir("long");
    const r = await go(
      ATTEMPTS([
        `fs.mkdirSync("/" + "d/".repeat(9999), { recursive: true })`,
        `fs.mkdirSync("/m/" + "d/".repeat(9999), { recursive: true })`,
        `fs.writeFileSync("/" + "n".repeat(256), "x")`,
      ]),
      "ok",
      mount(dir, false),
    );
    expect(r.value).toEqual(["ENAMETOOLONG", "ENAMETOOLONG", "ENAMETOOLONG"]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("recursive mkdir in a loop stops at the deadline", async () => {
    const dir = hostDir("deadline");
    await go(
      `const fs = require("fs"); for (let i = 0; ; i++) fs.mkdirSync("/m/" + i + "/" + "d/".repeat(1900), { recursive: true })`,
      "TimeoutError",
      { ...mount(dir, false), timeoutMs: 800 },
    );
  });

  it("mkdir -p of 800 levels in a mount stays within the run's time", async () => {
    const dir = hostDir("deep");
    const r = await go(
      `const fs = require("fs"); const p = "/m/" + "lv/".repeat(800);
       fs.mkdirSync(p, { recursive: true }); fs.statSync(p).isDirectory()`,
      "ok",
      { ...mount(dir, false), timeoutMs: 15_000 },
    );
    expect(r.value).toBe(true);
  });

  it("a huge host file the program renamed in a writable mount is not returned; changing it is charged", async () => {
    const dir = hostDir("rename");
    const big = path.join(dir, "big.bin");
    const fd = fs.openSync(big, "w");
    fs.ftruncateSync(fd, 256 * MiB);
    fs.closeSync(fd);
    const options = { ...mount(dir, false), returnFiles: true, maxFsBytes: MiB, maxResultBytes: MiB };
    const renamed = await go(
      `const fs = require("fs"); fs.renameSync("/m/big.bin", "/m/moved.bin"); fs.writeFileSync("/small.txt", "s"); 1`,
      "ok",
      options,
      { rssBound: 200 * MiB },
    );
    expect(Object.keys(renamed.files ?? {})).toEqual(["/small.txt"]);
    const changed = await go(
      `const fs = require("fs"); fs.appendFileSync("/m/moved.bin", "!"); 1`,
      "ResultTooLargeError",
      options,
      { rssBound: 200 * MiB },
    );
    expect(changed.error?.message).toMatch(/returnFiles.*maxResultBytes/);
    expect(changed.files).toBeUndefined();
  });

  it("maxFsBytes and maxFiles hold against a write flood", async () => {
    const r = await go(
      `const fs = require("fs"); const out = [];
       try { for (let i = 0; ; i++) fs.writeFileSync("/f" + i, "x".repeat(1 << 16)) } catch (e) { out.push(e.code) }
       try { for (let i = 0; ; i++) fs.writeFileSync("/e" + i, "") } catch (e) { out.push(e.code) }
       out`,
      "ok",
      { maxFsBytes: 4 * MiB, maxFiles: 500 },
    );
    expect(r.value).toEqual(["ENOSPC", "ENOSPC"]);
  });
});

describe("filesystem: returnFiles at scale", () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor("inline");
  });
  // The host's work is the same in both isolations (it is done where the run's filesystem lives): run once.
  it("2,000 returned files with long paths stay within the run's time", async () => {
    const dir = hostDir("many");
    const r = await attackOn(
      box,
      "inline",
      `const fs = require("fs"); const d = "/m/" + "a/".repeat(300); fs.mkdirSync(d, { recursive: true });
       for (let i = 0; i < 2000; i++) fs.writeFileSync(d + String(i).padStart(6, "0"), "x");`,
      {
        mounts: [{ hostPath: dir, guestPath: "/m", readOnly: false }],
        returnFiles: ["/m/**/*0", "/m/**/*1"],
        timeoutMs: 15_000,
      },
      { name: "ok" },
    );
    expect(Object.keys(r.files ?? {})).toHaveLength(400);
  });
});
