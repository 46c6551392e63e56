// Error classes with stable string codes. Host misuse throws these; guest failures come back as values
// ({ ok: false, error }) whose `name` is one of the names below.

export type CordonErrorCode =
  | "ERR_CORDON_INVALID_OPTION"
  | "ERR_CORDON_TIMEOUT"
  | "ERR_CORDON_MEMORY_LIMIT"
  | "ERR_CORDON_RESULT_TOO_LARGE"
  | "ERR_CORDON_INTERNAL"
  | "ERR_CORDON_ABORTED"
  | "ERR_CORDON_DISPOSED"
  | "ERR_CORDON_BUSY";

export class CordonError extends Error {
  readonly code: CordonErrorCode;
  constructor(code: CordonErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Thrown synchronously (or as a rejection of run()) when the host passes a bad option. */
export class InvalidOptionError extends CordonError {
  override name = "InvalidOptionError";
  readonly option: string;
  /** `message` is what is wrong with the option; `exact`: it is the whole message already. */
  constructor(option: string, message: string, exact = false) {
    super("ERR_CORDON_INVALID_OPTION", exact ? message : `cordon: option \`${option}\` ${message}`);
    this.option = option;
  }
}

export class TimeoutError extends CordonError {
  override name = "TimeoutError";
  constructor(message: string) {
    super("ERR_CORDON_TIMEOUT", message);
  }
}

export class MemoryLimitError extends CordonError {
  override name = "MemoryLimitError";
  constructor(message: string) {
    super("ERR_CORDON_MEMORY_LIMIT", message);
  }
}

export class ResultTooLargeError extends CordonError {
  override name = "ResultTooLargeError";
  constructor(message: string) {
    super("ERR_CORDON_RESULT_TOO_LARGE", message);
  }
}

export class InternalError extends CordonError {
  override name = "InternalError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_CORDON_INTERNAL", message, options);
  }
}

export class AbortError extends CordonError {
  override name = "AbortError";
  constructor(message: string) {
    super("ERR_CORDON_ABORTED", message);
  }
}

/** Thrown when a disposed sandbox is used. */
export class DisposedError extends CordonError {
  override name = "DisposedError";
  constructor(message: string) {
    super("ERR_CORDON_DISPOSED", message);
  }
}

/** Thrown when a sandbox cannot take more work now (a full queue, too many sessions); retry later. */
export class BusyError extends CordonError {
  override name = "BusyError";
  constructor(message: string) {
    super("ERR_CORDON_BUSY", message);
  }
}

/** The error for a `code` argument that is not a string (run(), a session's run(), a pool's run()). */
export function codeNotString(code: unknown): InvalidOptionError {
  const got = code === null ? "null" : typeof code;
  return new InvalidOptionError("code", `cordon: code must be a string; got ${got}`, true);
}

/**
 * The CordonError a worker thread reported, rebuilt on the caller's side as the same class (so `instanceof` works
 * whatever the isolation); undefined when `code` is not one of cordon's.
 */
export function reviveCordonError(shape: {
  message: string;
  code?: string;
  option?: string;
}): CordonError | undefined {
  const { message } = shape;
  switch (shape.code) {
    case "ERR_CORDON_INVALID_OPTION":
      return new InvalidOptionError(shape.option ?? "", message, true);
    case "ERR_CORDON_TIMEOUT":
      return new TimeoutError(message);
    case "ERR_CORDON_MEMORY_LIMIT":
      return new MemoryLimitError(message);
    case "ERR_CORDON_RESULT_TOO_LARGE":
      return new ResultTooLargeError(message);
    case "ERR_CORDON_INTERNAL":
      return new InternalError(message);
    case "ERR_CORDON_ABORTED":
      return new AbortError(message);
    case "ERR_CORDON_DISPOSED":
      return new DisposedError(message);
    case "ERR_CORDON_BUSY":
      return new BusyError(message);
    default:
      return undefined;
  }
}
