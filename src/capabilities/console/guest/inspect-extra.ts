// Error formatting and line layout for the inspector, following Node 20's algorithms.
import { nodeFrames } from "../../../guest/frames.js";

import type { Ctx } from "./inspect-core.js";
import { desc, isError, kArrayExtrasType, readData, safeString, stringWidth } from "./inspect-util.js";

function errorToString(err: object): string {
  const rawName = readData(err, "name");
  const rawMessage = readData(err, "message");
  const name = rawName === undefined ? "Error" : safeString(rawName);
  const message = rawMessage === undefined ? "" : safeString(rawMessage);
  if (name === "") return message;
  if (message === "") return name;
  return `${name}: ${message}`;
}

/**
 * The error's stack as Node prints it: a stack made only of the engine's frames gets a `name: message` header, loses
 * the sandbox's own frames and names top-level code by its file alone.
 */
function getStackString(err: object): string {
  const stack = readData(err, "stack");
  if (!stack) return errorToString(err);
  const str = safeString(stack);
  if (!/^\s+at /.test(str)) return str;
  return [errorToString(err), ...nodeFrames(str)].join("\n");
}

function identicalSequenceRange(a: string[], b: string[]): { len: number; offset: number } {
  for (let i = 0; i < a.length - 3; i++) {
    const pos = b.indexOf(a[i] as string);
    if (pos !== -1) {
      const rest = b.length - pos;
      if (rest > 3) {
        let len = 1;
        const maxLen = Math.min(a.length - i, rest);
        while (maxLen > len && a[i + len] === b[pos + len]) len++;
        if (len > 3) return { len, offset: i };
      }
    }
  }
  return { len: 0, offset: 0 };
}

function getStackFrames(err: object, stack: string): string[] {
  const frames = stack.split("\n");
  const cause = readData(err, "cause");
  if (typeof cause === "object" && cause !== null && isError(cause)) {
    const causeStack = getStackString(cause);
    const start = causeStack.indexOf("\n    at");
    if (start !== -1) {
      const causeFrames = causeStack.slice(start + 1).split("\n");
      const { len, offset } = identicalSequenceRange(frames, causeFrames);
      if (len > 0) {
        const skipped = len - 2;
        frames.splice(offset + 1, skipped, `    ... ${skipped} lines matching cause stack trace ...`);
      }
    }
  }
  return frames;
}

function improveStack(stack: string, ctorName: string | null, name: string, tag: string): string {
  let len = name.length;
  if (
    ctorName === null ||
    (name.endsWith("Error") &&
      stack.startsWith(name) &&
      (stack.length === len || stack[len] === ":" || stack[len] === "\n"))
  ) {
    let fallback = "Error";
    if (ctorName === null) {
      const start =
        /^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/.exec(stack) || /^([a-z_A-Z0-9-]*Error)$/.exec(stack);
      fallback = start?.[1] || "";
      len = fallback.length;
      fallback = fallback || "Error";
    }
    let prefix = fallback;
    if (ctorName === null)
      prefix =
        tag !== "" && fallback !== tag
          ? `[${fallback}: null prototype] [${tag}]`
          : `[${fallback}: null prototype]`;
    else prefix = tag !== "" && ctorName !== tag ? `${ctorName} [${tag}]` : ctorName;
    if (name !== prefix) {
      if (prefix.includes(name)) {
        stack = len === 0 ? `${prefix}: ${stack}` : `${prefix}${stack.slice(len)}`;
      } else {
        stack = `${prefix} [${name}]${stack.slice(len)}`;
      }
    }
  }
  return stack;
}

