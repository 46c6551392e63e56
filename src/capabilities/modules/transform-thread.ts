// sucrase on a thread of its own, under the run's deadline.
//
// sucrase is synchronous and cannot be interrupted in-process, and its parse time grows exponentially with some
// nesting: each level of `<any>(` (a type assertion it first tries as a generic arrow function) doubles it, so 21
// levels in a 164-byte file take half a minute. Refusing deep nesting by a cheap scan before the transform would have
// to refuse ordinary code to bound every such pattern (nested parentheses, conditionals, JSX), and would still give
// no deadline. So the transform runs on a worker thread, and the calling thread waits for the reply synchronously
// (Atomics.wait on a shared counter the thread bumps after it posts, then receiveMessageOnPort), as esbuild's own
// synchronous API does; a run on a worker waits the same way on its own thread. When the deadline comes first the
// thread is terminated (V8 stops its JavaScript wherever it is) and the next transform starts a new thread. The
// thread's heap is capped, so a transform that would need more memory ends that thread, never the host.
//
// The thread is started on the first transform and then kept (unreferenced: it never keeps the process alive). Its
// start (about 30 ms; longer on a loaded machine) counts against the deadline of the run that starts it.
import { createRequire } from "node:module";
import { workerExecArgv } from "../../platform/worker-argv.js";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { Options as SucraseOptions } from "sucrase";
import type { Transformed } from "./transform-cache.js";

/** Heap cap of the thread: a 1 MiB file (the most the transform takes) needs about 120 MiB. */
const THREAD_HEAP_MB = 512;

/** The thread's code (CommonJS, evaluated: it needs no file of its own, from the sources or from dist). */
const THREAD_CODE = `
const { workerData } = require("node:worker_threads");
const { transform } = require(workerData.sucrase);
const counter = new Int32Array(workerData.shared);
const port = workerData.port;
port.on("message", (request) => {
  let reply;
  try {
    const result = transform(request.source, request.options);
    const map = result.sourceMap ? JSON.stringify(result.sourceMap) : undefined;
    reply = { id: request.id, code: result.code, map };
  } catch (error) {
    reply = { id: request.id, error: String((error && error.message) || error) };
  }
  port.postMessage(reply);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
`;

type Reply = { id: number; code: string; map: string | undefined } | { id: number; error: string };

interface Thread {
  worker: Worker;
  port: MessagePort;
  counter: Int32Array;
}

/** The transform did not end before the run's deadline. */
export class TransformTimeoutError extends Error {
  override name = "TimeoutError";
}

let thread: Thread | undefined;
let nextId = 0;
let sucrasePath: string | undefined;

function startThread(): Thread {
  sucrasePath ??= createRequire(import.meta.url).resolve("sucrase");
  const shared = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(THREAD_CODE, {
    eval: true,
    execArgv: workerExecArgv(),
    workerData: { sucrase: sucrasePath, shared, port: port2 },
    transferList: [port2],
    resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
  });
  worker.unref();
  port1.unref();
  const started: Thread = { worker, port: port1, counter: new Int32Array(shared) };
  // A thread that ended by itself (out of memory) is replaced by the next transform.
  worker.once("exit", () => {
    if (thread === started) thread = undefined;
  });
  worker.on("error", () => {});
  return started;
}

function stopThread(stopped: Thread): void {
  if (thread === stopped) thread = undefined;
  stopped.port.close();
  void stopped.worker.terminate();
}

/**
 * sucrase's transform of `source`, or a TransformTimeoutError once `deadline` (a performance.now() time) has passed.
 * Throws an Error with sucrase's message when the source does not parse.
 */
export function sucraseUntil(source: string, options: SucraseOptions, deadline: number): Transformed {
  if (performance.now() >= deadline) throw timedOut(options.filePath);
  thread ??= startThread();
  const current = thread;
  const id = ++nextId;
  current.port.postMessage({ id, source, options });
  for (;;) {
    const seen = Atomics.load(current.counter, 0);
    const received = receiveMessageOnPort(current.port);
    if (received) {
      const reply = received.message as Reply;
      if (reply.id !== id) continue; // the reply to a transform given up earlier
      if ("error" in reply) throw new Error(reply.error);
      return { code: reply.code, map: reply.map };
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      stopThread(current);
      throw timedOut(options.filePath);
    }
    Atomics.wait(current.counter, 0, seen, remaining);
  }
}

function timedOut(path: string | undefined): TransformTimeoutError {
  return new TransformTimeoutError(
    `the TypeScript transform of ${path ?? "a file"} did not end before the run's deadline (timeoutMs)`,
  );
}
