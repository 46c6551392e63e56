// The tree of the simplest programs without the full parser: a failing one-liner such as `export default null.x`
// or `const r = f(); r.json()` is explained in microseconds, where a cold full parse costs far more than the
// failure itself. Only a small subset of the language is read — statements of declarations, `export default` and
// expressions made of names, literals, property reads and calls — and the tree is the one acorn builds for it, node
// for node (the tests compare them). Anything else, anywhere in the file, gives undefined: the caller parses in full.
import type { AnyNode, SourceKind } from "./ast.js";

/** Names read as something else than an identifier, or bound only in some contexts: the full parser decides. */
const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "implements interface let package private protected public static yield await async of get set arguments eval"
  ).split(" "),
);

/** Token types. */
const T = { Eof: 0, Name: 1, Number: 2, String: 3, Punct: 4 } as const;
type T = (typeof T)[keyof typeof T];

interface Token {
  type: T;
  /** The name, the punctuator, or the literal's raw text. */
  text: string;
  start: number;
  end: number;
  /** A line break (in white space or a comment) comes before the token. */
  newline: boolean;
}

/** Thrown when the program leaves the subset; never escapes parseSimple. */
const LEAVE = Symbol("leave");

function leave(): never {
  throw LEAVE;
}

const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36; // a-z A-Z _ $
const isNamePart = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

class SimpleParser {
  private pos = 0;
  private lastEnd = 0;
  private token: Token = { type: T.Eof, text: "", start: 0, end: 0, newline: false };
  private readonly declared = new Set<string>();
  private hasDefault = false;

  constructor(
    private readonly code: string,
    private readonly kind: SourceKind,
  ) {}

  program(): AnyNode {
    this.next();
    const body: AnyNode[] = [];
    while (this.token.type !== T.Eof) body.push(this.statement());
    return node("Program", 0, this.code.length, { body, sourceType: this.kind });
  }

  private statement(): AnyNode {
    const { start, type, text } = this.token;
    if (type === T.Name && text === "export") {
      if (this.kind !== "module") leave();
      this.next();
      if (this.isName("default")) {
        if (this.hasDefault) leave();
        this.hasDefault = true;
        this.next();
        const declaration = this.expression();
        this.semicolon();
        return node("ExportDefaultDeclaration", start, this.lastEnd, { declaration });
      }
      const declaration = this.declaration();
      return node("ExportNamedDeclaration", start, declaration.end, {
        declaration,
        specifiers: [],
        source: null,
        attributes: [],
      });
    }
    if (type === T.Name && (text === "const" || text === "let" || text === "var")) return this.declaration();
    // A string first would be a directive ("use strict"), which the full parser marks.
    if (type === T.String) leave();
    const expression = this.expression();
    this.semicolon();
    return node("ExpressionStatement", start, this.lastEnd, { expression });
  }

  /** `const|let|var name = expression, ...;` with names bound once in the file. */
  private declaration(): AnyNode {
    const { start, text: kind } = this.token;
    if (kind !== "const" && kind !== "let" && kind !== "var") leave();
    this.next();
    const declarations: AnyNode[] = [];
    for (;;) {
      const { type, text, start: idStart, end: idEnd } = this.token;
      if (type !== T.Name || RESERVED.has(text) || this.declared.has(text)) leave();
      this.declared.add(text);
      const id = node("Identifier", idStart, idEnd, { name: text });
      this.next();
      this.expect("=");
      const init = this.expression();
      declarations.push(node("VariableDeclarator", idStart, init.end, { id, init }));
      if (!this.isPunct(",")) break;
      this.next();
    }
    this.semicolon();
    return node("VariableDeclaration", start, this.lastEnd, { declarations, kind });
  }

  /** A name, literal or `this`, then any property reads and calls. */
  private expression(): AnyNode {
    let base = this.atom();
    for (;;) {
      if (this.isPunct(".")) {
        this.next();
        const { type, text, start, end } = this.token;
        if (type !== T.Name) leave();
        this.next();
        const property = node("Identifier", start, end, { name: text });
        base = member(base, property, false, end);
      } else if (this.isPunct("[")) {
        this.next();
        const property = this.expression();
        this.expect("]");
        base = member(base, property, true, this.lastEnd);
      } else if (this.isPunct("(")) {
        this.next();
        const args: AnyNode[] = [];
        while (!this.isPunct(")")) {
          args.push(this.expression());
          if (this.isPunct(",")) this.next();
          else if (!this.isPunct(")")) leave();
        }
        this.next();
        base = node("CallExpression", base.start, this.lastEnd, {
          callee: base,
          arguments: args,
          optional: false,
        });
      } else {
        return base;
      }
    }
  }

