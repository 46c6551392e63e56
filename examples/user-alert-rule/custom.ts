// A user's alert rule: alert when one service logged 3 or more errors within 5 minutes, but not more often
// than once every 30 minutes. It reads the log the host mounted at /logs (read-only) with node:fs, and the time
// of the last alert through the host's env functions.
import { readFileSync } from "node:fs";
import type { Decision, LogEntry } from "./types.ts";

const WINDOW_MS = 5 * 60_000;
const MIN_ERRORS = 3;
const DEBOUNCE_MS = 30 * 60_000;

export function shouldAlert(entries: LogEntry[]): Decision {
  const end = Math.max(...entries.map((e) => Date.parse(e.time)));
  const errors = new Map<string, number>();
  for (const entry of entries) {
    if (entry.level !== "error" || end - Date.parse(entry.time) > WINDOW_MS) continue;
    errors.set(entry.service, (errors.get(entry.service) ?? 0) + 1);
  }
  const [service, count] = [...errors].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
  if (count < MIN_ERRORS) return { alert: false, reason: "no service is failing" };

  const last = env.getLastAlert();
  const now = Date.now();
  if (last !== null && now - last < DEBOUNCE_MS) {
    const minutes = Math.round((now - last) / 60_000);
    return { alert: false, reason: `${service}: ${count} errors, but already alerted ${minutes} min ago` };
  }
  env.setLastAlert(now);
  return { alert: true, reason: `${service}: ${count} errors in the last 5 minutes` };
}

const entries: LogEntry[] = readFileSync("/logs/log.jsonl", "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line));

export default shouldAlert(entries);
