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
  /** A destructured parameter whose value is unknown here: its index, and the message given the argument. */
  parameter?: { index: number; message: (argument: "missing" | "null" | "undefined") => string };
}

type Finder = (ast: AnyNode, code: string, pos: number, match: RegExpExecArray) => Refined | undefined;

/** The engine's fixed messages in V8's words. */
const PLAIN: Record<string, string> = {
  "invalid array length": "Invalid array length",
  "cannot convert BigInt to number": "Cannot mix BigInt and other types, use explicit conversions",
  "cannot convert symbol to string": "Cannot convert a Symbol value to a string",
  "empty array": "Reduce of empty array with no initial value",
  "stack overflow": "Maximum call stack size exceeded",
  "invalid repeat count": "Invalid count value",
  "unexpected token: 'object'": '"[object Object]" is not valid JSON',
  "unexpected token: 'undefined'": '"undefined" is not valid JSON',
};

const RULES: [RegExp, Finder][] = [
  [/^(.+) is not defined$/, (ast, _code, pos, m) => identifier(ast, pos, m[1]!, `${m[1]} is not defined`)],
  [
    /^(.+) is not initialized$/,
    (ast, _code, pos, m) => identifier(ast, pos, m[1]!, `Cannot access '${m[1]}' before initialization`),
  ],
  [
    /^cannot read property 'Symbol\.iterator' of (?:undefined|null)$/,
    (ast, code, pos) => iterable(ast, code, pos),
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
  [/^Cannot convert undefined or null to object$/, (ast, code, pos) => destructure(ast, code, pos)],
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
  const plain = Object.hasOwn(PLAIN, message) ? PLAIN[message] : undefined;
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
    pos: calledAt(ast, found, code) ?? accessPosition(found, code),
    message: `Cannot read properties of ${what} (reading '${key}')`,
    subject: found.object as AnyNode,
  };
}

/**
 * V8 points at the `.` (or `?.`, `[`) of a method called on undefined or null when the object is the result of a
 * call (`f().x.y()`), and at the method's name otherwise.
 */
