// A pool worker's entry: takes one run request at a time from the pool, runs it on this thread with runInline, and
// posts the RunResult back. Host functions become stubs that call the host thread: the stub posts the call (on the
// worker's port, after the output written before it) and blocks this thread (Atomics.wait on the shared buffer)
// until the host replies on the dedicated call channel, then reads the reply synchronously with
// receiveMessageOnPort. A host function that returns a promise is answered "pending" at
// once; its outcome arrives later as a "settled" message, handled while the run waits on it (the run's event loop
// lets this thread's own event loop turn). Output is forwarded chunk by chunk as the guest writes it.
//
// Sessions: the worker keeps each session's state (SessionState, in a cell of its own CellPool) between runs. A
// session's host functions are stubs made once, when it opens; a call goes to the run in progress, which is the
// session's (one run at a time per worker). A reset or close of the session whose run is in progress waits for the
// run to end.
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { TransformCache } from "../capabilities/modules/transform-cache.js";
import type { NamespaceTransform } from "../capabilities/modules/typescript.js";
import { CellPool } from "../engine/cell-pool.js";
import { decode, type Encoded, encode } from "../engine/codec.js";
import { engineModule } from "../platform/engine-module.js";
import type { RunOptions } from "../sandbox/options.js";
import type { RunResult } from "../sandbox/result.js";
import { runInline } from "../sandbox/sandbox.js";
import { lostResult } from "../session/lost.js";
import { SessionState } from "../session/session.js";
import {
  type CallReply,
  type CallRequest,
  decodeGlobals,
  errorFromShape,
  type FromWorker,
  type PostedResult,
  type RunRequest,
  type SessionOpen,
  type SessionRunRequest,
  SLOT,
  type ToWorker,
  type WorkerMemory,
} from "./protocol.js";

export interface WorkerConfig {
  shared: SharedArrayBuffer;
  callPort: MessagePort;
  maxStackBytes: number;
  /** Keep one TypeScript transform cache for every run of this worker (its pool serves one sandbox). */
  shareTransforms: boolean;
}

/** How long past the run's deadline a blocked host call waits before giving up (the run ends as a timeout). */
const CALL_SLACK_MS = 20;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Current {
  id: number;
  /** The session the run belongs to. */
  session?: string;
  deadline: number;
  controller: AbortController;
  pending: Map<number, Pending>;
}

