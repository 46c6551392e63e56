import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidOptionError } from "../../errors.js";
import { nodeHostDirectory } from "../../platform/node-fs.js";
import { FsError, fsErrorFromCode } from "./errors.js";
import { findMount, isWithin, matchGlob, normalizeAbsolute, resolveGuestPath } from "./paths.js";
import type { HostDirectory, HostDirectoryFactory } from "./host-directory.js";
import { ChangedFilesTooLarge, type VfsOptions, VirtualFs } from "./vfs.js";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

function fsError(fn: () => unknown, code: string, message?: string): FsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FsError);
    const e = error as FsError;
    expect(e.code).toBe(code);
    if (message !== undefined) expect(e.message).toBe(message);
    return e;
  }
  throw new Error(`expected ${code}`);
}

const vfs = (options: VfsOptions = {}) => new VirtualFs(options, nodeHostDirectory);

describe("FsError", () => {
  it("has Node's fields and message", () => {
    const e = new FsError("ENOENT", "open", "/x/y");
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.errno, e.syscall, e.path]).toEqual(["Error", "ENOENT", -2, "open", "/x/y"]);
    expect(e.message).toBe("ENOENT: no such file or directory, open '/x/y'");
    expect(new FsError("EXDEV", "rename", "/a", "/b").message).toBe(
      "EXDEV: cross-device link not permitted, rename '/a' -> '/b'",
    );
    expect(new FsError("EISDIR", "read").message).toBe("EISDIR: illegal operation on a directory, read");
    expect(fsErrorFromCode("EWEIRD", "open", "/p").code).toBe("EIO");
  });

  it.each([
    ["EACCES", -13, "permission denied"],
    ["EROFS", -30, "read-only file system"],
    ["EEXIST", -17, "file already exists"],
    ["ENOTDIR", -20, "not a directory"],
    ["EISDIR", -21, "illegal operation on a directory"],
    ["ENOTEMPTY", -39, "directory not empty"],
    ["ENOSPC", -28, "no space left on device"],
    ["EINVAL", -22, "invalid argument"],
    ["EPERM", -1, "operation not permitted"],
    ["ELOOP", -40, "too many symbolic links encountered"],
    ["EBADF", -9, "bad file descriptor"],
    ["EXDEV", -18, "cross-device link not permitted"],
    ["EBUSY", -16, "resource busy or locked"],
  ] as const)("%s is errno %d", (code, errno, description) => {
    const e = new FsError(code, "op", "/p");
    expect(e.errno).toBe(errno);
    expect(e.message).toBe(`${code}: ${description}, op '/p'`);
  });
});

describe("guest paths", () => {
  it("normalizes against the cwd and never goes above /", () => {
    expect(resolveGuestPath("a/./b//c/", "/w", "open")).toBe("/w/a/b/c");
    expect(resolveGuestPath("../../../../etc", "/w/x", "open")).toBe("/etc");
    expect(resolveGuestPath("/..", "/w", "open")).toBe("/");
    expect(normalizeAbsolute("/a/b/../../..")).toBe("/");
  });

  it("rejects NUL bytes (EINVAL) and the empty path (ENOENT)", () => {
    fsError(() => resolveGuestPath("a\0b", "/", "open"), "EINVAL", "EINVAL: invalid argument, open 'a\0b'");
    fsError(
      () => resolveGuestPath("", "/", "mkdir"),
      "ENOENT",
      "ENOENT: no such file or directory, mkdir ''",
    );
  });

  it("matches mounts by whole segments, the longest first", () => {
    const mounts = [{ guestPath: "/mnt" }, { guestPath: "/mnt2/x" }];
    expect(findMount("/mntX/a", mounts)).toBeUndefined();
    expect(findMount("/mnt", mounts)).toEqual({ mount: mounts[0], rel: "" });
    expect(findMount("/mnt/a/b", mounts)).toEqual({ mount: mounts[0], rel: "a/b" });
    expect(findMount("/mnt2/x/y", mounts)?.rel).toBe("y");
    expect(isWithin("/", "/a")).toBe(true);
    expect(isWithin("/a", "/ab")).toBe(false);
  });

  it("matches globs", () => {
    expect(matchGlob("/out/**", "/out")).toBe(true);
    expect(matchGlob("/out/**", "/out/a/b.txt")).toBe(true);
    expect(matchGlob("/out/**", "/outX/a")).toBe(false);
    expect(matchGlob("**/*.json", "/a/b/c.json")).toBe(true);
    expect(matchGlob("/*.json", "/a/c.json")).toBe(false);
    expect(matchGlob("/a/**/x", "/a/x")).toBe(true);
    expect(matchGlob("/f?.txt", "/f1.txt")).toBe(true);
    expect(matchGlob("/f?.txt", "/f/.txt")).toBe(false);
    expect(matchGlob("/a.b", "/axb")).toBe(false);
  });
});

