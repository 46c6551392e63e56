// The runnable examples in examples/<name>/ (run against dist/, built by `npm test`): each is spawned as a user
// would run it, and its output and exit code are checked. The only network used is servers started here on
// 127.0.0.1.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "cordon-examples-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` from the repository root with `stdin` piped in; OPENAI_* variables are not inherited. */
function node(
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<Spawned> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of ["OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_API_KEY"]) {
    if (!options.env?.[name]) delete env[name];
  }
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd: ROOT, env, timeout: 25_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(options.stdin ?? "");
  });
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Starts a server on 127.0.0.1 (an ephemeral port) and returns its origin. */
async function serve(
  handler: (request: IncomingMessage, text: string) => { status?: number; json: unknown },
) {
  const server = createServer(async (request, response) => {
    const { status = 200, json } = handler(request, await body(request));
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(json));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("examples/ai-generated", () => {
  const MAIN = "examples/ai-generated/main.mjs";

  it("offline: the recorded first program fails, the error goes back, the second program works", async () => {
    const { code, stdout } = await node([MAIN]);
    expect(code).toBe(0);
    expect(stdout).toContain("model: recorded answers (offline)");
    expect(stdout).toContain("--- attempt 1:");
    expect(stdout).toContain("TypeError: primes.sum is not a function");
    expect(stdout).toMatch(/at \/main\.mjs:7:32/);
    expect(stdout).toContain("--- attempt 2:");
    expect(stdout).not.toContain("--- attempt 3:");
    expect(stdout).toContain(
      'result: {"primes":[2,3,5,7,11,13,17,19,23,29,31,37,41,43,47,53,59,61,67,71],"sum":639}',
    );
  });

  it("offline: gives up with exit code 1 when no attempt works", async () => {
    const { code, stdout } = await node([MAIN, "--attempts", "1"]);
    expect(code).toBe(1);
    expect(stdout).toContain("TypeError: primes.sum is not a function");
    expect(stdout).toContain("no working program after 1 attempt(s)");
  });

  /** A data API the generated programs fetch from, counting its requests. */
  async function ordersApi() {
    const hits: string[] = [];
    const origin = await serve((request) => {
      hits.push(request.url ?? "");
      return {
        json: [
          { id: 1, total: 40, status: "paid" },
          { id: 2, total: 15, status: "refunded" },
          { id: 3, total: 2.5, status: "paid" },
        ],
      };
    });
    return { origin, hits };
  }

  /** An OpenAI-compatible chat completions server answering with `answers` in turn, recording the requests. */
  async function fakeModel(answers: (origin: string) => string[], dataOrigin: string) {
    const requests: {
      url: string;
      authorization: string | undefined;
      body: { model: string; messages: { role: string; content: string }[] };
    }[] = [];
    const scripted = answers(dataOrigin);
    const origin = await serve((request, text) => {
      requests.push({
        url: request.url ?? "",
        authorization: request.headers.authorization,
        body: JSON.parse(text),
      });
      const content = scripted[Math.min(requests.length, scripted.length) - 1];
      return {
        json: {
          id: "chatcmpl-1",
          object: "chat.completion",
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        },
      };
    });
    return { origin, requests };
  }

  const broken = (data: string) =>
    "Here you go:\n\n```js\nasync function main() {\n" +
    `  const orders = await fetch("${data}/orders").json();\n` +
    '  return orders.filter((o) => o.status === "paid").reduce((sum, o) => sum + o.total, 0);\n' +
    "}\n\nexport default await main();\n```\n";
  const fixed = (data: string) =>
    "The response must be awaited before `.json()`:\n\n```js\nasync function main() {\n" +
    `  const response = await fetch("${data}/orders");\n` +
    "  const orders = await response.json();\n" +
    '  console.log("orders:", orders.length);\n' +
    '  return orders.filter((o) => o.status === "paid").reduce((sum, o) => sum + o.total, 0);\n' +
    "}\n\nexport default await main();\n```\n";

  it("over HTTP: asks the endpoint, feeds formatError() back, and lets fetch reach the allowed origin", async () => {
    const data = await ordersApi();
    const model = await fakeModel((d) => [broken(d), fixed(d)], data.origin);
    const { code, stdout, stderr } = await node(
      [MAIN, "--allow", data.origin, "Add up the totals of the paid orders at", `${data.origin}/orders`],
      {
        env: {
          OPENAI_BASE_URL: `${model.origin}/v1/`,
          OPENAI_MODEL: "test-model",
          OPENAI_API_KEY: "test-key",
        },
      },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("result: 42.5");
    expect(stdout).toContain("  | orders: 3");
    expect(data.hits).toContain("/orders");

    expect(model.requests).toHaveLength(2);
    for (const request of model.requests) {
      expect(request.url).toBe("/v1/chat/completions");
      expect(request.authorization).toBe("Bearer test-key");
      expect(request.body.model).toBe("test-model");
    }
    const [first, second] = model.requests.map((r) => r.body.messages);
    expect(first?.[0]?.role).toBe("system");
    expect(first?.[0]?.content).toContain("export default await");
    expect(first?.[0]?.content).toContain(data.origin);
    expect(first?.at(-1)?.content).toBe(`Add up the totals of the paid orders at ${data.origin}/orders`);
    // The second request carries the first answer and the error report, location and code frame included.
    expect(second).toHaveLength(4);
    expect(second?.[2]).toEqual({ role: "assistant", content: broken(data.origin) });
    const feedback = second?.[3]?.content ?? "";
    expect(feedback).toContain("is not a function");
    expect(feedback).toContain("at /main.mjs:2:");
    expect(feedback).toContain(`> 2 |   const orders = await fetch("${data.origin}/orders").json();`);
  });

  it("over HTTP: without --allow the generated program's fetch is refused and reported to the model", async () => {
    const data = await ordersApi();
    const model = await fakeModel((d) => [fixed(d)], data.origin);
    const { code, stdout } = await node([MAIN, "--attempts", "2", "Sum the paid orders"], {
      env: { OPENAI_BASE_URL: model.origin },
    });
    expect(code).toBe(1);
    expect(data.hits).toEqual([]);
    expect(model.requests).toHaveLength(2);
    expect(model.requests[0]?.authorization).toBeUndefined();
    expect(model.requests[0]?.body.messages[0]?.content).toContain("There is no network access");
    const feedback = model.requests[1]?.body.messages.at(-1)?.content ?? "";
    expect(feedback).toContain(
      `fetch to ${data.origin} is not allowed: add "${data.origin}" to network.allow`,
    );
    expect(stdout).toContain("no working program after 2 attempt(s)");
  });
});

describe("examples/user-alert-rule", () => {
  const MAIN = "examples/user-alert-rule/main.mjs";
  const LOG = join(ROOT, "examples/user-alert-rule/logs/log.jsonl");

  it("alerts once, then the debounce kept by the host suppresses the second alert", async () => {
    const state = join(dir, "alert-state.json");
    const first = await node([MAIN, "--state", state]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toBe("ALERT: payments: 3 errors in the last 5 minutes\n");
    const { lastAlert } = JSON.parse(readFileSync(state, "utf8")) as { lastAlert: number };
    expect(typeof lastAlert).toBe("number");

    const second = await node([MAIN, "--state", state]);
    expect(second).toMatchObject({ code: 0, stderr: "" });
    expect(second.stdout).toMatch(/^no alert: payments: 3 errors, but already alerted \d+ min ago\n$/);
    expect(JSON.parse(readFileSync(state, "utf8"))).toEqual({ lastAlert });

    // An alert older than the debounce window no longer suppresses.
    writeFileSync(state, JSON.stringify({ lastAlert: lastAlert - 31 * 60_000 }));
    const third = await node([MAIN, "--state", state]);
    expect(third.stdout).toBe("ALERT: payments: 3 errors in the last 5 minutes\n");
  });

  it("refuses a rule that reads outside the mount or writes to the read-only log", async () => {
    const log = readFileSync(LOG, "utf8");
    const state = join(dir, "refused-state.json");
    const cases: [string, string][] = [
      [`readFileSync(${JSON.stringify(join(ROOT, "examples/user-alert-rule/main.mjs"))}, "utf8")`, "ENOENT"],
      ['readFileSync("/logs/../../../../etc/hostname", "utf8")', "ENOENT"],
      ['appendFileSync("/logs/log.jsonl", "{}\\n")', "EROFS: read-only file system, open '/logs/log.jsonl'"],
    ];
    for (const [expression, message] of cases) {
      const rule = join(dir, "rule.ts");
      writeFileSync(
        rule,
        'import { appendFileSync, readFileSync } from "node:fs";\n' +
          `const stolen = ${expression};\n` +
          "env.setLastAlert(Date.now());\nexport default { alert: true, reason: String(stolen) };\n",
      );
      const { code, stdout, stderr } = await node([MAIN, "--state", state, "--rule", rule]);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toContain("the alert rule failed:");
      expect(stderr).toContain(message);
      expect(stderr).toContain("at /rule/custom.ts:2:");
    }
    expect(readFileSync(LOG, "utf8")).toBe(log);
    expect(() => readFileSync(state)).toThrow(/ENOENT/);
  });
});

describe("examples/unix-utility", () => {
  const DIR = "examples/unix-utility";
  const csv = readFileSync(join(ROOT, DIR, "data.csv"), "utf8");

  it("library: --call passes standard input to the exported function", async () => {
    const { code, stdout, stderr } = await node([`${DIR}/main.mjs`, "--call", "count-vowels.js"], {
      stdin: "Hello World\n",
    });
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: "3\n", stderr: "" });
    const other = await node([`${DIR}/main.mjs`, "--call", "count-vowels.js"], { stdin: "AEIOU xyz aei" });
    expect(other.stdout).toBe("8\n");
  });

  it("library: sum.js reads the CSV on standard input with fs.readFileSync(0)", async () => {
    const { code, stdout, stderr } = await node([`${DIR}/main.mjs`, "sum.js"], { stdin: csv });
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: "21.25\n", stderr: "" });
  });

  it("library: a failing script exits 1 with its error located in the script", async () => {
    const { code, stdout, stderr } = await node([`${DIR}/main.mjs`, "sum.js"], {
      stdin: "date,price\n1,2\n",
    });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain('Error: no "amount" column in: date,price');
    expect(stderr).toContain("at sum.js:6:26");
  });

  it("CLI: echo 'Hello World' | cordon run count-vowels.js --call prints 3", async () => {
    const { code, stdout, stderr } = await node([CLI, "run", `${DIR}/count-vowels.js`, "--call"], {
      stdin: "Hello World\n",
    });
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: "3\n", stderr: "" });
  });

  it("CLI: cat data.csv | cordon run sum.js prints the total", async () => {
    const { code, stdout, stderr } = await node([CLI, "run", `${DIR}/sum.js`], { stdin: csv });
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: "21.25\n", stderr: "" });
  });
});

