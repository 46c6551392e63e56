// cordon as the code-execution tool of an agent: the tool definition the model sees, and a handler that runs the
// model's code in one cordon session per conversation (state persists between the tool calls of a conversation;
// conversations never see each other's state).
import { createSandbox, formatError } from "cordon";

/** The tool definition, in the OpenAI chat completions `tools` format (other APIs take the same JSON schema). */
export const runJavaScriptTool = {
  type: "function",
  function: {
    name: "run_javascript",
    description:
      "Run JavaScript in a sandbox that keeps its state between calls in this conversation, like a notebook: " +
      "top-level const/let/function declarations stay defined for later calls. The value of the last " +
      "expression is returned with everything printed by console.log. Node built-ins (fs on an in-memory " +
      "disk, path, crypto, ...) are available; the network is not. On failure the error is returned with " +
      "its line, column and a code frame: fix the code and call the tool again.",
    parameters: {
      type: "object",
      properties: {
        code: { type: "string", description: "JavaScript (or TypeScript) to run" },
      },
      required: ["code"],
      additionalProperties: false,
    },
  },
};

/** A JSON text for the model: values JSON cannot hold (undefined, BigInt, Map, ...) are described, not dropped. */
function toJson(value) {
  return JSON.stringify(value, (_key, v) => {
    if (v === undefined) return "undefined";
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof Map) return { Map: [...v] };
    if (v instanceof Set) return { Set: [...v] };
    return v;
  });
}

export class CodeTool {
  /** @type {import("cordon").Sandbox} */
  #sandbox;
  /** @type {Map<string, { session: import("cordon").Session, calls: number }>} */
  #conversations = new Map();

  /** @param {import("cordon").Sandbox} sandbox */
  constructor(sandbox) {
    this.#sandbox = sandbox;
  }

  static async create(options = {}) {
    return new CodeTool(
      await createSandbox({ timeoutMs: 5_000, memoryLimitBytes: 64 * 1024 * 1024, ...options }),
    );
  }

  /** Sessions open in the sandbox (one per conversation that has called the tool and not ended). */
  get openSessions() {
    return this.#sandbox.listSessions().length;
  }

  /**
   * Handles one tool call of a conversation. Returns the text to send back to the model as the tool's answer:
   * `{"stdout":...,"value":...,"exitCode":0}` on success, formatError()'s text (message, location, code frame,
   * hint) on failure.
   */
  async handle(conversationId, args) {
    const code = typeof args?.code === "string" ? args.code : undefined;
    if (code === undefined) return 'Error: the tool takes {"code": "<JavaScript>"}';
    let entry = this.#conversations.get(conversationId);
    if (!entry) {
      entry = { session: this.#sandbox.createSession({ idleTimeoutMs: 30 * 60_000 }), calls: 0 };
      this.#conversations.set(conversationId, entry);
    }
    entry.calls += 1;
    // A file name per call, so an error points at the call the model can see ("call-2.js:1:7").
    const result = await entry.session.run(code, { filename: `call-${entry.calls}.js` });
    if (!result.ok) {
      const output = result.stdout ? `stdout before the error:\n${result.stdout}\n` : "";
      return `${output}${formatError(result)}`;
    }
    return toJson({ stdout: result.stdout, value: result.value, exitCode: result.exitCode });
  }

  /** Ends a conversation: its session and all its state are dropped. */
  end(conversationId) {
    this.#conversations.get(conversationId)?.session.dispose();
    this.#conversations.delete(conversationId);
  }

  /** Ends every conversation and the sandbox's workers. */
  dispose() {
    for (const id of [...this.#conversations.keys()]) this.end(id);
    this.#sandbox.dispose();
  }
}