describe("options", () => {
  it("seeds files: strings as UTF-8, bytes copied, nested trees and slashed names", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const v = vfs({
      files: { "a.txt": "héllo", bin: bytes, dir: { sub: { "x.js": "x" } }, "p/q/r.txt": "r" },
    });
    bytes[0] = 9;
    expect(str(v.readFile("/a.txt"))).toBe("héllo");
    expect([...v.readFile("/bin")]).toEqual([1, 2, 3]);
    expect(str(v.readFile("/dir/sub/x.js"))).toBe("x");
    expect(str(v.readFile("/p/q/r.txt"))).toBe("r");
    expect(v.fileCount).toBe(8);
    expect(v.bytesWritten).toBe(0);
  });

  it.each<[string, VfsOptions, string]>([
    ["files", { files: { "..": "x" } }, "files"],
    ["files", { files: { a: "x", "a/b": "y" } }, "files"],
    ["files", { files: { a: 1 as unknown as string } }, "files"],
    ["files", { files: { a: "1", b: "2" }, maxFiles: 1 }, "files"],
    ["maxFsBytes", { maxFsBytes: -1 }, "maxFsBytes"],
    ["maxFiles", { maxFiles: 1.5 }, "maxFiles"],
    ["cwd", { cwd: "relative" }, "cwd"],
    ["cwd", { files: { f: "x" }, cwd: "/f" }, "cwd"],
  ])("rejects a bad %s", (_name, options, option) => {
    expect(() => vfs(options)).toThrow(expect.objectContaining({ name: "InvalidOptionError", option }));
  });

  it("creates the cwd when missing", () => {
    const v = vfs({ cwd: "/work/here" });
    expect(v.cwd).toBe("/work/here");
    expect(v.stat("/work").type).toBe("directory");
  });
});

