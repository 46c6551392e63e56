import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, configJsonSchema, loadConfigFile, parseConfig } from "./config.js";

describe("operator configuration", () => {
  it("fills the defaults", () => {
    expect(parseConfig({})).toEqual({
      timeoutMs: 60_000,
      memoryLimitBytes: 64 * 1024 * 1024,
      maxOutputBytes: 1024 * 1024,
      network: { allow: [] },
      mounts: [],
      packages: [],
      maxSessions: 100,
      sessionTtlMs: 3_600_000,
    });
  });

  it("names the field and the source of a mistake", () => {
    expect(() => parseConfig({ timeoutMs: -1 }, "--config x.json")).toThrow(
      new ConfigError("--config x.json: timeoutMs: Too small: expected number to be >=1"),
    );
    expect(() => parseConfig({ network: { allow: "a.com" } })).toThrow(
      /network\.allow: Invalid input: expected array/,
    );
    expect(() => parseConfig({ timeout: 5 })).toThrow(/Unrecognized key: "timeout"/);
    expect(() => parseConfig({ mounts: [{ hostPath: "/x", guestPath: "data" }] })).toThrow(
      /mounts\.0\.guestPath/,
    );
  });

  it("reads a file, with mount paths relative to it", () => {
    const dir = mkdtempSync(join(tmpdir(), "cordon-config-"));
    try {
      const file = join(dir, "cordon.json");
      writeFileSync(
        file,
        JSON.stringify({ mounts: [{ hostPath: "data", guestPath: "/data" }], timeoutMs: 1000 }),
      );
      const config = loadConfigFile(file);
      expect(config.mounts).toEqual([{ hostPath: join(dir, "data"), guestPath: "/data", readOnly: true }]);
      expect(config.timeoutMs).toBe(1000);
      writeFileSync(file, "{ nope");
      expect(() => loadConfigFile(file)).toThrow(/^--config .*cordon\.json: not JSON/);
      expect(() => loadConfigFile(join(dir, "missing.json"))).toThrow(/missing\.json: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is published as schema/cordon.schema.json (npm run build && node scripts/write-schema.mjs)", () => {
    const file = new URL("../../schema/cordon.schema.json", import.meta.url);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(configJsonSchema());
  });
});
