// A run that must succeed: its value and stdout, or a thrown Error with the guest's error.
import { run } from "../../src/index.js";

export async function runValue(
  code: string,
  options?: Parameters<typeof run>[1],
): Promise<{ value: unknown; stdout: string }> {
  const r = await run(code, options);
  if (!r.ok) throw new Error(`run failed: ${r.error.name}: ${r.error.message}\n${r.error.stack ?? ""}`);
  return { value: r.value, stdout: r.stdout };
}
