// assert.AssertionError with Node's generated messages (lib/internal/assert/assertion_error.js, without colors).
import { G } from "./globals.js";

type Inspect = (value: unknown, options?: object) => string;
export interface AssertionErrorOptions {
  message?: unknown;
  actual?: unknown;
  expected?: unknown;
  operator?: string;
  details?: { message: unknown; actual: unknown; expected: unknown; operator: string; stack: unknown }[];
  stackStartFn?: Function;
  stackStartFunction?: Function;
}

const kReadableOperator: Record<string, string> = {
  deepStrictEqual: "Expected values to be strictly deep-equal:",
  strictEqual: "Expected values to be strictly equal:",
  strictEqualObject: 'Expected "actual" to be reference-equal to "expected":',
  deepEqual: "Expected values to be loosely deep-equal:",
  notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
  notStrictEqual: 'Expected "actual" to be strictly unequal to:',
  notStrictEqualObject: 'Expected "actual" not to be reference-equal to "expected":',
  notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
  notIdentical: "Values have same structure but are not reference-equal:",
  notDeepEqualUnequal: "Expected values not to be loosely deep-equal:",
};
const kMaxShortLength = 12;

const isObj = (v: unknown) => typeof v === "object" && v !== null;

function copyError(source: Error): object {
  const target = Object.assign(Object.create(Object.getPrototypeOf(source)), source);
  return Object.defineProperty(target, "message", { value: source.message });
}

/** Cuts an inspected value to 47 lines, as Node does for long outputs. */
function collapse(lines: string[]): string[] {
  if (lines.length > 50) {
    lines[46] = "...";
    lines.length = 47;
  }
  return lines;
}

function createErrDiff(
  inspectValue: Inspect,
  actual: unknown,
  expected: unknown,
  operator: string,
  message = "",
) {
  let other = "";
  let res = "";
  let end = "";
  let skipped = false;
  const actualInspected = inspectValue(actual);
  const actualLines = actualInspected.split("\n");
  const expectedLines = inspectValue(expected).split("\n");
  let i = 0;
  let indicator = "";
  if (
    operator === "strictEqual" &&
    ((isObj(actual) && isObj(expected)) || (typeof actual === "function" && typeof expected === "function"))
  )
    operator = "strictEqualObject";
  const header = message || kReadableOperator[operator];
  if (actualLines.length === 1 && expectedLines.length === 1 && actualLines[0] !== expectedLines[0]) {
    const actualRaw = actualLines[0]!;
    const expectedRaw = expectedLines[0]!;
    const inputLength = actualRaw.length + expectedRaw.length;
    if (inputLength <= kMaxShortLength) {
      if (!isObj(actual) && !isObj(expected) && (actual !== 0 || expected !== 0))
        return `${header}\n\n${actualRaw} !== ${expectedRaw}\n`;
    } else if (operator !== "strictEqualObject") {
      const stderr = G.process?.stderr;
      if (inputLength < (stderr?.isTTY ? (stderr.columns ?? 80) : 80)) {
        while (actualRaw[i] === expectedRaw[i]) i++;
        if (i > 2) {
          indicator = `\n  ${" ".repeat(i)}^`;
          i = 0;
        }
      }
    }
  }
  let a = actualLines[actualLines.length - 1];
  let b = expectedLines[expectedLines.length - 1];
  while (a === b) {
    if (i++ < 3) end = `\n  ${a}${end}`;
    else other = a!;
    actualLines.pop();
    expectedLines.pop();
    if (actualLines.length === 0 || expectedLines.length === 0) break;
    a = actualLines[actualLines.length - 1];
    b = expectedLines[expectedLines.length - 1];
  }
  const maxLines = Math.max(actualLines.length, expectedLines.length);
  if (maxLines === 0)
    return `${kReadableOperator.notIdentical}\n\n${collapse(actualInspected.split("\n")).join("\n")}\n`;
  if (i >= 5) {
    end = `\n...${end}`;
    skipped = true;
  }
  if (other !== "") {
    end = `\n  ${other}${end}`;
    other = "";
  }
  let printedLines = 0;
  let identical = 0;
  const msg = `${header}\n+ actual - expected`;
  const skippedMsg = " ... Lines skipped";
  let lines = actualLines;
  let plusMinus = "+";
  let maxLength = expectedLines.length;
  if (actualLines.length < maxLines) {
    lines = expectedLines;
    plusMinus = "-";
    maxLength = actualLines.length;
  }
  const flushIdentical = (source: string[]) => {
    if (identical > 2) {
      if (identical > 3) {
        if (identical > 4) {
          if (identical === 5) {
            res += `\n  ${source[i - 3]}`;
            printedLines++;
          } else {
            res += "\n...";
            skipped = true;
          }
        }
        res += `\n  ${source[i - 2]}`;
        printedLines++;
      }
      res += `\n  ${source[i - 1]}`;
      printedLines++;
    }
    identical = 0;
  };
  for (i = 0; i < maxLines; i++) {
    if (maxLength < i + 1) {
      flushIdentical(lines);
      if (lines === actualLines) res += `\n${plusMinus} ${lines[i]}`;
      else other += `\n${plusMinus} ${lines[i]}`;
      printedLines++;
    } else {
      const expectedLine = expectedLines[i]!;
      let actualLine = actualLines[i]!;
      let diverging =
        actualLine !== expectedLine &&
        (!actualLine.endsWith(",") || actualLine.slice(0, -1) !== expectedLine);
      if (diverging && expectedLine.endsWith(",") && expectedLine.slice(0, -1) === actualLine) {
        diverging = false;
        actualLine += ",";
      }
      if (diverging) {
        flushIdentical(actualLines);
        res += `\n+ ${actualLine}`;
        other += `\n- ${expectedLine}`;
        printedLines += 2;
      } else {
        res += other;
        other = "";
        identical++;
        if (identical <= 2) {
          res += `\n  ${actualLine}`;
          printedLines++;
        }
      }
    }
    if (printedLines > 50 && i < maxLines - 2) return `${msg}${skippedMsg}\n${res}\n...${other}\n...`;
  }
  return `${msg}${skipped ? skippedMsg : ""}\n${res}${other}${end}${indicator}`;
}

