// The channel between a PoolWorker (the host side of one pool worker) and the thread that runs its engine. A link
// carries the worker protocol (protocol.ts) plus two things outside it: the answer to a host call the worker is
// blocked on, and the interrupt flag the worker's engine polls. The thread link below is the plain case (a worker
// thread of this process, sharing memory with it); process-link.ts puts the same thread inside a child process.
//
// Loading the worker: compiled (dist/pool/link.js) the entry is the sibling worker.js. Running from the TypeScript
// sources (tests, the bench) the entry is worker.ts, which Node 20 cannot load by itself; tsx's `--import tsx` in the
// worker's execArgv does not help there, because tsx registers its hooks only on the main thread on Node versions
// before 22. So the worker starts from a small evaluated script that registers tsx's ESM API inside the worker and
// then imports worker.ts. tsx is only needed for the sources; dist never uses it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { workerExecArgv } from "../platform/worker-argv.js";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { MessageChannel, type ResourceLimits, Worker } from "node:worker_threads";
import type { CallReply, FromWorker, ToWorker } from "./protocol.js";
import { SHARED_BYTES, SLOT } from "./protocol.js";
import type { WorkerConfig } from "./worker.js";

/** What a link needs to start a worker thread. */
export interface LinkSettings {
  resourceLimits: ResourceLimits;
  maxStackBytes: number;
  /** Each worker keeps one TypeScript transform cache for all its runs (the pool serves one sandbox). */
  shareTransforms: boolean;
}

export interface LinkHandlers {
  message(message: FromWorker): void;
  /** An error the worker (or its process) reported before it ended. */
  error(error: unknown): void;
  /** The worker is gone; `detail` says how ("exit code 1", "signal SIGKILL"). */
  exit(detail: string): void;
}

export interface WorkerLink {
  /** What ends when the link ends, in the words a lost session reports ("worker thread", "child process"). */
  readonly noun: string;
  /** Posts a protocol message; throws when it cannot be cloned. */
  post(message: ToWorker): void;
  /** Answers the host call (or transform) the worker waits on, and wakes it. */
  answer(reply: CallReply): void;
  /** Sets the interrupt flag the engine polls (0 clears it); `wake` also wakes a worker blocked on a host call. */
  interrupt(value: number, wake?: boolean): void;
  /** Whether the link keeps this process alive (while a run is in progress). */
  ref(): void;
  unref(): void;
  /** Ends the worker; `exit` follows. */
  terminate(): void;
}

export type LinkFactory = (settings: LinkSettings, handlers: LinkHandlers) => WorkerLink;

let entry: { filename: string | URL; eval: boolean } | undefined;

function workerEntry(): { filename: string | URL; eval: boolean } {
  if (entry) return entry;
  const here = import.meta.url;
  if (!here.endsWith(".ts")) {
    entry = { filename: new URL("./worker.js", here), eval: false };
    return entry;
  }
  const target = new URL("./worker.ts", here).href;
  const loader = tsxModule("./esm/api");
  const code = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(target)}); });`;
  entry = { filename: code, eval: true };
  return entry;
}

/** The file URL of one of tsx's ESM exports (`.` is its `--import` loader, `./esm/api` its register API). */
export function tsxModule(subpath: "." | "./esm/api"): string {
  try {
    const require = createRequire(import.meta.url);
    const manifest = require.resolve("tsx/package.json");
    const pkg = JSON.parse(readFileSync(manifest, "utf8")) as {
      exports: Record<string, string | { import?: { default?: string } }>;
    };
    const target = pkg.exports[subpath];
    const file = typeof target === "string" ? target : target?.import?.default;
    if (!file) throw new Error(`tsx/package.json has no ESM export for ${subpath}`);
    return pathToFileURL(join(dirname(manifest), file)).href;
  } catch (error) {
    throw new Error(
      "cordon: pool workers started from the TypeScript sources need tsx (a dev dependency); build with `npm run build` and use dist/",
      { cause: error },
    );
  }
}

/** A worker thread of this process: replies on a dedicated port, the flag and the wake-up in shared memory. */
export const threadLink: LinkFactory = (settings, handlers) => {
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const flags = new Int32Array(shared);
  const { port1: port, port2 } = new MessageChannel();
  const config: WorkerConfig = {
    shared,
    callPort: port2,
    maxStackBytes: settings.maxStackBytes,
    shareTransforms: settings.shareTransforms,
  };
  const { filename, eval: isEval } = workerEntry();
  const worker = new Worker(filename, {
    eval: isEval,
    execArgv: workerExecArgv(),
    workerData: config,
    transferList: [port2],
    resourceLimits: settings.resourceLimits,
  });
  const wake = () => {
    Atomics.add(flags, SLOT.wake, 1);
    Atomics.notify(flags, SLOT.wake);
  };
  worker.on("message", (message: FromWorker) => handlers.message(message));
  worker.on("error", (error) => handlers.error(error));
  worker.on("exit", (code) => {
    port.close();
    handlers.exit(`exit code ${code}`);
  });
  return {
    noun: "worker thread",
    post: (message) => worker.postMessage(message),
    answer: (reply) => {
      port.postMessage(reply);
      wake();
    },
    interrupt: (value, andWake) => {
      Atomics.store(flags, SLOT.interrupt, value);
      if (andWake) wake();
    },
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    terminate: () => {
      port.close();
      void worker.terminate();
    },
  };
};
