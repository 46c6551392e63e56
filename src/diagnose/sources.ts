// The source text of every file a run compiled, kept by reference (no copies) so that a failure can be explained:
// the executed code (what the engine compiled: transformed TypeScript, wrapped CommonJS) and, when it differs, the
// original text with a way to map positions back to it.
import { type AnyNode, parseSource, positionOf, type SourceKind } from "./ast.js";
import { v8Syntax } from "./syntax.js";

/** Maps a 1-based position in executed code to the original file. */
export type PositionMapper = (line: number, column: number) => { line: number; column: number } | undefined;

export interface SourceRecord {
  /** What the engine compiled. */
  code: string;
  /** How to parse `code`; "text" for a file that never compiled (kept for code frames only). */
  kind: SourceKind | "text";
  /** The file as written, when the engine compiled something else. */
  original?: string;
  toOriginal?: PositionMapper;
}

/** A failure whose location the host knows better than the engine (a refused import, say). */
export interface KnownFailure {
  location?: { file: string; line: number; column: number };
  hint?: string;
}

export class SourceRegistry {
  private readonly records = new Map<string, SourceRecord>();
  private readonly failures = new Map<string, KnownFailure>();

  add(file: string, record: SourceRecord): void {
    this.records.set(file, record);
  }

  get(file: string): SourceRecord | undefined {
    return this.records.get(file);
  }

  /** Remembers where the failure with this message happened, for the error the engine makes of it. */
  noteFailure(message: string, failure: KnownFailure): void {
    if (this.failures.size > 64) this.failures.clear();
    this.failures.set(message, failure);
  }

  failure(message: string): KnownFailure | undefined {
    return this.failures.get(message);
  }

  /** The original file's line and column of offset `pos` in the code the engine compiled for `file`. */
  locate(file: string, pos: number): { file: string; line: number; column: number } {
    const record = this.records.get(file);
    const at = positionOf(record?.code ?? "", pos);
    const mapped = record?.toOriginal?.(at.line, at.column) ?? at;
    return { file, line: mapped.line, column: mapped.column };
  }

  /** V8's message and position for `file` when it does not parse; undefined when it does. */
  syntaxErrorIn(file: string): { message: string; pos: number } | undefined {
    const record = this.records.get(file);
    if (!record || record.kind === "text") return undefined;
    const failed = parseSource(record.code, record.kind).error;
    return failed && v8Syntax(record.code, failed, record.kind);
  }

  /**
   * The first compiled file that does not parse, with V8's message: the engine can report a module that failed to
   * compile as a failed link of its importer ("Could not find export ...").
   */
  firstSyntaxError():
    | { message: string; location: { file: string; line: number; column: number } }
    | undefined {
    for (const file of this.records.keys()) {
      const failed = this.syntaxErrorIn(file);
      if (failed) return { message: failed.message, location: this.locate(file, failed.pos) };
    }
    return undefined;
  }

  /**
   * Node's message and the place of an import of a name `module` does not export: the engine says only "Could not
   * find export 'x' in module '/m.js'". The importing file is the one whose import of that name names that module.
   */
  missingExport(engineMessage: string): { message: string; file?: string; pos?: number } | undefined {
    const match = /^Could not find export '(.+)' in module '(.+)'$/.exec(engineMessage);
    if (!match) return undefined;
    const [, name, module] = match as unknown as [string, string, string];
    const stem = (path: string) => path.replace(/^.*\//, "").replace(/\.[^.]*$/, "");
    for (const [file, record] of this.records) {
      if (record.kind !== "module") continue;
      const { ast } = parseSource(record.code, "module");
      for (const statement of (ast?.body as AnyNode[] | undefined) ?? []) {
        const source = statement.source as AnyNode | undefined;
        if (statement.type !== "ImportDeclaration" || !source || stem(String(source.value)) !== stem(module))
          continue;
        for (const specifier of statement.specifiers as AnyNode[]) {
          const imported = specifier.imported as AnyNode | undefined;
          if (imported && (imported.name ?? imported.value) === name) {
            return {
              message: `The requested module '${String(source.value)}' does not provide an export named '${name}'`,
              file,
              pos: imported.start,
            };
          }
        }
      }
    }
    return { message: `The requested module '${module}' does not provide an export named '${name}'` };
  }

  /** The original text of `file`, for code frames. */
  originalText(file: string): string | undefined {
    const record = this.records.get(file);
    return record?.original ?? record?.code;
  }
}

/** A mapper for code compiled with `prefix` characters added before its first line, then mapped by `next`. */
export function shiftedMapper(prefix: number, next?: PositionMapper): PositionMapper | undefined {
  if (prefix === 0) return next;
  return (line, column) => {
    const col = line === 1 ? Math.max(1, column - prefix) : column;
    return next ? next(line, col) : { line, column: col };
  };
}
