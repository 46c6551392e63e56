import { Console } from "node:console";
import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { createConsole } from "./guest/console.js";
import { format, inspect } from "./guest/inspect.js";

type Line = [fd: 1 | 2, text: string];

function guestConsole(clock = { t: 0 }) {
  const lines: Line[] = [];
  const deps = {
    write: (fd: 1 | 2, text: string) => {
      lines.push([fd, text]);
    },
    format: vi.fn((args: unknown[]) => format(...args)),
    inspect: vi.fn((value: unknown, options?: object) => inspect(value, options)),
    now: () => clock.t,
  };
  return { console: createConsole(deps), lines, deps, clock };
}

/** Runs `fn` against Node's real console and returns what it wrote, tagged by stream. */
function nodeOutput(fn: (c: Console) => void): Line[] {
  const lines: Line[] = [];
  const sink = (fd: 1 | 2) =>
    new Writable({
      write(chunk, _enc, done) {
        lines.push([fd, String(chunk)]);
        done();
      },
    });
  fn(new Console({ stdout: sink(1), stderr: sink(2) }));
  return lines;
}

type Method = keyof ReturnType<typeof createConsole>;
function sameAsNode(method: Method, ...args: unknown[]) {
  const guest = guestConsole();
  (guest.console[method] as (...a: unknown[]) => void)(...args);
  const node = nodeOutput((c) => (c[method as keyof Console] as (...a: unknown[]) => void)(...args));
  expect(guest.lines).toEqual(node);
}

describe("console output matches Node", () => {
  const argLists: unknown[][] = [
    [],
    ["hello"],
    ["a", 1, -0, 5n, true, null, undefined, Symbol("s")],
    [1, "two", 3],
    ["100%"],
    ["%s is %d", "x", 5],
    ["%s", "a", "b"],
    [{ a: 1, b: [1, 2] }],
    ["obj", { a: { b: { c: { d: 1 } } } }],
    ["multi\nline"],
  ];
  for (const method of ["log", "info", "debug", "warn", "error", "dirxml"] as const) {
    it.each(argLists.map((args) => [JSON.stringify(args.map(String)), args] as const))(
      `${method}(%s)`,
      (_n, args) => sameAsNode(method, ...args),
    );
  }

  it.each([
    [
      [
        { a: 1, b: "x" },
        { a: 2, c: true },
      ],
    ],
    [{ r1: { a: 1 }, r2: { b: [1, 2, 3, 4] } }],
    [[1, "two", { three: 3 }]],
    [
      [
        [1, 2],
        [3, 4, 5],
      ],
    ],
    [[]],
    [
      new Map<unknown, unknown>([
        ["k", { v: 1 }],
        [{ o: 1 }, "x"],
      ]),
    ],
    [new Set(["a", 1, { deep: { deeper: 1 } }])],
    [
      [
        { name: "日本", n: 1 },
        { name: "ascii", n: 22 },
      ],
    ],
    [[{ a: { x: 1, y: 2, z: 3 }, b: null }]],
    ["primitive"],
    [42],
  ])("table(%j)", (data) => sameAsNode("table", data));

  it("table honours a columns filter", () => {
    sameAsNode("table", [{ a: 1, b: 2 }, { b: 3, c: 4 }, 5], ["b", "c"]);
    sameAsNode("table", { x: { a: 1 }, y: { a: 2, z: 0 } }, ["a"]);
  });

  it("dir inspects its argument with the given options", () => {
    sameAsNode("dir", { a: { b: { c: { d: 1 } } } });
    sameAsNode("dir", { a: { b: { c: { d: 1 } } } }, { depth: 0 });
    sameAsNode("dir", "str");
  });

  it("assert prints only when the condition is falsy", () => {
    sameAsNode("assert", true, "never");
    sameAsNode("assert", false);
    sameAsNode("assert", 0, "went %s", "wrong");
    sameAsNode("assert", false, { a: 1 });
  });

  it("count and countReset", () => {
    const script = (c: Pick<Console, "count" | "countReset">) => {
      c.count();
      c.count();
      c.count("x");
      c.countReset();
      c.count();
      c.count("x");
    };
    const guest = guestConsole();
    script(guest.console);
    expect(guest.lines).toEqual(nodeOutput(script));
  });

  it("group indents every line of later output, on both streams", () => {
    const script = (
      c: Pick<Console, "group" | "groupCollapsed" | "groupEnd" | "log" | "error" | "table">,
    ) => {
      c.group("Outer", 1);
      c.log("a\nb");
      c.groupCollapsed();
      c.error({ x: [1, 2] });
      c.table([{ a: 1 }]);
      c.groupEnd();
      c.log("back");
      c.groupEnd();
      c.groupEnd();
      c.log("none");
    };
    const guest = guestConsole();
    script(guest.console);
    expect(guest.lines).toEqual(nodeOutput(script));
  });
});