function calledAt(ast: AnyNode, member: AnyNode, code: string): number | undefined {
  let called = false;
  walk(ast, (node) => {
    if (called || node.end < member.start || node.start > member.end) return false;
    if (node.type === "CallExpression" && node.callee === member) called = true;
    return !called;
  });
  if (!called) return undefined;
  const object = member.object as AnyNode;
  let hasCall = false;
  walk(object, (node) => {
    if (node.type === "CallExpression") hasCall = true;
    return !hasCall && node.type !== "FunctionExpression" && node.type !== "ArrowFunctionExpression";
  });
  if (!hasCall) return undefined;
  const at = code.slice(object.end, (member.property as AnyNode).start).search(/\?\.|\.|\[/);
  return at < 0 ? undefined : object.end + at;
}

function call(ast: AnyNode, code: string, pos: number, construct: boolean): Refined | undefined {
  const found = enclosingCall(ast, code, pos);
  if (!found) return undefined;
  const callee = found.callee as AnyNode;
  const isNew = construct || found.type === "NewExpression";
  const iterated = !isNew && isIterated(ast, found) ? " or its return value is not iterable" : "";
  return {
    pos: isNew ? found.start : accessPosition(callee, code),
    message: `${render(callee, code)} is not a ${isNew ? "constructor" : "function"}${iterated}`,
    subject: callee,
  };
}

/** Whether `expression` is iterated (for-of, spread, array destructuring): V8 words a failed call there differently. */
function isIterated(ast: AnyNode, expression: AnyNode): boolean {
  let iterated = false;
  walk(ast, (node) => {
    if (iterated || node.end < expression.start || node.start > expression.end) return false;
    if (
      (node.type === "ForOfStatement" && node.right === expression) ||
      (node.type === "SpreadElement" && node.argument === expression) ||
      (node.type === "VariableDeclarator" &&
        (node.id as AnyNode).type === "ArrayPattern" &&
        node.init === expression)
    ) {
      iterated = true;
    }
    return !iterated;
  });
  return iterated;
}

/**
 * The call (or `new`) the engine's position `pos` belongs to: the engine points at the callee's property or just
 * inside the argument list. The call whose callee position is `pos`, else the innermost whose callee ends before it.
 */
export function enclosingCall(ast: AnyNode, code: string, pos: number): AnyNode | undefined {
  let exact: AnyNode | undefined;
  let best: AnyNode | undefined;
  walk(ast, (node) => {
    if (node.end < pos || node.start > pos) return node.start <= pos;
    if (node.type === "CallExpression" || node.type === "NewExpression") {
      const callee = node.callee as AnyNode;
      if (accessPosition(callee, code) === pos || callee.start === pos) exact ??= node;
      else if (callee.end <= pos && (!best || callee.end > (best.callee as AnyNode).end)) best = node;
    }
    return true;
  });
  return (
    exact ??
    best ??
    firstFrom(ast, pos, (node) => node.type === "CallExpression" || node.type === "NewExpression")
  );
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
  const target = (found.type === "AssignmentExpression" ? found.left : found.argument) as AnyNode;
  const at =
    found.type === "AssignmentExpression" || !found.prefix
      ? (operatorAfter(code, target.end, found.operator as string) ?? found.start)
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

/** "Cannot destructure property 'a' of 'x' as it is null." at the pattern's first property. */
function destructure(ast: AnyNode, code: string, pos: number): Refined | undefined {
  let value: AnyNode | undefined;
  let pattern: AnyNode | undefined;
  let index = -1;
  firstFrom(ast, pos, (node, parent) => {
    if (pattern) return false;
    if (node.type === "VariableDeclarator" && (node.id as AnyNode).type === "ObjectPattern") {
      [pattern, value] = [node.id as AnyNode, node.init as AnyNode | undefined];
    } else if (node.type === "AssignmentExpression" && (node.left as AnyNode).type === "ObjectPattern") {
      [pattern, value] = [node.left as AnyNode, node.right as AnyNode];
    } else if (node.type === "ObjectPattern" && (parent?.params as AnyNode[] | undefined)?.includes(node)) {
      pattern = node;
      index = (parent!.params as AnyNode[]).indexOf(node);
    }
    if (pattern && pattern.start < pos && node.start < pos) pattern = undefined;
    return pattern !== undefined;
  });
  if (!pattern) return undefined;
  const first = (pattern.properties as AnyNode[])[0];
  const key = first?.type === "Property" && !first.computed ? (first.key as AnyNode) : undefined;
  const name = key ? (key.type === "Identifier" ? (key.name as string) : String(key.value)) : undefined;
  const kind = value ? nullishKind(ast, value) : undefined;
  const subject = value ? render(value, code) : undefined;
  const at = key?.start ?? pattern.start;
  if (name && subject && kind) {
    return { pos: at, message: `Cannot destructure property '${name}' of '${subject}' as it is ${kind}.` };
  }
  const what = subject ? `'${subject}'` : "the value";
  const refined: Refined = {
    pos: at,
    message: `Cannot destructure ${name ? `property '${name}' of ` : ""}${what} as it is undefined or null.`,
  };
  if (index >= 0 && name) {
    refined.parameter = {
      index,
      message: (argument) => {
        const kind = argument === "null" ? "null" : "undefined";
        return `Cannot destructure property '${name}' of '${kind}' as it is ${kind}.`;
      },
    };
  }
  return refined;
}

/** Whether an expression is surely null or undefined: a literal, or a constant bound to one. */
function nullishKind(ast: AnyNode, value: AnyNode): "null" | "undefined" | undefined {
  if (value.type === "Literal" && value.value === null) return "null";
  if (value.type === "Identifier" && value.name === "undefined") return "undefined";
  if (value.type !== "Identifier") return undefined;
  let kind: "null" | "undefined" | undefined;
  walk(ast, (node, parent) => {
    if (node.type === "VariableDeclarator" && (node.id as AnyNode).type === "Identifier") {
      if ((node.id as AnyNode).name === value.name && parent?.kind === "const") {
        const init = node.init as AnyNode | undefined;
        kind = init ? nullishKind(ast, init) : "undefined";
      }
    }
    return true;
  });
  return kind;
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
