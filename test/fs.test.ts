// The guest's node:fs over the run's virtual filesystem: seeded files, the sync, callback and promise APIs, Node-shaped
// errors, returnFiles, stdin, quotas, and host directories mounted read-only or writable, with their boundaries.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunOptions, type RunResult, run } from "../src/index.js";

/** Runs `code` and returns its value, failing the test with the guest's error when the run failed. */
async function value(code: string, options?: RunOptions): Promise<unknown> {
  const r = await run(code, options);
  if (!r.ok) throw new Error(`run failed: ${r.error?.name}: ${r.error?.message}\n${r.error?.stack ?? ""}`);
  return r.value;
}

/**
 * Guest helper: `attempt(fn)` gives `{ ok: value }` or the thrown error's Node fields. Prepended to scripts that
 * collect several outcomes.
 */
const ATTEMPT = `
const attempt = (fn) => {
  try {
    const result = fn();
    return { ok: result === undefined ? null : result };
  } catch (e) {
    return { code: e.code, message: e.message, syscall: e.syscall, path: e.path, dest: e.dest, errno: e.errno,
      isError: e instanceof Error };
  }
};
`;

describe("seeded files", () => {
  const files = {
    "log.jsonl": '{"a":1}\n{"a":2}\n',
    src: { "a.ts": "export const a = 1;", nested: { "deep.txt": "deep" } },
    "bin.dat": new Uint8Array([0, 1, 2, 255]),
    empty: {},
  };

  it("reads strings and bytes with readFileSync, as text or a Buffer", async () => {
    const v = await value(
      `const fs = require("fs");
       const raw = fs.readFileSync("/bin.dat");
       [fs.readFileSync("/log.jsonl", "utf8"), fs.readFileSync("/src/nested/deep.txt", { encoding: "utf8" }),
        Array.from(raw), raw instanceof Uint8Array, Buffer.isBuffer(raw), fs.readFileSync("src/a.ts").toString()]`,
      { files },
    );
    expect(v).toEqual(['{"a":1}\n{"a":2}\n', "deep", [0, 1, 2, 255], true, true, "export const a = 1;"]);
  });

  it("lists directories, with and without file types", async () => {
    const v = await value(
      `const fs = require("fs");
       [fs.readdirSync("/"), fs.readdirSync("/src", { withFileTypes: true }).map((d) => [d.name, d.isFile(), d.isDirectory()]),
        fs.readdirSync("/empty")]`,
      { files },
    );
    expect(v).toEqual([
      ["bin.dat", "empty", "log.jsonl", "src"],
      [
        ["a.ts", true, false],
        ["nested", false, true],
      ],
      [],
    ]);
  });

  it("stats files and directories, and answers exists and access", async () => {
    const v = await value(
      `const fs = require("fs");
       const f = fs.statSync("/log.jsonl"); const d = fs.statSync("/src");
       let accessErr; try { fs.accessSync("/missing") } catch (e) { accessErr = e.code }
       [f.isFile(), f.isDirectory(), f.size, d.isDirectory(), d.isFile(), f.mtime instanceof Date, f.mtimeMs > 0,
        fs.existsSync("/src/a.ts"), fs.existsSync("/src/b.ts"), fs.accessSync("/log.jsonl"), accessErr,
        fs.statSync("/missing", { throwIfNoEntry: false }), fs.lstatSync("/src/a.ts").isSymbolicLink()]`,
      { files },
    );
    expect(v).toEqual([
      true,
      false,
      16,
      true,
      false,
      true,
      true,
      true,
      false,
      undefined,
      "ENOENT",
      undefined,
      false,
    ]);
  });

  it("reads through the callback API and the promise API (fs.promises and node:fs/promises)", async () => {
    const v = await value(
      `import fs from "node:fs";
       import { readFile, readdir, stat } from "node:fs/promises";
       const cb = await new Promise((resolve) => fs.readFile("/src/nested/deep.txt", "utf8", (err, data) => resolve([err, data])));
       const cbErr = await new Promise((resolve) => fs.readFile("/nope", (err) => resolve([err.code, err.path])));
       const exists = await new Promise((resolve) => fs.exists("/log.jsonl", resolve));
       export default [cb, cbErr, exists, await readFile("/src/a.ts", "utf8"), await fs.promises.readFile("/src/nested/deep.txt", "utf8"),
         (await readdir("/src", { withFileTypes: true })).map((d) => d.name + (d.isDirectory() ? "/" : "")),
         (await stat("/bin.dat")).size, await readFile("/nope").catch((e) => [e.code, e.syscall, e.path])];`,
      { files },
    );
    expect(v).toEqual([
      [null, "deep"],
      ["ENOENT", "/nope"],
      true,
      "export const a = 1;",
      "deep",
      ["a.ts", "nested/"],
      4,
      ["ENOENT", "open", "/nope"],
    ]);
  });

  it("resolves relative paths against cwd, which process.cwd() reports", async () => {
    const v = await value(
      `const fs = require("fs");
       [process.cwd(), fs.readFileSync("nested/deep.txt", "utf8"), fs.readFileSync("../log.jsonl", "utf8").length,
        fs.realpathSync("./nested/../a.ts")]`,
      { files, cwd: "/src" },
    );
    expect(v).toEqual(["/src", "deep", 16, "/src/a.ts"]);
  });

  it("creates the cwd when it does not exist", async () => {
    const v = await value(
      `const fs = require("fs"); fs.writeFileSync("out.txt", "x"); [process.cwd(), fs.existsSync("/work/here/out.txt")]`,
      { cwd: "/work/here" },
    );
    expect(v).toEqual(["/work/here", true]);
  });
});

