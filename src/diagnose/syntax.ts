// Syntax errors in V8's words at the offending token: the engine reports some of them at 1:1 and in its own words
// ("unexpected token in expression: ';'"), so a failed compile is parsed again on the host to find the token.
import { acorn } from "../platform/deps.js";
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

/** V8's message for the parser's complaint at `error.pos` in `code`, and where V8 points for it. */
export function v8Syntax(
  code: string,
  error: SyntaxErrorAt,
  kind: SourceKind,
): { message: string; pos: number } {
  const { message, pos } = error;
  const at = (text: string, where = pos) => ({ message: text, pos: where });
  if (/^Identifier '(.+)' has already been declared$/.test(message)) return at(message);
  const duplicate = /^Duplicate export '(.+)'$/.exec(message);
  if (duplicate) return at(`Duplicate export of '${duplicate[1]}'`);
  if (/^Unterminated (string constant|template|regular expression|comment)/.test(message)) {
    return at(
      message.includes("template")
        ? "Unterminated template literal"
        : message.includes("regular")
          ? "Invalid regular expression: missing /"
          : "Invalid or unexpected token",
    );
  }
  if (/^'return' outside of function/.test(message)) return at("Illegal return statement");
  if (/^Assigning to rvalue|^Invalid left-hand side/.test(message))
    return at("Invalid left-hand side in assignment");
  if (/^Cannot use keyword 'await' outside an async function|^'await' is only allowed/.test(message)) {
    return at("await is only valid in async functions and the top level bodies of modules");
  }
  if (/^'import' and 'export' may appear only with 'sourceType: module'/.test(message)) {
    return at(
      code.startsWith("export", pos)
        ? "Unexpected token 'export'"
        : "Cannot use import statement outside a module",
    );
  }
  if (/^Unexpected character/.test(message)) return at("Invalid or unexpected token");
  if (/^(Unexpected token|Unexpected keyword|The keyword|Unexpected reserved word)/.test(message)) {
    const { tokens, open } = tokensBefore(code, pos, kind);
    const last = tokens[tokens.length - 1];
    const beforeLast = tokens[tokens.length - 2];
    if (last?.type === "name" && last.value === "await") {
      return at("await is only valid in async functions and the top level bodies of modules", last.start);
    }
    if (last?.type === "name" && beforeLast?.type === "const" && /^[;,]/.test(code.slice(pos).trimStart())) {
      return at("Missing initializer in const declaration", last.start);
    }
    const innermost = open[open.length - 1];
    if (innermost?.call && last && last.type !== "," && last.type !== "(" && pos < code.length) {
      return at("missing ) after argument list", last.start);
    }
    return at(unexpected(code, pos));
  }
  return at(message);
}

interface Token {
  type: string;
  value: unknown;
  start: number;
}

/**
 * The tokens before `pos`, and the brackets still open there (`call`: a `(` that follows a callee, where V8 says
 * "missing ) after argument list" when an argument is not followed by `,` or `)`).
 */
function tokensBefore(
  code: string,
  pos: number,
  kind: SourceKind,
): { tokens: Token[]; open: { call: boolean }[] } {
  const tokens: Token[] = [];
  const open: { call: boolean }[] = [];
  try {
    for (const token of acorn().tokenizer(code, {
      ecmaVersion: "latest",
      sourceType: kind,
      allowHashBang: true,
    })) {
      if (token.start >= pos) break;
      const label = token.type.label;
      const previous = tokens[tokens.length - 1];
      if (label === "(" || label === "[" || label === "{" || label === "${") {
        const call =
          label === "(" &&
          previous !== undefined &&
          (previous.type === "name" ||
            previous.type === ")" ||
            previous.type === "]" ||
            previous.type === "`");
        open.push({ call });
      } else if (label === ")" || label === "]" || label === "}") {
        open.pop();
      }
      tokens.push({ type: label, value: (token as { value?: unknown }).value, start: token.start });
    }
  } catch {
    // the tokenizer stops at the bad token; what it read is enough
  }
  return { tokens, open };
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
