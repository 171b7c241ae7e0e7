/**
 * Finding the `@example`s in the doc comments of `src/` and the exported declarations they document.
 * Used by `test/doc_examples.test.ts` (which runs the examples) and `scripts/count_doc_examples.ts`
 * (which counts exports with and without one). A line scanner, not a TypeScript parser: it reads the
 * code as this repository writes it (top-level declarations start at column 0, members are indented).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** One `@example` of one doc comment. */
export interface DocExample {
  /** Path relative to the repository root, e.g. `src/ops/movement.ts`. */
  file: string;
  /** 1-based line of the `@example` tag. */
  line: number;
  /** What the comment documents: `reshape`, `Tensor.sum`, `(module)` for a comment before no declaration. */
  symbol: string;
  /** The code, with the comment's ` * ` removed and fences (```) taken out. */
  code: string;
}

/** One exported top-level declaration (overloads and `export declare` merges count once). */
export interface ExportedDecl {
  file: string;
  line: number;
  name: string;
  kind: "function" | "class" | "const" | "let" | "interface" | "type" | "enum";
  /** How many `@example` tags its doc comment has. */
  examples: number;
}

const ROOT = join(import.meta.dirname, "..", "..");
const SKIP = ["src/backends/wasm/assembly/"];

/** Every `.ts` file under `src/` that is TypeScript (not AssemblyScript), sorted. */
export function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(ROOT, path).replaceAll("\\", "/");
      if (SKIP.some((s) => `${rel}/`.startsWith(s))) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(rel);
    }
  };
  walk(join(ROOT, "src"));
  return out.sort();
}

export function readSource(file: string): string {
  return readFileSync(join(ROOT, file), "utf8");
}

interface DocComment {
  /** 0-based index of the line holding `/**`. */
  start: number;
  /** 0-based index of the line holding the closing `*\/`. */
  end: number;
  /** The comment's lines with `/**`, `*\/` and the leading ` * ` removed, each with its 0-based line. */
  lines: { text: string; line: number }[];
}

/** The `/** ... *\/` comments of a file, in order. */
function docComments(lines: string[]): DocComment[] {
  const out: DocComment[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].indexOf("/**");
    if (open < 0 || lines[i].trimStart().startsWith("//")) continue;
    const body: { text: string; line: number }[] = [];
    let j = i;
    let text = lines[i].slice(open + 3);
    for (;;) {
      const close = text.indexOf("*/");
      const piece = close >= 0 ? text.slice(0, close) : text;
      body.push({ text: j === i ? piece.replace(/^ ?/, "") : stripStar(piece), line: j });
      if (close >= 0) break;
      j++;
      if (j >= lines.length) break;
      text = lines[j];
    }
    // a one-line comment `/** text */` keeps its text; drop empty first/last pieces
    while (body.length > 0 && body[0].text.trim() === "") body.shift();
    while (body.length > 0 && body[body.length - 1].text.trim() === "") body.pop();
    out.push({ start: i, end: j, lines: body });
    i = j;
  }
  return out;
}

/** ` *   code` → `  code`: whitespace, one `*`, and one space after it are the comment's, the rest is the code's. */
function stripStar(line: string): string {
  const m = /^\s*\*(?!\/) ?/.exec(line);
  return m ? line.slice(m[0].length) : line.trim();
}

