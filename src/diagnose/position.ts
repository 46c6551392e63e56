// Where V8 places an error the engine reports elsewhere: errors made by `new X()` at `new`, errors raised inside a
// built-in at the call of it, frames of an Error subclass's constructor dropped, a loop the deadline stopped.
import { type AnyNode, accessPosition, walk } from "./ast.js";
import { enclosingCall } from "./runtime.js";

const LOOPS = new Set([
  "WhileStatement",
  "DoWhileStatement",
  "ForStatement",
  "ForInStatement",
  "ForOfStatement",
]);

/**
 * The `new` of the innermost `new X(...)` around `pos`: where an error was made, the engine points at its callee or
 * at the last call among its arguments; V8 at `new`.
 */
export function newAt(ast: AnyNode, pos: number): number | undefined {
  let found: number | undefined;
  walk(ast, (node) => {
    if (node.end < pos || node.start > pos) return false;
    // Only a `new` in the same function as `pos` (not one whose arguments hold the function).
    if (node.type.startsWith("Function") || node.type === "ArrowFunctionExpression") found = undefined;
    if (node.type === "NewExpression") found = node.start;
    return true;
  });
  return found;
}

/** Where V8 points for a frame that called a built-in which failed: the call's callee (or its `new`). */
export function callOf(
  ast: AnyNode,
  code: string,
  pos: number,
): { pos: number; method?: string } | undefined {
  const call = enclosingCall(ast, code, pos);
  if (!call) return undefined;
  const callee = call.callee as AnyNode;
  const method =
    callee.type === "MemberExpression" && !callee.computed
      ? ((callee.property as AnyNode).name as string)
      : undefined;
  const at = call.type === "NewExpression" ? call.start : accessPosition(callee, code);
  return method ? { pos: at, method } : { pos: at };
}

/**
 * Whether `pos` is where an Error subclass's constructor hands over to its parent (a `super(...)` call, or the class
 * itself for a default constructor): V8 leaves such frames out of the stack.
 */
export function inErrorConstructor(ast: AnyNode, pos: number): boolean {
  let found = false;
  walk(ast, (node) => {
    if (found || node.end < pos || node.start > pos) return false;
    if ((node.type === "ClassDeclaration" || node.type === "ClassExpression") && node.start === pos)
      found = true;
    if (node.type === "CallExpression" && (node.callee as AnyNode).type === "Super") found = true;
    return !found;
  });
  return found;
}

/** The loop the program was in at `pos`: the innermost loop around it, else the first loop after it. */
export function loopAt(ast: AnyNode, pos: number): number | undefined {
  let inner: AnyNode | undefined;
  let next: AnyNode | undefined;
  walk(ast, (node) => {
    if (LOOPS.has(node.type)) {
      if (node.start <= pos && pos <= node.end) inner = node;
      else if (node.start > pos && !next) next = node;
    }
    return true;
  });
  return (inner ?? next)?.start;
}

/** V8's messages for range errors of number formatting, by the method that failed. */
export const DIGITS_MESSAGES: Record<string, string> = {
  toFixed: "toFixed() digits argument must be between 0 and 100",
  toPrecision: "toPrecision() argument must be between 1 and 100",
  toExponential: "toExponential() argument must be between 0 and 100",
};
