// What the long-running faces (`cordon mcp`, `cordon serve`) share: one sandbox shaped by the operator's
// configuration, sessions named by unguessable ids with a time to live, runs that can outlive one request, and the
// files runs leave behind. A request may lower the operator's timeout, never raise it; it cannot add hosts, mounts
// or packages, since none of those are request fields.
import { createSandbox, type RunOptions, type Sandbox, type Session } from "../index.js";
import type { OperatorConfig } from "./config.js";
import { Execution, ExecutionTable, newId } from "./executions.js";
import { changedFiles, FileStore } from "./files.js";

export interface RunRequest {
  code: string;
  language?: "javascript" | "typescript";
  sessionId?: string;
  /** Files to put in the sandbox before the run: path → text or bytes. */
  files?: Record<string, string | Uint8Array>;
  stdin?: string;
  input?: unknown;
  timeoutMs?: number;
}

export type ServiceErrorCode = "SESSION_NOT_FOUND" | "SESSION_LIMIT" | "EXECUTION_NOT_FOUND";

/** A request the service cannot carry out, said so that a model knows what to do next. */
export class ServiceError extends Error {
  override name = "ServiceError";
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface OpenSession {
  session: Session;
  expiresAt: number;
  /** Fingerprints of the files the session's runs have reported, to report only what changed. */
  known: Map<string, string>;
  timer: ReturnType<typeof setTimeout>;
}

/** Text files up to this many characters come back inline; larger ones and binary files by URI. */
export const INLINE_FILE_CHARS = 4096;
/** Errors after which a session's state is gone (the memory cap was exceeded, or it was lost before). */
const LOSES_SESSION = new Set(["SessionLostError", "MemoryLimitError"]);
const KEEP_FINISHED_MS = 15 * 60 * 1000;
const MAX_FINISHED = 200;
const FILE_STORE_BYTES = 64 * 1024 * 1024;

// Writes the request's files inside a session (its file tree is fixed when it is created): a function value called
// with the files as its input, so it declares nothing in the session's scope.
const WRITE_FILES = `(files) => {
  const fs = require("node:fs");
  const path = require("node:path");
  for (const [name, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.resolve(name)), { recursive: true });
    fs.writeFileSync(name, data);
  }
}`;

export class RunService {
  readonly executions = new ExecutionTable(KEEP_FINISHED_MS, MAX_FINISHED);
  readonly files = new FileStore(FILE_STORE_BYTES);
  private readonly sessions = new Map<string, OpenSession>();

  private constructor(
    readonly config: OperatorConfig,
    private readonly sandbox: Sandbox,
  ) {}

  static async create(config: OperatorConfig): Promise<RunService> {
    const sandbox = await createSandbox({
      isolation: "worker",
      timeoutMs: config.timeoutMs,
      memoryLimitBytes: config.memoryLimitBytes,
      maxOutputBytes: config.maxOutputBytes,
      network: { allow: config.network.allow },
      mounts: config.mounts.map((m) => ({ ...m })),
      packages: config.packages,
      maxSessions: config.maxSessions,
      ...(config.workers ? { workerPool: { workers: config.workers } } : {}),
    });
    return new RunService(config, sandbox);
  }

  /** The timeout a request gets: its own if lower than the operator's, else the operator's. */
  timeoutFor(requested: number | undefined): { timeoutMs: number; lowered: boolean } {
    const cap = this.config.timeoutMs;
    if (requested === undefined) return { timeoutMs: cap, lowered: false };
    return requested > cap ? { timeoutMs: cap, lowered: true } : { timeoutMs: requested, lowered: false };
  }

  /** Starts a run; it goes on after the caller stops waiting, until it ends or is cancelled. */
  start(request: RunRequest): Execution {
    const open = request.sessionId === undefined ? undefined : this.openSession(request.sessionId);
    const execution = new Execution(request.sessionId, this.config.maxOutputBytes);
    const { timeoutMs } = this.timeoutFor(request.timeoutMs);
    const options: RunOptions = {
      timeoutMs,
      filename: request.language === "typescript" ? "main.ts" : "main.js",
      returnFiles: true,
    };
    if (request.stdin !== undefined) options.stdin = request.stdin;
    if (request.input !== undefined) options.input = request.input;
    const scope = open ? `sessions/${request.sessionId}` : `executions/${execution.id}`;
    const known = open?.known ?? new Map<string, string>();
    execution.start(async (hooks) => {
      const runOptions = { ...options, ...hooks };
      let result: Awaited<ReturnType<Session["run"]>>;
      if (open) {
        if (request.files && Object.keys(request.files).length > 0) {
          const written = await open.session.run(WRITE_FILES, { input: request.files, returnFiles: true });
          if (!written.ok) return { result: written, files: [] };
          changedFiles(written.files, known, scope, this.files, 0);
        }
        result = await open.session.run(request.code, runOptions);
        if (result.error && LOSES_SESSION.has(result.error.name)) {
          // The library keeps a lost session until reset(); here it is closed, and the model is told what to do.
          this.closeSession(request.sessionId as string);
          result.error.message = result.error.message.replace(/; call reset\(\) to start again$/, "");
          result.error.hint =
            "the session's state is gone and the session is closed: call create_session for a new one";
        }
      } else {
        result = await this.sandbox.run(request.code, { ...runOptions, files: request.files ?? {} });
      }
      return { result, files: changedFiles(result.files, known, scope, this.files, INLINE_FILE_CHARS) };
    });
    this.executions.add(execution);
    return execution;
  }

  execution(id: string): Execution {
    const execution = this.executions.get(id);
    if (!execution) {
      throw new ServiceError(
        "EXECUTION_NOT_FOUND",
        `there is no execution ${JSON.stringify(id)}: it never existed or ended more than 15 minutes ago`,
      );
    }
    return execution;
  }

  /** Opens a session that lives `ttlMs` (at most the operator's sessionTtlMs). */
  createSession(ttlMs?: number): { id: string; expiresAt: number } {
    if (this.sessions.size >= this.config.maxSessions) {
      throw new ServiceError(
        "SESSION_LIMIT",
        `${this.sessions.size} sessions are open, the most this server allows: close one with close_session, or run without session_id`,
      );
    }
    const life = Math.min(ttlMs ?? this.config.sessionTtlMs, this.config.sessionTtlMs);
    const id = newId("s");
    const session = this.sandbox.createSession({ ttlMs: life, idleTimeoutMs: life });
    const expiresAt = Date.now() + life;
    const timer = setTimeout(() => this.closeSession(id), life);
    timer.unref?.();
    this.sessions.set(id, { session, expiresAt, known: new Map(), timer });
    return { id, expiresAt };
  }

  closeSession(id: string): boolean {
    const open = this.sessions.get(id);
    if (!open) return false;
    this.sessions.delete(id);
    clearTimeout(open.timer);
    open.session.dispose();
    this.files.dropScope(`sessions/${id}`);
    return true;
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    for (const execution of this.executions.running()) execution.cancel();
    for (const id of [...this.sessions.keys()]) this.closeSession(id);
    this.sandbox.dispose();
  }

  private openSession(id: string): OpenSession {
    const open = this.sessions.get(id);
    if (!open || open.expiresAt <= Date.now()) {
      if (open) this.closeSession(id);
      throw new ServiceError(
        "SESSION_NOT_FOUND",
        `session ${JSON.stringify(id)} does not exist or has expired (its state is gone): call create_session for a new one, or run without session_id`,
      );
    }
    return open;
  }
}
