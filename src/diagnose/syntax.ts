// Syntax errors in V8's words at the offending token: the engine reports some of them at 1:1 and in its own words
// ("unexpected token in expression: ';'"), so a failed compile is parsed again on the host to find the token.
import { tokenizer } from "acorn";
import type { SourceKind, SyntaxErrorAt } from "./ast.js";

const KEYWORDS = new Set(
  (
    "break case catch class const continue debugger default delete do else export extends finally for function if " +
    "import in instanceof new return super switch this throw try typeof var void while with null true false enum"
  ).split(" "),
);
const PUNCTUATORS = [
  ">>>=",
  "...",
  "===",
  "!==",
  "**=",
  "<<=",
  ">>=",
  ">>>",
  "&&=",
  "||=",
  "??=",
  "=>",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "??",
  "?.",
  "++",
  "--",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "<<",
  ">>",
  "**",
];

/** V8's message for the parser's complaint at `error.pos` in `code`. */
export function v8SyntaxMessage(code: string, error: SyntaxErrorAt, kind: SourceKind): string {
  const { message, pos } = error;
  const redeclared = /^Identifier '(.+)' has already been declared$/.exec(message);
  if (redeclared) return message;
  if (/^Unterminated (string constant|template|regular expression|comment)/.test(message)) {
    return message.includes("template")
      ? "Unterminated template literal"
      : message.includes("regular")
        ? "Invalid regular expression: missing /"
        : "Invalid or unexpected token";
  }
  if (/^'return' outside of function/.test(message)) return "Illegal return statement";
  if (/^Assigning to rvalue|^Invalid left-hand side/.test(message))
    return "Invalid left-hand side in assignment";
  if (/^Cannot use keyword 'await' outside an async function|^'await' is only allowed/.test(message)) {
    return "await is only valid in async functions and the top level bodies of modules";
  }
  if (/^'import' and 'export' may appear only with 'sourceType: module'/.test(message)) {
    return code.startsWith("export", pos)
      ? "Unexpected token 'export'"
      : "Cannot use import statement outside a module";
  }
  if (/^Unexpected character/.test(message)) return "Invalid or unexpected token";
  if (/^(Unexpected token|Unexpected keyword|The keyword|Unexpected reserved word)/.test(message)) {
    if (insideCallArguments(code, pos, kind)) return "missing ) after argument list";
    return unexpected(code, pos);
  }
  return message;
}

/** "Unexpected token ')'", "Unexpected identifier 'x'", "Unexpected string", ... for the token at `pos`. */
export function unexpected(code: string, pos: number): string {
  let i = pos;
  while (i < code.length && /\s/.test(code[i]!)) i += 1;
  if (i >= code.length) return "Unexpected end of input";
  const ch = code[i]!;
  if (/[A-Za-z_$\u0080-\uffff]/.test(ch)) {
    const word = /^[\w$\u0080-\uffff]+/.exec(code.slice(i, i + 200))![0];
    if (KEYWORDS.has(word)) return `Unexpected token '${word}'`;
    if (word === "let" || word === "yield" || word === "static" || word === "implements") {
      return "Unexpected strict mode reserved word";
    }
    return `Unexpected identifier '${word}'`;
  }
  if (ch === '"' || ch === "'") return "Unexpected string";
  if (ch === "`") return "Unexpected template string";
  if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(code[i + 1] ?? ""))) return "Unexpected number";
  const punctuator = PUNCTUATORS.find((p) => code.startsWith(p, i)) ?? ch;
  return `Unexpected token '${punctuator}'`;
}

/**
 * Whether `pos` sits in the argument list of a call, after an argument (where V8 says "missing ) after argument
 * list"): the innermost open bracket before it is a `(` that follows a callee, and the last token is not `,` or `(`.
 */
function insideCallArguments(code: string, pos: number, kind: SourceKind): boolean {
  const open: { paren: boolean; call: boolean }[] = [];
  let previous: { type: string; value: unknown } | undefined;
  let last: { type: string; value: unknown } | undefined;
  try {
    for (const token of tokenizer(code, { ecmaVersion: "latest", sourceType: kind, allowHashBang: true })) {
      if (token.start >= pos) break;
      const label = token.type.label;
      if (label === "(" || label === "[" || label === "{" || label === "${") {
        const callee =
          label === "(" &&
          previous !== undefined &&
          (previous.type === "name" ||
            previous.type === ")" ||
            previous.type === "]" ||
            previous.type === "`");
        open.push({ paren: label === "(", call: callee });
      } else if (label === ")" || label === "]" || label === "}") {
        open.pop();
      }
      previous = { type: label, value: (token as { value?: unknown }).value };
      last = previous;
    }
  } catch {
    // the tokenizer stops at the bad token; what it read is enough
  }
  const innermost = open[open.length - 1];
  if (!innermost?.paren || !innermost.call || !last) return false;
  return last.type !== "," && last.type !== "(";
}