function start(port: NonNullable<typeof parentPort>, config: WorkerConfig): void {
  const flags = new Int32Array(config.shared);
  const { callPort } = config;
  let current: Current | undefined;
  let nextCall = 0;
  const post = (message: FromWorker) => port.postMessage(message);

  /** Blocks until the host answers `call` (or the run must end: then throws AbortError or TimeoutError). */
  const awaitReply = (run: Current, call: number): CallReply => {
    for (;;) {
      const seen = Atomics.load(flags, SLOT.wake);
      const received = receiveMessageOnPort(callPort);
      if (received) {
        const reply = received.message as CallReply;
        if (reply.call !== call) continue; // a late reply to a call that gave up earlier
        return reply;
      }
      if (Atomics.load(flags, SLOT.interrupt) !== 0) {
        throw errorFromShape({ name: "AbortError", message: "the run was aborted" });
      }
      const remaining = run.deadline + CALL_SLACK_MS - performance.now();
      if (remaining <= 0) {
        throw errorFromShape({
          name: "TimeoutError",
          message: "the host did not answer before the deadline",
        });
      }
      Atomics.wait(flags, SLOT.wake, seen, remaining);
    }
  };

  /** Calls host function `fn` with `args`; blocks until the host answers (or the run must end). */
  const callHost = (run: Current, fn: number, args: unknown[]): unknown => {
    const call = ++nextCall;
    const request: CallRequest = { id: run.id, call, fn, args: encode(args, { strings: true }) };
    post({ type: "call", ...request });
    const reply = awaitReply(run, call);
    if (reply.kind === "value") return decode(reply.value);
    if (reply.kind === "error") throw errorFromShape(reply.error);
    if (reply.kind === "pending") {
      return new Promise((resolve, reject) => run.pending.set(call, { resolve, reject }));
    }
    throw errorFromShape({ name: "Error", message: "unexpected reply to a host call" });
  };

  /** esbuild's transform, made on the host thread (see NamespaceTransform in typescript.ts). */
  const namespaces: NamespaceTransform = (source, options) => {
    const run = current;
    if (!run) throw errorFromShape({ name: "Error", message: "no run in progress" });
    const call = ++nextCall;
    post({ type: "transform", id: run.id, call, source, options });
    const reply = awaitReply(run, call);
    if (reply.kind === "transformed") return { code: reply.code, map: reply.map };
    if (reply.kind === "error") throw errorFromShape(reply.error);
    throw errorFromShape({ name: "Error", message: "unexpected reply to a transform" });
  };

  const cells = new CellPool(engineModule);
  const internal = {
    maxStackBytes: config.maxStackBytes,
    interruptFlag: flags,
    namespaces,
    ...(config.shareTransforms && { transforms: new TransformCache() }),
  };
  /** Open sessions: their state, or why it could not be made. */
  const sessions = new Map<string, SessionState | { failed: unknown }>();
  /** What waits for the run in progress to end: resets and closes of its session. */
  let afterRun: (() => void)[] = [];
  /**
   * Runs `action` on session `id` now, or once its run in progress ends. If it throws, the session's runs fail with
   * that error from then on.
   */
  const whenIdle = (id: string, action: () => void) => {
    const guarded = () => {
      try {
        action();
      } catch (error) {
        if (sessions.has(id)) sessions.set(id, { failed: error });
      }
    };
    if (current?.session === id) afterRun.push(guarded);
    else guarded();
  };

  const openSession = (message: SessionOpen) => {
    const id = message.session;
    const defaults: RunOptions = { ...message.options };
    if (message.globals) {
      defaults.globals = decodeGlobals(message.globals, (fn) => (...args: unknown[]) => {
        const run = current;
        if (run?.session !== id) {
          throw errorFromShape({ name: "Error", message: "the run has ended" });
        }
        return callHost(run, fn, args);
      });
    }
    try {
      sessions.set(id, new SessionState(cells, defaults, internal));
    } catch (error) {
      sessions.set(id, { failed: error });
    }
  };

  const memory = (): WorkerMemory => {
    const usage = process.memoryUsage();
    return { heapUsed: usage.heapUsed, external: usage.external };
  };

  const execute = async (request: RunRequest | SessionRunRequest): Promise<void> => {
    const run: Current = {
      id: request.id,
      deadline: performance.now() + request.timeoutMs,
      controller: new AbortController(),
      pending: new Map(),
    };
    if (request.type === "session-run") run.session = request.session;
    current = run;
    const options: RunOptions = {
      ...request.options,
      onStdout: (chunk) => post({ type: "out", id: run.id, fd: 1, chunk }),
      onStderr: (chunk) => post({ type: "out", id: run.id, fd: 2, chunk }),
      signal: run.controller.signal,
    };
    if (request.type === "run" && request.globals) {
      options.globals = decodeGlobals(
        request.globals,
        (fn) =>
          (...args: unknown[]) =>
            callHost(run, fn, args),
      );
    }
    if (request.input) options.input = decode(request.input);
    let message: FromWorker;
    try {
      let result: RunResult;
      if (request.type === "run") {
        result = await runInline(request.code, options, internal);
      } else {
        const state = sessions.get(request.session);
        if (state === undefined) result = lostResult("it is not open on its worker thread");
        else if (state instanceof SessionState) result = await state.run(request.code, options);
        else throw state.failed;
      }
      message = { type: "result", id: run.id, result: postable(result), memory: memory() };
    } catch (error) {
      const { name, message: text, code, option } = error as Record<string, unknown>;
      message = {
        type: "failed",
        id: run.id,
        error: {
          name: typeof name === "string" ? name : "Error",
          message: typeof text === "string" ? text : String(error),
          ...(typeof code === "string" ? { code } : {}),
          ...(typeof option === "string" ? { option } : {}),
        },
        memory: memory(),
      };
    }
    current = undefined;
    const actions = afterRun;
    afterRun = [];
    for (const action of actions) action();
    post(message);
  };

  port.on("message", (message: ToWorker) => {
    switch (message.type) {
      case "run":
      case "session-run":
        void execute(message);
        return;
      case "session-open":
        openSession(message);
        return;
      case "session-reset": {
        const id = message.session;
        whenIdle(id, () => {
          const state = sessions.get(id);
          if (state instanceof SessionState) state.reset();
        });
        return;
      }
      case "session-close": {
        const id = message.session;
        whenIdle(id, () => {
          const state = sessions.get(id);
          sessions.delete(id);
          if (state instanceof SessionState) state.dispose();
        });
        return;
      }
      case "abort":
        if (current?.id === message.id) current.controller.abort();
        return;
      case "settled": {
        const pending = current?.id === message.id ? current.pending.get(message.call) : undefined;
        if (!pending) return; // the run ended; its late results are discarded
        current!.pending.delete(message.call);
        if (message.ok) {
          let value: unknown;
          try {
            value = decode(message.value);
          } catch (error) {
            pending.reject(error);
            return;
          }
          pending.resolve(value);
        } else pending.reject(errorFromShape(message.error));
        return;
      }
    }
  });
  post({ type: "ready" });
}

/** The result with its value encoded (kept as a key when the inline result has one, so the shape is identical). */
function postable(result: RunResult): PostedResult {
  if (!("value" in result)) return result as PostedResult;
  const value: Encoded = encode(result.value, { strings: true });
  return { ...result, value };
}

/** Compiles the engine and fills the first cell before the pool sends real work. */
async function warm(): Promise<void> {
  await runInline("0", { timeoutMs: 5000 }, {});
}

if (parentPort) {
  await warm();
  start(parentPort, workerData as WorkerConfig);
}
