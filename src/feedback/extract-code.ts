// The program inside a language model's answer: the fenced block to run, or the code part of an unfenced answer.

export type CodeLanguage = "javascript" | "typescript";

export interface ExtractedCode {
  code: string;
  language: CodeLanguage;
  fenced: boolean;
  /** the fence's info tag, lowercased, if any */
  tag?: string;
}

export interface ExtractCodeOptions {
  /** Prefer blocks of this language; also the language reported for the result, whatever the tag says. */
  language?: CodeLanguage;
}

const TAGS: Record<string, CodeLanguage> = {
  js: "javascript",
  javascript: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "javascript",
  node: "javascript",
  nodejs: "javascript",
  ts: "typescript",
  typescript: "typescript",
  tsx: "typescript",
  mts: "typescript",
  cts: "typescript",
};

interface Block {
  code: string;
  tag: string | undefined;
  /** Language from a JS/TS tag, undefined for an untagged block, null for any other tag. */
  tagged: CodeLanguage | undefined | null;
  /** Up to two non-blank lines before the opening fence, after any earlier block. */
  prose: string;
  index: number;
}

const OPENING = /^([ \t]*)(`{3,}|~{3,})(.*)$/;

/** Lines that close a fence opened with `marker`: the same character, at least as many, nothing after. */
function closes(line: string, marker: string): boolean {
  const match = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
  return match !== null && match[1]![0] === marker[0] && match[1]!.length >= marker.length;
}

/** Removes the leading whitespace all non-blank lines share, and blank lines at either end. */
function dedent(lines: string[]): string {
  let common: string | undefined;
  for (const line of lines) {
    if (line.trim() === "") continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (common === undefined) common = indent;
    else {
      let i = 0;
      while (i < common.length && i < indent.length && common[i] === indent[i]) i++;
      common = common.slice(0, i);
    }
  }
  const cut = common?.length ?? 0;
  const out = lines.map((line) => (line.trim() === "" ? "" : line.slice(cut)));
  const start = out.findIndex((line) => line !== "");
  return start === -1 ? "" : out.slice(start).join("\n").trimEnd();
}

function blocksOf(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let afterPrevious = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = OPENING.exec(lines[i]!);
    if (!open) continue;
    const marker = open[2]!;
    const info = open[3]!.trim();
    if (marker[0] === "`" && info.includes("`")) continue;
    const prose: string[] = [];
    for (let j = i - 1; j >= afterPrevious && prose.length < 2; j--) {
      if (lines[j]!.trim() !== "") prose.unshift(lines[j]!.trim());
    }
    let end = i + 1;
    while (end < lines.length && !closes(lines[end]!, marker)) end++;
    const tag = info.split(/\s+/)[0]!.toLowerCase() || undefined;
    const key = tag === undefined ? undefined : (/^[a-z0-9]+/.exec(tag)?.[0] ?? "");
    blocks.push({
      code: dedent(lines.slice(i + 1, end)),
      tag,
      tagged: key === undefined ? undefined : Object.hasOwn(TAGS, key) ? TAGS[key]! : null,
      prose: prose.join(" "),
      index: blocks.length,
    });
    i = end;
    afterPrevious = end + 1;
  }
  return blocks;
}

const POSITIVE =
  /\b(?:final|solution|complete|full|fixed|corrected|updated|revised)\b|\bhere(?:'s| is) the (?:\w+ )?(?:code|program|script|implementation)\b/i;
const NEGATIVE =
  /\b(?:usage|example|examples|output|sample|for instance)\b|\byou can (?:use|call|run|test)\b/i;

/** 1 when the prose before a block announces the answer, -1 when it announces an example or output. */
function announcement(prose: string): number {
  if (POSITIVE.test(prose)) return 1;
  if (NEGATIVE.test(prose)) return -1;
  return 0;
}

/**
 * Strings and comments removed, so that their text cannot look like syntax. Rough (regular expression
 * literals are not recognised) but enough for {@link detectLanguage}.
 */
function withoutStringsAndComments(code: string): string {
  return code.replace(
    /\/\*[\s\S]*?(?:\*\/|(?![\s\S]))|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*(?:"|$)|'(?:[^'\\\n]|\\.)*(?:'|$)|`(?:[^`\\]|\\[\s\S])*(?:`|(?![\s\S]))/gm,
    '""',
  );
}

