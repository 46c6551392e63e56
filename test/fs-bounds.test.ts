// What one guest fs call may cost the host: a read never holds more than the run's memory, a path is no longer than
// the OS allows, deep trees are made in time linear in their depth and stop at the deadline, and returnFiles scales.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/index.js";

const MiB = 1024 * 1024;
let base: string;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "cordon-fs-bounds-"));
});
// Not fs.rmSync: its recursion overflows the stack on the deepest trees made here.
afterAll(() => execFileSync("rm", ["-rf", base]));

function hostDir(name: string): string {
  const dir = path.join(base, name);
  fs.mkdirSync(dir);
  return dir;
}

describe("reading a file larger than the run's memory", () => {
  it("is a RangeError (ERR_FS_FILE_TOO_LARGE) value, and the host never reads it", async () => {
    const dir = hostDir("huge");
    const fd = fs.openSync(path.join(dir, "huge.bin"), "w");
    fs.ftruncateSync(fd, 1024 * MiB); // sparse: takes no disk
    fs.closeSync(fd);
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const started = performance.now();
    const r = await run(
      `const fs = require("fs");
       const attempt = (fn) => { try { fn(); return "read"; } catch (e) { return [e.name, e.code, e.message]; } };
       [attempt(() => fs.readFileSync("/data/huge.bin")), attempt(() => fs.readFileSync("/data/huge.bin", "utf8")),
        attempt(() => fs.copyFileSync("/data/huge.bin", "/copy.bin"))]`,
      { mounts: [{ hostPath: dir, guestPath: "/data" }], memoryLimitBytes: 32 * MiB, timeoutMs: 10_000 },
    );
    expect(r.ok).toBe(true);
    const message = `File size (${1024 * MiB}) is greater than memoryLimitBytes (${32 * MiB} bytes): a file larger than the run's memory is not read`;
    expect(r.value).toEqual([
      ["RangeError", "ERR_FS_FILE_TOO_LARGE", message],
      ["RangeError", "ERR_FS_FILE_TOO_LARGE", message],
      ["RangeError", "ERR_FS_FILE_TOO_LARGE", message],
    ]);
    // Generous: reading the file once would raise the peak by a whole GiB.
    expect(process.resourceUsage().maxRSS * 1024 - peakBefore).toBeLessThan(400 * MiB);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe("deep paths", () => {
  it("a path of PATH_MAX bytes or more is ENAMETOOLONG, in memory and in a mount, and creates nothing", async () => {
    const dir = hostDir("long");
    const r = await run(
      `const fs = require("fs");
       const deep = "d/".repeat(9999);
       const attempt = (fn) => { try { fn(); return "made"; } catch (e) { return [e.code, e.syscall]; } };
       [attempt(() => fs.mkdirSync("/" + deep, { recursive: true })),
        attempt(() => fs.mkdirSync("/m/" + deep, { recursive: true })),
        attempt(() => fs.writeFileSync("/" + "n".repeat(256), "x")), fs.readdirSync("/")]`,
      { mounts: [{ hostPath: dir, guestPath: "/m", readOnly: false }], timeoutMs: 10_000 },
    );
    expect(r.value).toEqual([
      ["ENAMETOOLONG", "mkdir"],
      ["ENAMETOOLONG", "mkdir"],
      ["ENAMETOOLONG", "open"],
      ["m"],
    ]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("mkdir -p of 800 levels in a mount finishes well within the run's time", async () => {
    const dir = hostDir("deep");
    const r = await run(
      `const fs = require("fs");
       const p = "/m/" + "lv/".repeat(800);
       [fs.mkdirSync(p, { recursive: true }), fs.statSync(p).isDirectory()]`,
      { mounts: [{ hostPath: dir, guestPath: "/m", readOnly: false }], timeoutMs: 20_000 },
    );
    expect(r.error).toBeUndefined();
    expect(r.value).toEqual(["/m/lv", true]);
  });

  it("a recursive mkdir stops at the deadline: the run ends as TimeoutError soon after timeoutMs", async () => {
    const dir = hostDir("deadline");
    await run("1"); // the engine is loaded before the clock starts
    const started = performance.now();
    const r = await run(
      `const fs = require("fs");
       for (let i = 0; ; i++) fs.mkdirSync("/m/" + i + "/" + "d/".repeat(1900), { recursive: true });`,
      { mounts: [{ hostPath: dir, guestPath: "/m", readOnly: false }], timeoutMs: 1_000 },
    );
    expect(r.error?.name).toBe("TimeoutError");
    // One such call takes seconds; it is cut at the level where the deadline passes.
    expect(performance.now() - started).toBeLessThan(1_000 + 2_000);
  });
});

describe("returnFiles", () => {
  it("gives back 2,000 files with long paths in a writable mount", async () => {
    const dir = hostDir("many");
    const started = performance.now();
    const r = await run(
      `const fs = require("fs");
       const d = "/m/" + "a/".repeat(300);
       fs.mkdirSync(d, { recursive: true });
       for (let i = 0; i < 2000; i++) fs.writeFileSync(d + String(i).padStart(6, "0"), "x");`,
      {
        mounts: [{ hostPath: dir, guestPath: "/m", readOnly: false }],
        returnFiles: ["/m/**/*0", "/m/**/*1"],
        timeoutMs: 30_000,
      },
    );
    expect(r.error).toBeUndefined();
    expect(Object.keys(r.files ?? {})).toHaveLength(400);
    // Generous: about a second on an idle machine; far longer when each file's path was re-resolved prefix by prefix.
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
