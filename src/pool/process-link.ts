// The link of a process-isolated pool worker (isolation "process"): the worker thread runs inside a child Node
// process, and this process talks to it through the child's main thread over IPC.
//
// Why a thread inside a child, rather than the child's main thread running the engine: a synchronous host function
// must look synchronous to the guest, so the engine's thread blocks (Atomics.wait on shared memory) until the host
// answers. Processes share no memory, but a thread and its process's main thread do. So the child hosts the very
// worker the thread pool uses (worker.ts, started by threadLink) and its main thread relays: protocol messages in both
// directions as they are, and the answer to a blocked host call posted to the worker's call port when it arrives from
// here, however long the IPC round trip took (the worker simply stays blocked until then, bounded by its deadline).
// The pool, the queueing, the sessions, the watchdog and the host functions stay in this process, unchanged
// (PoolWorker): a child that does not answer by deadline + grace is killed with SIGKILL and replaced.
//
// The child gets a minimal environment (PATH and the temporary directory; never the host's other variables), its
// stdout is discarded and its stderr kept only to explain a child that died. Idle, it does not keep this process
// alive (the child and its IPC channel are unref'd until the next run). It exits when its IPC channel closes, so a
// host that dies leaves no child behind.
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type LinkFactory, type LinkSettings, tsxModule, type WorkerLink } from "./link.js";
import type { CallReply, FromWorker, ToWorker } from "./protocol.js";

/** This process → the child's relay. */
export type ToChild =
  | { t: "init"; settings: LinkSettings }
  | { t: "post"; message: ToWorker }
  | { t: "answer"; reply: CallReply }
  | { t: "interrupt"; value: number; wake: boolean };

/** The child's relay → this process: the worker's own messages, and an error its worker thread reported. */
export type FromChild = FromWorker | { type: "worker-error"; name: string; message: string };

/** Environment variables a child gets from the host's (if set): what Node and the OS need, nothing else. */
const PASSED_ENV = ["PATH", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP"];

/** The environment of a pool child process, from the host's `env`. */
export function childEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of PASSED_ENV) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** How to start the child: dist runs child.js as it is; the TypeScript sources need tsx's loader. */
function childEntry(): { path: string; execArgv: string[] } {
  const here = import.meta.url;
  if (!here.endsWith(".ts"))
    return { path: fileURLToPath(new URL("./process-child.js", here)), execArgv: [] };
  return {
    path: fileURLToPath(new URL("./process-child.ts", here)),
    execArgv: ["--import", tsxModule(".")],
  };
}

const STDERR_KEPT = 2048;

/** A link with the child's pid (for the pool's diagnostics). */
export interface ProcessLink extends WorkerLink {
  readonly pid: number | undefined;
}

/** Starts a child process hosting one pool worker. */
export function processLink(settings: LinkSettings, handlers: Parameters<LinkFactory>[1]): ProcessLink {
  const { path, execArgv } = childEntry();
  // Loaded here, not with cordon: only process isolation starts children.
  const child: ChildProcess = process.getBuiltinModule("node:child_process").fork(path, [], {
    execArgv,
    env: childEnv(),
    serialization: "advanced",
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT);
  });
  let ended = false;
  child.on("message", (message: FromChild) => {
    if (message.type === "worker-error") {
      handlers.error(Object.assign(new Error(message.message), { name: message.name }));
    } else handlers.message(message);
  });
  child.on("error", (error) => handlers.error(error));
  child.on("exit", (code, signal) => {
    ended = true;
    const last = stderr.trim().split("\n").pop();
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    handlers.exit(last && !signal ? `${how}: ${last}` : how);
  });
  /** Later failures to send (the channel closed with the child) are reported by its exit. */
  const ignore = () => {};
  const send = (message: ToChild) => {
    if (!ended && child.connected) child.send(message, ignore);
  };
  const setRef = (on: boolean) => {
    if (on) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  };
  const { resourceLimits, maxStackBytes, shareTransforms } = settings;
  send({ t: "init", settings: { resourceLimits, maxStackBytes, shareTransforms } });
  setRef(true);
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  return {
    noun: "child process",
    pid: child.pid,
    post: (message) => send({ t: "post", message }),
    answer: (reply) => send({ t: "answer", reply }),
    interrupt: (value, wake = false) => send({ t: "interrupt", value, wake }),
    ref: () => setRef(true),
    unref: () => setRef(false),
    terminate: () => {
      if (ended) return;
      // Held until the exit is seen, so that whoever waits for it (dispose()) is not left with an empty event loop.
      setRef(true);
      child.kill("SIGKILL");
    },
  };
}