const TOP_DECL =
  /^export\s+(?:default\s+)?(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/;
const ANY_TOP_DECL =
  /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|class|const|let|var|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/;
const MEMBER =
  /^\s+(?:(?:public|private|protected|static|readonly|override|abstract|declare|async|get|set|accessor)\s+)*(?:\*\s*)?(#?[A-Za-z_$][\w$]*|\[[^\]]+\])\s*[?!]?\s*[(<:=;]/;

/** The line after a comment that declares something (skipping blank lines, `//` comments and decorators). */
function declAfter(lines: string[], end: number): { line: number; text: string } | undefined {
  for (let k = end + 1; k < lines.length; k++) {
    const t = lines[k];
    if (t.trim() === "" || t.trimStart().startsWith("//") || t.trimStart().startsWith("@")) continue;
    if (t.trimStart().startsWith("/*")) return undefined; // another comment: this one documents nothing
    return { line: k, text: t };
  }
  return undefined;
}

/** The name a comment documents: a top-level name, `Class.member`, or `(module)`. */
function symbolOf(lines: string[], comment: DocComment, enclosing: string | undefined): string {
  const decl = declAfter(lines, comment.end);
  if (!decl) return "(module)";
  const top = ANY_TOP_DECL.exec(decl.text);
  if (top) return top[1];
  if (/^export\s*\{/.test(decl.text) || /^export\s*\*/.test(decl.text) || /^import\b/.test(decl.text))
    return "(module)";
  const member = MEMBER.exec(decl.text);
  if (member) return enclosing ? `${enclosing}.${member[1]}` : member[1];
  return enclosing ? `${enclosing}.(member)` : "(module)";
}

/** The code of one `@example`: fenced blocks if there are any, else every line. */
function exampleCode(body: string[]): string {
  const fenced: string[] = [];
  let inFence = false;
  let sawFence = false;
  for (const l of body) {
    if (/^\s*```/.test(l)) {
      inFence = !inFence;
      sawFence = true;
      continue;
    }
    if (inFence) fenced.push(l);
  }
  const lines = sawFence ? fenced : body;
  // remove the indentation common to every non-blank line
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines
    .map((l) => l.slice(common))
    .join("\n")
    .trim();
}

/** Every `@example` in the doc comments of one file. */
export function examplesOf(file: string, text = readSource(file)): DocExample[] {
  const lines = text.split("\n");
  const out: DocExample[] = [];
  let enclosing: string | undefined;
  let scanned = 0;
  for (const comment of docComments(lines)) {
    // the enclosing top-level declaration: the last one at column 0 before this comment
    for (; scanned < comment.start; scanned++) {
      const m = ANY_TOP_DECL.exec(lines[scanned]);
      if (m) enclosing = m[1];
    }
    const symbol = symbolOf(lines, comment, /^\s/.test(lines[comment.start]) ? enclosing : undefined);
    let current: { line: number; body: string[] } | undefined;
    let inFence = false;
    const flush = () => {
      if (current) out.push({ file, line: current.line + 1, symbol, code: exampleCode(current.body) });
      current = undefined;
    };
    for (const { text: l, line } of comment.lines) {
      if (/^\s*```/.test(l)) inFence = !inFence;
      // a tag starts a line; `@example` may also follow text on a line (`/** Options. @example f(x) */`)
      const tag = inFence ? null : (/^\s*@(\w+)\s?(.*)$/.exec(l) ?? /(?<=\s)@(example)\s?(.*)$/.exec(l));
      if (tag) {
        flush();
        if (tag[1] === "example") current = { line, body: tag[2].trim() === "" ? [] : [tag[2]] };
        continue;
      }
      current?.body.push(l);
    }
    flush();
  }
  return out;
}

/** The exported top-level declarations of one file, each with the number of `@example`s its comment has. */
export function exportsOf(file: string, text = readSource(file)): ExportedDecl[] {
  const lines = text.split("\n");
  const comments = docComments(lines);
  const examples = examplesOf(file, text);
  const byName = new Map<string, ExportedDecl>();
  for (let i = 0; i < lines.length; i++) {
    const m = TOP_DECL.exec(lines[i]);
    if (!m) continue;
    const kind = m[1].replace("*", "").replace("var", "let") as ExportedDecl["kind"];
    const name = m[2];
    // the comment directly above (blank lines, `//` comments and decorators between are allowed)
    const comment = comments.find((c) => c.end < i && declAfter(lines, c.end)?.line === i);
    const count = comment
      ? examples.filter((e) => e.line - 1 >= comment.start && e.line - 1 <= comment.end).length
      : 0;
    const seen = byName.get(name);
    if (seen) seen.examples = Math.max(seen.examples, count);
    else byName.set(name, { file, line: i + 1, name, kind, examples: count });
  }
  return [...byName.values()];
}