describe("writing", () => {
  it("mkdir (recursive), writeFile, appendFile, copyFile, rename, realpath, rm (recursive)", async () => {
    const v = await value(
      `const fs = require("fs");
       const first = fs.mkdirSync("/a/b/c", { recursive: true });
       const again = fs.mkdirSync("/a/b/c", { recursive: true });
       fs.writeFileSync("/a/b/c/file.txt", "one");
       fs.appendFileSync("/a/b/c/file.txt", "+two");
       fs.copyFileSync("/a/b/c/file.txt", "/a/copy.txt");
       fs.renameSync("/a/copy.txt", "/a/b/moved.txt");
       const listing = fs.readdirSync("/a/b");
       const real = fs.realpathSync("/a/b/c/../moved.txt");
       const content = fs.readFileSync("/a/b/moved.txt", "utf8");
       fs.rmSync("/a", { recursive: true });
       fs.rmSync("/not-there", { force: true });
       [first, again, listing, real, content, fs.existsSync("/a"), fs.readdirSync("/")]`,
    );
    expect(v).toEqual(["/a", undefined, ["c", "moved.txt"], "/a/b/moved.txt", "one+two", false, []]);
  });

  it("writes persist for the rest of the run: later reads, timers and imports see them", async () => {
    const files = { "seed.txt": "seed" };
    const r = await run(
      `const fs = require("fs");
       fs.writeFileSync("/gen.cjs", "module.exports = 40 + 2;");
       fs.writeFileSync("/gen.mjs", "export default 'generated';");
       fs.writeFileSync("/seed.txt", "changed");
       const later = new Promise((resolve) => setTimeout(() => resolve(fs.readFileSync("/seed.txt", "utf8")), 5));
       [require("/gen.cjs"), (await import("/gen.mjs")).default, await later]`,
      { files },
    );
    expect(r.value).toEqual([42, "generated", "changed"]);
    // The caller's tree is not changed, and the next run starts from it again.
    expect(files).toEqual({ "seed.txt": "seed" });
    const again = await value(
      `const fs = require("fs"); [fs.readFileSync("/seed.txt", "utf8"), fs.existsSync("/gen.cjs")]`,
      { files },
    );
    expect(again).toEqual(["seed", false]);
  });

  it("writes binary data and strings in other encodings", async () => {
    const v = await value(
      `const fs = require("fs");
       fs.writeFileSync("/b.bin", new Uint8Array([1, 2, 250]));
       fs.writeFileSync("/h.txt", "68656c6c6f", "hex");
       fs.writeFileSync("/x.txt", "x", { flag: "a" });
       fs.writeFileSync("/x.txt", "y", { flag: "a" });
       let excl; try { fs.writeFileSync("/x.txt", "z", { flag: "wx" }) } catch (e) { excl = e.code }
       [Array.from(fs.readFileSync("/b.bin")), fs.readFileSync("/h.txt", "utf8"), fs.readFileSync("/x.txt", "utf8"), excl]`,
    );
    expect(v).toEqual([[1, 2, 250], "hello", "xy", "EEXIST"]);
  });

  it("writes through the promise and callback APIs", async () => {
    const v = await value(
      `import { writeFile, mkdir, appendFile, rename, rm, readFile } from "node:fs/promises";
       import fs from "node:fs";
       await mkdir("/p/q", { recursive: true });
       await writeFile("/p/q/a.txt", "A");
       await appendFile("/p/q/a.txt", "B");
       await rename("/p/q/a.txt", "/p/b.txt");
       await new Promise((resolve, reject) => fs.writeFile("/p/c.txt", "C", (err) => (err ? reject(err) : resolve())));
       const text = (await readFile("/p/b.txt", "utf8")) + (await readFile("/p/c.txt", "utf8"));
       await rm("/p", { recursive: true });
       export default [text, fs.existsSync("/p")];`,
    );
    expect(v).toEqual(["ABC", false]);
  });
});

