// The mutation corpus, collected when the fuzzer starts: the broken programs of test/agent-errors/, and every
// program written as a plain string or template literal passed to a `run()` call in the repository's tests (the
// test files are stripped of types with esbuild and parsed with acorn; nothing is evaluated).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type Node, parse } from "acorn";
import { transformSync } from "esbuild";
import { type CaseFiles, cases } from "../test/agent-errors/cases.js";

export interface CorpusEntry {
  /** Where it came from: the agent-errors id, or the test file and line. */
  id: string;
  code: string;
  filename: string;
  /** The files the program expects (agent-errors cases). */
  files?: CaseFiles;
}

const RUN_NAMES = new Set(["run", "runInline"]);
const MAX_PROGRAM_CHARS = 20_000;

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "generated" && entry.name !== "node_modules") {
      out.push(...testFiles(path));
    } else if (entry.isFile() && entry.name.endsWith(".test.ts")) {
      out.push(path);
    }
  }
  return out.sort();
}

/** The callee's name when it is `run(...)` or `x.run(...)`. */
function calleeName(node: Node): string | undefined {
  const callee = (
    node as unknown as { callee?: { type: string; name?: string; property?: { name?: string } } }
  ).callee;
  if (!callee) return undefined;
  if (callee.type === "Identifier") return callee.name;
  if (callee.type === "MemberExpression") return callee.property?.name;
  return undefined;
}

/** The text of a string literal or a template literal without substitutions. */
function staticText(node: unknown): string | undefined {
  const n = node as {
    type?: string;
    value?: unknown;
    expressions?: unknown[];
    quasis?: { value: { cooked?: string } }[];
  };
  if (n.type === "Literal" && typeof n.value === "string") return n.value;
  if (n.type === "TemplateLiteral" && n.expressions?.length === 0)
    return n.quasis?.[0]?.value.cooked ?? undefined;
  return undefined;
}

function walk(node: unknown, visit: (node: Node) => void): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  const n = node as Node;
  if (typeof n.type === "string") visit(n);
  for (const [key, value] of Object.entries(n)) {
    if (key !== "loc" && value !== null && typeof value === "object") walk(value, visit);
  }
}

/** Programs passed as literals to run() in one test file. */
function programsIn(file: string, root: string): CorpusEntry[] {
  const { code } = transformSync(readFileSync(file, "utf8"), {
    loader: "ts",
    format: "esm",
    target: "es2022",
  });
  const ast = parse(code, { ecmaVersion: "latest", sourceType: "module", locations: true });
  const out: CorpusEntry[] = [];
  walk(ast, (node) => {
    if (node.type !== "CallExpression") return;
    const name = calleeName(node);
    if (!name || !RUN_NAMES.has(name)) return;
    const first = (node as unknown as { arguments: unknown[] }).arguments[0];
    const text = staticText(first);
    if (text === undefined || text.trim() === "" || text.length > MAX_PROGRAM_CHARS) return;
    const line = node.loc?.start.line ?? 0;
    out.push({ id: `${relative(root, file)}:${line}`, code: text, filename: "/main.js" });
  });
  return out;
}

/** Every corpus program, in a fixed order, without duplicates. */
export function loadCorpus(root: string): CorpusEntry[] {
  const entries: CorpusEntry[] = cases.map((c) => {
    const entry: CorpusEntry = { id: `agent-errors/${c.id}`, code: c.code, filename: c.filename };
    if (c.files) entry.files = c.files;
    return entry;
  });
  for (const dir of ["test", "src"]) {
    for (const file of testFiles(join(root, dir))) entries.push(...programsIn(file, root));
  }
  const seen = new Set<string>();
  return entries.filter((e) => {
    if (seen.has(e.code)) return false;
    seen.add(e.code);
    return true;
  });
}
