import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsError } from "../capabilities/fs/errors.js";
import { VirtualFs } from "../capabilities/fs/vfs.js";
import { NodeHostDirectory } from "./node-fs.js";

let tmp: string;
let root: string;
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const at = (rel: string) => ({ rel, guest: `/m/${rel}` });

function denied(fn: () => unknown, code: string, message?: string): FsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FsError);
    const e = error as FsError;
    expect(e.code).toBe(code);
    if (message !== undefined) expect(e.message).toBe(message);
    expect(e.message).not.toContain(tmp);
    expect(e.path ?? "").not.toContain(tmp);
    expect(e.dest ?? "").not.toContain(tmp);
    return e;
  }
  throw new Error(`expected ${code}`);
}

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "cordon-nodefs-")));
  root = path.join(tmp, "data");
  fs.mkdirSync(path.join(root, "sub"), { recursive: true });
  fs.writeFileSync(path.join(root, "a.txt"), "A");
  fs.writeFileSync(path.join(root, "sub", "b.txt"), "B");
  fs.mkdirSync(path.join(tmp, "dataX"));
  fs.writeFileSync(path.join(tmp, "dataX", "secret"), "S");
  fs.writeFileSync(path.join(tmp, "outside.txt"), "O");
  fs.symlinkSync(path.join(tmp, "outside.txt"), path.join(root, "link-file"));
  fs.symlinkSync(path.join(tmp, "dataX"), path.join(root, "link-dir"));
  fs.symlinkSync("../dataX", path.join(root, "link-sibling"));
  fs.symlinkSync(path.join(tmp, "nowhere.txt"), path.join(root, "dangling"));
  fs.symlinkSync("sub/b.txt", path.join(root, "link-in"));
  fs.symlinkSync("sub", path.join(root, "link-in-dir"));
  fs.symlinkSync("loop", path.join(root, "loop"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("NodeHostDirectory: opening", () => {
  it("needs an absolute path to an existing directory", () => {
    expect(() => new NodeHostDirectory("relative", false)).toThrow(TypeError);
    expect(() => new NodeHostDirectory(path.join(tmp, "missing"), false)).toThrow(TypeError);
    expect(() => new NodeHostDirectory(path.join(tmp, "outside.txt"), false)).toThrow(TypeError);
    expect(() => new NodeHostDirectory(`${root}\0`, false)).toThrow(TypeError);
    const viaLink = path.join(tmp, "root-link");
    fs.symlinkSync(root, viaLink);
    expect(new NodeHostDirectory(viaLink, true).realpath(at("sub"))).toBe("sub");
  });
});

describe("NodeHostDirectory: confinement", () => {
  it("follows links that stay inside", () => {
    const d = new NodeHostDirectory(root, false);
    expect(str(d.readFile(at("link-in")))).toBe("B");
    expect(d.readdir(at("link-in-dir"))).toEqual([{ name: "b.txt", type: "file" }]);
    expect(d.realpath(at("link-in"))).toBe("sub/b.txt");
    expect(d.realpath(at(""))).toBe("");
    expect(d.stat(at("link-in")).type).toBe("file");
    expect(d.lstat(at("link-in")).type).toBe("symlink");
    d.writeFile(at("link-in-dir/new.txt"), text("N"));
    expect(fs.readFileSync(path.join(root, "sub", "new.txt"), "utf8")).toBe("N");
    expect(str(d.readFile(at("sub/../a.txt")))).toBe("A");
  });

  it("denies a link to a file outside, for every operation that follows it", () => {
    const d = new NodeHostDirectory(root, false);
    denied(() => d.readFile(at("link-file")), "EACCES", "EACCES: permission denied, open '/m/link-file'");
    denied(() => d.stat(at("link-file")), "EACCES", "EACCES: permission denied, stat '/m/link-file'");
    denied(() => d.writeFile(at("link-file"), text("x")), "EACCES");
    denied(() => d.writeFile(at("link-file"), text("x"), { append: true }), "EACCES");
    denied(() => d.realpath(at("link-file")), "EACCES");
    expect(fs.readFileSync(path.join(tmp, "outside.txt"), "utf8")).toBe("O");
    expect(d.lstat(at("link-file")).type).toBe("symlink");
    d.unlink(at("link-file"));
    expect(fs.existsSync(path.join(root, "link-file"))).toBe(false);
    expect(fs.readFileSync(path.join(tmp, "outside.txt"), "utf8")).toBe("O");
  });

  it("denies a link to a directory outside, and a link to the sibling with the same prefix", () => {
    const d = new NodeHostDirectory(root, false);
    for (const link of ["link-dir", "link-sibling"]) {
      denied(() => d.readdir(at(link)), "EACCES", `EACCES: permission denied, scandir '/m/${link}'`);
      denied(() => d.readFile(at(`${link}/secret`)), "EACCES");
      denied(() => d.stat(at(`${link}/secret`)), "EACCES");
      denied(() => d.lstat(at(`${link}/secret`)), "EACCES");
      denied(() => d.writeFile(at(`${link}/new`), text("x")), "EACCES");
      denied(() => d.writeFile(at(`${link}/missing/new`), text("x")), "EACCES");
      denied(() => d.mkdir(at(`${link}/newdir`)), "EACCES");
      denied(() => d.unlink(at(`${link}/secret`)), "EACCES");
      denied(() => d.rmdir(at(`${link}/`), { recursive: true }), "ENOTDIR");
      denied(() => d.rename(at(`${link}/secret`), at("stolen")), "EACCES");
      denied(() => d.rename(at("a.txt"), at(`${link}/planted`)), "EACCES");
    }
    expect(fs.readdirSync(path.join(tmp, "dataX"))).toEqual(["secret"]);
    expect(fs.existsSync(path.join(root, "a.txt"))).toBe(true);
    fs.symlinkSync(path.join(tmp, "dataX"), path.join(root, "sub", "evil-dir"));
    fs.symlinkSync(path.join(tmp, "outside.txt"), path.join(root, "sub", "evil-file"));
    d.rmdir(at("sub"), { recursive: true });
    expect(fs.existsSync(path.join(root, "sub"))).toBe(false);
    d.unlink(at("link-dir"));
    expect(fs.readdirSync(path.join(tmp, "dataX"))).toEqual(["secret"]);
    expect(fs.readFileSync(path.join(tmp, "outside.txt"), "utf8")).toBe("O");
  });

  it("never writes through a dangling link", () => {
    const d = new NodeHostDirectory(root, false);
    denied(
      () => d.writeFile(at("dangling"), text("x")),
      "EACCES",
      "EACCES: permission denied, open '/m/dangling'",
    );
    denied(() => d.writeFile(at("dangling/x"), text("x")), "EACCES");
    denied(() => d.mkdir(at("dangling/x")), "EACCES");
    denied(() => d.stat(at("dangling")), "EACCES");
    expect(fs.existsSync(path.join(tmp, "nowhere.txt"))).toBe(false);
    expect(d.lstat(at("dangling")).type).toBe("symlink");
  });

  it("denies '..' escapes and absolute paths, and NUL bytes", () => {
    const d = new NodeHostDirectory(root, false);
    for (const rel of [
      "..",
      "../dataX/secret",
      "sub/../../outside.txt",
      "../data/../dataX",
      "../../../../etc/passwd",
    ]) {
      denied(() => d.readFile(at(rel)), "EACCES");
      denied(() => d.writeFile(at(rel), text("x")), "EACCES");
      denied(() => d.readdir(at(rel)), "EACCES");
      denied(() => d.mkdir(at(rel)), "EACCES");
      denied(() => d.lstat(at(rel)), "EACCES");
    }
    denied(() => d.readFile({ rel: path.join(tmp, "outside.txt"), guest: "/m/abs" }), "EACCES");
    denied(() => d.readdir(at("/")), "EACCES");
    denied(() => d.rename(at("a.txt"), at("../escaped")), "EACCES");
    denied(() => d.readFile(at("a.txt\0")), "EINVAL", "EINVAL: invalid argument, open '/m/a.txt\0'");
    denied(() => d.writeFile(at("x\0y"), text("")), "EINVAL");
    expect(fs.existsSync(path.join(tmp, "escaped"))).toBe(false);
    expect(fs.readFileSync(path.join(tmp, "outside.txt"), "utf8")).toBe("O");
  });

  it("reports link loops as ELOOP", () => {
    const d = new NodeHostDirectory(root, false);
    denied(
      () => d.readFile(at("loop")),
      "ELOOP",
      "ELOOP: too many symbolic links encountered, open '/m/loop'",
    );
  });

  it("refuses special files without blocking, and leaves them out of listings", () => {
    try {
      execFileSync("mkfifo", [path.join(root, "fifo")]);
    } catch {
      return; // no mkfifo here
    }
    const d = new NodeHostDirectory(root, false);
    denied(() => d.readFile(at("fifo")), "EACCES");
    denied(() => d.writeFile(at("fifo"), text("x")), "EACCES");
    denied(() => d.stat(at("fifo")), "EACCES");
    expect(d.readdir(at("")).map((e) => e.name)).not.toContain("fifo");
  });

  it("names only the guest path when the root itself is gone", () => {
    const d = new NodeHostDirectory(root, false);
    fs.rmSync(root, { recursive: true });
    denied(() => d.readFile(at("a.txt")), "ENOENT", "ENOENT: no such file or directory, open '/m/a.txt'");
  });
});

describe("NodeHostDirectory: hard links", () => {
  const message =
    "EACCES: permission denied, open '/m/hard' (a file with more than one hard link is refused in a writable mount; the mount option allowHardLinks allows it)";

  it("a writable directory refuses to read or write a file with more than one link", () => {
    fs.linkSync(path.join(tmp, "outside.txt"), path.join(root, "hard"));
    fs.linkSync(path.join(root, "a.txt"), path.join(root, "sub", "a-again"));
    const d = new NodeHostDirectory(root, false);
    denied(() => d.readFile(at("hard")), "EACCES", message);
    denied(() => d.writeFile(at("hard"), text("x")), "EACCES", message);
    denied(() => d.writeFile(at("hard"), text("x"), { append: true }), "EACCES", message);
    denied(() => d.readFile(at("a.txt")), "EACCES");
    expect(fs.readFileSync(path.join(tmp, "outside.txt"), "utf8")).toBe("O");
    expect(d.stat(at("hard")).nlink).toBe(2);
    d.unlink(at("sub/a-again"));
    expect(str(d.readFile(at("a.txt")))).toBe("A");
  });

  it("allowHardLinks lets them through; a read-only directory reads them", () => {
    fs.linkSync(path.join(tmp, "outside.txt"), path.join(root, "hard"));
    const allowed = new NodeHostDirectory(root, false, { allowHardLinks: true });
    expect(str(allowed.readFile(at("hard")))).toBe("O");
    allowed.writeFile(at("hard"), text("!"), { append: true });
    expect(fs.readFileSync(path.join(tmp, "outside.txt"), "utf8")).toBe("O!");
    expect(str(new NodeHostDirectory(root, true).readFile(at("hard")))).toBe("O!");
  });
});

describe("NodeHostDirectory: a directory swapped for a link between the check and the use", () => {
  // Another process could swap root/sub for a link to tmp/dataX after the path was checked; the hook does it there.
  const swapSub = () => {
    fs.renameSync(path.join(root, "sub"), path.join(root, "sub-old"));
    fs.symlinkSync(path.join(tmp, "dataX"), path.join(root, "sub"));
  };
  /** Runs `fn` with the swap between its check and its open: it must fail (EACCES, or ELOOP for a last segment
   * that became a link), naming no host path. */
  function swapped(fn: (d: NodeHostDirectory) => unknown): FsError {
    let swaps = 0;
    const d = new NodeHostDirectory(root, false, {
      afterCheck: () => {
        if (swaps++ === 0) swapSub();
      },
    });
    let error: unknown;
    try {
      fn(d);
    } catch (e) {
      error = e;
    } finally {
      if (swaps > 0) {
        fs.unlinkSync(path.join(root, "sub"));
        fs.renameSync(path.join(root, "sub-old"), path.join(root, "sub"));
      }
    }
    expect(swaps).toBe(1);
    expect(error).toBeInstanceOf(FsError);
    const e = error as FsError;
    expect(["EACCES", "ELOOP"]).toContain(e.code);
    expect(e.message).not.toContain(tmp);
    return e;
  }
  const outsideUnchanged = () => {
    expect(fs.readdirSync(path.join(tmp, "dataX")).sort()).toEqual(["b.txt", "d", "secret"]);
    expect(fs.readdirSync(path.join(tmp, "dataX", "d"))).toEqual([]);
    expect(fs.readFileSync(path.join(tmp, "dataX", "b.txt"), "utf8")).toBe("outside b");
  };

  beforeEach(() => {
    fs.writeFileSync(path.join(tmp, "dataX", "b.txt"), "outside b");
    fs.mkdirSync(path.join(tmp, "dataX", "d"));
    fs.mkdirSync(path.join(root, "sub", "d"));
  });

  it("reads, writes, appends, creates, stats and lists nothing outside", () => {
    expect(swapped((d) => d.readFile(at("sub/b.txt"))).message).toBe(
      "EACCES: permission denied, open '/m/sub/b.txt'",
    );
    swapped((d) => d.writeFile(at("sub/b.txt"), text("x")));
    swapped((d) => d.writeFile(at("sub/b.txt"), text("x"), { append: true }));
    swapped((d) => d.writeFile(at("sub/new.txt"), text("x")));
    swapped((d) => d.stat(at("sub/b.txt")));
    swapped((d) => d.stat(at("sub/d")));
    swapped((d) => d.readdir(at("sub/d")));
    swapped((d) => d.readdir(at("sub")));
    outsideUnchanged();
  });

  it("lstat, mkdir, unlink, rmdir and rename reach nothing outside", () => {
    swapped((d) => d.lstat(at("sub/b.txt")));
    swapped((d) => d.mkdir(at("sub/new-dir")));
    swapped((d) => d.unlink(at("sub/b.txt")));
    swapped((d) => d.rmdir(at("sub/d")));
    swapped((d) => d.rename(at("sub/b.txt"), at("stolen.txt")));
    swapped((d) => d.rename(at("a.txt"), at("sub/planted.txt")));
    outsideUnchanged();
    expect(fs.existsSync(path.join(root, "stolen.txt"))).toBe(false);
  });

  it("reaches the guest as EACCES naming its own path, with no content from outside", () => {
    let swaps = 0;
    const v = new VirtualFs(
      { mounts: [{ hostPath: root, guestPath: "/mnt", readOnly: false }] },
      (r, ro, o) => {
        return new NodeHostDirectory(r, ro, {
          ...o,
          afterCheck: () => {
            if (swaps++ === 0) swapSub();
          },
        });
      },
    );
    let error: unknown;
    try {
      v.readFile("/mnt/sub/b.txt");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FsError);
    expect((error as FsError).message).toBe("EACCES: permission denied, open '/mnt/sub/b.txt'");
  });
});

describe("NodeHostDirectory: operations", () => {
  it("reads, writes, appends and lists", () => {
    const d = new NodeHostDirectory(root, false);
    d.writeFile(at("n.txt"), text("1"));
    d.writeFile(at("n.txt"), text("2"), { append: true });
    expect(str(d.readFile(at("n.txt")))).toBe("12");
    d.writeFile(at("n.txt"), text("3"));
    expect(str(d.readFile(at("n.txt")))).toBe("3");
    denied(
      () => d.writeFile(at("n.txt"), text("x"), { exclusive: true }),
      "EEXIST",
      "EEXIST: file already exists, open '/m/n.txt'",
    );
    denied(
      () => d.writeFile(at("sub"), text("x")),
      "EISDIR",
      "EISDIR: illegal operation on a directory, open '/m/sub'",
    );
    denied(() => d.readFile(at("sub")), "EISDIR", "EISDIR: illegal operation on a directory, read '/m/sub'");
    denied(() => d.readFile(at("none")), "ENOENT", "ENOENT: no such file or directory, open '/m/none'");
    denied(() => d.writeFile(at("none/x"), text("")), "ENOENT");
    denied(() => d.readFile(at("a.txt/x")), "ENOTDIR", "ENOTDIR: not a directory, open '/m/a.txt/x'");
    denied(() => d.readdir(at("a.txt")), "ENOTDIR", "ENOTDIR: not a directory, scandir '/m/a.txt'");
    expect(d.readdir(at("")).find((e) => e.name === "link-dir")).toEqual({
      name: "link-dir",
      type: "symlink",
    });
    const st = d.stat(at("a.txt"));
    expect(st).toMatchObject({ type: "file", size: 1, uid: 0, gid: 0 });
  });

  it("mkdir, unlink, rmdir and rename", () => {
    const d = new NodeHostDirectory(root, false);
    d.mkdir(at("new"));
    denied(() => d.mkdir(at("new")), "EEXIST", "EEXIST: file already exists, mkdir '/m/new'");
    denied(() => d.mkdir(at("x/y")), "ENOENT");
    denied(() => d.unlink(at("sub")), "EISDIR", "EISDIR: illegal operation on a directory, unlink '/m/sub'");
    denied(() => d.rmdir(at("sub")), "ENOTEMPTY", "ENOTEMPTY: directory not empty, rmdir '/m/sub'");
    denied(() => d.rmdir(at("a.txt")), "ENOTDIR");
    denied(() => d.rmdir(at("")), "EBUSY");
    denied(() => d.rename(at(""), at("x")), "EBUSY");
    denied(
      () => d.rename(at("none"), at("x")),
      "ENOENT",
      "ENOENT: no such file or directory, rename '/m/none' -> '/m/x'",
    );
    d.rename(at("a.txt"), at("new/a.txt"));
    expect(fs.readFileSync(path.join(root, "new", "a.txt"), "utf8")).toBe("A");
    d.rmdir(at("sub"), { recursive: true });
    d.unlink(at("new/a.txt"));
    d.rmdir(at("new"));
    expect(fs.existsSync(path.join(root, "sub"))).toBe(false);
  });

  it("read-only: every write is EROFS and write bits are hidden", () => {
    const d = new NodeHostDirectory(root, true);
    denied(() => d.writeFile(at("n"), text("x")), "EROFS", "EROFS: read-only file system, open '/m/n'");
    denied(() => d.writeFile(at("a.txt"), text("x"), { append: true }), "EROFS");
    denied(() => d.mkdir(at("d")), "EROFS", "EROFS: read-only file system, mkdir '/m/d'");
    denied(() => d.unlink(at("a.txt")), "EROFS");
    denied(() => d.rmdir(at("sub"), { recursive: true }), "EROFS");
    denied(
      () => d.rename(at("a.txt"), at("b")),
      "EROFS",
      "EROFS: read-only file system, rename '/m/a.txt' -> '/m/b'",
    );
    expect(str(d.readFile(at("a.txt")))).toBe("A");
    expect(d.stat(at("a.txt")).mode & 0o222).toBe(0);
    expect(fs.readdirSync(root)).toContain("a.txt");
    expect(fs.existsSync(path.join(root, "n"))).toBe(false);
  });
});
