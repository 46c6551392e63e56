// Types a user's alert rule is written against: the log entries it reads and the host functions it may call.

/** One line of /logs/log.jsonl. */
export interface LogEntry {
  /** ISO 8601 time stamp. */
  time: string;
  level: "debug" | "info" | "warn" | "error";
  service: string;
  message: string;
}

/** What the rule decides; the host prints it and sends the alert when `alert` is true. */
export interface Decision {
  alert: boolean;
  reason: string;
}

/** Host functions the product grants to alert rules (the `env` global). */
export interface AlertEnv {
  /** When the last alert was sent (milliseconds since the epoch), or null if never. */
  getLastAlert(): number | null;
  /** Records that an alert is being sent now. */
  setLastAlert(time: number): void;
}

declare global {
  const env: AlertEnv;
}
