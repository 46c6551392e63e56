// Runs a user's alert rule (custom.ts, TypeScript) in cordon against a log the host mounts read-only, with the
// time of the last alert kept by the host and reached only through two host functions.
//
//   node examples/user-alert-rule/main.mjs [--rule custom.ts] [--state <file>]
//
// Prints the rule's decision. The state file keeps the last alert time between invocations, so running it twice
// in a row alerts once and then reports that the alert was debounced.
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatError, run } from "cordon";

const here = fileURLToPath(new URL(".", import.meta.url));
const { values } = parseArgs({
  options: {
    rule: { type: "string", default: join(here, "custom.ts") },
    state: { type: "string", default: join(tmpdir(), "cordon-alert-rule-state.json") },
  },
});

// Host state: the time of the last alert. A real product keeps it in its database.
async function loadLastAlert() {
  try {
    return JSON.parse(await readFile(values.state, "utf8")).lastAlert ?? null;
  } catch {
    return null;
  }
}
let lastAlert = await loadLastAlert();

const result = await run(await readFile(resolve(values.rule), "utf8"), {
  filename: "/rule/custom.ts", // the .ts name makes cordon strip the types
  files: { rule: { "types.ts": await readFile(join(here, "types.ts"), "utf8") } },
  mounts: [{ hostPath: join(here, "logs"), guestPath: "/logs" }], // read-only by default
  globals: {
    env: {
      getLastAlert: () => lastAlert,
      setLastAlert: (time) => {
        if (typeof time !== "number" || !Number.isFinite(time))
          throw new TypeError("setLastAlert takes a time");
        lastAlert = time;
      },
    },
  },
  modules: ["fs"], // the rule may import node:fs and nothing else
  timeoutMs: 1_000,
  memoryLimitBytes: 32 * 1024 * 1024,
});

if (!result.ok) {
  console.error(`the alert rule failed:\n${formatError(result)}`);
  process.exit(1);
}
await writeFile(values.state, JSON.stringify({ lastAlert }));
const { alert, reason } = result.value;
console.log(alert ? `ALERT: ${reason}` : `no alert: ${reason}`);
