// A guest failure explained for whoever must fix it: the exact location in the original source, V8's message, a
// code frame, guest-only stack frames and a hint. Runs only when a run failed; parses only the files it needs.
import { type AnyNode, offsetOf, parseSource, positionOf } from "../diagnose/ast.js";
import { codeFrame } from "../diagnose/frame.js";
import {
  awaitHint,
  ESM_GLOBALS,
  ESM_HINT,
  fsHint,
  looksLikeMarkdown,
  MARKDOWN_HINT,
} from "../diagnose/hints.js";
import { callOf, DIGITS_MESSAGES, inErrorConstructor, loopAt, newAt } from "../diagnose/position.js";
import { enclosingCall, refineRuntime, v8Message } from "../diagnose/runtime.js";
import type { SourceRecord, SourceRegistry } from "../diagnose/sources.js";
import { v8Syntax } from "../diagnose/syntax.js";
import { type ErrorLocation, INTERNAL_FILE_PREFIX, type RunError } from "./result.js";

export interface Described {
  name: string;
  message: string;
  stack?: string | undefined;
}

const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

interface Frame {
  fn: string | undefined;
  file: string;
  line: number;
  column: number;
  /** The position in the code the engine ran, before mapping to the original file. */
  raw: { line: number; column: number };
  /** A built-in or sandbox frame was above this one: the error came from inside a call this frame made. */
  called: boolean;
}

/** The guest's own frames of an engine stack, parsed. */
export function guestFrames(stack: string | undefined): Frame[] {
  const frames: Frame[] = [];
  let skipped = false;
  for (const text of (stack ?? "").split("\n")) {
    if (/\(native\)$/.test(text)) {
      skipped = true;
      continue;
    }
    const match = FRAME.exec(text);
    if (!match) continue;
    const file = match[2]!;
    if (file.startsWith(INTERNAL_FILE_PREFIX) || file === "<input>" || file === "native") {
      skipped = true;
      continue;
    }
    const fn = match[1] && match[1] !== "<eval>" && match[1] !== "<anonymous>" ? match[1] : undefined;
    const line = Number(match[3]);
    const column = Number(match[4]);
    frames.push({ fn, file, line, column, raw: { line, column }, called: skipped });
    skipped = false;
  }
  return frames;
}

function frameText(frame: Frame): string {
  const where = `${frame.file}:${frame.line}:${frame.column}`;
  return frame.fn ? `    at ${frame.fn} (${where})` : `    at ${where}`;
}

/** The parsed files of one explanation (each parsed once). */
class Trees {
  private readonly cache = new Map<string, ReturnType<typeof parseSource> | undefined>();
  constructor(readonly sources: SourceRegistry) {}

  record(file: string): (SourceRecord & { kind: "module" | "script" }) | undefined {
    const record = this.sources.get(file);
    return record && record.kind !== "text"
      ? (record as SourceRecord & { kind: "module" | "script" })
      : undefined;
  }

  private parsed(file: string): ReturnType<typeof parseSource> | undefined {
    if (!this.cache.has(file)) {
      const record = this.record(file);
      this.cache.set(file, record && parseSource(record.code, record.kind));
    }
    return this.cache.get(file);
  }

  ast(file: string): AnyNode | undefined {
    return this.parsed(file)?.ast;
  }

  /** V8's message and position of the file's syntax error, if it has one. */
  syntaxError(file: string): { message: string; pos: number } | undefined {
    const error = this.parsed(file)?.error;
    const record = this.record(file);
    return error && record && v8Syntax(record.code, error, record.kind);
  }
}

