// A Babel-style code frame: up to five lines of the original source around a position, with a caret under the
// column. Tabs are expanded and long lines clipped around the column, so the frame stays small.

const TAB = "  ";
const WIDTH = 100;
const CONTEXT = 2;

export function codeFrame(source: string, line: number, column: number): string | undefined {
  const lines = source.split(/\r\n|\r|\n/);
  if (line < 1 || line > lines.length) return undefined;
  const first = Math.max(1, line - CONTEXT);
  const last = Math.min(lines.length, line + CONTEXT);
  const gutter = String(last).length;
  const target = expand(lines[line - 1]!, column);
  const start = target.caret > WIDTH - 20 ? target.caret - (WIDTH - 40) : 0;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = n === line ? target.text : expand(lines[n - 1]!, 1).text;
    const clipped = clip(text, start);
    const number = String(n).padStart(gutter);
    out.push(`${n === line ? ">" : " "} ${number} |${clipped ? ` ${clipped}` : ""}`);
    if (n === line) {
      const caret = Math.max(0, target.caret - start + (start > 0 ? 1 : 0));
      out.push(`  ${" ".repeat(gutter)} | ${" ".repeat(caret)}^`);
    }
  }
  return out.join("\n");
}

/** The line with tabs expanded, and the caret's offset in it for a 1-based column of the original line. */
function expand(text: string, column: number): { text: string; caret: number } {
  const before = text.slice(0, Math.max(0, column - 1));
  const caret = before.replace(/\t/g, TAB).length;
  return { text: text.replace(/\t/g, TAB).trimEnd(), caret };
}

function clip(text: string, start: number): string {
  let out = start > 0 ? `…${text.slice(start)}` : text;
  if (out.length > WIDTH) out = `${out.slice(0, WIDTH - 1)}…`;
  return out;
}