describe("errors shaped like Node's", () => {
  const files = { "a.txt": "a", d: { "x.txt": "x" }, e: {} };

  it("ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY with code, errno, syscall, path and Node's message", async () => {
    const v = (await value(
      `${ATTEMPT}
       const fs = require("fs");
       ({
         enoent: attempt(() => fs.readFileSync("/nope.txt")),
         enoentRel: attempt(() => fs.readFileSync("rel/nope.txt")),
         eexist: attempt(() => fs.mkdirSync("/d")),
         enotdir: attempt(() => fs.readFileSync("/a.txt/inside")),
         enotdirList: attempt(() => fs.readdirSync("/a.txt")),
         eisdirRead: attempt(() => fs.readFileSync("/d")),
         eisdirWrite: attempt(() => fs.writeFileSync("/d", "x")),
         enotempty: attempt(() => fs.rmdirSync("/d")),
         enoentParent: attempt(() => fs.writeFileSync("/missing/dir/f.txt", "x")),
         enoentMkdir: attempt(() => fs.mkdirSync("/missing/dir")),
         rename: attempt(() => fs.renameSync("/nope", "/other")),
         copy: attempt(() => fs.copyFileSync("/nope", "/other")),
         unlinkDir: attempt(() => fs.unlinkSync("/e")),
         rmdirFile: attempt(() => fs.rmdirSync("/a.txt")),
         rmDir: attempt(() => fs.rmSync("/e")),
       })`,
      { files },
    )) as Record<string, Record<string, unknown>>;
    expect(v.enoent).toEqual({
      code: "ENOENT",
      errno: -2,
      syscall: "open",
      path: "/nope.txt",
      message: "ENOENT: no such file or directory, open '/nope.txt'",
      isError: true,
    });
    // `path` is the path as the guest wrote it.
    expect(v.enoentRel).toMatchObject({
      code: "ENOENT",
      path: "rel/nope.txt",
      message: "ENOENT: no such file or directory, open 'rel/nope.txt'",
    });
    expect(v.eexist).toMatchObject({
      code: "EEXIST",
      errno: -17,
      syscall: "mkdir",
      path: "/d",
      message: "EEXIST: file already exists, mkdir '/d'",
    });
    expect(v.enotdir).toMatchObject({
      code: "ENOTDIR",
      errno: -20,
      message: "ENOTDIR: not a directory, open '/a.txt/inside'",
    });
    expect(v.enotdirList).toMatchObject({
      code: "ENOTDIR",
      syscall: "scandir",
      message: "ENOTDIR: not a directory, scandir '/a.txt'",
    });
    expect(v.eisdirRead).toMatchObject({
      code: "EISDIR",
      errno: -21,
      syscall: "read",
      message: "EISDIR: illegal operation on a directory, read",
    });
    expect(v.eisdirWrite).toMatchObject({
      code: "EISDIR",
      message: "EISDIR: illegal operation on a directory, open '/d'",
    });
    expect(v.enotempty).toMatchObject({
      code: "ENOTEMPTY",
      errno: -39,
      syscall: "rmdir",
      path: "/d",
      message: "ENOTEMPTY: directory not empty, rmdir '/d'",
    });
    expect(v.enoentParent).toMatchObject({ code: "ENOENT", path: "/missing/dir/f.txt" });
    expect(v.enoentMkdir).toMatchObject({ code: "ENOENT", syscall: "mkdir", path: "/missing/dir" });
    expect(v.rename).toMatchObject({
      code: "ENOENT",
      syscall: "rename",
      path: "/nope",
      dest: "/other",
      message: "ENOENT: no such file or directory, rename '/nope' -> '/other'",
    });
    expect(v.copy).toMatchObject({
      code: "ENOENT",
      syscall: "copyfile",
      path: "/nope",
      dest: "/other",
      message: "ENOENT: no such file or directory, copyfile '/nope' -> '/other'",
    });
    expect(v.unlinkDir).toMatchObject({ code: "EISDIR", syscall: "unlink", path: "/e" });
    expect(v.rmdirFile).toMatchObject({ code: "ENOTDIR", syscall: "rmdir", path: "/a.txt" });
    expect(v.rmDir).toMatchObject({ code: "EISDIR", path: "/e" });
  });

  it("an uncaught fs error fails the run with Node's message and a guest location", async () => {
    const r = await run(`const fs = require("fs");\nfs.readFileSync("/nope/file.txt");`);
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.error).toMatchObject({
      name: "Error",
      message: "ENOENT: no such file or directory, open '/nope/file.txt'",
      location: { file: "main.js", line: 2 },
    });
  });

  it("the root cannot escape upwards: '..' above '/' stays at '/'", async () => {
    const v = await value(
      `const fs = require("fs");
       [fs.readdirSync("/../../.."), fs.readFileSync("/../../a.txt", "utf8"), fs.realpathSync("../../..")]`,
      { files },
    );
    expect(v).toEqual([["a.txt", "d", "e"], "a", "/"]);
  });

  it("refuses paths with NUL bytes instead of cutting them short", async () => {
    const r = await run(
      `${ATTEMPT}
       const fs = require("fs");
       const out = {
         write: attempt(() => fs.writeFileSync("/new\\u0000.png", "x")),
         read: attempt(() => fs.readFileSync("/a.txt\\u0000.png")),
         mkdir: attempt(() => fs.mkdirSync("/dir\\u0000x")),
         exists: fs.existsSync("/a.txt\\u0000.png"),
       };
       out.listing = fs.readdirSync("/");
       out`,
      { files },
    );
    expect(r.ok).toBe(true);
    const v = r.value as Record<string, { ok?: unknown; code?: string }> & { listing: string[] };
    for (const key of ["write", "read", "mkdir"]) {
      expect(v[key], key).not.toHaveProperty("ok");
      expect(["EINVAL", "ERR_INVALID_ARG_VALUE"], key).toContain(v[key]!.code);
    }
    expect(v.exists).toBe(false);
    // Nothing was created under the part of the name before the NUL byte.
    expect(v.listing).toEqual(["a.txt", "d", "e"]);
  });
});

