// Writes schema/cordon.schema.json, the JSON Schema of the operator configuration (`cordon mcp --config`), from the
// schema that validates it (src/operator/config.ts). Run after `npm run build`; a test checks the file is current.
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../dist/operator/config.js";

const file = new URL("../schema/cordon.schema.json", import.meta.url);
writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