function generateMessage(
  inspectValue: Inspect,
  actual: unknown,
  expected: unknown,
  operator: string,
): string {
  if (operator === "deepStrictEqual" || operator === "strictEqual")
    return createErrDiff(inspectValue, actual, expected, operator);
  if (operator === "notDeepStrictEqual" || operator === "notStrictEqual") {
    let base = kReadableOperator[operator]!;
    const res = collapse(inspectValue(actual).split("\n"));
    if (operator === "notStrictEqual" && (isObj(actual) || typeof actual === "function"))
      base = kReadableOperator.notStrictEqualObject!;
    if (res.length === 1) return `${base}${res[0]!.length > 5 ? "\n\n" : " "}${res[0]}`;
    return `${base}\n\n${res.join("\n")}\n`;
  }
  let res = inspectValue(actual);
  let other = inspectValue(expected);
  const known = kReadableOperator[operator];
  if (operator === "notDeepEqual" && res === other) {
    res = `${known}\n\n${res}`;
    return res.length > 1024 ? `${res.slice(0, 1021)}...` : res;
  }
  if (res.length > 512) res = `${res.slice(0, 509)}...`;
  if (other.length > 512) other = `${other.slice(0, 509)}...`;
  if (operator === "deepEqual") res = `${known}\n\n${res}\n\nshould loosely deep-equal\n\n`;
  else {
    const newOp = kReadableOperator[`${operator}Unequal`];
    if (newOp) res = `${newOp}\n\n${res}\n\nshould not loosely deep-equal\n\n`;
    else other = ` ${operator} ${other}`;
  }
  return `${res}${other}`;
}

export function makeAssertionError(inspect: Inspect) {
  const inspectValue: Inspect = (value) =>
    inspect(value, {
      compact: false,
      customInspect: false,
      depth: 1000,
      maxArrayLength: Infinity,
      showHidden: false,
      showProxy: false,
      sorted: true,
      getters: true,
    });

  return class AssertionError extends Error {
    generatedMessage: boolean;
    code = "ERR_ASSERTION";
    actual: unknown;
    expected: unknown;
    operator: string | undefined;

    constructor(options: AssertionErrorOptions) {
      if (options === null || typeof options !== "object") {
        const err = new TypeError(
          `The "options" argument must be of type object. Received ${options === null ? "null" : `type ${typeof options}`}`,
        );
        throw Object.assign(err, { code: "ERR_INVALID_ARG_TYPE" });
      }
      const { message, details } = options;
      const operator = options.operator as string;
      let { actual, expected } = options;
      let text: string;
      if (message != null) {
        text =
          operator === "deepStrictEqual" || operator === "strictEqual"
            ? createErrDiff(inspectValue, actual, expected, operator, String(message))
            : String(message);
      } else {
        if (actual instanceof Error && expected instanceof Error) {
          actual = copyError(actual);
          expected = copyError(expected);
        }
        text = generateMessage(inspectValue, actual, expected, operator);
      }
      super(text);
      Object.defineProperty(this, "name", { value: "AssertionError", writable: true, configurable: true });
      this.generatedMessage = !message;
      if (details) {
        this.actual = this.expected = this.operator = undefined;
        details.forEach((d, i) => {
          Object.assign(this, {
            [`message ${i}`]: d.message,
            [`actual ${i}`]: d.actual,
            [`expected ${i}`]: d.expected,
            [`operator ${i}`]: d.operator,
            [`stack trace ${i}`]: d.stack,
          });
        });
      } else {
        this.actual = actual;
        this.expected = expected;
        this.operator = options.operator;
      }
    }

    override toString() {
      return `${this.name} [${this.code}]: ${this.message}`;
    }
  };
}