/** Shapes a guest failure into a RunError; `sources` are the files the run compiled. */
export function explain(described: Described, sources: SourceRegistry, timedOut = false): RunError {
  const { name } = described;
  const engineMessage = described.message;
  let message = engineMessage;
  const trees = new Trees(sources);
  let frames = guestFrames(described.stack);
  let hint: string | undefined;
  let at: { file: string; pos: number } | undefined;
  let location: ErrorLocation | undefined;

  // An Error subclass's constructor frames are not where the error was made (V8 leaves them out).
  while (frames.length > 1 && !timedOut) {
    const ast = trees.ast(frames[0]!.file);
    const record = trees.record(frames[0]!.file);
    if (
      !ast ||
      !record ||
      !inErrorConstructor(ast, offsetOf(record.code, frames[0]!.raw.line, frames[0]!.raw.column))
    )
      break;
    frames = frames.slice(1);
  }

  const known = sources.failure(engineMessage);
  const unexported = sources.missingExport(engineMessage);
  if (unexported) {
    message = unexported.message;
    if (unexported.file !== undefined && unexported.pos !== undefined) {
      at = { file: unexported.file, pos: unexported.pos };
    }
  }
  const broken =
    !known && name === "SyntaxError" && frames.length === 0 ? sources.firstSyntaxError() : undefined;
  const top = frames[0];
  if (broken) {
    message = broken.message;
    location = broken.location;
    frames = [{ fn: undefined, ...location, raw: location, called: false }];
  } else if (known?.location) {
    location = known.location;
    hint = known.hint;
  } else if (top) {
    hint = known?.hint;
    const record = trees.record(top.file);
    const ast = trees.ast(top.file);
    const pos = record && offsetOf(record.code, top.raw.line, top.raw.column);
    if (record && pos !== undefined && name === "SyntaxError" && top.fn === undefined && !ast) {
      const failed = trees.syntaxError(top.file);
      if (failed) {
        message = failed.message;
        at = { file: top.file, pos: failed.pos };
      }
      if (looksLikeMarkdown(record.original ?? record.code)) hint = MARKDOWN_HINT;
    } else if (record && ast && pos !== undefined) {
      // An error raised inside a built-in this frame called is about the call, not about the frame's own code.
      const refined = top.called ? undefined : refineRuntime(ast, record.code, pos, engineMessage);
      if (refined) {
        message = refined.message;
        at = { file: top.file, pos: refined.pos };
        hint ??= awaitHint(ast, refined.subject);
        const argument = refined.parameter && argumentOf(frames[1], refined.parameter.index, trees);
        if (argument) message = refined.parameter!.message(argument);
      } else if (timedOut) {
        const loop = loopAt(ast, pos);
        if (loop !== undefined) at = { file: top.file, pos: loop };
      } else if (top.called) {
        const call = callOf(ast, record.code, pos);
        if (call) at = { file: top.file, pos: call.pos };
        if (
          call?.method &&
          DIGITS_MESSAGES[call.method] &&
          /number of digits|precision/.test(engineMessage)
        ) {
          message = DIGITS_MESSAGES[call.method]!;
        }
      } else {
        const made = newAt(ast, pos);
        if (made !== undefined) at = { file: top.file, pos: made };
      }
      const esm =
        record.kind === "module" && name === "ReferenceError" && /^(\S+) is not defined$/.exec(message);
      if (esm && ESM_GLOBALS[esm[1]!]) {
        message = ESM_GLOBALS[esm[1]!]!;
        hint = ESM_HINT;
      }
    }
  }
  if (!broken && !known?.location) {
    const classCall = classWithoutNew(engineMessage, frames, trees);
    if (classCall) {
      ({ message, at } = classCall);
      frames = frames.slice(1);
    }
  }
  if (at) location = sources.locate(at.file, at.pos);
  location ??= top && { file: top.file, line: top.line, column: top.column };
  if (message === engineMessage) message = v8Message(message) ?? message;
  hint ??= fsHint(message);

  if (location && frames[0] && frames[0].file === location.file) {
    frames[0].line = location.line;
    frames[0].column = location.column;
  }
  const error: RunError = {
    name,
    message,
    stack: [`${name}: ${message}`, ...frames.map(frameText)].join("\n"),
  };
  if (message !== engineMessage) error.engineMessage = engineMessage;
  if (location) {
    error.location = location;
    const text = sources.originalText(location.file);
    const frame = text === undefined ? undefined : codeFrame(text, location.line, location.column);
    if (frame) error.frame = frame;
  }
  if (hint) error.hint = hint;
  return error;
}

/** "Class constructor X cannot be invoked without 'new'", at the call in the frame below the class's own. */
function classWithoutNew(
  engineMessage: string,
  frames: Frame[],
  trees: Trees,
): { message: string; at: { file: string; pos: number } | undefined } | undefined {
  if (!/^class constructors must be invoked with 'new'$/.test(engineMessage) || !frames[0]?.fn)
    return undefined;
  const message = `Class constructor ${frames[0].fn} cannot be invoked without 'new'`;
  const caller = frames[1];
  const record = caller && trees.record(caller.file);
  const ast = caller && trees.ast(caller.file);
  if (!caller || !record || !ast) return { message, at: undefined };
  const call = enclosingCall(ast, record.code, offsetOf(record.code, caller.raw.line, caller.raw.column));
  return { message, at: call && { file: caller.file, pos: (call.callee as AnyNode).start } };
}

/** What the caller passed as argument `index` when it is evident from its code: nothing, `null` or `undefined`. */
function argumentOf(
  caller: Frame | undefined,
  index: number,
  trees: Trees,
): "missing" | "null" | "undefined" | undefined {
  const record = caller && trees.record(caller.file);
  const ast = caller && trees.ast(caller.file);
  if (!caller || !record || !ast) return undefined;
  const call = enclosingCall(ast, record.code, offsetOf(record.code, caller.raw.line, caller.raw.column));
  const args = call?.arguments as AnyNode[] | undefined;
  if (!args || args.some((arg) => arg.type === "SpreadElement")) return undefined;
  const arg = args[index];
  if (!arg) return "missing";
  if (arg.type === "Literal" && arg.value === null) return "null";
  if (arg.type === "Identifier" && arg.name === "undefined") return "undefined";
  return undefined;
}

/**
 * A program that starts with a Markdown code fence is a model's whole answer, not code: it is refused before it
 * runs (as JavaScript, a fence is a tagged template that would fail with a misleading TypeError).
 */
export function markdownFailure(code: string, file: string): RunError | undefined {
  const fence = /^\s*(```|~~~)/.exec(code);
  if (!fence) return undefined;
  const location = { file, ...positionOf(code, fence[0].length - fence[1]!.length) };
  const message = `the program starts with a Markdown code fence (${fence[1]})`;
  const error: RunError = {
    name: "SyntaxError",
    message,
    stack: `SyntaxError: ${message}\n    at ${file}:${location.line}:${location.column}`,
    location,
    hint: MARKDOWN_HINT,
  };
  const frame = codeFrame(code, location.line, location.column);
  if (frame) error.frame = frame;
  return error;
}