describe("examples/agent-tool", () => {
  it("keeps state within a conversation, isolates conversations, reports the failure, disposes sessions", async () => {
    const { code, stdout, stderr } = await node(["examples/agent-tool/main.mjs"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain('tool: run_javascript({"type":"object","properties":{"code":{"type":"string"');
    const [alice = "", bob = ""] = stdout.split("=== conversation bob");

    // Three tool calls in alice's conversation: the second fails and the third, its correction, uses `total`
    // defined by the first.
    expect(alice.match(/^tool call /gm)).toHaveLength(3);
    expect(alice).toContain('  | {"stdout":"items: 3\\n","value":19.75,"exitCode":0}');
    expect(alice).toContain("  | TypeError: total.toFixd is not a function\n  |     at call-2.js:1:7\n");
    expect(alice).toContain("  | > 1 | total.toFixd(2)");
    expect(alice).toContain(
      'tool call call_3:\n  > total.toFixed(2)\n  | {"stdout":"","value":"19.75","exitCode":0}',
    );
    expect(alice).toContain("assistant: Your purchases add up to 19.75.");

    // bob's session does not see alice's declarations.
    expect(bob).toContain(
      'tool call call_4:\n  > typeof prices\n  | {"stdout":"","value":"undefined","exitCode":0}',
    );
    expect(stdout).toContain("open sessions before ending: 2\nopen sessions after ending: 0\n");
  });
});