describe("in-memory tree", () => {
  it("reads, writes, appends and writes exclusively", () => {
    const v = vfs();
    v.writeFile("/a.txt", text("one"));
    v.writeFile("/a.txt", text("+two"), { append: true });
    expect(str(v.readFile("/a.txt"))).toBe("one+two");
    v.writeFile("/new.txt", text("n"), { append: true });
    expect(str(v.readFile("/new.txt"))).toBe("n");
    fsError(
      () => v.writeFile("/a.txt", text("x"), { exclusive: true }),
      "EEXIST",
      "EEXIST: file already exists, open '/a.txt'",
    );
    const data = text("z");
    v.writeFile("/z", data);
    data[0] = 0;
    expect(str(v.readFile("/z"))).toBe("z");
  });

  it("reports Node's errors for reads and writes", () => {
    const v = vfs({ files: { f: "x", d: {} } });
    fsError(() => v.readFile("/nope"), "ENOENT", "ENOENT: no such file or directory, open '/nope'");
    fsError(() => v.readFile("/d"), "EISDIR", "EISDIR: illegal operation on a directory, read");
    fsError(() => v.readFile("/f/x"), "ENOTDIR", "ENOTDIR: not a directory, open '/f/x'");
    fsError(
      () => v.writeFile("/d", text("")),
      "EISDIR",
      "EISDIR: illegal operation on a directory, open '/d'",
    );
    fsError(() => v.writeFile("/", text("")), "EISDIR");
    fsError(
      () => v.writeFile("/no/f", text("")),
      "ENOENT",
      "ENOENT: no such file or directory, open '/no/f'",
    );
    fsError(() => v.writeFile("/f/g", text("")), "ENOTDIR");
    fsError(() => v.readFile("a\0"), "EINVAL", "EINVAL: invalid argument, open 'a\0'");
  });

  it("lists directories sorted, with types", () => {
    const v = vfs({ files: { b: "1", a: { x: "2" }, C: "3" } });
    expect(v.readdir("/")).toEqual([
      { name: "C", type: "file" },
      { name: "a", type: "directory" },
      { name: "b", type: "file" },
    ]);
    fsError(() => v.readdir("/nope"), "ENOENT", "ENOENT: no such file or directory, scandir '/nope'");
    fsError(() => v.readdir("/b"), "ENOTDIR", "ENOTDIR: not a directory, scandir '/b'");
  });

  it("stats, lstats, checks existence and access", () => {
    const v = vfs({ files: { f: "abc", d: {} } });
    const st = v.stat("/f");
    expect(st).toMatchObject({ type: "file", size: 3, mode: 0o100644, nlink: 1, uid: 0, gid: 0 });
    expect(v.lstat("/d")).toMatchObject({ type: "directory", mode: 0o40755 });
    expect(v.stat("/").type).toBe("directory");
    expect(v.stat("/f").ino).not.toBe(v.stat("/d").ino);
    expect([v.exists("/f"), v.exists("/nope"), v.exists("/f/x"), v.exists("\0")]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    fsError(() => v.stat("/nope"), "ENOENT", "ENOENT: no such file or directory, stat '/nope'");
    fsError(() => v.lstat("/nope"), "ENOENT", "ENOENT: no such file or directory, lstat '/nope'");
    v.access("/f");
    v.access("/f", 4 | 2);
    fsError(() => v.access("/f", 1), "EACCES", "EACCES: permission denied, access '/f'");
    fsError(() => v.access("/nope"), "ENOENT", "ENOENT: no such file or directory, access '/nope'");
  });

  it("mkdir: errors, and with recursive the first directory created", () => {
    const v = vfs({ files: { f: "x" } });
    expect(v.mkdir("/a")).toBeUndefined();
    fsError(() => v.mkdir("/a"), "EEXIST", "EEXIST: file already exists, mkdir '/a'");
    fsError(() => v.mkdir("/"), "EEXIST");
    fsError(() => v.mkdir("/x/y"), "ENOENT", "ENOENT: no such file or directory, mkdir '/x/y'");
    fsError(() => v.mkdir("/f/y"), "ENOTDIR");
    expect(v.mkdir("/a/b/c", { recursive: true })).toBe("/a/b");
    expect(v.mkdir("/a/b/c", { recursive: true })).toBeUndefined();
    expect(v.mkdir("/", { recursive: true })).toBeUndefined();
    fsError(() => v.mkdir("/f/g", { recursive: true }), "ENOTDIR", "ENOTDIR: not a directory, mkdir '/f/g'");
    fsError(() => v.mkdir("/f", { recursive: true }), "EEXIST", "EEXIST: file already exists, mkdir '/f'");
    expect(v.readdir("/a/b")).toEqual([{ name: "c", type: "directory" }]);
  });

  it("rm, rmdir and unlink", () => {
    const v = vfs({ files: { f: "x", d: { e: { g: "1" } }, empty: {} } });
    fsError(() => v.rm("/d"), "EISDIR", "EISDIR: illegal operation on a directory, rm '/d'");
    fsError(() => v.rm("/nope"), "ENOENT", "ENOENT: no such file or directory, rm '/nope'");
    v.rm("/nope", { force: true });
    fsError(() => v.rmdir("/d"), "ENOTEMPTY", "ENOTEMPTY: directory not empty, rmdir '/d'");
    fsError(() => v.rmdir("/f"), "ENOTDIR", "ENOTDIR: not a directory, rmdir '/f'");
    fsError(() => v.rmdir("/nope"), "ENOENT");
    fsError(() => v.unlink("/d"), "EISDIR", "EISDIR: illegal operation on a directory, unlink '/d'");
    fsError(() => v.unlink("/nope"), "ENOENT", "ENOENT: no such file or directory, unlink '/nope'");
    fsError(() => v.rmdir("/"), "EBUSY", "EBUSY: resource busy or locked, rmdir '/'");
    fsError(() => v.rm("/", { recursive: true }), "EBUSY");
    const before = v.fileCount;
    v.rm("/d", { recursive: true });
    expect(v.fileCount).toBe(before - 3);
    v.rmdir("/empty");
    v.unlink("/f");
    expect(v.readdir("/")).toEqual([]);
    v.mkdir("/r/s", { recursive: true });
    v.rmdir("/r", { recursive: true });
    expect(v.exists("/r")).toBe(false);
  });

  it("rename within the tree", () => {
    const v = vfs({
      files: { a: { f: "1", sub: { g: "2" } }, b: {}, file: "x", full: { x: "y" }, empty: {} },
    });
    v.rename("/a/f", "/b/f2");
    expect(str(v.readFile("/b/f2"))).toBe("1");
    expect(v.exists("/a/f")).toBe(false);
    v.rename("/a/sub", "/b/sub");
    expect(str(v.readFile("/b/sub/g"))).toBe("2");
    v.rename("/b/f2", "/file");
    expect(str(v.readFile("/file"))).toBe("1");
    v.rename("/file", "/file");
    const count = v.fileCount;
    v.rename("/b/sub", "/empty");
    expect(v.fileCount).toBe(count - 1);
    const msg = (code: string, d: string, from: string, to: string) =>
      `${code}: ${d}, rename '${from}' -> '${to}'`;
    fsError(
      () => v.rename("/nope", "/x"),
      "ENOENT",
      msg("ENOENT", "no such file or directory", "/nope", "/x"),
    );
    fsError(() => v.rename("/file", "/no/x"), "ENOENT");
    fsError(
      () => v.rename("/empty", "/file"),
      "ENOTDIR",
      msg("ENOTDIR", "not a directory", "/empty", "/file"),
    );
    fsError(
      () => v.rename("/file", "/b"),
      "EISDIR",
      msg("EISDIR", "illegal operation on a directory", "/file", "/b"),
    );
    fsError(() => v.rename("/empty", "/full"), "ENOTEMPTY");
    fsError(() => v.rename("/b", "/b/inner"), "EINVAL", msg("EINVAL", "invalid argument", "/b", "/b/inner"));
    fsError(() => v.rename("/", "/x"), "EBUSY");
  });

  it("copyFile", () => {
    const v = vfs({ files: { f: "data", d: {} } });
    v.copyFile("/f", "/g");
    expect(str(v.readFile("/g"))).toBe("data");
    v.copyFile("/f", "/g");
    fsError(
      () => v.copyFile("/f", "/g", { exclusive: true }),
      "EEXIST",
      "EEXIST: file already exists, copyfile '/f' -> '/g'",
    );
    fsError(
      () => v.copyFile("/nope", "/g"),
      "ENOENT",
      "ENOENT: no such file or directory, copyfile '/nope' -> '/g'",
    );
    fsError(
      () => v.copyFile("/d", "/h"),
      "EISDIR",
      "EISDIR: illegal operation on a directory, copyfile '/d' -> '/h'",
    );
    fsError(() => v.copyFile("/f", "/d"), "EISDIR");
    expect(v.bytesWritten).toBe(8);
  });

  it("cwd, chdir and relative paths", () => {
    const v = vfs({ files: { w: { f: "1", sub: {} } }, cwd: "/w" });
    expect(str(v.readFile("f"))).toBe("1");
    v.chdir("sub");
    expect(v.cwd).toBe("/w/sub");
    v.writeFile("../g", text("2"));
    expect(str(v.readFile("/w/g"))).toBe("2");
    v.chdir("../../../..");
    expect(v.cwd).toBe("/");
    expect(v.realpath("w/sub/../f")).toBe("/w/f");
    fsError(() => v.realpath("/nope"), "ENOENT", "ENOENT: no such file or directory, realpath '/nope'");
    fsError(() => v.chdir("/w/f"), "ENOTDIR", "ENOTDIR: not a directory, chdir '/w/f'");
    fsError(() => v.chdir("/nope"), "ENOENT", "ENOENT: no such file or directory, chdir '/nope'");
    expect(v.cwd).toBe("/");
  });
});

describe("quotas", () => {
  it("ENOSPC when bytes written would pass maxFsBytes, and nothing is written", () => {
    const v = vfs({ maxFsBytes: 10, files: { big: "0123456789abcdef" } });
    v.writeFile("/a", text("12345"));
    v.writeFile("/a", text("678"), { append: true });
    fsError(
      () => v.writeFile("/a", text("abc"), { append: true }),
      "ENOSPC",
      "ENOSPC: no space left on device, write '/a'",
    );
    fsError(() => v.writeFile("/b", text("abc")), "ENOSPC");
    fsError(
      () => v.copyFile("/big", "/c"),
      "ENOSPC",
      "ENOSPC: no space left on device, copyfile '/big' -> '/c'",
    );
    expect(str(v.readFile("/a"))).toBe("12345678");
    expect(v.exists("/b")).toBe(false);
    expect(v.exists("/c")).toBe(false);
    v.writeFile("/d", text("12"));
    v.unlink("/d");
    fsError(() => v.writeFile("/d", text("1")), "ENOSPC");
    expect(v.bytesWritten).toBe(10);
  });

  it("ENOSPC when entries would pass maxFiles, seeded ones included", () => {
    const v = vfs({ maxFiles: 3, files: { a: "1", d: {} } });
    v.writeFile("/b", text("2"));
    fsError(() => v.writeFile("/c", text("3")), "ENOSPC", "ENOSPC: no space left on device, open '/c'");
    fsError(() => v.mkdir("/e"), "ENOSPC", "ENOSPC: no space left on device, mkdir '/e'");
    fsError(() => v.copyFile("/a", "/c"), "ENOSPC");
    v.writeFile("/a", text("overwrite is fine"));
    v.unlink("/b");
    v.mkdir("/e");
    expect(v.fileCount).toBe(3);
  });
});

describe("changedFiles", () => {
  it("lists created and changed files, not seeded or deleted ones, filtered by globs", () => {
    const v = vfs({ files: { seed: "s", keep: "k", src: { a: "1" } }, cwd: "/src" });
    fsError(() => v.writeFile("/out/x", text("")), "ENOENT");
    expect(v.mkdir("/out/deep", { recursive: true })).toBe("/out");
    v.writeFile("/out/r.json", text("{}"));
    v.writeFile("/out/deep/t.txt", text("t"));
    v.writeFile("/keep", text("k2"));
    v.writeFile("/gone", text("g"));
    v.unlink("/gone");
    v.writeFile("b.txt", text("b"));
    v.copyFile("/seed", "/seed2");
    expect([...v.changedFiles(["*.txt", "**/*.txt"]).keys()]).toEqual(["/src/b.txt"]);
    v.rename("/src", "/moved");
    expect([...v.changedFiles().keys()]).toEqual([
      "/keep",
      "/moved/a",
      "/moved/b.txt",
      "/out/deep/t.txt",
      "/out/r.json",
      "/seed2",
    ]);
    expect(str(v.changedFiles().get("/keep")!)).toBe("k2");
    expect([...v.changedFiles(["/out/**"]).keys()]).toEqual(["/out/deep/t.txt", "/out/r.json"]);
    expect([...v.changedFiles(["/**/*.json", "/seed?"]).keys()]).toEqual(["/out/r.json", "/seed2"]);
    expect([...v.changedFiles(["/out/*"]).keys()]).toEqual(["/out/r.json"]);
    expect([...v.changedFiles(["*.txt"]).keys()]).toEqual([]);
    expect([...v.changedFiles(["../moved/*.txt"]).keys()]).toEqual([]);
    expect([...v.changedFiles([]).keys()]).toEqual([]);
  });
});

describe("mounts", () => {
  let tmp: string;
  let data: string;
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "cordon-vfs-")));
    data = path.join(tmp, "data");
    fs.mkdirSync(path.join(data, "sub"), { recursive: true });
    fs.writeFileSync(path.join(data, "hello.txt"), "hi");
    fs.mkdirSync(path.join(tmp, "dataX"));
    fs.writeFileSync(path.join(tmp, "dataX", "secret"), "s");
    fs.writeFileSync(path.join(tmp, "outside.txt"), "o");
    fs.symlinkSync(path.join(tmp, "outside.txt"), path.join(data, "out-file"));
    fs.symlinkSync(path.join(tmp, "dataX"), path.join(data, "out-dir"));
    fs.symlinkSync("hello.txt", path.join(data, "in-link"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const mounted = (readOnly: boolean, extra: VfsOptions = {}) =>
    vfs({ mounts: [{ hostPath: data, guestPath: "/mnt/data", readOnly }], ...extra });

  it("validates mount options", () => {
    const bad = (mounts: VfsOptions["mounts"], option: string, host = nodeHostDirectory) =>
      expect(() => new VirtualFs({ mounts }, host)).toThrow(
        expect.objectContaining({ name: "InvalidOptionError", option }),
      );
    bad([{ hostPath: data, guestPath: "/" }], "mounts[0].guestPath");
    bad([{ hostPath: data, guestPath: "rel" }], "mounts[0].guestPath");
    bad([{ hostPath: "relative/dir", guestPath: "/m" }], "mounts[0].hostPath");
    bad([{ hostPath: path.join(tmp, "missing"), guestPath: "/m" }], "mounts[0].hostPath");
    bad([{ hostPath: path.join(tmp, "outside.txt"), guestPath: "/m" }], "mounts[0].hostPath");
    bad([{ hostPath: data, guestPath: "/m", readOnly: "no" as unknown as boolean }], "mounts[0].readOnly");
    bad(
      [
        { hostPath: data, guestPath: "/m" },
        { hostPath: tmp, guestPath: "/m/inner" },
      ],
      "mounts[1].guestPath",
    );
    bad(
      [
        { hostPath: data, guestPath: "/m/a" },
        { hostPath: tmp, guestPath: "/m/a/" },
      ],
      "mounts[1].guestPath",
    );
    expect(() => new VirtualFs({ mounts: [{ hostPath: data, guestPath: "/m" }] })).toThrow(
      expect.objectContaining({ option: "mounts" }),
    );
    expect(() => vfs({ files: { m: "file" }, mounts: [{ hostPath: data, guestPath: "/m" }] })).toThrow(
      InvalidOptionError,
    );
    expect(() => vfs({ files: { m: { x: "" } }, mounts: [{ hostPath: data, guestPath: "/m" }] })).toThrow(
      InvalidOptionError,
    );
    expect(() => vfs({ mounts: [{ hostPath: data, guestPath: "/m" }], cwd: "/m/missing" })).toThrow(
      expect.objectContaining({ option: "cwd" }),
    );
    expect(vfs({ files: { m: {}, f: "x" }, mounts: [{ hostPath: data, guestPath: "/m/" }] }).fileCount).toBe(
      1,
    );
    expect(() => vfs().writeFile("/x", "text" as unknown as Uint8Array)).toThrow(TypeError);
    const ok = vfs({
      mounts: [
        { hostPath: data, guestPath: "/m" },
        { hostPath: tmp, guestPath: "/mX" },
      ],
    });
    expect(ok.readdir("/").map((e) => e.name)).toEqual(["m", "mX"]);
  });

  it("reads through a read-only mount, shown as a directory in its parent", () => {
    const v = mounted(false);
    expect(v.readdir("/")).toEqual([{ name: "mnt", type: "directory" }]);
    expect(v.readdir("/mnt")).toEqual([{ name: "data", type: "directory" }]);
    expect(v.readdir("/mnt/data")).toEqual([
      { name: "hello.txt", type: "file" },
      { name: "in-link", type: "symlink" },
      { name: "out-dir", type: "symlink" },
      { name: "out-file", type: "symlink" },
      { name: "sub", type: "directory" },
    ]);
    expect(str(v.readFile("/mnt/data/in-link"))).toBe("hi");
    expect(v.realpath("/mnt/data/in-link")).toBe("/mnt/data/hello.txt");
    expect(v.realpath("/mnt/data")).toBe("/mnt/data");
    expect(v.lstat("/mnt/data/in-link").type).toBe("symlink");
    v.chdir("/mnt/data/sub");
    expect(str(v.readFile("../hello.txt"))).toBe("hi");
    expect(vfs({ mounts: [{ hostPath: data, guestPath: "/d" }], cwd: "/d/sub" }).cwd).toBe("/d/sub");
  });

  it("denies symlinks that lead outside, the sibling directory and escapes, without naming host paths", () => {
    const v = mounted(false);
    const denied = [
      fsError(
        () => v.readFile("/mnt/data/out-file"),
        "EACCES",
        "EACCES: permission denied, open '/mnt/data/out-file'",
      ),
      fsError(
        () => v.readdir("/mnt/data/out-dir"),
        "EACCES",
        "EACCES: permission denied, scandir '/mnt/data/out-dir'",
      ),
      fsError(() => v.readFile("/mnt/data/out-dir/secret"), "EACCES"),
      fsError(() => v.writeFile("/mnt/data/out-dir/new", text("x")), "EACCES"),
      fsError(() => v.writeFile("/mnt/data/out-file", text("x")), "EACCES"),
      fsError(() => v.stat("/mnt/data/out-dir"), "EACCES"),
      fsError(() => v.realpath("/mnt/data/out-file"), "EACCES"),
      fsError(() => v.mkdir("/mnt/data/out-dir/new"), "EACCES"),
      fsError(() => v.copyFile("/mnt/data/out-file", "/copy"), "EACCES"),
    ];
    for (const e of denied) expect(e.message).not.toContain(tmp);
    expect(v.exists("/mnt/data/out-file")).toBe(false);
    expect(fs.existsSync(path.join(tmp, "dataX", "new"))).toBe(false);
    expect(fs.readFileSync(path.join(tmp, "outside.txt"), "utf8")).toBe("o");
    fsError(() => v.readFile("/mnt/data/../dataX/secret"), "ENOENT");
    fsError(() => v.readFile("/mnt/dataX/secret"), "ENOENT");
    fsError(() => v.readFile(`/mnt/data/${"../".repeat(20)}${tmp}/outside.txt`), "ENOENT");
    v.unlink("/mnt/data/out-file");
    expect(fs.existsSync(path.join(tmp, "outside.txt"))).toBe(true);
  });

  it("read-only mounts refuse every write with EROFS", () => {
    const v = mounted(true);
    fsError(
      () => v.writeFile("/mnt/data/n", text("x")),
      "EROFS",
      "EROFS: read-only file system, open '/mnt/data/n'",
    );
    fsError(() => v.writeFile("/mnt/data/hello.txt", text("x"), { append: true }), "EROFS");
    fsError(() => v.mkdir("/mnt/data/d"), "EROFS", "EROFS: read-only file system, mkdir '/mnt/data/d'");
    fsError(() => v.mkdir("/mnt/data/d/e", { recursive: true }), "EROFS");
    fsError(
      () => v.unlink("/mnt/data/hello.txt"),
      "EROFS",
      "EROFS: read-only file system, unlink '/mnt/data/hello.txt'",
    );
    fsError(() => v.rm("/mnt/data/sub", { recursive: true }), "EROFS");
    fsError(() => v.rmdir("/mnt/data/sub"), "EROFS");
    fsError(() => v.rename("/mnt/data/hello.txt", "/mnt/data/h2"), "EROFS");
    fsError(() => v.copyFile("/mnt/data/hello.txt", "/mnt/data/h2"), "EROFS");
    fsError(
      () => v.access("/mnt/data/hello.txt", 2),
      "EROFS",
      "EROFS: read-only file system, access '/mnt/data/hello.txt'",
    );
    v.access("/mnt/data/hello.txt", 4);
    expect(v.stat("/mnt/data/hello.txt").mode & 0o222).toBe(0);
    expect(mounted(true, {}).bytesWritten).toBe(0);
    expect(fs.readdirSync(data).sort()).toEqual(["hello.txt", "in-link", "out-dir", "out-file", "sub"]);
  });

  it("writes through a writable mount, with quotas and change tracking", () => {
    const v = mounted(false, { maxFsBytes: 20 });
    v.writeFile("/mnt/data/new.txt", text("12345"));
    expect(fs.readFileSync(path.join(data, "new.txt"), "utf8")).toBe("12345");
    expect(v.mkdir("/mnt/data/a/b", { recursive: true })).toBe("/mnt/data/a");
    v.copyFile("/mnt/data/new.txt", "/mnt/data/a/b/c.txt");
    v.rename("/mnt/data/a", "/mnt/data/z");
    v.writeFile("/mnt/data/tmp", text("1"));
    v.rm("/mnt/data/tmp");
    fsError(() => v.writeFile("/mnt/data/big", text("x".repeat(10))), "ENOSPC");
    expect(fs.existsSync(path.join(data, "big"))).toBe(false);
    expect(v.bytesWritten).toBe(11);
    expect([...v.changedFiles().keys()]).toEqual(["/mnt/data/new.txt", "/mnt/data/z/b/c.txt"]);
    expect([...v.changedFiles(["/mnt/**/*.txt"]).keys()]).toHaveLength(2);
    v.rm("/mnt/data/z", { recursive: true });
    expect(fs.existsSync(path.join(data, "z"))).toBe(false);
    expect([...v.changedFiles().keys()]).toEqual(["/mnt/data/new.txt"]);
  });

  it("changedFiles: moved host files are not changes; reading stops at the byte budget", () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x62);
    fs.writeFileSync(path.join(data, "big.bin"), big);
    fs.writeFileSync(path.join(data, "sub", "big2.bin"), big);
    const read: number[] = [];
    const counting: HostDirectoryFactory = (...args) => {
      const dir = nodeHostDirectory(...args);
      return new Proxy(dir, {
        get(target, key) {
          const value = Reflect.get(target, key, target);
          if (key !== "readFile") return typeof value === "function" ? value.bind(target) : value;
          return (...args: Parameters<HostDirectory["readFile"]>) => {
            const bytes = target.readFile(...args);
            read.push(bytes.length);
            return bytes;
          };
        },
      });
    };
    const v = new VirtualFs(
      { mounts: [{ hostPath: data, guestPath: "/mnt/data", readOnly: false }], maxFsBytes: 1024 },
      counting,
    );
    v.rename("/mnt/data/big.bin", "/mnt/data/moved.bin");
    v.rename("/mnt/data/sub", "/mnt/data/sub2");
    v.writeFile("/mnt/data/small.txt", text("s"));
    v.writeFile("/mem.txt", text("m"));
    expect([...v.changedFiles(undefined, 1024).keys()]).toEqual(["/mem.txt", "/mnt/data/small.txt"]);
    expect(read).toEqual([1]);
    v.writeFile("/mnt/data/moved.bin", text("!"), { append: true });
    read.length = 0;
    expect(() => v.changedFiles(undefined, 1024)).toThrow(ChangedFilesTooLarge);
    expect(read).toEqual([]);
    expect(() => v.changedFiles(["/mem.txt", "/mnt/data/small.txt"], 1)).toThrow(ChangedFilesTooLarge);
    expect([...v.changedFiles(["/mem.txt", "/mnt/data/small.txt"], 2).keys()]).toHaveLength(2);
    expect(v.changedFiles().get("/mnt/data/moved.bin")?.length).toBe(big.length + 1);
  });

  it("mount points are busy; rename across the tree and a mount is EXDEV; copyFile crosses", () => {
    const v = mounted(false, { files: { f: "mem" } });
    fsError(() => v.rmdir("/mnt/data"), "EBUSY", "EBUSY: resource busy or locked, rmdir '/mnt/data'");
    fsError(() => v.rm("/mnt", { recursive: true }), "EBUSY");
    fsError(() => v.rename("/mnt", "/m2"), "EBUSY");
    fsError(() => v.rename("/mnt/data", "/m2"), "EBUSY");
    fsError(
      () => v.rename("/f", "/mnt/data/f"),
      "EXDEV",
      "EXDEV: cross-device link not permitted, rename '/f' -> '/mnt/data/f'",
    );
    fsError(() => v.rename("/mnt/data/hello.txt", "/h"), "EXDEV");
    fsError(() => v.unlink("/mnt/data"), "EISDIR");
    fsError(() => v.writeFile("/mnt", text("")), "EISDIR");
    v.copyFile("/f", "/mnt/data/f");
    v.copyFile("/mnt/data/hello.txt", "/h");
    expect(fs.readFileSync(path.join(data, "f"), "utf8")).toBe("mem");
    expect(str(v.readFile("/h"))).toBe("hi");
    expect(v.fileCount).toBe(2);
  });
});
