// Output as it is written, for a client that sent a progress token: chunks are gathered and sent at most every
// FLUSH_MS, each notification carrying at most MESSAGE_CHARS of text, so a guest that floods its output cannot
// flood the client. `progress` is the number of characters written so far (it only grows, as the spec asks).
import type { Execution, OutputStream } from "../operator/executions.js";

const FLUSH_MS = 100;
const MESSAGE_CHARS = 4096;

export interface ProgressParams {
  progress: number;
  message: string;
}

/** Streams `execution`'s output to `send` until the returned function is called (which sends what is left). */
export function streamProgress(
  execution: Execution,
  send: (params: ProgressParams) => Promise<void>,
): () => Promise<void> {
  let pending = "";
  let written = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sending: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = undefined;
    if (pending === "") return;
    const message =
      pending.length > MESSAGE_CHARS
        ? `${pending.slice(0, MESSAGE_CHARS)}\n… [${pending.length - MESSAGE_CHARS} more characters not streamed]`
        : pending;
    pending = "";
    const params = { progress: written, message };
    sending = sending.then(() => send(params)).catch(() => {});
  };
  const unlisten = execution.listen((stream: OutputStream, chunk: string) => {
    if (chunk === "") return;
    written += chunk.length;
    if (pending.length <= MESSAGE_CHARS) pending += stream === "stderr" ? `[stderr] ${chunk}` : chunk;
    timer ??= setTimeout(flush, FLUSH_MS);
  });
  return async () => {
    unlisten();
    clearTimeout(timer);
    flush();
    await sending;
  };
}
