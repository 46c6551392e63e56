// The host side of one pool worker: starting it (through a link: a worker thread of this process, or one inside a
// child process, see link.ts), one run at a time, answering its host calls, and stopping it when it will not answer
// (deadline plus grace, or an abort it did not honour in time).
import { InvalidOptionError, reviveCordonError } from "../errors.js";
import { esbuild } from "../platform/deps.js";
import { INTERRUPT_TIMEOUT } from "../sandbox/execution.js";
import type { RunError } from "../sandbox/result.js";
import { type LinkFactory, type LinkSettings, threadLink, type WorkerLink } from "./link.js";
import type {
  CallReply,
  CallRequest,
  FromWorker,
  ToWorker,
  TransformRequest,
  WorkerMemory,
} from "./protocol.js";
import type { Outcome, StopReason, Task } from "./task.js";

export interface WorkerSettings extends LinkSettings {
  graceMs: number;
  /** How the worker is started (default: a worker thread of this process). */
  link?: LinkFactory;
}

export interface WorkerEvents {
  /** The worker is ready for a run (after starting, or after finishing one). */
  idle(worker: PoolWorker): void;
  /** The worker is gone (stopped by the pool, or it died); `startError` when it never became ready. */
  gone(worker: PoolWorker, startError?: unknown): void;
}

type State = "starting" | "idle" | "busy" | "closed";

/** A session held by a worker, as the pool sees it. */
export interface PinnedSession {
  readonly id: string;
  /** The tenant the session is for ("" for none). */
  readonly tenant: string;
  /** The worker holding the session ended (or never started): its state is gone, for `reason`. */
  workerLost(reason: string): void;
}

export class PoolWorker {
  state: State = "starting";
  runs = 0;
  memory: WorkerMemory | undefined;
  task: Task | undefined;
  /** Sessions whose state lives on this worker. */
  readonly sessions = new Map<string, PinnedSession>();
  /** Runs of those sessions waiting for this worker (they cannot go anywhere else). */
  readonly pinned: Task[] = [];
  /** Due to be replaced (run count or memory), once no session is left on it. */
  due = false;
  /** Why the thread ended, in the words a lost session reports. */
  endReason = "its worker thread ended";
  private readonly link: WorkerLink;
  private timer: NodeJS.Timeout | undefined;
  private aborting = false;
  private lastError: unknown;
  private readonly exited: Promise<void>;

  constructor(
    private readonly settings: WorkerSettings,
    private readonly events: WorkerEvents,
  ) {
    let exited!: () => void;
    this.exited = new Promise((resolve) => {
      exited = resolve;
    });
    this.link = (settings.link ?? threadLink)(settings, {
      message: (message) => this.onMessage(message),
      error: (error) => {
        this.lastError ??= error;
      },
      exit: (detail) => {
        exited();
        this.onExit(detail);
      },
    });
    this.endReason = `its ${this.link.noun} ended`;
  }

  /**
   * Starts `task` on this (idle) worker. False when the request cannot be posted (the task is rejected with the
   * reason and the worker stays idle).
   */
  dispatch(task: Task): boolean {
    this.link.interrupt(0);
    try {
      this.post(task.request);
    } catch (error) {
      task.reject(
        new InvalidOptionError(
          "options",
          `cannot be sent to a ${this.link.noun}: ${(error as Error)?.message ?? error}`,
        ),
      );
      return false;
    }
    this.state = "busy";
    this.task = task;
    this.aborting = false;
    this.link.ref();
    task.startedAt = performance.now();
    this.arm(task.timeoutMs + this.settings.graceMs, "timeout");
    task.signal?.addEventListener("abort", this.onAbort);
    if (task.signal?.aborted) this.onAbort();
    return true;
  }

  /**
   * Posts a message that is no run (session open, reset, close). False when the thread has ended; throws when the
   * message cannot be cloned.
   */
  send(message: ToWorker): boolean {
    if (this.state === "closed") return false;
    this.post(message);
    return true;
  }

  /** Ends the thread. The current task (if any) is left to the caller: see `release`. */
  close(): Promise<void> {
    if (this.state !== "closed") {
      this.state = "closed";
      this.link.terminate();
    }
    return this.exited;
  }

  /** Detaches and returns the current task (timers and the abort listener removed). */
  release(): Task | undefined {
    const task = this.task;
    this.task = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    task?.signal?.removeEventListener("abort", this.onAbort);
    return task;
  }

  private post(message: ToWorker): void {
    this.link.post(message);
  }