export function formatError(
  err: object,
  ctorName: string | null,
  tag: string,
  ctx: Ctx,
  keys: PropertyKey[],
): string {
  const rawName = readData(err, "name");
  const name = rawName != null ? safeString(rawName) : "Error";
  let stack = getStackString(err);
  if (!ctx.showHidden && keys.length !== 0) {
    for (const key of ["name", "message", "stack"]) {
      const index = keys.indexOf(key);
      if (index !== -1 && stack.includes(safeString(readData(err, key)))) keys.splice(index, 1);
    }
  }
  if ("cause" in err && !keys.includes("cause")) keys.push("cause");
  if (Array.isArray(readData(err, "errors")) && !keys.includes("errors")) keys.push("errors");
  stack = improveStack(stack, ctorName, name, tag);

  const message = readData(err, "message");
  // Mirrors Node, including its quirk that a message found at index 0 counts as not found.
  let pos = (message ? stack.indexOf(safeString(message)) : 0) || -1;
  if (pos !== -1) {
    const length = typeof message === "string" ? message.length : readData(Object(message), "length");
    pos += length as number;
  }
  const stackStart = stack.indexOf("\n    at", pos);
  if (stackStart === -1) {
    stack = `[${stack}]`;
  } else {
    const lines = getStackFrames(err, stack.slice(stackStart + 1));
    stack = `${stack.slice(0, stackStart)}\n${lines.join("\n")}`;
  }
  if (ctx.indentationLvl !== 0) stack = stack.replaceAll("\n", `\n${" ".repeat(ctx.indentationLvl)}`);
  return stack;
}

/** Arranges many short array entries into aligned columns, exactly like Node. */
export function groupArrayElements(ctx: Ctx, output: string[], value: object | undefined): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  if (ctx.maxArrayLength < output.length) outputLength--;
  const separatorSpace = 2;
  const dataLen: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const len = stringWidth(output[i] as string);
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (
    actualMax * 3 + ctx.indentationLvl < ctx.breakLength &&
    (totalLength / actualMax > 5 || maxLength <= 6)
  ) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      (ctx.compact as number) * 4,
      15,
    );
    if (columns <= 1) return output;
    const tmp: string[] = [];
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineMaxLength = 0;
      for (let j = i; j < output.length; j += columns) {
        if ((dataLen[j] ?? 0) > lineMaxLength) lineMaxLength = dataLen[j] ?? 0;
      }
      maxLineLength.push(lineMaxLength + separatorSpace);
    }
    let padStart = true;
    if (value !== undefined) {
      for (let i = 0; i < output.length; i++) {
        const v = desc(value, i)?.value;
        if (typeof v !== "number" && typeof v !== "bigint") {
          padStart = false;
          break;
        }
      }
    }
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let str = "";
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        const padding = (maxLineLength[j - i] as number) + cell.length - 2 - (dataLen[j] as number);
        str += padStart ? cell.padStart(padding, " ") : cell.padEnd(padding, " ");
      }
      if (padStart) {
        const cell = output[j] as string;
        const padding =
          (maxLineLength[j - i] as number) + cell.length - (dataLen[j] as number) - separatorSpace;
        str += cell.padStart(padding, " ");
      } else {
        str += output[j];
      }
      tmp.push(str);
    }
    if (ctx.maxArrayLength < output.length) tmp.push(output[outputLength] as string);
    return tmp;
  }
  return output;
}

function isBelowBreakLength(ctx: Ctx, output: string[], start: number, base: string): boolean {
  let totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (const entry of output) {
    totalLength += entry.length;
    if (totalLength > ctx.breakLength) return false;
  }
  return base === "" || !base.includes("\n");
}

export function reduceToSingleString(
  ctx: Ctx,
  output: string[],
  base: string,
  braces: [string, string],
  extrasType: number,
  recurseTimes: number,
  value?: object,
): string {
  if (ctx.compact !== true) {
    if (typeof ctx.compact === "number" && ctx.compact >= 1) {
      const entries = output.length;
      if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
      if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
        const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
        if (isBelowBreakLength(ctx, output, start, base)) {
          const joined = output.join(", ");
          if (!joined.includes("\n")) return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
        }
      }
    }
    const indentation = `\n${" ".repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ""}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }
  if (isBelowBreakLength(ctx, output, 0, base)) {
    return `${braces[0]}${base ? ` ${base}` : ""} ${output.join(", ")} ${braces[1]}`;
  }
  const indentation = " ".repeat(ctx.indentationLvl);
  const ln = base === "" && braces[0].length === 1 ? " " : `${base ? ` ${base}` : ""}\n${indentation}  `;
  return `${braces[0]}${ln}${output.join(`,\n${indentation}  `)} ${braces[1]}`;
}
