// console through run(): which stream each method writes to, Node-compatible formatting, groups, the output cap,
// and the streaming callbacks.
import { format } from "node:util";
import { describe, expect, it } from "vitest";
import { run } from "../src/index.js";

/** Builds the same argument list on the host from the source text the guest evaluates. */
function hostArgs(source: string): unknown[] {
  return new Function(`return [${source}];`)() as unknown[];
}

describe("streams", () => {
  it("sends log/info/debug/dir/table to stdout and warn/error/trace to stderr", async () => {
    const r = await run(`
      console.log('log');
      console.info('info');
      console.debug('debug');
      console.dir({ a: 1 });
      console.table([{ a: 1 }]);
      console.warn('warn');
      console.error('error');
      console.trace('trace');
    `);
    expect(r.ok).toBe(true);
    expect(r.stdout).toBe(
      [
        "log",
        "info",
        "debug",
        "{ a: 1 }",
        "┌─────────┬───┐",
        "│ (index) │ a │",
        "├─────────┼───┤",
        "│ 0       │ 1 │",
        "└─────────┴───┘",
        "",
      ].join("\n"),
    );
    const stderr = r.stderr.split("\n");
    expect(stderr.slice(0, 3)).toEqual(["warn", "error", "Trace: trace"]);
    expect(stderr[3]).toMatch(/^ {4}at .*main\.js:\d+:\d+/);
    expect(r.stderr.endsWith("\n")).toBe(true);
    expect(r.truncated).toEqual({ stdout: false, stderr: false });
  });

  it("keeps the order of lines within a stream across fast-path and formatted calls", async () => {
    const r = await run("console.log(1); console.log({ two: 2 }); console.log('three'); console.log([4]);");
    expect(r.stdout).toBe("1\n{ two: 2 }\nthree\n[ 4 ]\n");
  });

  it("writes process.stdout.write and process.stderr.write without a newline", async () => {
    const r = await run("process.stdout.write('a'); process.stdout.write('b'); process.stderr.write('e'); 1");
    expect(r.stdout).toBe("ab");
    expect(r.stderr).toBe("e");
  });
});

describe("formatting matches Node's util.format", () => {
  const cases = [
    "'%s|%d|%i|%f|%j|%o|%O', 'str', 42.5, 42.9, '3.5', { a: 1 }, { b: [1, 2] }, { c: { d: 1 } }",
    "{ a: 1, b: [1, 2] }",
    "'%s:%s', 'only one'",
    "'%d%%', 50",
    "'%s=%d', 'a', 1, 'extra', { k: [1, 2] }",
    "'%s', 5n, { x: 1 }",
    "{ a: { b: { c: { d: 1 } } } }",
    "['a', 'b'], 'c', 1.5, []",
    "[1, 'a', { n: null, u: undefined }], 'tail', 3",
    "{ 'quoted-key': 'v', nested: [[1, [2, [3, [4]]]]] }",
    "'multi\\nline', { s: 'it\\'s' }",
    "Array.from({ length: 120 }, (_, i) => i)",
    "{ longish: 'x'.repeat(30), other: 'y'.repeat(30), third: 'z'.repeat(30) }",
  ];
  it.each(cases)("console.log(%s)", async (source) => {
    const r = await run(`console.log(${source})`);
    expect(r.ok).toBe(true);
    expect(r.stdout).toBe(`${format(...hostArgs(source))}\n`);
  });
});

