import { describe, expect, it } from "vitest";
import { run } from "../index.js";
import { parseConfig } from "../operator/config.js";
import { describeEnvironment, MISSING, NODE_BUILTINS, WEB_GLOBALS } from "./describe.js";

describe("what the tools tell the model", () => {
  it("lists only built-ins and globals that exist, and gaps that are real", async () => {
    const code = `
      const missing = [];
      for (const name of ${JSON.stringify(NODE_BUILTINS)}) { try { require("node:" + name); } catch { missing.push(name); } }
      for (const name of ${JSON.stringify(WEB_GLOBALS)}) if (typeof globalThis[name] === "undefined") missing.push(name);
      const present = [];
      if (typeof Intl !== "undefined") present.push("Intl");
      for (const name of ${JSON.stringify(MISSING.filter((m) => m !== "Intl"))}) { try { require("node:" + name); present.push(name); } catch {} }
      ({ missing, present, grouped: (1234567).toLocaleString() })`;
    // Every global named in the code is installed (capabilities install by the names a program mentions).
    const names = WEB_GLOBALS.map((n) => `typeof ${n};`).join("");
    const result = await run(`${names}\n${code}`, { isolation: "inline" });
    expect(result.ok ? result.value : result.error).toEqual({ missing: [], present: [], grouped: "1234567" });
  });

  it("states the hosts, mounts, packages and limits in force, or that there are none", () => {
    const none = describeEnvironment(parseConfig({}));
    expect(none).toContain("Network: off; fetch fails for every host.");
    expect(none).toContain("npm packages: none");
    expect(none).toContain("60000 ms wall clock");
    const some = describeEnvironment(
      parseConfig({
        timeoutMs: 2500,
        memoryLimitBytes: 128 * 1024 * 1024,
        network: { allow: ["api.example.com", "*.cdn.example"] },
        mounts: [
          { hostPath: "/srv/in", guestPath: "/in" },
          { hostPath: "/srv/out", guestPath: "/out", readOnly: false },
        ],
        packages: ["lodash-es"],
      }),
    );
    expect(some).toContain("fetch may reach only api.example.com, *.cdn.example; any other host is refused.");
    expect(some).toContain("/in (read-only), /out (read-write)");
    expect(some).toContain("npm packages: only lodash-es");
    expect(some).toContain("2500 ms wall clock");
    expect(some).toContain("128 MiB of memory");
  });
});
