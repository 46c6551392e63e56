// A run as an MCP tool result: one compact text block a model reads easily (status, output cut and marked when
// long, the value or formatError()'s text, the files), and the same facts as structuredContent matching the
// output schema. Large or binary files are resource links the client reads with resources/read.
import * as z from "zod";
import { formatError, type RunResult } from "../index.js";
import { jsonValue } from "../cli/json.js";
import type { Execution } from "../operator/executions.js";
import type { ChangedFile } from "../operator/files.js";

/** Characters of each of stdout and stderr a tool result carries. */
export const OUTPUT_CHARS = 16 * 1024;
/** Characters of the value's JSON in the text block. */
const VALUE_CHARS = 8 * 1024;

const fileSchema = z.object({
  path: z.string(),
  size: z.number().int(),
  mime_type: z.string(),
  text: z.string().optional(),
  uri: z.string().optional(),
});

export const runOutputSchema = z.object({
  status: z.enum(["ok", "error", "running", "cancelled"]),
  value: z.unknown().optional(),
  stdout: z.string(),
  stderr: z.string(),
  output_truncated: z.boolean(),
  exit_code: z.number().int().nullable(),
  duration_ms: z.number(),
  error: z
    .object({
      name: z.string(),
      message: z.string(),
      location: z.object({ file: z.string(), line: z.number(), column: z.number() }).optional(),
      frame: z.string().optional(),
      hint: z.string().optional(),
      text: z.string(),
    })
    .optional(),
  files_changed: z.array(fileSchema).optional(),
  execution_id: z.string().optional(),
  session_id: z.string().optional(),
  notes: z.array(z.string()).optional(),
});

export type RunView = z.infer<typeof runOutputSchema>;

type Content =
  | { type: "text"; text: string }
  | { type: "resource_link"; uri: string; name: string; mimeType: string; size: number };

export interface ToolResult {
  [key: string]: unknown;
  content: Content[];
  structuredContent: RunView;
  isError?: boolean;
}

function cut(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  return { text: `${text.slice(0, max)}\n… [${text.length - max} more characters cut]`, cut: true };
}

/** The view of an execution: finished (with its outcome) or still running (with its output so far). */
export function viewOf(execution: Execution, notes: string[]): RunView {
  const outcome = execution.outcome;
  const result: RunResult | undefined = outcome?.result;
  const stdout = cut(result?.stdout ?? execution.stdout, OUTPUT_CHARS);
  const stderr = cut(result?.stderr ?? execution.stderr, OUTPUT_CHARS);
  const view: RunView = {
    status: !outcome ? "running" : outcome.cancelled ? "cancelled" : outcome.result.ok ? "ok" : "error",
    stdout: stdout.text,
    stderr: stderr.text,
    output_truncated:
      stdout.cut || stderr.cut || result?.truncated.stdout === true || result?.truncated.stderr === true,
    exit_code: result ? result.exitCode : null,
    duration_ms: Math.round(result ? result.stats.durationMs : Date.now() - execution.startedAt),
  };
  if (result?.ok && result.value !== undefined) view.value = jsonValue(result.value);
  if (result && !result.ok) {
    const e = result.error;
    view.error = { name: e.name, message: e.message, text: formatError(result, { maxBytes: 4096 }) };
    if (e.location) view.error.location = { ...e.location };
    if (e.frame) view.error.frame = e.frame;
    if (e.hint) view.error.hint = e.hint;
  }
  if (outcome && outcome.files.length > 0) view.files_changed = outcome.files.map(fileView);
  if (!outcome || execution.sessionId === undefined) view.execution_id = execution.id;
  if (execution.sessionId !== undefined) view.session_id = execution.sessionId;
  if (notes.length > 0) view.notes = notes;
  return view;
}

function fileView(file: ChangedFile): z.infer<typeof fileSchema> {
  const out: z.infer<typeof fileSchema> = { path: file.path, size: file.size, mime_type: file.mimeType };
  if (file.text !== undefined) out.text = file.text;
  if (file.uri !== undefined) out.uri = file.uri;
  return out;
}

/** The tool result: the text block, resource links for files not inline, and the structured view. */
export function toolResult(view: RunView): ToolResult {
  const content: Content[] = [{ type: "text", text: textOf(view) }];
  for (const file of view.files_changed ?? []) {
    if (file.uri) {
      const name = file.path.split("/").pop() || file.path;
      content.push({ type: "resource_link", uri: file.uri, name, mimeType: file.mime_type, size: file.size });
    }
  }
  const result: ToolResult = { content, structuredContent: view };
  if (view.status === "error" || view.status === "cancelled") result.isError = true;
  return result;
}

function textOf(view: RunView): string {
  const lines: string[] = [];
  const head =
    view.status === "running"
      ? `status: running for ${view.duration_ms} ms (execution_id ${view.execution_id}): call wait with it for the result, or cancel`
      : `status: ${view.status} (exit code ${view.exit_code}, ${view.duration_ms} ms)`;
  lines.push(head);
  for (const note of view.notes ?? []) lines.push(`note: ${note}`);
  if (view.error) lines.push("", view.error.text);
  if (view.value !== undefined) lines.push(`value: ${cut(JSON.stringify(view.value), VALUE_CHARS).text}`);
  if (view.stdout) lines.push("stdout:", view.stdout.replace(/\n$/, ""));
  if (view.stderr) lines.push("stderr:", view.stderr.replace(/\n$/, ""));
  if (view.output_truncated) lines.push("(output was cut: print less, or write it to a file)");
  for (const file of view.files_changed ?? []) {
    if (file.text !== undefined) lines.push(`file changed: ${file.path} (${file.size} bytes):`, file.text);
    else lines.push(`file changed: ${file.path} (${file.size} bytes, ${file.mime_type}): ${file.uri}`);
  }
  return lines.join("\n");
}

/** A tool error that is not a program's failure: an unknown session, a full server. */
export function toolError(message: string): { content: Content[]; isError: true } {
  return { content: [{ type: "text", text: message }], isError: true };
}