describe("returnFiles", () => {
  const files = { "keep.txt": "unchanged", "edit.txt": "before", work: { "old.txt": "old" } };
  const writer = `const fs = require("fs");
    fs.writeFileSync("/edit.txt", "after");
    fs.mkdirSync("/work/out", { recursive: true });
    fs.writeFileSync("/work/out/report.json", JSON.stringify({ ok: true }));
    fs.writeFileSync("/work/out/image.bin", new Uint8Array([0x89, 0x50, 0xff, 0x00, 0xfe]));
    fs.writeFileSync("/work/notes.log", "note");
    fs.writeFileSync("/tmp-gone.txt", "x");
    fs.unlinkSync("/tmp-gone.txt");
    1`;

  it("true: every file created or changed, text as strings and binary as Uint8Array", async () => {
    const r = await run(writer, { files, returnFiles: true });
    expect(r.ok).toBe(true);
    expect(Object.keys(r.files ?? {}).sort()).toEqual([
      "/edit.txt",
      "/work/notes.log",
      "/work/out/image.bin",
      "/work/out/report.json",
    ]);
    expect(r.files?.["/edit.txt"]).toBe("after");
    expect(r.files?.["/work/out/report.json"]).toBe('{"ok":true}');
    const image = r.files?.["/work/out/image.bin"];
    expect(image).toBeInstanceOf(Uint8Array);
    expect(Array.from(image as Uint8Array)).toEqual([0x89, 0x50, 0xff, 0x00, 0xfe]);
  });

  it("glob patterns pick files; relative patterns are taken from cwd", async () => {
    const absolute = await run(writer, { files, returnFiles: ["/work/**/*.json", "/*.txt"] });
    expect(Object.keys(absolute.files ?? {}).sort()).toEqual(["/edit.txt", "/work/out/report.json"]);
    const relative = await run(writer, { files, cwd: "/work", returnFiles: ["out/**"] });
    expect(Object.keys(relative.files ?? {}).sort()).toEqual([
      "/work/out/image.bin",
      "/work/out/report.json",
    ]);
    const single = await run(writer, { files, returnFiles: ["/work/*.log"] });
    expect(single.files).toEqual({ "/work/notes.log": "note" });
  });

  it("without returnFiles the result has no files", async () => {
    const r = await run(writer, { files });
    expect(r.ok).toBe(true);
    expect(r.files).toBeUndefined();
  });

  it("returned files count against maxResultBytes: past it the run fails with ResultTooLargeError", async () => {
    const r = await run(`require("fs").writeFileSync("/big.txt", "x".repeat(2048)); 1`, {
      returnFiles: true,
      maxResultBytes: 1024,
    });
    expect(r.ok).toBe(false);
    expect(r.error?.name).toBe("ResultTooLargeError");
    expect(r.error?.message).toMatch(/returnFiles/);
    expect(r.error?.message).toMatch(/maxResultBytes \(1024 bytes\)/);
    expect(r.files).toBeUndefined();
    const fits = await run(`require("fs").writeFileSync("/small.txt", "x".repeat(1000)); 1`, {
      returnFiles: true,
      maxResultBytes: 1024,
    });
    expect(fits.ok).toBe(true);
    expect(Object.keys(fits.files ?? {})).toEqual(["/small.txt"]);
  });

  it("a run that fails still returns what it wrote", async () => {
    const r = await run(`require("fs").writeFileSync("/partial.txt", "p"); throw new Error("later")`, {
      returnFiles: true,
    });
    expect(r.ok).toBe(false);
    expect(r.files).toEqual({ "/partial.txt": "p" });
  });
});

describe("stdin", () => {
  it("readFileSync(0) and readFileSync('/dev/stdin') give the stdin option", async () => {
    const v = await value(
      `const fs = require("fs"); [fs.readFileSync(0, "utf8"), fs.readFileSync("/dev/stdin", "utf8"), fs.readFileSync(0).length]`,
      { stdin: "line 1\nline 2 é\n" },
    );
    expect(v).toEqual(["line 1\nline 2 é\n", "line 1\nline 2 é\n", 17]);
  });

  it("binary stdin arrives byte for byte", async () => {
    const v = await value(`Array.from(require("fs").readFileSync(0))`, {
      stdin: new Uint8Array([0, 255, 10, 13]),
    });
    expect(v).toEqual([0, 255, 10, 13]);
  });

  it("is empty by default", async () => {
    expect(await value(`require("fs").readFileSync(0, "utf8")`)).toBe("");
  });
});

describe("quotas", () => {
  it("maxFsBytes: writing past the budget is ENOSPC and writes nothing", async () => {
    const v = await value(
      `${ATTEMPT}
       const fs = require("fs");
       [attempt(() => fs.writeFileSync("/eleven", "01234567890")), fs.existsSync("/eleven"),
        attempt(() => fs.writeFileSync("/ten", "0123456789")),
        attempt(() => fs.appendFileSync("/ten", "x")), fs.readFileSync("/ten", "utf8")]`,
      { maxFsBytes: 10 },
    );
    expect(v).toEqual([
      {
        code: "ENOSPC",
        errno: -28,
        syscall: "write",
        path: "/eleven",
        message: "ENOSPC: no space left on device, write '/eleven'",
        isError: true,
      },
      false,
      { ok: null },
      expect.objectContaining({ code: "ENOSPC", path: "/ten" }),
      "0123456789",
    ]);
  });

  it("maxFsBytes counts every byte written, not only what is kept", async () => {
    const v = await value(
      `${ATTEMPT}
       const fs = require("fs");
       fs.writeFileSync("/a", "12345"); fs.unlinkSync("/a"); fs.writeFileSync("/b", "12345");
       [attempt(() => fs.writeFileSync("/c", "1")).code, attempt(() => fs.copyFileSync("/b", "/d")).code]`,
      { maxFsBytes: 10 },
    );
    expect(v).toEqual(["ENOSPC", "ENOSPC"]);
  });

  it("maxFiles: files and directories past the count are ENOSPC; seeded entries count", async () => {
    const v = await value(
      `${ATTEMPT}
       const fs = require("fs");
       const out = [attempt(() => fs.writeFileSync("/two", "")), attempt(() => fs.writeFileSync("/three", "")).code,
         attempt(() => fs.mkdirSync("/dir")).code, fs.existsSync("/three"),
         attempt(() => fs.writeFileSync("/two", "overwriting is fine"))];
       fs.unlinkSync("/two");
       out.push(attempt(() => fs.mkdirSync("/dir")));
       out`,
      { files: { "one.txt": "1" }, maxFiles: 2 },
    );
    expect(v).toEqual([{ ok: null }, "ENOSPC", "ENOSPC", false, { ok: null }, { ok: null }]);
  });

  it("a seeded tree larger than maxFiles is refused before the run", async () => {
    await expect(run("1", { files: { a: "1", b: "2", c: "3" }, maxFiles: 2 })).rejects.toThrow(/maxFiles/);
  });
});

