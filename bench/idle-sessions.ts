// Run in its own process by bench.ts: the RSS of 1,000 idle sessions, measured without anything else in the process.
// Prints one JSON object.
import { idleSessionMemory } from "./runtime.js";

const isolation = process.argv[2] === "inline" ? "inline" : "worker";
const result = await idleSessionMemory(Number(process.argv[3] ?? 1000), isolation);
process.stdout.write(`${JSON.stringify({ isolation, ...result })}\n`);
