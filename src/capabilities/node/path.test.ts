import nodePath from "node:path";
import { describe, expect, it } from "vitest";
import { makeRequire } from "./guest/internal/testing.js";
import { create } from "./guest/path.js";

const path = makeRequire({ path: create })("path") as typeof nodePath;

const SAMPLES = [
  "",
  ".",
  "..",
  "/",
  "//",
  "///",
  "a",
  "/a",
  "a/",
  "/a/",
  "a/b/c",
  "/a/b/c",
  "/a/b/c/",
  "a//b",
  "./a",
  "../a",
  "a/./b",
  "a/../b",
  "a/b/../../..",
  "/../a",
  "/a/b/../../../c",
  "./",
  "../",
  "../../x/",
  "file.txt",
  ".bashrc",
  "..hidden",
  "a.b.c",
  "/dir/file.tar.gz",
  "/dir.d/file",
  "dir/.",
  "dir/..",
  "file.",
  "/a/b.c/",
  "...",
  "a/.../b",
  "/foo/bar/baz/asdf/quux.html",
  "C:\\windows\\path",
];

/** Both implementations' results (or thrown errors) must match. */
function same(name: string, fn: (p: typeof nodePath) => unknown) {
  const run = (p: typeof nodePath) => {
    try {
      return { value: fn(p) };
    } catch (e) {
      const err = e as Error & { code?: string };
      return { name: err.name, code: err.code, message: err.message };
    }
  };
  expect(run(path), name).toEqual(run(nodePath));
}

describe("path against node:path", () => {
  it("single-argument functions over every sample", () => {
    let count = 0;
    for (const p of SAMPLES) {
      for (const fn of [
        "normalize",
        "dirname",
        "basename",
        "extname",
        "isAbsolute",
        "parse",
        "resolve",
        "toNamespacedPath",
      ] as const) {
        same(`${fn}(${JSON.stringify(p)})`, (m) => (m[fn] as (x: string) => unknown)(p));
        count++;
      }
      same(`format(parse(${JSON.stringify(p)}))`, (m) => m.format(m.parse(p)));
    }
    expect(count).toBeGreaterThan(100);
  });

  it("two-argument functions over pairs of samples", () => {
    for (const a of SAMPLES)
      for (const b of SAMPLES) {
        same(`join(${a}, ${b})`, (m) => m.join(a, b));
        same(`relative(${a}, ${b})`, (m) => m.relative(a, b));
        same(`resolve(${a}, ${b})`, (m) => m.resolve(a, b));
      }
    for (const p of SAMPLES)
      for (const ext of ["", ".txt", ".gz", "z", "c.txt", p])
        same(`basename(${p}, ${ext})`, (m) => m.basename(p, ext));
  });

  it("variadic calls, format objects and argument errors", () => {
    same("join()", (m) => m.join());
    same("join(many)", (m) => m.join("a", "", "/b/", "..", "c/", "."));
    same("resolve()", (m) => m.resolve());
    same("resolve(abs middle)", (m) => m.resolve("a", "/b", "c", "../d"));
    for (const obj of [
      { root: "/", dir: "/home/u", base: "f.txt" },
      { root: "/", name: "f", ext: ".txt" },
      { dir: "d", name: "n", ext: "e" },
      { name: "x", ext: "" },
      { base: "b", name: "ignored", ext: ".no" },
      { root: "/x/" },
      {},
    ])
      same(`format(${JSON.stringify(obj)})`, (m) => m.format(obj));
    same("format(null)", (m) => m.format(null as never));
    same("join(1)", (m) => m.join("a", 1 as never));
    same("basename(1)", (m) => m.basename(1 as never));
    same("basename(ext)", (m) => m.basename("a", 1 as never));
    same("relative(null)", (m) => m.relative(null as never, "a"));
    same("resolve(undefined)", (m) => m.resolve("a", undefined as never));
  });

  it("constants and aliases", () => {
    expect(path.sep).toBe("/");
    expect(path.delimiter).toBe(":");
    expect(path.posix).toBe(path);
    expect(path.win32).toBe(path);
  });
});
