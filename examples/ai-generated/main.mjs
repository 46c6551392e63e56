// The seed flow: ask a model for a program, run it in cordon with only the capabilities you grant, and feed a
// failure back to the model until the program works.
//
//   node examples/ai-generated/main.mjs [--allow <origin>]... [--attempts 3] [task...]
//
// With OPENAI_BASE_URL set (e.g. https://api.openai.com/v1, or any OpenAI-compatible server), the program comes from
// its /chat/completions endpoint, with OPENAI_MODEL (default gpt-4o-mini) and OPENAI_API_KEY. Without it, a
// recorded model answers the default task: its first program is broken, its second (written after reading the
// error) works. --allow opens fetch in the generated program to one origin ("api.example.com" means https on
// port 443; give "http://127.0.0.1:8080" for a local server); everything else stays closed.
import { parseArgs } from "node:util";
import { createSandbox, extractCode, formatError } from "cordon";
import { DEFAULT_TASK, recordedModel } from "./recorded.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    allow: { type: "string", multiple: true, default: [] },
    attempts: { type: "string", default: "3" },
  },
});
const task = positionals.join(" ") || DEFAULT_TASK;
const allow = values.allow;
const maxAttempts = Number(values.attempts);

const system = `You write one JavaScript ES module that runs in a sandbox (a Node-like runtime: node: built-ins, \
console, timers, fetch). Put the result in \`export default await ...\` (for example \`export default await main();\`); \
it must be JSON-like data. ${
  allow.length > 0
    ? `fetch may reach only these origins: ${allow.join(", ")}.`
    : "There is no network access: do not use fetch."
} Answer with the whole program in one \`\`\`js code block.`;

/** One chat completion from an OpenAI-compatible endpoint, with the host's own fetch. */
async function chatCompletion(messages) {
  const base = process.env.OPENAI_BASE_URL.replace(/\/+$/, "");
  const response = await fetch(`${base}/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(process.env.OPENAI_API_KEY ? { authorization: `Bearer ${process.env.OPENAI_API_KEY}` } : {}),
    },
    body: JSON.stringify({ model: process.env.OPENAI_MODEL || "gpt-4o-mini", messages, temperature: 0 }),
  });
  if (!response.ok)
    throw new Error(`${base}/chat/completions: HTTP ${response.status} ${await response.text()}`);
  const body = await response.json();
  return body.choices[0].message.content;
}

function indent(text, prefix) {
  return text
    .split("\n")
    .map((line) => (line === "" ? prefix.trimEnd() : prefix + line))
    .join("\n");
}

const model = process.env.OPENAI_BASE_URL ? chatCompletion : recordedModel;
console.log(
  `model: ${process.env.OPENAI_BASE_URL ? process.env.OPENAI_BASE_URL : "recorded answers (offline)"}`,
);
console.log(`task: ${task}`);

const sandbox = await createSandbox({
  timeoutMs: 5_000,
  memoryLimitBytes: 64 * 1024 * 1024,
  network: { allow, maxRequests: 20 },
});
const messages = [
  { role: "system", content: system },
  { role: "user", content: task },
];
let value;
let ok = false;
try {
  for (let attempt = 1; attempt <= maxAttempts && !ok; attempt++) {
    const answer = await model(messages);
    messages.push({ role: "assistant", content: answer });
    const { code } = extractCode(answer);
    console.log(`\n--- attempt ${attempt}: ${code.split("\n").length} lines of code`);
    const result = await sandbox.run(code, { filename: "/main.mjs" });
    if (result.stdout) console.log(indent(result.stdout.trimEnd(), "  | "));
    if (result.ok) {
      ok = true;
      value = result.value;
      break;
    }
    const report = formatError(result);
    console.log(`failed:\n${indent(report, "    ")}`);
    messages.push({
      role: "user",
      content: `Your program failed:\n\n${report}\n\nFix it and answer with the whole program.`,
    });
  }
} finally {
  sandbox.dispose();
}

if (ok) {
  console.log(`\nresult: ${JSON.stringify(value)}`);
} else {
  console.log(`\nno working program after ${maxAttempts} attempt(s)`);
  process.exitCode = 1;
}