  private arm(ms: number, reason: StopReason): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kill(reason), ms);
    this.timer.unref();
  }

  /** Stops the run in progress (ended from outside, see Task.end): as an abort, but settled with its own failure. */
  end(task: Task, error: RunError, exitCode?: number): void {
    if (this.task !== task || !task.end(error, exitCode)) return;
    this.onAbort();
  }

  private readonly onAbort = (): void => {
    const task = this.task;
    if (!task || this.aborting) return;
    this.aborting = true;
    this.link.interrupt(1, true);
    this.post({ type: "abort", id: task.id });
    const left = task.startedAt + task.timeoutMs + this.settings.graceMs - performance.now();
    this.arm(Math.max(0, Math.min(this.settings.graceMs, left)), "abort");
  };

  /** The worker did not answer in time: stop it and settle its run here. */
  private kill(reason: StopReason): void {
    this.endReason =
      reason === "abort"
        ? `its ${this.link.noun} was stopped because an aborted run on it did not stop in time`
        : `its ${this.link.noun} was stopped because a run on it did not end by its deadline`;
    const task = this.release();
    void this.close();
    task?.stop(reason);
    this.events.gone(this);
  }

  private onCall(request: CallRequest): void {
    const task = this.task;
    const reply =
      task && task.id === request.id && this.state === "busy"
        ? task.call(request, (call, outcome) => this.settle(task, call, outcome))
        : ({
            call: request.call,
            kind: "error",
            error: { name: "Error", message: "the run has ended" },
          } as const);
    if (this.state === "closed") return;
    // Refused because the deadline passed on this thread's clock: the worker's run ends as a timeout too, at its
    // engine's next check, rather than as the guest's failure with the refusal.
    if (task?.pastDeadline() && !this.aborting) this.link.interrupt(INTERRUPT_TIMEOUT);
    this.link.answer(reply);
  }

  /**
   * An esbuild transform for the worker, made here: esbuild's service process then belongs to this thread, which
   * outlives every worker (see typescript.ts). esbuild is asynchronous here, so this thread is not blocked.
   */
  private onTransform(request: TransformRequest): void {
    const reply = (answer: CallReply) => {
      if (this.state === "closed") return;
      this.link.answer(answer);
    };
    const { call } = request;
    if (this.task?.id !== request.id || this.state !== "busy") {
      reply({ call, kind: "error", error: { name: "Error", message: "the run has ended" } });
      return;
    }
    // Through a promise: esbuild() throws when esbuild is not installed; that is the run's error, not the pool's.
    Promise.resolve()
      .then(() => esbuild().transform(request.source, request.options))
      .then(
        (result) => reply({ call, kind: "transformed", code: result.code, map: result.map }),
        (error: unknown) =>
          reply({
            call,
            kind: "error",
            error: { name: "Error", message: String((error as Error)?.message ?? error) },
          }),
      );
  }

  private settle(task: Task, call: number, outcome: Outcome): void {
    if (this.task !== task || this.state !== "busy") return; // the run ended; nothing may reach it any more
    if (outcome.ok) this.post({ type: "settled", id: task.id, call, ok: true, value: outcome.value });
    else this.post({ type: "settled", id: task.id, call, ok: false, error: outcome.error });
  }

  private onMessage(message: FromWorker): void {
    if (this.state === "closed") return;
    switch (message.type) {
      case "ready":
        this.state = "idle";
        this.link.unref();
        this.events.idle(this);
        return;
      case "out":
        if (this.task?.id === message.id) this.task.output(message.fd, message.chunk);
        return;
      case "call":
        this.onCall(message);
        return;
      case "transform":
        this.onTransform(message);
        return;
      case "result":
      case "failed": {
        if (this.task?.id !== message.id) return;
        const task = this.release()!;
        this.runs += 1;
        this.memory = message.memory;
        this.state = "idle";
        this.link.unref();
        if (message.type === "result") task.complete(message.result);
        else
          task.reject(
            reviveCordonError(message.error) ??
              Object.assign(new Error(message.error.message), message.error),
          );
        this.events.idle(this);
        return;
      }
    }
  }

  private onExit(how: string): void {
    if (this.state === "closed") return;
    const starting = this.state === "starting";
    this.state = "closed";
    const task = this.release();
    const error = this.lastError;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : how;
    const noun = this.link.noun;
    this.endReason = starting
      ? `its ${noun} could not start (${detail})`
      : `its ${noun} ended unexpectedly (${detail})`;
    task?.stop("crash", detail, noun);
    this.events.gone(this, starting ? (error ?? new Error(`the ${noun} ended (${how})`)) : undefined);
  }
}
