// `cordon mcp`'s flags that serve launchers: --mount-dirs (a list expanded into arguments) and an empty --allow-net=.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/args.js";
import { parseMcp } from "../../src/cli/mcp-command.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cordon-mount-dirs-"));
  for (const sub of ["a/data", "b/data", "c/data"]) mkdirSync(join(dir, sub), { recursive: true });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cordon mcp --mount-dirs", () => {
  it("mounts each directory argument read-only at /mnt/<its name>, numbering a name taken", () => {
    const [a, b, c] = ["a/data", "b/data", "c/data"].map((sub) => join(dir, sub));
    const { config } = parseMcp(["--mount", `${a}:/mnt/data`, "--mount-dirs", b!, c!, "/"]);
    expect(config.mounts).toEqual([
      { hostPath: a, guestPath: "/mnt/data", readOnly: true },
      { hostPath: b, guestPath: "/mnt/data-2", readOnly: true },
      { hostPath: c, guestPath: "/mnt/data-3", readOnly: true },
      { hostPath: "/", guestPath: "/mnt/root", readOnly: true },
    ]);
  });

  it("skips an empty argument and accepts no directory at all", () => {
    expect(parseMcp(["--mount-dirs", ""]).config.mounts).toEqual([]);
    expect(parseMcp(["--mount-dirs"]).config.mounts).toEqual([]);
  });

  it("refuses a directory that does not exist, and a directory argument without --mount-dirs", () => {
    const missing = join(dir, "missing");
    expect(() => parseMcp(["--mount-dirs", missing])).toThrow(`--mount-dirs ${missing}: no such directory`);
    expect(() => parseMcp([dir])).toThrow(UsageError);
    expect(() => parseMcp([dir])).toThrow(/follow --mount-dirs/);
  });
});

describe("cordon mcp --allow-net", () => {
  it("takes an empty value as no host, and lists as before", () => {
    expect(parseMcp(["--allow-net="]).config.network.allow).toEqual([]);
    expect(parseMcp(["--allow-net=", "--allow-net", "a.example, b.example"]).config.network.allow).toEqual([
      "a.example",
      "b.example",
    ]);
    expect(() => parseMcp(["--allow-net", "a.example,,b.example"])).toThrow(/separated by commas/);
  });
});