describe("readable output of non-plain values", () => {
  it("prints Map and Set", async () => {
    const r = await run("console.log(new Map([['k', 1], ['j', { v: [2] }]]), new Set([1, 'two']))");
    expect(r.stdout).toBe("Map(2) { 'k' => 1, 'j' => { v: [ 2 ] } } Set(2) { 1, 'two' }\n");
  });

  it("prints an Error with its name, message and a guest stack frame", async () => {
    const r = await run("const e = new Error('bad');\nconsole.log(e);");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("Error: bad");
    expect(lines[1]).toMatch(/^ {4}at .*main\.js:1:\d+/);
    expect(r.stdout).not.toContain("/work/");
  });

  it("prints extra properties of an error subclass like Node", async () => {
    const r = await run(
      "class MyErr extends Error { constructor(m) { super(m); this.name = 'MyErr'; this.code = 42; } }\nconsole.log(new MyErr('bad'));",
    );
    expect(r.stdout.startsWith("MyErr: bad\n")).toBe(true);
    expect(r.stdout.endsWith(" {\n  code: 42\n}\n")).toBe(true);
  });

  it("prints class instances with their class name", async () => {
    const r = await run(
      "class Point { constructor() { this.x = 1; this.y = 2; } }\nconsole.log(new Point());",
    );
    expect(r.stdout).toBe("Point { x: 1, y: 2 }\n");
  });

  it("shows cycles as [Circular *1]", async () => {
    const r = await run("const a = { name: 'a' }; a.self = a; console.log(a);");
    expect(r.stdout).toBe("<ref *1> { name: 'a', self: [Circular *1] }\n");
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    expect(r.stdout).toBe(`${format(a)}\n`);
  });

  it("prints %j of a cycle as [Circular]", async () => {
    const r = await run("const a = {}; a.a = a; console.log('%j', a);");
    expect(r.stdout).toBe("[Circular]\n");
  });

  it("prints a table with mixed columns", async () => {
    const r = await run("console.table([{ a: 1, b: 'x' }, { a: 2, c: true }])");
    expect(r.stdout).toBe(
      [
        "┌─────────┬───┬─────┬──────┐",
        "│ (index) │ a │ b   │ c    │",
        "├─────────┼───┼─────┼──────┤",
        "│ 0       │ 1 │ 'x' │      │",
        "│ 1       │ 2 │     │ true │",
        "└─────────┴───┴─────┴──────┘",
        "",
      ].join("\n"),
    );
  });
});

describe("primitives and groups", () => {
  it("prints null, undefined, -0, bigint and booleans on the fast path", async () => {
    const r = await run("console.log(null, undefined, -0, 5n, true)");
    expect(r.stdout).toBe("null undefined -0 5n true\n");
    expect(r.stdout).toBe(`${format(null, undefined, -0, 5n, true)}\n`);
  });

  it("prints the same primitives the same way once the full console is loaded", async () => {
    const r = await run("console.log({}); console.log(null, undefined, -0, 5n, true, 'str', 1.5)");
    expect(r.stdout).toBe("{}\nnull undefined -0 5n true str 1.5\n");
  });

  it("prints a symbol", async () => {
    const r = await run("console.log(Symbol('s'), 1)");
    expect(r.stdout).toBe("Symbol(s) 1\n");
  });

  it("indents groups, including every line of a multi-line message", async () => {
    const r = await run(`
      console.group('G');
      console.log('inner');
      console.group();
      console.log('deeper\\nline2');
      console.error('err');
      console.groupEnd();
      console.groupEnd();
      console.log('out');
    `);
    expect(r.stdout).toBe("G\n  inner\n    deeper\n    line2\nout\n");
    expect(r.stderr).toBe("    err\n");
  });

  it("counts with console.count", async () => {
    const r = await run(
      "console.count(); console.count('x'); console.count(); console.countReset(); console.count()",
    );
    expect(r.stdout).toBe("default: 1\nx: 1\ndefault: 2\ndefault: 1\n");
  });
});

describe("maxOutputBytes", () => {
  it("cuts stdout at the limit, adds a marker naming maxOutputBytes, and flags stdout only", async () => {
    const r = await run("console.log('x'.repeat(1000)); console.log('SECOND'); 'value'", {
      maxOutputBytes: 100,
    });
    expect(r.ok).toBe(true);
    expect(r.value).toBe("value");
    expect(r.truncated).toEqual({ stdout: true, stderr: false });
    const kept = r.stdout.slice(0, r.stdout.indexOf("\n"));
    expect(kept).toBe("x".repeat(100));
    const marker = r.stdout.slice(kept.length);
    expect(marker).toContain("maxOutputBytes");
    expect(marker.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).not.toContain("SECOND");
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(100 + 200);
  });

  it("caps stderr independently of stdout", async () => {
    const r = await run("console.error('e'.repeat(500)); console.log('ok')", { maxOutputBytes: 100 });
    expect(r.stdout).toBe("ok\n");
    expect(r.truncated).toEqual({ stdout: false, stderr: true });
    expect(r.stderr.startsWith("e".repeat(100))).toBe(true);
    expect(r.stderr).toContain("maxOutputBytes");
  });

  it("keeps whole lines that fit and cuts the one that does not", async () => {
    const r = await run("console.log('a'.repeat(60)); console.log('b'.repeat(60)); console.log('c')", {
      maxOutputBytes: 100,
    });
    expect(r.stdout.startsWith(`${"a".repeat(60)}\n${"b".repeat(39)}\n`)).toBe(true);
    expect(r.truncated.stdout).toBe(true);
  });

  it.each([
    ["é", 101],
    ["€", 100],
    ["😀", 50],
  ])("does not split the multibyte character %s", async (ch, limit) => {
    const r = await run(`console.log(${JSON.stringify(ch)}.repeat(1000))`, { maxOutputBytes: limit });
    expect(r.truncated.stdout).toBe(true);
    const kept = r.stdout.slice(0, r.stdout.indexOf("\n"));
    expect(kept).not.toContain("\uFFFD");
    expect([...kept].every((c) => c === ch)).toBe(true);
    const size = Buffer.byteLength(kept);
    expect(size).toBeLessThanOrEqual(limit);
    expect(size).toBeGreaterThan(limit - Buffer.byteLength(ch));
  });

  it("does not flag output exactly at the limit", async () => {
    const r = await run("console.log('x'.repeat(9))", { maxOutputBytes: 10 });
    expect(r.stdout).toBe(`${"x".repeat(9)}\n`);
    expect(r.truncated.stdout).toBe(false);
  });
});

