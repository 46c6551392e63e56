// Types for require("cordon") from CommonJS (a .cts file, or a .ts file in a package without "type": "module").
// The package is ES modules; Node (>= 20.19) gives require() the same module namespace that import gives. This file
// declares that namespace in CommonJS form, so TypeScript accepts the require under every `module` setting for Node
// (node16 included), with the very declarations import sees.
export * from "./dist/index.js";
