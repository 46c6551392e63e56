import nodeOs from "node:os";
import { describe, expect, it } from "vitest";
import { create as createBuffer } from "./guest/buffer.js";
import { makeRequire } from "./guest/internal/testing.js";
import { create } from "./guest/os.js";

const os = makeRequire({ os: create, buffer: createBuffer })("os") as typeof nodeOs;

describe("os (virtual)", () => {
  it("describes a fixed Linux machine", () => {
    expect(os.hostname()).toBe("cordon");
    expect(os.platform()).toBe("linux");
    expect(os.type()).toBe("Linux");
    expect(os.arch()).toBe("x64");
    expect(os.release()).toBe("6.0.0");
    expect(os.totalmem()).toBe(2 ** 26);
    expect(os.freemem()).toBeLessThanOrEqual(os.totalmem());
    expect(os.tmpdir()).toBe("/tmp");
    expect(os.homedir()).toBe("/home/user");
    expect(os.EOL).toBe("\n");
    expect(os.endianness()).toBe("LE");
    expect(os.loadavg()).toEqual([0, 0, 0]);
    expect(os.networkInterfaces()).toEqual({});
    expect(os.cpus()).toHaveLength(1);
    expect(typeof os.uptime()).toBe("number");
    expect(os.availableParallelism()).toBe(1);
    expect(os.userInfo()).toMatchObject({ username: "user", homedir: "/home/user", uid: 1000 });
    expect(os.userInfo({ encoding: "buffer" }).username).toBeInstanceOf(Uint8Array);
  });

  it("has the same shape as Node's os module", () => {
    for (const key of Object.keys(nodeOs)) {
      if (["setPriority", "getPriority"].includes(key)) continue;
      expect(os, key).toHaveProperty(key);
      expect(typeof (os as unknown as Record<string, unknown>)[key], key).toBe(
        typeof (nodeOs as unknown as Record<string, unknown>)[key],
      );
    }
    expect(Object.keys(os.cpus()[0]!)).toEqual(Object.keys(nodeOs.cpus()[0]!));
    expect(Object.keys(os.cpus()[0]!.times)).toEqual(Object.keys(nodeOs.cpus()[0]!.times));
    for (const [name, value] of Object.entries(os.constants.signals))
      expect(value, name).toBe((nodeOs.constants.signals as Record<string, number>)[name]);
    for (const [name, value] of Object.entries(os.constants.errno))
      expect(value, name).toBe((nodeOs.constants.errno as Record<string, number>)[name]);
    expect(os.constants.priority).toEqual(nodeOs.constants.priority);
  });
});
