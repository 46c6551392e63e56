// Errors the engine threw while the program ran: the exact position of the failing expression and V8's wording.
// The engine records a position for some operations only (calls, statements, function starts); the failing
// expression is found in the parsed source from there: the first node at or after that position that can raise
// this error (the right identifier, property, call or iterable), never a guess over raw text.
import { type AnyNode, accessPosition, render, walk } from "./ast.js";

export interface Refined {
  /** Offset of the failing expression in the executed source. */
  pos: number;
  message: string;
  /** The expression a hint may talk about (a callee, an accessed object). */
  subject?: AnyNode;
}

type Finder = (ast: AnyNode, code: string, pos: number, match: RegExpExecArray) => Refined | undefined;

/** The engine's fixed messages in V8's words. */
const PLAIN: Record<string, string> = {
  "invalid array length": "Invalid array length",
  "cannot convert BigInt to number": "Cannot mix BigInt and other types, use explicit conversions",
  "cannot convert symbol to string": "Cannot convert a Symbol value to a string",
  "empty array": "Reduce of empty array with no initial value",
  "stack overflow": "Maximum call stack size exceeded",
};

const RULES: [RegExp, Finder][] = [
  [/^(.+) is not defined$/, (ast, _code, pos, m) => identifier(ast, pos, m[1]!, `${m[1]} is not defined`)],
  [
    /^(.+) is not initialized$/,
    (ast, _code, pos, m) => identifier(ast, pos, m[1]!, `Cannot access '${m[1]}' before initialization`),
  ],
  [
    /^cannot read property '(.*)' of (undefined|null)$/s,
    (ast, code, pos, m) => member(ast, code, pos, m, false),
  ],
  [
    /^cannot set property '(.*)' of (undefined|null)$/s,
    (ast, code, pos, m) => member(ast, code, pos, m, true),
  ],
  [/^not a function$/, (ast, code, pos) => call(ast, code, pos, false)],
  [/^not a constructor$/, (ast, code, pos) => call(ast, code, pos, true)],
  [/^'(.+)' is read-only$/, (ast, code, pos, m) => constant(ast, code, pos, m[1]!)],
  [/^value is not iterable$/, (ast, code, pos) => iterable(ast, code, pos)],
];

/** The precise position and V8 message of an engine error at `pos` (offset in `code`), when the tree tells. */
export function refineRuntime(ast: AnyNode, code: string, pos: number, message: string): Refined | undefined {
  for (const [pattern, finder] of RULES) {
    const match = pattern.exec(message);
    if (match) return finder(ast, code, pos, match);
  }
  return undefined;
}

/** V8's wording of an engine message that needs no source (or undefined when it is the same). */
export function v8Message(message: string): string | undefined {
  const plain = PLAIN[message];
  if (plain) return plain;
  const json = / \(line \d+ column \d+\)$/.exec(message);
  if (json && / in JSON at position \d+/.test(message)) return message.slice(0, json.index);
  return undefined;
}

/** The first node at or after `pos` that `test` accepts; else the last one before it. */
function firstFrom(ast: AnyNode, pos: number, test: (node: AnyNode, parent: AnyNode | undefined) => boolean) {
  let before: AnyNode | undefined;
  let after: AnyNode | undefined;
  walk(ast, (node, parent) => {
    if (after) return false;
    if (test(node, parent)) {
      if (node.start >= pos) after = node;
      else before = node;
    }
    return true;
  });
  return after ?? before;
}

function isReference(node: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case "MemberExpression":
      return parent.object === node || parent.computed === true;
    case "Property":
    case "MethodDefinition":
    case "PropertyDefinition":
      return parent.value === node || parent.computed === true;
    case "VariableDeclarator":
      return parent.init === node;
    case "FunctionDeclaration":
    case "FunctionExpression":
    case "ArrowFunctionExpression":
    case "ClassDeclaration":
    case "ClassExpression":
      return parent.body === node;
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
    case "ImportSpecifier":
    case "ImportDefaultSpecifier":
    case "ImportNamespaceSpecifier":
    case "ExportSpecifier":
      return false;
    default:
      return true;
  }
}

function identifier(ast: AnyNode, pos: number, name: string, message: string): Refined | undefined {
  const found = firstFrom(
    ast,
    pos,
    (node, parent) => node.type === "Identifier" && node.name === name && isReference(node, parent),
  );
  return found && { pos: found.start, message, subject: found };
}

