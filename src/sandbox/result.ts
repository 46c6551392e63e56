// The RunResult a program or a model acts on, and the shaping of guest errors into it.

export interface ErrorLocation {
  file: string;
  line: number;
  column: number;
}

export interface RunError {
  name: string;
  message: string;
  stack?: string;
  location?: ErrorLocation;
}

export interface RunStats {
  durationMs: number;
  /** Size of the engine's linear memory at the end of the run: what memoryLimitBytes bounds. */
  memoryBytes: number;
  hostCalls: number;
}

export interface RunResult {
  ok: boolean;
  value?: unknown;
  error?: RunError;
  stdout: string;
  stderr: string;
  /** 0 ok, 1 uncaught error, n from process.exit(n), 124 TimeoutError, 137 MemoryLimitError, 130 AbortError. */
  exitCode: number;
  truncated: { stdout: boolean; stderr: boolean };
  stats: RunStats;
  /** With returnFiles: files created or changed by the run (text as string, binary as Uint8Array). */
  files?: Record<string, string | Uint8Array>;
}

export const EXIT = { ok: 0, error: 1, unsettled: 13, timeout: 124, aborted: 130, memory: 137 } as const;

/** Frames of code the sandbox itself evaluates carry file names with this prefix; they never reach the user. */
export const INTERNAL_FILE_PREFIX = "cordon:";

const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

/** Guest frames only, as "    at fn (file:line:col)" lines, without the sandbox's own frames. */
export function userFrames(stack: string | undefined): string[] {
  if (!stack) return [];
  return stack
    .split("\n")
    .filter(
      (line) =>
        line.trim().startsWith("at ") && !line.includes(INTERNAL_FILE_PREFIX) && !line.includes("(native)"),
    );
}

export function locationOf(frames: string[]): ErrorLocation | undefined {
  for (const frame of frames) {
    const match = FRAME.exec(frame);
    if (match) return { file: match[2]!, line: Number(match[3]), column: Number(match[4]) };
  }
  return undefined;
}

/** Maps a position in code the sandbox transformed (TypeScript) back to the original file. */
export type PositionMapper = (
  file: string,
  line: number,
  column: number,
) => { line: number; column: number } | undefined;

function mapFrame(frame: string, mapper: PositionMapper | undefined): string {
  if (!mapper) return frame;
  const match = FRAME.exec(frame);
  if (!match) return frame;
  const original = mapper(match[2]!, Number(match[3]), Number(match[4]));
  if (!original) return frame;
  return frame.replace(
    `${match[2]}:${match[3]}:${match[4]}`,
    `${match[2]}:${original.line}:${original.column}`,
  );
}

/** Shapes a guest error (already copied to the host) into a RunError with a Node-style stack. */
export function toRunError(
  name: string,
  message: string,
  rawStack: string | undefined,
  mapper?: PositionMapper,
): RunError {
  const frames = userFrames(rawStack).map((frame) => mapFrame(frame, mapper));
  const error: RunError = { name, message, stack: [`${name}: ${message}`, ...frames].join("\n") };
  const location = locationOf(frames);
  if (location) error.location = location;
  return error;
}
