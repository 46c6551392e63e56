// The entry of a pool child process (isolation "process", see process-link.ts): its main thread starts one pool
// worker thread (the same worker.ts as the thread pool) and relays between it and the host over IPC. Host → worker:
// protocol messages, the answers to host calls (posted to the blocked worker's call port, then it is woken) and the
// interrupt flag. Worker → host: the worker's messages as they are. The child runs no guest code on this thread and
// holds no host function: those stay in the host process. It ends with its worker, and when the host's IPC channel
// closes (the host exited or killed it).
import type { WorkerLink } from "./link.js";
import { threadLink } from "./link.js";
import type { FromChild, ToChild } from "./process-link.js";

type Send = (message: FromChild, done?: () => void) => void;

function relay(send: Send): void {
  let link: WorkerLink | undefined;
  let failure: FromChild | undefined;
  let ending = false;
  const end = (code: number) => {
    if (ending) return;
    ending = true;
    process.exit(code);
  };
  process.on("disconnect", () => end(0));
  process.on("message", (message: ToChild) => {
    switch (message.t) {
      case "init":
        if (link) return;
        link = threadLink(message.settings, {
          message: (data) => send(data),
          error: (error) => {
            const { name, message: text } = (error ?? {}) as { name?: unknown; message?: unknown };
            failure ??= {
              type: "worker-error",
              name: typeof name === "string" ? name : "Error",
              message: typeof text === "string" ? text : String(error),
            };
          },
          // The worker thread is gone (its own failure): so is this child, and the host replaces it.
          exit: () => {
            if (failure) send(failure, () => end(70));
            else end(70);
          },
        });
        return;
      case "post":
        link?.post(message.message);
        return;
      case "answer":
        link?.answer(message.reply);
        return;
      case "interrupt":
        link?.interrupt(message.value, message.wake);
        return;
    }
  });
}

if (process.send) {
  const channel = process.send.bind(process);
  relay((message, done) => {
    if (process.connected) channel(message, undefined, undefined, () => done?.());
    else done?.();
  });
}
