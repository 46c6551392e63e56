// A unix-style filter through the library: standard input in, the sandboxed script's output out.
//
//   echo "Hello World" | node examples/unix-utility/main.mjs --call count-vowels.js   -> 3
//   node examples/unix-utility/main.mjs sum.js < examples/unix-utility/data.csv        -> 21.25
//
// With --call the script's export (a function) is called with the text read from standard input (cordon's
// `input` option) and its return value is printed. Without it the script reads standard input itself with
// fs.readFileSync(0) (cordon's `stdin` option) and prints what it likes.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatError, run } from "cordon";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { call: { type: "boolean" }, timeout: { type: "string", default: "5000" } },
});
const [script] = positionals;
if (!script) {
  process.stderr.write("usage: node main.mjs [--call] <script.js> < input\n");
  process.exit(2);
}

// A script name without a directory is looked up next to this file, so `main.mjs sum.js` works from anywhere.
const path = script.includes("/") ? resolve(script) : new URL(script, import.meta.url);
const source = await readFile(path, "utf8");

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

const result = await run(source, {
  filename: script,
  timeoutMs: Number(values.timeout),
  stdin: text, // what fs.readFileSync(0) reads in the guest
  ...(values.call ? { input: text } : {}), // the exported function is called with it
  onStdout: (chunk) => process.stdout.write(chunk),
  onStderr: (chunk) => process.stderr.write(chunk),
});

if (!result.ok) {
  process.stderr.write(`${formatError(result)}\n`);
} else if (values.call) {
  process.stdout.write(`${typeof result.value === "string" ? result.value : JSON.stringify(result.value)}\n`);
}
process.exitCode = result.exitCode;
