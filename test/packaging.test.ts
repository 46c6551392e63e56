// The built package (dist/, made by `npm test`) as a Node project loads it: by import and by require().
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function node(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

const PROGRAM = `c.run("export default 6 * 7", { isolation: "inline" }).then((r) => {
  console.log(JSON.stringify([r.value, typeof c.createSandbox, typeof c.formatError, typeof c.CordonError]));
  process.exit(0);
});`;

describe("the package", () => {
  it("loads with require('cordon') from CommonJS", async () => {
    const r = await node(["-e", `const c = require("cordon");\n${PROGRAM}`]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe('[42,"function","function","function"]');
  });

  it("loads with import from an ES module", async () => {
    const r = await node(["--input-type=module", "-e", `import * as c from "cordon";\n${PROGRAM}`]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe('[42,"function","function","function"]');
  });
});
