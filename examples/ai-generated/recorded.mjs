// The offline stand-in for a model, used when OPENAI_BASE_URL is not set: two recorded answers to the default task.
// The first has a bug (arrays have no .sum()), as models' first answers often do; the second is the fix a model
// wrote after reading the error cordon reported.

export const DEFAULT_TASK =
  "Find the first 20 prime numbers. Return an object with the primes and their sum, and log how many you found.";

const FIRST = `Here is a module that finds the primes:

\`\`\`js
async function main() {
  const primes = [];
  for (let n = 2; primes.length < 20; n++) {
    if (primes.every((p) => n % p !== 0)) primes.push(n);
  }
  console.log(\`found \${primes.length} primes\`);
  return { primes, sum: primes.sum() };
}

export default await main();
\`\`\`

It collects primes by trial division and returns them with their sum.`;

const SECOND = `Arrays have no \`sum()\` method; here is the fixed program, summing with \`reduce\`:

\`\`\`js
async function main() {
  const primes = [];
  for (let n = 2; primes.length < 20; n++) {
    if (primes.every((p) => n % p !== 0)) primes.push(n);
  }
  console.log(\`found \${primes.length} primes\`);
  return { primes, sum: primes.reduce((a, b) => a + b, 0) };
}

export default await main();
\`\`\``;

/** Answers like a chat model: the first time the broken program, after an error report the fixed one. */
export async function recordedModel(messages) {
  const answers = messages.filter((m) => m.role === "assistant").length;
  const last = messages.at(-1).content;
  if (answers === 0) return FIRST;
  if (last.includes("primes.sum is not a function")) return SECOND;
  return "I cannot tell what went wrong.";
}
