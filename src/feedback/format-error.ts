// A failed run's error as one bounded block of text, for a model to read and act on.

export interface FormattableError {
  name: string;
  message: string;
  stack?: string;
  location?: { file: string; line: number; column: number };
  /** A code frame around the location (Babel style: `>` marks the error line, `|  ^` the column). */
  frame?: string;
  hint?: string;
}

/** The part of a RunResult that formatError reads. */
export interface FormattableResult {
  ok: boolean;
  error?: FormattableError;
  exitCode?: number;
  stderr?: string;
  truncated?: { stdout: boolean; stderr: boolean };
}

export interface FormatErrorOptions {
  /** Upper bound of the text's size in UTF-8 bytes: 2048 by default, at least 64. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 2048;
const MIN_MAX_BYTES = 64;
const MAX_STACK_FRAMES = 10;
const KEPT_STACK_FRAMES = 3;
const ELLIPSIS = "…";

interface Parts {
  head: string;
  message: string;
  at: string | undefined;
  frame: string[];
  stack: string[];
  hint: string | undefined;
}

const encoder = new TextEncoder();

function bytes(text: string): number {
  return encoder.encode(text).length;
}

/** The longest start of `text` within `limit` UTF-8 bytes, never splitting a character. */
function cutToBytes(text: string, limit: number): string {
  let used = 0;
  let end = 0;
  for (const char of text) {
    const point = char.codePointAt(0)!;
    const size = point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
    if (used + size > limit) break;
    used += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/** Lone surrogates become U+FFFD, so that the text is valid UTF-8 (both take three bytes). */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/**
 * `Name: message` and the `at` line, then the code frame, then further stack frames (right after the
 * `at` line when there is no frame), then the hint, blocks separated by blank lines.
 */
function render(parts: Parts): string {
  const first = [parts.head + parts.message];
  if (parts.at !== undefined) first.push(parts.at);
  const blocks = [first];
  if (parts.frame.length > 0) blocks.push(parts.frame);
  if (parts.stack.length > 0) {
    if (parts.frame.length > 0) blocks.push(parts.stack);
    else first.push(...parts.stack);
  }
  if (parts.hint !== undefined) blocks.push([parts.hint]);
  return blocks.map((lines) => lines.join("\n")).join("\n\n");
}

/** Frame lines in the order they are dropped: farthest from the error and caret lines first, later first. */
function frameDropOrder(frame: string[]): number[] {
  const focus = frame.map((line) => /^>/.test(line) || /^\s*\|\s*\^/.test(line));
  if (!focus.includes(true)) focus[Math.floor((frame.length - 1) / 2)] = true;
  // Distance to the nearest focus line: one pass down, one pass up.
  const distance = frame.map(() => Number.POSITIVE_INFINITY);
  for (let i = 0, last = Number.NEGATIVE_INFINITY; i < frame.length; i++) {
    if (focus[i]) last = i;
    distance[i] = i - last;
  }
  for (let i = frame.length - 1, next = Number.POSITIVE_INFINITY; i >= 0; i--) {
    if (focus[i]) next = i;
    distance[i] = Math.min(distance[i]!, next - i);
  }
  return frame.map((_, i) => i).sort((a, b) => distance[b]! - distance[a]! || b - a);
}

function validMaxBytes(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_BYTES;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`formatError: maxBytes must be a positive finite number, got ${String(value)}`);
  }
  return Math.max(MIN_MAX_BYTES, Math.floor(value));
}

function partsOf(result: FormattableResult): Parts {
  const error = result.error;
  if (!error) {
    const code = result.exitCode === undefined ? "" : ` (exit code ${result.exitCode})`;
    return {
      head: "Error: ",
      message: `the program failed${code}`,
      at: undefined,
      frame: [],
      stack: [],
      hint: undefined,
    };
  }
  const location = error.location;
  const at = location ? `    at ${location.file}:${location.line}:${location.column}` : undefined;
  let stack = (error.stack ?? "")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at "))
    .map((line) => `    ${line}`);
  if (at !== undefined && stack[0] === at) stack = stack.slice(1);
  let end = error.frame?.length ?? 0;
  while (end > 0 && (error.frame![end - 1] === "\n" || error.frame![end - 1] === "\r")) end--;
  const frame = end > 0 ? error.frame!.slice(0, end).split(/\r?\n/) : [];
  return {
    head: `${error.name}: `,
    message: error.message,
    at,
    frame,
    stack: stack.slice(0, MAX_STACK_FRAMES),
    hint: error.hint ? `Hint: ${error.hint}` : undefined,
  };
}

/**
 * A failed run's error for a model: `Name: message`, `    at file:line:col`, the code frame, up to ten
 * guest stack frames and the hint; "" for a successful run.
 *
 * The text never exceeds `maxBytes` UTF-8 bytes (2048 by default; less than 64 counts as 64). Until it
 * fits, it loses: the stack frames after the third, then all stack frames, then the frame's lines farthest
 * from its error and caret lines, then the end of the message (marked with `…`); as a last resort, the
 * text is cut at a character boundary and ends with `…`.
 *
 * @throws TypeError when `maxBytes` is not a positive finite number.
 */
export function formatError(result: FormattableResult, options: FormatErrorOptions = {}): string {
  const maxBytes = validMaxBytes(options.maxBytes);
  if (result.ok) return "";
  const raw = partsOf(result);
  const parts: Parts = {
    head: wellFormed(raw.head),
    message: wellFormed(raw.message),
    at: raw.at === undefined ? undefined : wellFormed(raw.at),
    frame: raw.frame.map(wellFormed),
    stack: raw.stack.map(wellFormed),
    hint: raw.hint === undefined ? undefined : wellFormed(raw.hint),
  };
  const fits = () => bytes(render(parts)) <= maxBytes;

  if (!fits()) parts.stack = parts.stack.slice(0, KEPT_STACK_FRAMES);
  if (!fits()) parts.stack = [];
  if (!fits() && parts.frame.length > 0) {
    // Sizes are counted rather than rendered again for each line: a frame may have many lines.
    const frame = parts.frame;
    parts.frame = [];
    const rest = bytes(render(parts));
    const sizes = frame.map((line) => bytes(line) + 1);
    let total = sizes.reduce((sum, size) => sum + size, 0) + 1;
    const dropped = new Set<number>();
    for (const i of frameDropOrder(frame)) {
      if (rest + total <= maxBytes) break;
      dropped.add(i);
      total -= sizes[i]!;
    }
    parts.frame = frame.filter((_, i) => !dropped.has(i));
  }
  if (!fits()) {
    const message = parts.message;
    parts.message = "";
    const room = maxBytes - bytes(render(parts)) - bytes(ELLIPSIS);
    parts.message = room >= 0 ? cutToBytes(message, room).trimEnd() + ELLIPSIS : ELLIPSIS;
  }
  const text = render(parts);
  if (bytes(text) <= maxBytes) return text;
  return cutToBytes(text, maxBytes - bytes(ELLIPSIS)) + ELLIPSIS;
}
