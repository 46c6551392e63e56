// `cordon mcp`: an MCP server that gives an agent a JavaScript/TypeScript sandbox, over stdio or Streamable HTTP.
export { type HttpOptions, isLoopback, serveHttp } from "./http.js";
export { createServerFactory, DEFAULT_WAIT_MS } from "./tools.js";
export { describeEnvironment, runJsDescription } from "./describe.js";