function propertyName(node: AnyNode): string | undefined {
  const property = node.property as AnyNode;
  if (!node.computed) return property.type === "Identifier" ? (property.name as string) : undefined;
  return property.type === "Literal" ? String(property.value) : undefined;
}

function member(
  ast: AnyNode,
  code: string,
  pos: number,
  m: RegExpExecArray,
  write: boolean,
): Refined | undefined {
  const [, key, what] = m;
  const targets = new Set<AnyNode>();
  if (write) {
    walk(ast, (node) => {
      if (node.type === "AssignmentExpression") targets.add(node.left as AnyNode);
      return true;
    });
  }
  const matches = (node: AnyNode, exact: boolean) =>
    node.type === "MemberExpression" &&
    targets.has(node) === write &&
    (exact ? propertyName(node) === key : node.computed === true);
  const found =
    firstFrom(ast, pos, (node) => matches(node, true)) ?? firstFrom(ast, pos, (node) => matches(node, false));
  if (!found) return undefined;
  if (write) {
    return {
      pos: operatorAfter(code, found.end, "=") ?? accessPosition(found, code),
      message: `Cannot set properties of ${what} (setting '${key}')`,
      subject: found.object as AnyNode,
    };
  }
  return {
    pos: accessPosition(found, code),
    message: `Cannot read properties of ${what} (reading '${key}')`,
    subject: found.object as AnyNode,
  };
}

function call(ast: AnyNode, code: string, pos: number, construct: boolean): Refined | undefined {
  // The engine points just inside the argument list of the failing call: the call whose callee ends last before it.
  let best: AnyNode | undefined;
  walk(ast, (node) => {
    if ((node.type === "CallExpression" || node.type === "NewExpression") && node.end >= pos) {
      const callee = node.callee as AnyNode;
      if (callee.end <= pos && (!best || callee.end > (best.callee as AnyNode).end)) best = node;
    }
    return node.end >= pos;
  });
  best ??= firstFrom(ast, pos, (node) => node.type === "CallExpression" || node.type === "NewExpression");
  if (!best) return undefined;
  const callee = best.callee as AnyNode;
  const isNew = construct || best.type === "NewExpression";
  return {
    pos: isNew ? callee.start : accessPosition(callee, code),
    message: `${render(callee, code)} is not a ${isNew ? "constructor" : "function"}`,
    subject: callee,
  };
}

function constant(ast: AnyNode, code: string, pos: number, name: string): Refined | undefined {
  const found = firstFrom(ast, pos, (node) => {
    const target = (node.type === "AssignmentExpression" ? node.left : node.argument) as AnyNode | undefined;
    return (
      (node.type === "AssignmentExpression" || node.type === "UpdateExpression") &&
      target?.type === "Identifier" &&
      target.name === name
    );
  });
  if (!found) return undefined;
  const at =
    found.type === "AssignmentExpression"
      ? (operatorAfter(code, (found.left as AnyNode).end, found.operator as string) ?? found.start)
      : found.start;
  return { pos: at, message: "Assignment to constant variable." };
}

function iterable(ast: AnyNode, code: string, pos: number): Refined | undefined {
  let subject: AnyNode | undefined;
  firstFrom(ast, pos, (node) => {
    const candidate =
      node.type === "ForOfStatement"
        ? node.right
        : node.type === "VariableDeclarator" && (node.id as AnyNode).type === "ArrayPattern"
          ? node.init
          : node.type === "AssignmentExpression" && (node.left as AnyNode).type === "ArrayPattern"
            ? node.right
            : node.type === "SpreadElement" || (node.type === "YieldExpression" && node.delegate)
              ? node.argument
              : undefined;
    if (!candidate || (candidate as AnyNode).start < pos) return false;
    subject ??= candidate as AnyNode;
    return true;
  });
  if (!subject) return undefined;
  return { pos: subject.start, message: `${render(subject, code)} is not iterable`, subject };
}

/** Offset of `operator` after `from`, skipping white space and comments. */
function operatorAfter(code: string, from: number, operator: string): number | undefined {
  let i = from;
  while (i < code.length) {
    const ch = code[i]!;
    if (/\s/.test(ch) || ch === ")") i += 1;
    else if (code.startsWith("//", i)) i = code.indexOf("\n", i) < 0 ? code.length : code.indexOf("\n", i);
    else if (code.startsWith("/*", i))
      i = code.indexOf("*/", i) < 0 ? code.length : code.indexOf("*/", i) + 2;
    else break;
  }
  return code.startsWith(operator, i) ? i : undefined;
}