describe("onStdout and onStderr", () => {
  it("receive chunks in the order they are written", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const all: string[] = [];
    const r = await run(
      `
      console.log('a');
      console.error('b');
      console.log({ x: 1 });
      process.stdout.write('raw');
      setTimeout(() => { console.log('t'); console.warn('w'); }, 5);
      'v'
    `,
      {
        onStdout: (chunk) => {
          out.push(chunk);
          all.push(`out:${chunk}`);
        },
        onStderr: (chunk) => {
          err.push(chunk);
          all.push(`err:${chunk}`);
        },
      },
    );
    expect(r.ok).toBe(true);
    expect(out.join("")).toBe(r.stdout);
    expect(err.join("")).toBe(r.stderr);
    expect(r.stdout).toBe("a\n{ x: 1 }\nrawt\n");
    expect(r.stderr).toBe("b\nw\n");
    expect(all).toEqual(["out:a\n", "err:b\n", "out:{ x: 1 }\n", "out:raw", "out:t\n", "err:w\n"]);
  });

  it("receive the truncated text and the marker, matching the result", async () => {
    const chunks: string[] = [];
    const r = await run("console.log('x'.repeat(1000)); console.log('SECOND')", {
      maxOutputBytes: 100,
      onStdout: (chunk) => chunks.push(chunk),
    });
    expect(chunks.join("")).toBe(r.stdout);
    expect(chunks.join("")).toContain("maxOutputBytes");
    expect(chunks.join("")).not.toContain("SECOND");
  });

  it("make run() reject with the error an onStdout callback throws", async () => {
    const failure = new Error("callback failed");
    await expect(
      run("console.log('x'); console.log('y'); 'done'", {
        onStdout: () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
  });

  it("make run() reject with the error an onStderr callback throws", async () => {
    const failure = new RangeError("stderr callback failed");
    await expect(
      run("console.error('x')", {
        onStderr: () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
  });
});

describe("NUL characters", () => {
  it("are kept in console output (fast path, formatted path, process.stdout) and in string results", async () => {
    const r = await run(
      "console.log('a\\u0000b', 1); console.log('%s', 'c\\u0000d'); process.stdout.write('e\\u0000f\\n'); 'x\\u0000y'",
    );
    expect(r.stdout).toBe("a\u0000b 1\nc\u0000d\ne\u0000f\n");
    expect(r.value).toBe("x\u0000y");
  });
});

describe("sparse arrays", () => {
  it("prints an array of length 2**32 - 1 with no elements as Node does, without visiting every index", async () => {
    const code = `const a = []; a.length = 2 ** 32 - 1; console.log(a); const b = []; b[5] = 1; b.length = 2 ** 32 - 1; console.log(b)`;
    const r = await run(code, { isolation: "inline", timeoutMs: 1000 });
    expect(r.error).toBeUndefined();
    const a: unknown[] = [];
    a.length = 2 ** 32 - 1;
    const b: unknown[] = [];
    b[5] = 1;
    b.length = 2 ** 32 - 1;
    expect(r.stdout).toBe(`${format(a)}\n${format(b)}\n`);
    expect(r.stdout).toBe("[ <4294967295 empty items> ]\n[ <5 empty items>, 1, <4294967289 empty items> ]\n");
  });
});
