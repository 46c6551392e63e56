// The MCP server: the tools (run_js, wait, cancel, create_session, close_session) and the files runs leave behind
// as resources. One factory builds a server over a shared RunService, so over HTTP every request gets a fresh
// McpServer while runs, sessions and files live on in the service.
import { McpServer } from "@modelcontextprotocol/server";
import * as z from "zod";
import { extractCode } from "../index.js";
import type { Execution } from "../operator/executions.js";
import { type RunService, ServiceError } from "../operator/service.js";
import { describeEnvironment, runJsDescription } from "./describe.js";
import { streamProgress } from "./progress.js";
import { registerFileResources, registerSessionTools } from "./sessions.js";
import { runOutputSchema, toolError, toolResult, viewOf } from "./render.js";

/** Default wait before run_js answers "running": below the common 30-60 s client timeouts. */
export const DEFAULT_WAIT_MS = 25_000;
const MAX_WAIT_MS = 55_000;
/** How long cancel waits for the run to stop before answering. */
const CANCEL_WAIT_MS = 5_000;

const waitMs = z
  .number()
  .int()
  .min(0)
  .max(MAX_WAIT_MS)
  .optional()
  .describe(`How long to wait for the run to end before answering "running" (default ${DEFAULT_WAIT_MS})`);

const runJsInput = z.strictObject({
  code: z.string().describe("The program (markdown fences are removed)"),
  language: z
    .enum(["javascript", "typescript"])
    .optional()
    .describe("Default: from the fence tag, else javascript"),
  session_id: z.string().optional().describe("Run in this session (from create_session): its state persists"),
  files: z
    .record(z.string(), z.union([z.string(), z.strictObject({ base64: z.string() })]))
    .optional()
    .describe('Files to create first: path → text, or { "base64": "..." } for binary'),
  stdin: z.string().optional().describe("What the program reads from process.stdin / fs.readFileSync(0)"),
  input: z.unknown().optional().describe("JSON value passed to the program's value when it is a function"),
  timeout_ms: z.number().int().min(1).optional().describe("Wall-clock limit; at most the server's limit"),
  wait_ms: waitMs,
});

type Context = Parameters<Parameters<McpServer["registerTool"]>[2]>[1];

function decodeFiles(
  files: z.infer<typeof runJsInput>["files"],
): Record<string, string | Uint8Array> | undefined {
  if (!files) return undefined;
  const out: Record<string, string | Uint8Array> = {};
  for (const [path, data] of Object.entries(files)) {
    out[path] = typeof data === "string" ? data : new Uint8Array(Buffer.from(data.base64, "base64"));
  }
  return out;
}

async function answer(execution: Execution, wait: number, ctx: Context, notes: string[]) {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  const stop =
    progressToken === undefined
      ? undefined
      : streamProgress(execution, (params) =>
          ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken, ...params } }),
        );
  try {
    await execution.wait(wait, ctx.mcpReq.signal);
  } finally {
    await stop?.();
  }
  return toolResult(viewOf(execution, notes));
}

function failure(error: unknown) {
  if (error instanceof ServiceError) return toolError(error.message);
  const e = error as { name?: string; message?: string };
  if (e?.name === "BusyError") return toolError(`the server is busy: ${e.message} Try again shortly.`);
  if (e?.name === "InvalidOptionError") return toolError(`invalid request: ${e.message}`);
  throw error;
}

export function createServerFactory(service: RunService): () => McpServer {
  const config = service.config;
  const description = runJsDescription(config);
  return () => {
    const server = new McpServer(
      { name: "cordon", version: "0.1.0" },
      {
        instructions: `Use run_js to run JavaScript or TypeScript in a sandbox.\n${describeEnvironment(config)}`,
      },
    );
    server.registerTool(
      "run_js",
      { description, inputSchema: runJsInput, outputSchema: runOutputSchema },
      async (args, ctx) => {
        const notes: string[] = [];
        const { timeoutMs, lowered } = service.timeoutFor(args.timeout_ms);
        if (lowered)
          notes.push(
            `timeout_ms ${args.timeout_ms} is above this server's limit; the run has ${timeoutMs} ms`,
          );
        const extracted = extractCode(args.code, args.language ? { language: args.language } : {});
        try {
          const execution = service.start({
            code: extracted.code,
            language: args.language ?? extracted.language,
            sessionId: args.session_id,
            files: decodeFiles(args.files),
            stdin: args.stdin,
            input: args.input,
            timeoutMs,
          });
          // A client that cancels the call cancels the run.
          const onAbort = () => execution.cancel();
          ctx.mcpReq.signal.addEventListener("abort", onAbort, { once: true });
          const result = await answer(execution, args.wait_ms ?? DEFAULT_WAIT_MS, ctx, notes);
          ctx.mcpReq.signal.removeEventListener("abort", onAbort);
          return result;
        } catch (error) {
          return failure(error);
        }
      },
    );
    server.registerTool(
      "wait",
      {
        description:
          'Wait for a run that answered status "running": returns its result when it ends, or "running" again with the output so far.',
        inputSchema: z.strictObject({ execution_id: z.string(), wait_ms: waitMs }),
        outputSchema: runOutputSchema,
      },
      async (args, ctx) => {
        try {
          return await answer(service.execution(args.execution_id), args.wait_ms ?? DEFAULT_WAIT_MS, ctx, []);
        } catch (error) {
          return failure(error);
        }
      },
    );
    server.registerTool(
      "cancel",
      {
        description:
          "Stop a run that is still going (by its execution_id); returns what it printed until then.",
        inputSchema: z.strictObject({ execution_id: z.string() }),
        outputSchema: runOutputSchema,
      },
      async (args, ctx) => {
        try {
          const execution = service.execution(args.execution_id);
          execution.cancel();
          return await answer(execution, CANCEL_WAIT_MS, ctx, []);
        } catch (error) {
          return failure(error);
        }
      },
    );
    registerSessionTools(server, service);
    registerFileResources(server, service);
    return server;
  };
}