  private atom(): AnyNode {
    const { type, text, start, end } = this.token;
    this.next();
    if (type === T.Number) return node("Literal", start, end, { value: Number(text), raw: text });
    if (type === T.String) return node("Literal", start, end, { value: text.slice(1, -1), raw: text });
    if (type !== T.Name) leave();
    if (text === "null") return node("Literal", start, end, { value: null, raw: text });
    if (text === "true" || text === "false")
      return node("Literal", start, end, { value: text === "true", raw: text });
    if (text === "this") return node("ThisExpression", start, end, {});
    if (RESERVED.has(text)) leave();
    return node("Identifier", start, end, { name: text });
  }

  /** `;`, or the end of the line or of the file (automatic semicolon insertion). */
  private semicolon(): void {
    if (this.isPunct(";")) this.next();
    else if (this.token.type !== T.Eof && !this.token.newline) leave();
  }

  private expect(punct: string): void {
    if (!this.isPunct(punct)) leave();
    this.next();
  }

  private isPunct(punct: string): boolean {
    return this.token.type === T.Punct && this.token.text === punct;
  }

  private isName(name: string): boolean {
    return this.token.type === T.Name && this.token.text === name;
  }

  // ---- tokens --------------------------------------------------------------------------------------------------

  private next(): void {
    this.lastEnd = this.token.end;
    const newline = this.skipSpace();
    const { code } = this;
    const start = this.pos;
    if (start >= code.length) {
      this.token = { type: T.Eof, text: "", start, end: start, newline };
      return;
    }
    const c = code.charCodeAt(start);
    let end = start + 1;
    let type: T;
    if (isNameStart(c)) {
      while (end < code.length && isNamePart(code.charCodeAt(end))) end += 1;
      // An escape or a non-ASCII letter may continue the name.
      if (code.charCodeAt(end) === 92 || code.charCodeAt(end) > 0x7e) leave();
      type = T.Name;
    } else if (isDigit(c)) {
      while (end < code.length && isDigit(code.charCodeAt(end))) end += 1;
      // Decimal integers only, exact in a double: no fraction, exponent, separator, suffix, octal or other base.
      const after = code.charCodeAt(end);
      if (
        (c === 48 && end > start + 1) ||
        end - start > 15 ||
        isNamePart(after) ||
        after === 46 ||
        after === 92
      )
        leave();
      if (after > 0x7e) leave();
      type = T.Number;
    } else if (c === 34 || c === 39) {
      for (;;) {
        if (end >= code.length) leave();
        const d = code.charCodeAt(end);
        end += 1;
        if (d === c) break;
        if (d === 92 || d === 10 || d === 13) leave();
      }
      type = T.String;
    } else if (".,;()[]=".includes(code[start]!)) {
      const d = code.charCodeAt(end);
      // `...`, `.5`, `==` and `=>` are more than this subset reads.
      if ((c === 46 && (d === 46 || isDigit(d))) || (c === 61 && (d === 61 || d === 62))) leave();
      type = T.Punct;
    } else {
      leave();
    }
    this.pos = end;
    this.token = { type, text: code.slice(start, end), start, end, newline };
  }

  /** Skips white space and comments; whether a line break was among them. */
  private skipSpace(): boolean {
    const { code } = this;
    let newline = false;
    for (;;) {
      const c = code.charCodeAt(this.pos);
      if (c === 32 || c === 9) {
        this.pos += 1;
      } else if (c === 10 || c === 13) {
        newline = true;
        this.pos += 1;
      } else if (c === 47 && code.charCodeAt(this.pos + 1) === 47) {
        let end = this.pos + 2;
        for (
          let d = code.charCodeAt(end);
          end < code.length && d !== 10 && d !== 13;
          d = code.charCodeAt(++end)
        ) {
          if (d === 0x2028 || d === 0x2029) leave();
        }
        this.pos = end;
      } else if (c === 47 && code.charCodeAt(this.pos + 1) === 42) {
        const end = code.indexOf("*/", this.pos + 2);
        if (end < 0) leave();
        const text = code.slice(this.pos + 2, end);
        if (/[\u2028\u2029]/.test(text)) leave();
        if (text.includes("\n") || text.includes("\r")) newline = true;
        this.pos = end + 2;
      } else {
        return newline;
      }
    }
  }
}

function node(type: string, start: number, end: number, fields: Record<string, unknown>): AnyNode {
  return { type, start, end, ...fields } as AnyNode;
}

function member(object: AnyNode, property: AnyNode, computed: boolean, end: number): AnyNode {
  return node("MemberExpression", object.start, end, { object, property, computed, optional: false });
}

/** acorn's tree of `code` when the program is within the simple subset; else undefined. */
export function parseSimple(code: string, kind: SourceKind): AnyNode | undefined {
  try {
    return new SimpleParser(code, kind).program();
  } catch (error) {
    if (error === LEAVE) return undefined;
    throw error;
  }
}
