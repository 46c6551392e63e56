// One line of advice where cordon knows the likely fix: the option that grants what is missing, Markdown passed as
// code, a Promise used as a value, require in an ES module.
import { type AnyNode, walk } from "./ast.js";

const FENCE = /^\s*(```|~~~)/;

/** Whether a failed program is a model's Markdown answer rather than code. */
export function looksLikeMarkdown(code: string): boolean {
  if (FENCE.test(code)) return true;
  return /^(```|~~~)[\w+-]*\s*$/m.test(code) && /^(```|~~~)\s*$/m.test(code);
}

export const MARKDOWN_HINT =
  "the code looks like Markdown (a model's whole answer): pass it through extractCode() and run the code it returns";

export const ESM_GLOBALS: Record<string, string> = {
  require: "require is not defined in ES module scope, you can use import instead",
  module: "module is not defined in ES module scope",
  exports: "exports is not defined in ES module scope",
  __dirname: "__dirname is not defined in ES module scope",
  __filename: "__filename is not defined in ES module scope",
};

export const ESM_HINT = 'an ES module cannot use `require`; use `import` (e.g. import fs from "node:fs")';

/**
 * "add `await`": the failing expression starts at a variable whose value is an unawaited call of an async function
 * or of fetch() in the same file (so it holds a Promise), or is itself such a call.
 */
export function awaitHint(ast: AnyNode, subject: AnyNode | undefined): string | undefined {
  let root = subject;
  while (root && (root.type === "MemberExpression" || root.type === "ChainExpression")) {
    root = (root.type === "ChainExpression" ? root.expression : root.object) as AnyNode;
  }
  // Only a call or a variable can hold a Promise here: anything else needs no look at the file.
  if (!root || (root.type !== "CallExpression" && root.type !== "Identifier")) return undefined;
  const target: AnyNode = root;
  const asyncNames = new Set<string>(["fetch"]);
  walk(ast, (node, parent) => {
    if (node.type === "FunctionDeclaration" && node.async && node.id) {
      asyncNames.add((node.id as AnyNode).name as string);
    } else if (
      (node.type === "ArrowFunctionExpression" || node.type === "FunctionExpression") &&
      node.async &&
      parent?.type === "VariableDeclarator" &&
      (parent.id as AnyNode).type === "Identifier"
    ) {
      asyncNames.add((parent.id as AnyNode).name as string);
    }
    return true;
  });
  if (isAsyncCall(target, asyncNames)) return "that call returns a Promise: add `await` before it";
  if (target.type !== "Identifier") return undefined;
  const name = target.name as string;
  let init: AnyNode | undefined;
  walk(ast, (node) => {
    if (node.type === "VariableDeclarator" && (node.id as AnyNode).type === "Identifier") {
      if ((node.id as AnyNode).name === name && node.start < target.start)
        init = node.init as AnyNode | undefined;
    }
    return true;
  });
  if (!isAsyncCall(init, asyncNames)) return undefined;
  return `\`${name}\` holds a Promise: add \`await\` before the call that sets it`;
}

/** Whether `node` calls one of `asyncNames` (by name, or as a method of that name). */
function isAsyncCall(node: AnyNode | undefined, asyncNames: Set<string>): boolean {
  if (node?.type !== "CallExpression") return false;
  const callee = node.callee as AnyNode;
  const name =
    callee.type === "Identifier"
      ? (callee.name as string)
      : callee.type === "MemberExpression" && !callee.computed
        ? ((callee.property as AnyNode).name as string)
        : undefined;
  return name !== undefined && asyncNames.has(name);
}

/** Advice for errors that name a missing file. */
export function fsHint(message: string): string | undefined {
  if (/^ENOENT\b/.test(message)) {
    return "the file is not in the sandbox: give it with the `files` option, or a host directory with `mounts`";
  }
  if (/^EROFS\b/.test(message))
    return "that mount is read-only: mount it with readOnly: false to allow writes";
  return undefined;
}
