// The operator's configuration for the long-running faces (`cordon mcp`, later `cordon serve`): limits, network
// hosts, mounts, packages and session caps. The operator decides them, never the program or the model: a request
// may lower a limit, never raise one, and cannot add hosts, mounts or packages. One schema validates the
// `--config` file and is published as JSON Schema (schema/cordon.schema.json, checked against this file by a test).
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import * as z from "zod";

const MIB = 1024 * 1024;

const mount = z.strictObject({
  hostPath: z.string().min(1).describe("Host directory; relative paths are relative to the config file"),
  guestPath: z
    .string()
    .regex(/^\/[^\0]+$/, "an absolute path below /, like /data")
    .describe("Where the program sees it, e.g. /data"),
  readOnly: z.boolean().default(true).describe("Read-only unless false"),
});

export const OperatorConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1)
      .default(60_000)
      .describe("Wall-clock limit of one run in ms; a request may ask for less"),
    memoryLimitBytes: z
      .number()
      .int()
      .min(16 * MIB)
      .max(2 ** 31)
      .default(64 * MIB)
      .describe("Engine memory of one run or session, in bytes"),
    maxOutputBytes: z
      .number()
      .int()
      .min(1024)
      .default(MIB)
      .describe("Cap on each of stdout and stderr a run keeps, in bytes"),
    network: z
      .strictObject({
        allow: z
          .array(z.string().min(1))
          .default([])
          .describe("Hosts fetch may reach: api.example.com, *.example.com, http://127.0.0.1:8080"),
      })
      .default({ allow: [] }),
    mounts: z.array(mount).default([]).describe("Host directories every run and session sees"),
    packages: z
      .array(z.string().min(1))
      .default([])
      .describe("Host packages programs may import, from the node_modules of the directory cordon starts in"),
    maxSessions: z.number().int().min(0).default(100).describe("Sessions open at once"),
    sessionTtlMs: z
      .number()
      .int()
      .min(1000)
      .default(60 * 60 * 1000)
      .describe("Longest life of a session in ms; create_session may ask for less"),
    workers: z.number().int().min(1).max(64).optional().describe("Worker threads; default one per core"),
  })
  .describe("cordon operator configuration, shared by cordon mcp and cordon serve");

export type OperatorConfig = z.output<typeof OperatorConfigSchema>;
export type OperatorConfigInput = z.input<typeof OperatorConfigSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The configuration in `file` (JSON), with defaults; relative mount paths are made absolute from its directory. */
export function loadConfigFile(file: string): OperatorConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(
      `--config ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`--config ${file}: not JSON (${(error as Error).message})`);
  }
  const config = parseConfig(raw, `--config ${file}`);
  const base = dirname(resolve(file));
  for (const m of config.mounts) m.hostPath = resolve(base, m.hostPath);
  return config;
}

/** Checks a configuration object; `where` names its source in the error. */
export function parseConfig(raw: unknown, where = "configuration"): OperatorConfig {
  const parsed = OperatorConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? issue.path.join(".") : "(top level)";
  throw new ConfigError(`${where}: ${path}: ${issue?.message ?? "invalid"}`);
}

/** The JSON Schema of the configuration file. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(OperatorConfigSchema, { io: "input" }),
    title: "cordon operator configuration",
  };
}
