// A guest failure explained for whoever must fix it: the exact location in the original source, V8's message, a
// code frame, guest-only stack frames and a hint. Runs only when a run failed; parses only the file that failed.
import { type ErrorLocation, INTERNAL_FILE_PREFIX, type RunError } from "./result.js";
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
import { refineRuntime, v8Message } from "../diagnose/runtime.js";
import type { SourceRegistry } from "../diagnose/sources.js";
import { v8SyntaxMessage } from "../diagnose/syntax.js";

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
}

/** The guest's own frames of an engine stack, parsed. */
export function guestFrames(stack: string | undefined): Frame[] {
  const frames: Frame[] = [];
  for (const text of (stack ?? "").split("\n")) {
    const match = FRAME.exec(text);
    if (!match) continue;
    const file = match[2]!;
    if (file.startsWith(INTERNAL_FILE_PREFIX) || file === "<input>" || file === "native") continue;
    const fn = match[1] && match[1] !== "<eval>" && match[1] !== "<anonymous>" ? match[1] : undefined;
    const line = Number(match[3]);
    const column = Number(match[4]);
    frames.push({ fn, file, line, column, raw: { line, column } });
  }
  return frames;
}

function frameText(frame: Frame): string {
  const where = `${frame.file}:${frame.line}:${frame.column}`;
  return frame.fn ? `    at ${frame.fn} (${where})` : `    at ${where}`;
}

/** Shapes a guest failure into a RunError; `sources` are the files the run compiled. */
export function explain(described: Described, sources: SourceRegistry): RunError {
  let { name, message } = described;
  const engineMessage = message;
  const frames = guestFrames(described.stack);
  for (const frame of frames) {
    const mapped = sources.get(frame.file)?.toOriginal?.(frame.line, frame.column);
    if (mapped) Object.assign(frame, mapped);
  }
  let location: ErrorLocation | undefined = frames[0] && {
    file: frames[0].file,
    line: frames[0].line,
    column: frames[0].column,
  };
  let hint: string | undefined;

  const known = sources.failure(message);
  const broken =
    !known && name === "SyntaxError" && frames.length === 0 ? sources.firstSyntaxError() : undefined;
  if (broken) {
    message = broken.message;
    location = broken.location;
    frames.push({ fn: undefined, ...location, raw: location });
  } else if (known) {
    location = known.location ?? location;
    hint = known.hint;
  } else if (frames[0]) {
    const top = frames[0];
    const record = sources.get(top.file);
    const compileError = name === "SyntaxError" && top.fn === undefined && frames.length === 1;
    if (record && record.kind !== "text" && compileError) {
      const failed = parseSource(record.code, record.kind).error;
      if (failed) {
        message = v8SyntaxMessage(record.code, failed, record.kind);
        location = toOriginal(record.code, failed.pos, top.file, record.toOriginal);
      }
      if (looksLikeMarkdown(record.original ?? record.code)) hint = MARKDOWN_HINT;
    } else if (record && record.kind !== "text") {
      const raw = offsetOf(record.code, top.raw.line, top.raw.column);
      const { ast } = parseSource(record.code, record.kind);
      const refined = ast && refineRuntime(ast, record.code, raw, message);
      if (refined) {
        message = refined.message;
        location = toOriginal(record.code, refined.pos, top.file, record.toOriginal);
        if (ast) hint = awaitHint(ast as AnyNode, refined.subject);
      }
      const esm =
        record.kind === "module" && name === "ReferenceError" && /^(\S+) is not defined$/.exec(message);
      if (esm && ESM_GLOBALS[esm[1]!]) {
        message = ESM_GLOBALS[esm[1]!]!;
        hint = ESM_HINT;
      }
    }
  }
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

function toOriginal(
  code: string,
  pos: number,
  file: string,
  mapper: ((line: number, column: number) => { line: number; column: number } | undefined) | undefined,
): ErrorLocation {
  const at = positionOf(code, pos);
  const mapped = mapper?.(at.line, at.column);
  return { file, line: mapped?.line ?? at.line, column: mapped?.column ?? at.column };
}