describe("console behaviour", () => {
  it("methods are bound own properties", () => {
    const { console, lines } = guestConsole();
    for (const name of [
      "log",
      "info",
      "debug",
      "warn",
      "error",
      "trace",
      "dir",
      "dirxml",
      "table",
      "assert",
    ]) {
      expect(Object.hasOwn(console, name)).toBe(true);
    }
    const { log, error } = console;
    log(1);
    error(2);
    expect(lines).toEqual([
      [1, "1\n"],
      [2, "2\n"],
    ]);
  });

  it("the fast path never loads format; placeholders and objects do", () => {
    const { console, deps } = guestConsole();
    console.log("plain", 1, 2n, null, undefined, true, Symbol("q"), -0);
    console.log("50%");
    console.error(1, "%s");
    console.count();
    console.time();
    console.timeEnd();
    expect(deps.format).not.toHaveBeenCalled();
    console.log("%s!", "x");
    expect(deps.format).toHaveBeenCalledTimes(1);
    console.log({ a: 1 });
    expect(deps.format).toHaveBeenCalledTimes(2);
    console.warn("x", [1]);
    expect(deps.format).toHaveBeenCalledTimes(3);
    expect(deps.inspect).not.toHaveBeenCalled();
  });

  it("trace writes Trace: message and the stack frames to stderr", () => {
    const { console, lines } = guestConsole();
    console.trace("hi %s", "there");
    console.trace();
    expect(lines[0]?.[0]).toBe(2);
    expect(lines[0]?.[1]).toMatch(/^Trace: hi there\n {4}at .+\n$/s);
    expect(lines[1]?.[1]).toMatch(/^Trace\n {4}at /);
    expect(lines[0]?.[1]).not.toMatch(/Error/);
  });

  it("time, timeLog and timeEnd use now()", () => {
    const { console, lines, clock } = guestConsole();
    console.time();
    console.time("load");
    clock.t = 12.5;
    console.timeLog("load", "step", 1, { a: 1 });
    console.timeLog("load", "%s");
    clock.t = 1500;
    console.timeEnd();
    clock.t = 61000;
    console.timeEnd("load");
    console.timeEnd("load");
    console.time("h");
    clock.t = 61000 + 3_723_000;
    console.timeLog("h");
    console.time("h");
    expect(lines).toEqual([
      [1, "load: 12.5ms step 1 { a: 1 }\n"],
      [1, "load: 12.5ms %s\n"],
      [1, "default: 1.500s\n"],
      [1, "load: 1:01.000 (m:ss.mmm)\n"],
      [2, "Warning: No such label 'load' for console.timeEnd()\n"],
      [1, "h: 1:02:03.000 (h:mm:ss.mmm)\n"],
      [2, "Warning: Label 'h' already exists for console.time()\n"],
    ]);
  });

  it("countReset of an unknown label warns; no-op methods write nothing", () => {
    const { console, lines } = guestConsole();
    console.countReset("nope");
    console.clear();
    console.profile();
    console.profileEnd();
    console.timeStamp();
    expect(lines).toEqual([[2, "Warning: Count for 'nope' does not exist\n"]]);
  });
});