describe("mounts", () => {
  let base: string;
  let host: string;
  let realHost: string;
  let outside: string;

  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), "cordon-fs-test-"));
    host = path.join(base, "mounted");
    outside = path.join(base, "outside");
    fs.mkdirSync(host);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "secret.txt"), "outside secret");
    fs.writeFileSync(path.join(host, "a.txt"), "host file");
    fs.mkdirSync(path.join(host, "sub"));
    fs.writeFileSync(path.join(host, "sub", "b.txt"), "nested host file");
    fs.symlinkSync("/etc", path.join(host, "etc-link"));
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(host, "secret-link"));
    fs.symlinkSync(outside, path.join(host, "outside-link"));
    fs.symlinkSync(path.join(outside, "created-through-link.txt"), path.join(host, "dangling-link"));
    fs.symlinkSync(path.join(host, "a.txt"), path.join(host, "inner-link"));
    realHost = fs.realpathSync(host);
  });

  afterAll(() => {
    fs.rmSync(base, { recursive: true, force: true });
  });

  /** Nothing in a result may name the host directory. */
  function expectNoHostPath(r: RunResult): void {
    const text = JSON.stringify(r, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
    for (const p of new Set([base, host, realHost, fs.realpathSync(base)])) expect(text).not.toContain(p);
  }

  it("read-only by default: reads work, every write is EROFS", async () => {
    const r = await run(
      `${ATTEMPT}
       const fs = require("fs");
       ({
         read: fs.readFileSync("/mnt/a.txt", "utf8"),
         nested: fs.readFileSync("/mnt/sub/b.txt", "utf8"),
         list: fs.readdirSync("/mnt").filter((n) => !n.endsWith("-link")),
         stat: [fs.statSync("/mnt/a.txt").size, fs.statSync("/mnt/sub").isDirectory()],
         innerLink: fs.readFileSync("/mnt/inner-link", "utf8"),
         write: attempt(() => fs.writeFileSync("/mnt/a.txt", "changed")),
         create: attempt(() => fs.writeFileSync("/mnt/new.txt", "new")),
         append: attempt(() => fs.appendFileSync("/mnt/a.txt", "more")),
         mkdir: attempt(() => fs.mkdirSync("/mnt/newdir")),
         unlink: attempt(() => fs.unlinkSync("/mnt/a.txt")),
         rm: attempt(() => fs.rmSync("/mnt/sub", { recursive: true })),
         rename: attempt(() => fs.renameSync("/mnt/a.txt", "/mnt/c.txt")),
         copyInto: attempt(() => fs.copyFileSync("/mnt/a.txt", "/mnt/copy.txt")),
         accessW: attempt(() => fs.accessSync("/mnt/a.txt", fs.constants.W_OK)),
         copyOut: (fs.copyFileSync("/mnt/a.txt", "/copy.txt"), fs.readFileSync("/copy.txt", "utf8")),
       })`,
      { mounts: [{ hostPath: host, guestPath: "/mnt" }] },
    );
    expect(r.ok).toBe(true);
    const v = r.value as Record<string, unknown>;
    expect(v.read).toBe("host file");
    expect(v.nested).toBe("nested host file");
    expect(v.list).toEqual(["a.txt", "sub"]);
    expect(v.stat).toEqual([9, true]);
    expect(v.innerLink).toBe("host file");
    expect(v.write).toEqual({
      code: "EROFS",
      errno: -30,
      syscall: "open",
      path: "/mnt/a.txt",
      message: "EROFS: read-only file system, open '/mnt/a.txt'",
      isError: true,
    });
    for (const key of ["create", "append", "mkdir", "unlink", "rm", "rename", "copyInto", "accessW"]) {
      expect((v[key] as { code?: string }).code, key).toBe("EROFS");
    }
    expect(v.copyOut).toBe("host file");
    expect(fs.readFileSync(path.join(host, "a.txt"), "utf8")).toBe("host file");
    expect(fs.existsSync(path.join(host, "new.txt"))).toBe(false);
    expect(fs.existsSync(path.join(host, "sub", "b.txt"))).toBe(true);
    expectNoHostPath(r);
  });

  it("readOnly: false writes really reach the host directory", async () => {
    const dir = fs.mkdtempSync(path.join(base, "rw-"));
    fs.writeFileSync(path.join(dir, "data.txt"), "original");
    const r = await run(
      `const fs = require("fs");
       fs.writeFileSync("/data/data.txt", "from the guest");
       fs.appendFileSync("/data/data.txt", "!");
       fs.mkdirSync("/data/made/deeper", { recursive: true });
       fs.writeFileSync("/data/made/deeper/new.bin", new Uint8Array([0xff, 0, 1]));
       fs.copyFileSync("/data/data.txt", "/data/made/copy.txt");
       fs.renameSync("/data/made/copy.txt", "/data/renamed.txt");
       fs.readdirSync("/data")`,
      { mounts: [{ hostPath: dir, guestPath: "/data", readOnly: false }], returnFiles: true },
    );
    expect(r.ok).toBe(true);
    expect(r.value).toEqual(["data.txt", "made", "renamed.txt"]);
    expect(fs.readFileSync(path.join(dir, "data.txt"), "utf8")).toBe("from the guest!");
    expect([...fs.readFileSync(path.join(dir, "made", "deeper", "new.bin"))]).toEqual([0xff, 0, 1]);
    expect(fs.readFileSync(path.join(dir, "renamed.txt"), "utf8")).toBe("from the guest!");
    expect(r.files?.["/data/data.txt"]).toBe("from the guest!");
    expect(r.files?.["/data/renamed.txt"]).toBe("from the guest!");
    expect(r.files?.["/data/made/deeper/new.bin"]).toBeInstanceOf(Uint8Array);
    expect(Array.from(r.files?.["/data/made/deeper/new.bin"] as Uint8Array)).toEqual([0xff, 0, 1]);
    expectNoHostPath(r);
  });

  it("returnFiles: a host file only moved in a writable mount is not returned; written ones are capped", async () => {
    const dir = fs.mkdtempSync(path.join(base, "big-"));
    const big = Buffer.alloc(4 * 1024 * 1024, 0x61);
    fs.mkdirSync(path.join(dir, "in"));
    fs.writeFileSync(path.join(dir, "big.bin"), big);
    fs.writeFileSync(path.join(dir, "in", "inner.bin"), big);
    const options = {
      mounts: [{ hostPath: dir, guestPath: "/data", readOnly: false }],
      returnFiles: true,
      maxFsBytes: 1024,
      maxResultBytes: 1024,
    } satisfies RunOptions;
    const moved = await run(
      `const fs = require("fs");
       fs.renameSync("/data/big.bin", "/data/moved.bin");
       fs.renameSync("/data/in", "/data/out");
       fs.writeFileSync("/data/note.txt", "small");
       1`,
      options,
    );
    expect(moved.ok).toBe(true);
    expect(moved.files).toEqual({ "/data/note.txt": "small" });
    expect(fs.statSync(path.join(dir, "moved.bin")).size).toBe(big.length);

    const appended = await run(`require("fs").appendFileSync("/data/moved.bin", "!"); 1`, options);
    expect(appended.ok).toBe(false);
    expect(appended.error?.name).toBe("ResultTooLargeError");
    expect(appended.error?.message).toMatch(/returnFiles.*maxResultBytes \(1024 bytes\)/);
    expect(appended.files).toBeUndefined();
    expectNoHostPath(appended);
  });

  it("hard-linked files in a writable mount are EACCES unless the mount sets allowHardLinks", async () => {
    const dir = fs.mkdtempSync(path.join(base, "hard-"));
    const target = path.join(fs.mkdtempSync(path.join(base, "hard-outside-")), "target.txt");
    fs.writeFileSync(target, "outside via a hard link");
    fs.linkSync(target, path.join(dir, "link.txt"));
    const code = `${ATTEMPT}
      const fs = require("fs");
      ({
        read: attempt(() => fs.readFileSync("/data/link.txt", "utf8")),
        write: attempt(() => fs.writeFileSync("/data/link.txt", "overwritten")),
        append: attempt(() => fs.appendFileSync("/data/link.txt", "!")),
        copy: attempt(() => fs.copyFileSync("/data/link.txt", "/copy.txt")),
      })`;
    const refused = await run(code, { mounts: [{ hostPath: dir, guestPath: "/data", readOnly: false }] });
    expect(refused.ok).toBe(true);
    const v = refused.value as Record<string, { code?: string; message?: string; path?: string }>;
    for (const key of ["read", "write", "append", "copy"]) expect(v[key]?.code, key).toBe("EACCES");
    expect(v.read?.message).toBe(
      "EACCES: permission denied, open '/data/link.txt' (a file with more than one hard link is refused in a writable mount; the mount option allowHardLinks allows it)",
    );
    expect(fs.readFileSync(target, "utf8")).toBe("outside via a hard link");
    expect(JSON.stringify(refused)).not.toContain("outside via a hard link");
    expectNoHostPath(refused);

    const allowed = await run(
      `const fs = require("fs");
       const before = fs.readFileSync("/data/link.txt", "utf8");
       fs.appendFileSync("/data/link.txt", "!");
       before`,
      { mounts: [{ hostPath: dir, guestPath: "/data", readOnly: false, allowHardLinks: true }] },
    );
    expect(allowed.value).toBe("outside via a hard link");
    expect(fs.readFileSync(target, "utf8")).toBe("outside via a hard link!");

    const readOnly = await run(`require("fs").readFileSync("/data/link.txt", "utf8")`, {
      mounts: [{ hostPath: dir, guestPath: "/data" }],
    });
    expect(readOnly.value).toBe("outside via a hard link!");
    await expect(
      run("1", {
        mounts: [{ hostPath: dir, guestPath: "/data", allowHardLinks: "yes" as unknown as boolean }],
      }),
    ).rejects.toThrow(expect.objectContaining({ option: "mounts[0].allowHardLinks" }));
  });

  it("symbolic links leading out of the mount are EACCES, for reads and writes", async () => {
    const r = await run(
      `${ATTEMPT}
       const fs = require("fs");
       ({
         etcList: attempt(() => fs.readdirSync("/mnt/etc-link")),
         etcRead: attempt(() => fs.readFileSync("/mnt/etc-link/passwd", "utf8")),
         etcStat: attempt(() => fs.statSync("/mnt/etc-link")),
         etcRealpath: attempt(() => fs.realpathSync("/mnt/etc-link")),
         secret: attempt(() => fs.readFileSync("/mnt/secret-link", "utf8")),
         outsideList: attempt(() => fs.readdirSync("/mnt/outside-link")),
         outsideRead: attempt(() => fs.readFileSync("/mnt/outside-link/secret.txt", "utf8")),
         outsideWrite: attempt(() => fs.writeFileSync("/mnt/outside-link/evil.txt", "x")),
         outsideMkdir: attempt(() => fs.mkdirSync("/mnt/outside-link/evil-dir")),
         dangling: attempt(() => fs.writeFileSync("/mnt/dangling-link", "x")),
         danglingRead: attempt(() => fs.readFileSync("/mnt/dangling-link")),
         secretOverwrite: attempt(() => fs.writeFileSync("/mnt/secret-link", "overwritten")),
         copyOut: attempt(() => fs.copyFileSync("/mnt/secret-link", "/stolen.txt")),
         renameOut: attempt(() => fs.renameSync("/mnt/a.txt", "/mnt/outside-link/a.txt")),
         lstat: fs.lstatSync("/mnt/etc-link").isSymbolicLink(),
         exists: fs.existsSync("/mnt/etc-link/passwd"),
       })`,
      { mounts: [{ hostPath: host, guestPath: "/mnt", readOnly: false }] },
    );
    expect(r.ok).toBe(true);
    const v = r.value as Record<string, { code?: string; message?: string; path?: string }>;
    expect(v.etcList).toMatchObject({
      code: "EACCES",
      errno: -13,
      syscall: "scandir",
      path: "/mnt/etc-link",
      message: "EACCES: permission denied, scandir '/mnt/etc-link'",
    });
    for (const key of [
      "etcRead",
      "etcStat",
      "etcRealpath",
      "secret",
      "outsideList",
      "outsideRead",
      "outsideWrite",
      "outsideMkdir",
      "dangling",
      "danglingRead",
      "secretOverwrite",
      "copyOut",
      "renameOut",
    ]) {
      expect(v[key]?.code, key).toBe("EACCES");
      expect(v[key]?.path, key).toMatch(/^\/mnt\//);
    }
    expect(v.lstat).toBe(true);
    expect(v.exists).toBe(false);
    // Nothing outside changed.
    expect(fs.readdirSync(outside)).toEqual(["secret.txt"]);
    expect(fs.readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("outside secret");
    expect(fs.existsSync(path.join(host, "a.txt"))).toBe(true);
    expectNoHostPath(r);
    expect(JSON.stringify(r)).not.toContain("outside secret");
    expect(JSON.stringify(r)).not.toContain(outside);
  });

  it("'..' never leaves the mount or the root", async () => {
    const r = await run(
      `${ATTEMPT}
       const fs = require("fs");
       ({
         up: fs.readdirSync("/mnt/../../.."),
         back: fs.readFileSync("/mnt/sub/../../mnt/a.txt", "utf8"),
         passwd: attempt(() => fs.readFileSync("/mnt/../../../../etc/passwd")),
         relUp: attempt(() => fs.readFileSync("../../../../outside/secret.txt")),
         relDeep: fs.readFileSync("../a.txt", "utf8"),
         cwd: process.cwd(),
         write: attempt(() => fs.writeFileSync("/mnt/../../escape.txt", "x")),
         escapeWhere: fs.existsSync("/escape.txt"),
       })`,
      {
        mounts: [{ hostPath: host, guestPath: "/mnt", readOnly: false }],
        cwd: "/mnt/sub",
        returnFiles: true,
      },
    );
    expect(r.ok).toBe(true);
    const v = r.value as Record<string, unknown>;
    expect(v.up).toEqual(["mnt"]);
    expect(v.back).toBe("host file");
    expect(v.passwd).toMatchObject({ code: "ENOENT", path: "/mnt/../../../../etc/passwd" });
    expect(v.relUp).toMatchObject({ code: "ENOENT" });
    expect(v.relDeep).toBe("host file");
    expect(v.cwd).toBe("/mnt/sub");
    // The write landed in the in-memory root, not next to the host directory.
    expect(v.write).toEqual({ ok: null });
    expect(v.escapeWhere).toBe(true);
    expect(r.files).toEqual({ "/escape.txt": "x" });
    expect(fs.existsSync(path.join(base, "escape.txt"))).toBe(false);
    expect(fs.existsSync(path.join(path.dirname(base), "escape.txt"))).toBe(false);
    expectNoHostPath(r);
  });

  it("a mount owns whole path segments: /mnt is not /mntX", async () => {
    const r = await run(
      `${ATTEMPT}
       const fs = require("fs");
       ({
         mntX: fs.readdirSync("/mntX"),
         mntXFile: fs.readFileSync("/mntX/x.txt", "utf8"),
         hostFileViaMntX: attempt(() => fs.readFileSync("/mntX/a.txt")),
         writeMntX: attempt(() => fs.writeFileSync("/mntX/new.txt", "in memory")),
         writeMnt: attempt(() => fs.writeFileSync("/mnt/new.txt", "x")),
         mntDotX: attempt(() => fs.readFileSync("/mnt.x/a.txt")),
         root: fs.readdirSync("/"),
       })`,
      { mounts: [{ hostPath: host, guestPath: "/mnt" }], files: { mntX: { "x.txt": "memory" } } },
    );
    expect(r.ok).toBe(true);
    const v = r.value as Record<string, unknown>;
    expect(v.mntX).toEqual(["x.txt"]);
    expect(v.mntXFile).toBe("memory");
    expect(v.hostFileViaMntX).toMatchObject({ code: "ENOENT" });
    expect(v.writeMntX).toEqual({ ok: null });
    expect(v.writeMnt).toMatchObject({ code: "EROFS" });
    expect(v.mntDotX).toMatchObject({ code: "ENOENT" });
    expect(v.root).toEqual(["mnt", "mntX"]);
    expect(fs.existsSync(path.join(host, "new.txt"))).toBe(false);
  });

  it("the host directory's own absolute path is not visible in the guest", async () => {
    const r = await run(
      `${ATTEMPT}
       const fs = require("fs");
       const real = ${JSON.stringify(realHost)};
       ({
         list: attempt(() => fs.readdirSync(real)),
         read: attempt(() => fs.readFileSync(real + "/a.txt")),
         exists: fs.existsSync(real + "/a.txt"),
         tmp: fs.existsSync(${JSON.stringify(os.tmpdir())}),
         etc: fs.existsSync("/etc/passwd"),
         realpath: fs.realpathSync("/mnt/sub"),
         innerRealpath: fs.realpathSync("/mnt/inner-link"),
       })`,
      { mounts: [{ hostPath: host, guestPath: "/mnt" }] },
    );
    expect(r.ok).toBe(true);
    const v = r.value as Record<string, unknown>;
    expect(v.list).toMatchObject({ code: "ENOENT" });
    expect(v.read).toMatchObject({ code: "ENOENT" });
    expect(v.exists).toBe(false);
    expect(v.tmp).toBe(false);
    expect(v.etc).toBe(false);
    expect(v.realpath).toBe("/mnt/sub");
    expect(v.innerRealpath).toBe("/mnt/a.txt");
  });

  it("NUL bytes in mount paths are refused", async () => {
    const r = await run(
      `${ATTEMPT}
       const fs = require("fs");
       [attempt(() => fs.readFileSync("/mnt/a.txt\\u0000.png")), attempt(() => fs.writeFileSync("/mnt/new.txt\\u0000.png", "x"))]`,
      { mounts: [{ hostPath: host, guestPath: "/mnt", readOnly: false }] },
    );
    expect(r.ok).toBe(true);
    for (const outcome of r.value as { ok?: unknown; code?: string }[]) {
      expect(outcome).not.toHaveProperty("ok");
      expect(["EINVAL", "ERR_INVALID_ARG_VALUE"]).toContain(outcome.code);
    }
    expect(fs.existsSync(path.join(host, "new.txt"))).toBe(false);
  });

  it("errors from every kind of failure in a mount never name the host directory", async () => {
    const r = await run(
      `const fs = require("fs");
       const messages = [];
       const calls = [
         () => fs.readFileSync("/mnt/missing.txt"), () => fs.readdirSync("/mnt/a.txt"), () => fs.readFileSync("/mnt/sub"),
         () => fs.readFileSync("/mnt/etc-link/hostname"), () => fs.readFileSync("/mnt/secret-link"),
         () => fs.writeFileSync("/mnt/a.txt", "x"), () => fs.mkdirSync("/mnt/sub"), () => fs.rmdirSync("/mnt"),
         () => fs.renameSync("/mnt/a.txt", "/elsewhere.txt"), () => fs.statSync("/mnt/dangling-link"),
         () => fs.realpathSync("/mnt/outside-link"), () => fs.accessSync("/mnt/nope"),
       ];
       for (const call of calls) { try { call(); messages.push("no error") } catch (e) { messages.push(String(e.stack).replaceAll("\\n", " | ") + " " + e.message + " " + e.path + " " + e.dest) } }
       console.log(messages.join("\\n"));
       console.error(messages.join("\\n"));
       fs.readFileSync("/mnt/etc-link/passwd");`,
      { mounts: [{ hostPath: host, guestPath: "/mnt" }] },
    );
    expect(r.ok).toBe(false);
    expect(r.error?.message).toBe("EACCES: permission denied, open '/mnt/etc-link/passwd'");
    expect(r.stdout).not.toContain("no error");
    expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(12);
    expectNoHostPath(r);
  });

  it("mount options are checked: a mount at '/' and a missing host directory are refused", async () => {
    await expect(run("1", { mounts: [{ hostPath: host, guestPath: "/" }] })).rejects.toThrow(/guestPath/);
    await expect(
      run("1", { mounts: [{ hostPath: path.join(base, "does-not-exist"), guestPath: "/m" }] }),
    ).rejects.toThrow(/hostPath/);
    await expect(run("1", { mounts: [{ hostPath: "relative/dir", guestPath: "/m" }] })).rejects.toThrow(
      /hostPath/,
    );
  });
});
