// Session tools (create_session, close_session) and the files runs leave behind, readable as resources at
// cordon://sessions/<id>/files/<path> and cordon://executions/<id>/files/<path>.
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import * as z from "zod";
import type { RunService } from "../operator/service.js";
import { toolError } from "./render.js";

export function registerSessionTools(server: McpServer, service: RunService): void {
  const maxTtl = service.config.sessionTtlMs;
  server.registerTool(
    "create_session",
    {
      description: `Open a session: pass its session_id to run_js and variables, imports and files persist across calls. It ends after ttl_ms (default and most ${maxTtl} ms) or close_session; after that its state is gone and run_js says so.`,
      inputSchema: z.strictObject({
        ttl_ms: z
          .number()
          .int()
          .min(1000)
          .optional()
          .describe(`Life of the session in ms (at most ${maxTtl})`),
      }),
      outputSchema: z.object({ session_id: z.string(), expires_at: z.string(), ttl_ms: z.number().int() }),
    },
    async (args) => {
      try {
        const { id, expiresAt } = service.createSession(args.ttl_ms);
        const ttl = expiresAt - Date.now();
        const out = { session_id: id, expires_at: new Date(expiresAt).toISOString(), ttl_ms: ttl };
        const note =
          args.ttl_ms !== undefined && args.ttl_ms > maxTtl ? ` (ttl_ms is at most ${maxTtl} here)` : "";
        return {
          content: [{ type: "text", text: `session_id: ${id}\nexpires_at: ${out.expires_at}${note}` }],
          structuredContent: out,
        };
      } catch (error) {
        return toolError((error as Error).message);
      }
    },
  );
  server.registerTool(
    "close_session",
    {
      description: "Close a session and free its state.",
      inputSchema: z.strictObject({ session_id: z.string() }),
      outputSchema: z.object({ closed: z.boolean() }),
    },
    async (args) => {
      if (!service.closeSession(args.session_id)) {
        return toolError(`session ${JSON.stringify(args.session_id)} does not exist or has already ended`);
      }
      return { content: [{ type: "text", text: "closed" }], structuredContent: { closed: true } };
    },
  );
}

export function registerFileResources(server: McpServer, service: RunService): void {
  for (const kind of ["sessions", "executions"] as const) {
    server.registerResource(
      `${kind}-files`,
      new ResourceTemplate(`cordon://${kind}/{id}/files/{+path}`, { list: undefined }),
      {
        description: `A file a run ${kind === "sessions" ? "in a session" : "outside a session"} created or changed (kept for a while after the run)`,
      },
      async (uri) => {
        const file = service.files.get(uri.href);
        if (!file) throw new Error(`${uri.href} is not kept (it expired, or no run wrote it)`);
        const { data, mimeType } = file;
        return {
          contents: [
            typeof data === "string"
              ? { uri: uri.href, mimeType, text: data }
              : { uri: uri.href, mimeType, blob: Buffer.from(data).toString("base64") },
          ],
        };
      },
    );
  }
}
