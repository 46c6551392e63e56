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
export class InvalidOptionError extends TypeError {
  readonly code = "ERR_CORDON_INVALID_OPTION" as const;
  readonly option: string;
  constructor(option: string, message: string) {
    super(`cordon: option \`${option}\` ${message}`);
    this.name = "TypeError";
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