const TYPESCRIPT: RegExp[] = [
  /[\w$)\]]\s*\??:\s*(?:string|number|boolean|any|unknown|void|never|bigint|symbol|object)\b/,
  /\binterface\s+[A-Za-z_$][\w$]*\s*(?:<[^>]{0,200}>\s*)?(?:extends\s[^{]{0,200})?\{/,
  /^[ \t]*(?:export\s+)?(?:declare\s+)?type\s+[A-Za-z_$][\w$]*\s*(?:<[^>]{0,200}>\s*)?=/m,
  /\bas\s+const\b/,
  /(?:\bfunction\b(?:\s*\*)?(?:\s*[\w$]+)?|[=:(,](?:\s*async\b)?|^[ \t]*(?:async\s+)?[A-Za-z_$][\w$]*)\s*<[A-Za-z_$][\w$]*(?:\s+extends\s+[^>]{1,200})?(?:\s*,\s*[A-Za-z_$][\w$]*)*(?:\s*,)?\s*>\s*\(/m,
  /\b(?:const\s+)?enum\s+[A-Za-z_$][\w$]*\s*\{/,
  /\bimplements\s+[A-Za-z_$]/,
  /^[ \t]*(?:private|public|protected|readonly)\s+(?:readonly\s+)?#?[A-Za-z_$][\w$]*\s*(?:[?!]\s*)?[:=;(]/m,
  /[(,]\s*(?:private|public|protected|readonly)\s+[A-Za-z_$][\w$]*\s*[?:,)]/,
];

/** "typescript" when the code uses syntax plain JavaScript does not have, else "javascript". */
export function detectLanguage(code: string): CodeLanguage {
  const bare = withoutStringsAndComments(code);
  return TYPESCRIPT.some((pattern) => pattern.test(bare)) ? "typescript" : "javascript";
}

const CODE_LINE: RegExp[] = [
  /^import(?:\s+[\w${*"']|\s*\()/,
  /^export\s+(?:default|const|let|var|function|class|async|type|interface|enum|\{|\*)/,
  /^(?:const|let|var)\s+(?:[A-Za-z_$][\w$]*|\{[^}]*\}|\[[^\]]*\])\s*(?:[=;,:]|$)/,
  /^(?:async\s+)?function(?:\s*\*)?(?:\s*[\w$]+)?\s*\(/,
  /^async\s*(?:\(|[A-Za-z_$][\w$]*\s*=>)/,
  /^class\s+[A-Za-z_$][\w$]*\s*(?:\{|extends\b|implements\b|<)/,
  /^await\s+[\w$(]/,
  /^(?:if|for|while|switch)\s*\(/,
  /^(?:return|throw)(?:\s|;|$)/,
  /^(?:try|do)\s*\{/,
  /^(?:type\s+[A-Za-z_$][\w$]*\s*(?:<[^>]*>\s*)?=|interface\s+[A-Za-z_$][\w$]*|enum\s+[A-Za-z_$][\w$]*\s*\{)/,
  /^(?:(?:declare\s+)?(?:namespace|module)\s+[A-Za-z_$][\w$.]*\s*\{|declare\s+(?:const|let|var|function|class|global)\b|abstract\s+class\s)/,
  /^(?:console\.|\/\/|\/\*|#!|["']use strict["'])/,
  /^[([{]/,
  /^[A-Za-z_$][\w$]*(?:\(|\.[A-Za-z_$]|\s*=(?!=))/,
];

function looksLikeCode(line: string): boolean {
  const trimmed = line.trim();
  return CODE_LINE.some((pattern) => pattern.test(trimmed));
}

/** A line of prose: words and spaces, ending like a sentence or made of at least three words. */
function looksLikeSentence(line: string): boolean {
  const trimmed = line.trim();
  return /[A-Za-z]/.test(trimmed) && (/[:.!?]$/.test(trimmed) || trimmed.split(/\s+/).length >= 3);
}

/** The code of an answer that has no usable fence: all of it, without its leading prose if any. */
function unfenced(lines: string[]): string {
  const first = lines.findIndex((line) => line.trim() !== "");
  if (first === -1) return "";
  const code = lines.findIndex(looksLikeCode);
  if (code <= first) return dedent(lines);
  const before = lines.slice(0, code);
  if (before.every((line) => line.trim() === "" || looksLikeSentence(line))) return dedent(lines.slice(code));
  return dedent(lines);
}

/**
 * Extracts the program to run from a language model's whole answer. Never throws.
 *
 * Fenced blocks (``` or ~~~, three or more, closed by the same character at least as many times; a fence
 * and its lines may be indented, as in list items, and their common indentation is removed; an unclosed
 * fence runs to the end of the text) are candidates when tagged js, javascript, mjs, cjs, jsx, node (the
 * language is JavaScript), ts, typescript, tsx, mts, cts (TypeScript), or untagged (the language is
 * detected). Blocks with any other tag (bash, json, text, ...) and empty blocks are never chosen.
 *
 * Among several candidates, the one ranking highest on each rule in turn, the first rule deciding:
 * 1. with `options.language`, a block of that language (by tag, or detected when untagged);
 * 2. a tagged block over an untagged one;
 * 3. a block announced by the (at most two) non-blank prose lines before its fence — words such as
 *    "final", "solution", "complete", "full", "fixed", "corrected", "updated", or "here is the (updated)
 *    code/program/script" — over an unannounced one, and both over a block announced as an example,
 *    usage, sample or output;
 * 4. the longest block; on a tie, the last one.
 *
 * Without a candidate block, the whole text is the code, trimmed. When its first non-blank line does not
 * look like code (a statement keyword, a comment, a bracket, or an identifier followed by `(`, `.` or
 * `=`) but a later line does, and every non-blank line before that one looks like a sentence (ends with
 * `:`, `.`, `!` or `?`, or has at least three words), those leading lines are dropped. Prose after the
 * code is kept.
 *
 * The language is `options.language` when given, else the block's tag, else {@link detectLanguage}.
 */
export function extractCode(text: string, options: ExtractCodeOptions = {}): ExtractedCode {
  const wanted = options.language;
  const lines = (typeof text === "string" ? text : "").replace(/\r\n?/g, "\n").split("\n");
  const candidates = blocksOf(lines).filter((block) => block.tagged !== null && block.code.trim() !== "");
  if (candidates.length === 0) {
    const code = unfenced(lines);
    return { code, language: wanted ?? (code === "" ? "javascript" : detectLanguage(code)), fenced: false };
  }
  const ranked = candidates.map((block) => {
    const language = block.tagged ?? detectLanguage(block.code);
    const key = [
      wanted !== undefined && language === wanted ? 1 : 0,
      block.tagged === undefined ? 0 : 1,
      announcement(block.prose),
      block.code.length,
      block.index,
    ];
    return { block, language, key };
  });
  let best = ranked[0]!;
  for (const entry of ranked.slice(1)) {
    const difference = entry.key.findIndex((value, i) => value !== best.key[i]);
    if (difference !== -1 && entry.key[difference]! > best.key[difference]!) best = entry;
  }
  const result: ExtractedCode = { code: best.block.code, language: wanted ?? best.language, fenced: true };
  if (best.block.tag !== undefined) result.tag = best.block.tag;
  return result;
}
