// Guest bundle "process".
import type { Op } from "../../../guest/types.js";
import { createProcess, type ProcessConfig } from "./process.js";

export function create(op: Op, configJson: string) {
  return createProcess(op, JSON.parse(configJson) as ProcessConfig);
}
