// Parsing a failed program's source on the host (only after a failure) and the small tree queries the diagnosis
// needs: nodes in source order, positions as offsets, and expressions rendered the way V8 names them in messages.
import type { Node, Options } from "acorn";
import { acorn } from "../platform/deps.js";
import { parseSimple } from "./simple-parse.js";

export type SourceKind = "module" | "script";

export interface AnyNode extends Node {
  [key: string]: unknown;
}

const BASE: Options = {
  ecmaVersion: "latest",
  allowHashBang: true,
  allowAwaitOutsideFunction: true,
  allowReturnOutsideFunction: false,
  allowImportExportEverywhere: false,
  checkPrivateFields: false,
};

/**
 * The program's tree, or the parser's error (a SyntaxError with `pos`), in the given kind. A program of the simplest
 * statements is read without the full parser (same tree).
 */
export function parseSource(code: string, kind: SourceKind): { ast?: AnyNode; error?: SyntaxErrorAt } {
  const simple = parseSimple(code, kind);
  if (simple) return { ast: simple };
  try {
    return { ast: acorn().Parser.parse(code, { ...BASE, sourceType: kind }) as unknown as AnyNode };
  } catch (error) {
    const pos = (error as { pos?: unknown }).pos;
    if (typeof pos !== "number") throw error;
    const message = String((error as Error).message).replace(/ \(\d+:\d+\)$/, "");
    return { error: { pos, message } };
  }
}

/**
 * The kind of code the module lexer could not read (it has a syntax error, or syntax the lexer does not know): the
 * kind the parser gets further in. A module with an error on line 40 is reported there, not as a script that cannot
 * use `import` on line 1.
 */
export function kindOfBrokenCode(code: string): SourceKind {
  const asModule = parseSource(code, "module").error;
  if (!asModule) return "module";
  const asScript = parseSource(code, "script").error;
  if (!asScript) return "script";
  return asModule.pos > asScript.pos ? "module" : "script";
}

export interface SyntaxErrorAt {
  pos: number;
  message: string;
}

/** Calls `visit` for every node in source order (parents before children); `visit` returning false skips children. */
export function walk(
  node: AnyNode,
  visit: (node: AnyNode, parent: AnyNode | undefined) => boolean | undefined,
): void {
  const nodes: AnyNode[] = [node];
  const parents: (AnyNode | undefined)[] = [undefined];
  const children: AnyNode[] = [];
  while (nodes.length > 0) {
    const current = nodes.pop()!;
    if (visit(current, parents.pop()) === false) continue;
    children.length = 0;
    let sorted = true;
    for (const key of Object.keys(current)) {
      if (key === "type" || key === "start" || key === "end" || key === "loc" || key === "range") continue;
      const value = current[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) sorted = add(children, item) && sorted;
      } else if (isNode(value)) {
        sorted = add(children, value) && sorted;
      }
    }
    // Fields are mostly in source order already; the sort is stable, so skipping it then changes nothing.
    if (!sorted) children.sort((a, b) => a.start - b.start);
    for (let i = children.length - 1; i >= 0; i--) {
      nodes.push(children[i]!);
      parents.push(current);
    }
  }
}

/** Appends `child`; whether the list is still in source order. */
function add(children: AnyNode[], child: AnyNode): boolean {
  const last = children[children.length - 1];
  children.push(child);
  return last === undefined || last.start <= child.start;
}

function isNode(value: unknown): value is AnyNode {
  return (
    typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string"
  );
}

/** Offset of a 1-based line and column in `code`. */
export function offsetOf(code: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = code.indexOf("\n", offset);
    if (next < 0) return code.length;
    offset = next + 1;
  }
  return Math.min(code.length, offset + Math.max(0, column - 1));
}

/** 1-based line and column of an offset in `code`. */
export function positionOf(code: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = code.indexOf("\n"); i >= 0 && i < offset; i = code.indexOf("\n", i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** An expression as V8 writes it in messages such as "x.y is not a function". */
export function render(node: AnyNode, code: string): string {
  switch (node.type) {
    case "Identifier":
      return node.name as string;
    case "ThisExpression":
      return "this";
    case "Super":
      return "super";
    case "Literal":
      return typeof node.value === "string" ? `"${node.value}"` : String(node.raw ?? node.value);
    case "PrivateIdentifier":
      return `#${node.name as string}`;
    case "MemberExpression": {
      const object = render(node.object as AnyNode, code);
      const property = node.property as AnyNode;
      if (!node.computed) return `${object}.${render(property, code)}`;
      if (property.type === "Literal" || property.type === "Identifier") {
        return `${object}[${render(property, code)}]`;
      }
      return `${object}[...]`;
    }
    case "CallExpression":
      return `${render(node.callee as AnyNode, code)}(...)`;
    case "ChainExpression":
      return render(node.expression as AnyNode, code);
    default:
      return "(intermediate value)";
  }
}

/** Where V8 points for an access or a call: the property name of a member expression, else the node itself. */
export function accessPosition(node: AnyNode, code: string): number {
  if (node.type === "ChainExpression") return accessPosition(node.expression as AnyNode, code);
  if (node.type !== "MemberExpression") return node.start;
  const property = node.property as AnyNode;
  if (!node.computed) return property.start;
  const bracket = code.lastIndexOf("[", property.start);
  return bracket >= (node.object as AnyNode).end ? bracket : property.start;
}
