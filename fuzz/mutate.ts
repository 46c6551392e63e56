// Mutations of corpus programs: token and line edits, operator flips, edge numbers, truncation, wrapping, inserted
// generated statements, and lines spliced in from another corpus program. One to four per program.
import type { CorpusEntry } from "./corpus.js";
import { Ctx } from "./gen-expr.js";
import { stmt } from "./gen-stmt.js";
import type { Rng } from "./prng.js";

const TOKEN =
  /[A-Za-z_$][\w$]*|\d[\w.]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`|\s+|=>|[=!]==?|&&|\|\||\?\?|\?\.|\.\.\.|[<>]=?|[^\s]/g;

const FLIPS: Record<string, string[]> = {
  "+": ["-", "*", "+="],
  "-": ["+", "/"],
  "*": ["/", "**"],
  "<": [">", "<=", "<<"],
  ">": ["<", ">="],
  "<=": [">", "<"],
  ">=": ["<", ">"],
  "===": ["!==", "=="],
  "!==": ["===", "!="],
  "==": ["!="],
  "&&": ["||", "??"],
  "||": ["&&", "??"],
  "??": ["||"],
  "?.": ["."],
  ".": ["?."],
  "=>": ["=>", ">="],
  "(": ["[", "{"],
  ")": ["]", "}"],
  const: ["let", "var"],
  let: ["const"],
  await: ["", "void"],
  async: [""],
  return: ["throw", "yield", ""],
  true: ["false", "null"],
  null: ["undefined", "0"],
  new: [""],
  import: ["require", "export"],
  export: ["", "import"],
};

const EDGE_NUMBERS = [
  "0",
  "-1",
  "2**31",
  "2**32",
  "NaN",
  "1e308",
  "-0",
  "0.5",
  "Infinity",
  "9007199254740993",
  "1e-7",
];

function tokens(code: string): string[] {
  return code.match(TOKEN) ?? [];
}

/** The replacements for `token` (own entries only: a token such as `constructor` or `toString` has none). */
function flipsOf(token: string): string[] | undefined {
  return Object.hasOwn(FLIPS, token) ? FLIPS[token] : undefined;
}

function mutateTokens(r: Rng, code: string): string {
  const t = tokens(code);
  if (t.length === 0) return code;
  const at = r.int(0, t.length - 1);
  const tok = t[at] ?? "";
  const how = r.int(0, 5);
  if (how === 0) t.splice(at, 1);
  else if (how === 1) t.splice(at, 0, tok);
  else if (how === 2) {
    const other = r.int(0, t.length - 1);
    t[at] = t[other] ?? "";
    t[other] = tok;
  } else if (how === 3 && flipsOf(tok)) t[at] = r.pick(flipsOf(tok)!);
  else if (/^\d/.test(tok)) t[at] = r.pick(EDGE_NUMBERS);
  else {
    // Find the next flippable token or number from here and change it.
    for (let i = at; i < t.length; i++) {
      const cur = t[i] ?? "";
      const flips = flipsOf(cur);
      if (flips) {
        t[i] = r.pick(flips);
        break;
      }
      if (/^\d/.test(cur)) {
        t[i] = r.pick(EDGE_NUMBERS);
        break;
      }
    }
  }
  return t.join("");
}

function mutateLines(r: Rng, code: string, corpus: readonly CorpusEntry[]): string {
  const lines = code.split("\n");
  const at = r.int(0, Math.max(0, lines.length - 1));
  const how = r.int(0, 4);
  if (how === 0) lines.splice(at, 1);
  else if (how === 1) lines.splice(at, 0, lines[at] ?? "");
  else if (how === 2) {
    const other = r.int(0, lines.length - 1);
    const line = lines[at] ?? "";
    lines[at] = lines[other] ?? "";
    lines[other] = line;
  } else {
    const donor = r.pick(corpus).code.split("\n");
    const from = r.int(0, Math.max(0, donor.length - 1));
    lines.splice(at, 0, ...donor.slice(from, from + r.int(1, 4)));
  }
  return lines.join("\n");
}

function insertGenerated(r: Rng, code: string, ts: boolean): string {
  const lines = code.split("\n");
  const c = new Ctx(r, ts);
  c.depth = 2;
  lines.splice(r.int(0, lines.length), 0, stmt(c));
  return lines.join("\n");
}

function wrap(r: Rng, code: string): string {
  return r.pick([
    `(async () => {\n${code}\n})();`,
    `for (let __i = 0; __i < ${r.pick(["2", "10", "1e9"])}; __i++) {\n${code}\n}`,
    `try {\n${code}\n} finally { console.log("done"); }`,
    `function main() {\n${code}\n}\nmain();`,
    `if (${r.pick(["true", "false"])}) {\n${code}\n}`,
    `${code}\n${code}`,
    `setTimeout(() => {\n${code}\n}, 0);`,
  ]);
}

/** One mutated program from `entry`. */
export function mutate(r: Rng, entry: CorpusEntry, corpus: readonly CorpusEntry[]): string {
  let code = entry.code;
  const ts = entry.filename.endsWith("ts");
  const n = r.int(1, 4);
  for (let i = 0; i < n; i++) {
    const how = r.weighted<string>([
      [5, "token"],
      [3, "line"],
      [3, "insert"],
      [1, "truncate"],
      [1, "wrap"],
    ]);
    if (how === "token") code = mutateTokens(r, code);
    else if (how === "line") code = mutateLines(r, code, corpus);
    else if (how === "insert") code = insertGenerated(r, code, ts);
    else if (how === "truncate") code = code.slice(0, r.int(0, code.length));
    else code = wrap(r, code);
  }
  return code;
}
