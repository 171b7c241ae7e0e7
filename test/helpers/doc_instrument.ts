/**
 * The text side of running doc examples: value comments turned into checks (`instrument`) and `import`
 * lines turned into statements a function body can hold (`rewriteImports`). A line scanner over
 * strings, comments and brackets, not a JavaScript parser; `test/doc_examples.test.ts` says what it
 * accepts.
 */
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = join(import.meta.dirname, "..", "..");

/** Splits a line into its code and its `//` comment (outside strings). */
/**
 * The characters of `code` outside string literals, with their positions: the one scanner the
 * functions below share (quotes `quotes` open a string; a backslash escapes inside one).
 */
function* outsideStrings(code: string, quotes = "\"'`"): Generator<[number, string]> {
  let quote: string | null = null;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
    } else if (quotes.includes(ch)) quote = ch;
    else yield [i, ch];
  }
}

function splitComment(line: string): { code: string; comment: string | null } {
  for (const [i, ch] of outsideStrings(line)) {
    if (ch === "/" && line[i + 1] === "/") return { code: line.slice(0, i), comment: line.slice(i + 2) };
  }
  return { code: line, comment: null };
}

/** The brackets a piece of code leaves open (outside strings), or null if it closes more than it opens. */
function openBrackets(code: string, stack: string[] = []): string[] | null {
  const out = [...stack];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (const [, ch] of outsideStrings(code)) {
    if (ch === "(" || ch === "[" || ch === "{") out.push(ch);
    else if (ch in pairs) {
      if (out.pop() !== pairs[ch]) return null;
    }
  }
  return out;
}

/** Splits code at its top-level `;` (outside strings and brackets). */
function statements(code: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (const [i, ch] of outsideStrings(code)) {
    if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (ch === ";" && depth === 0) {
      parts.push(code.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(code.slice(start));
  return parts;
}

/** The literal a comment starts with (`[2, 4, 6] float32` → `[2, 4, 6]`), or null for prose. */
export function literalPrefix(comment: string): string | null {
  const text = comment.trim();
  const typed = /^((?:Float32|Float64|Int32|Uint8)Array) (?=\[)/.exec(text);
  if (typed) {
    const rest = literalPrefix(text.slice(typed[0].length));
    return rest === null || !rest.startsWith("[") ? null : `${typed[0]}${rest}`;
  }
  let candidate: string | null = null;
  if (text.startsWith("[") || text.startsWith("{")) {
    let depth = 0;
    for (const [i, ch] of outsideStrings(text, "\"'")) {
      if (ch === "[" || ch === "{") depth++;
      else if (ch === "]" || ch === "}") {
        depth--;
        if (depth === 0) {
          candidate = text.slice(0, i + 1);
          break;
        }
      }
    }
  } else {
    const m =
      /^(?:-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|true|false|null|undefined|NaN|-?Infinity|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/.exec(
        text,
      );
    candidate = m ? m[0] : null;
  }
  if (candidate === null) return null;
  const rest = text.slice(candidate.length);
  // `[2, 2] float32`, `[5, 0]; ...`, `3 (the default)`, `4: why`, `1.4142…` are values; `0.1, 0.09, ...` is a list
  const after = /[\]}]$/.test(candidate) ? /^[\s;:,(…]/ : /^[\s;:(…]/;
  if (rest !== "" && !after.test(rest)) return null;
  // only literals: strip strings, keywords and object keys; what is left must be numbers and punctuation
  const bare = candidate
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, "0")
    .replace(/\b(?:true|false|null|undefined|NaN|Infinity)\b/g, "0")
    .replace(/[A-Za-z_$][\w$]*\s*:/g, "");
  if (!/^[\d\s.,+\-eE[\]{}]*$/.test(bare) || /\.\.\.|…/.test(bare)) return null;
  try {
    new Function(`return (${candidate});`); // `{ a: 1, ... }` is prose
  } catch {
    return null;
  }
  return candidate;
}

const NOT_EXPRESSION =
  /^(?:const|let|var|if|else|for|while|do|return|throw|class|function|import|export|try|catch|finally|switch|case|default|break|continue|type|interface|async\s+function)\b|^[{}.)\]?:,=+*/%&|^<>!-]/;

/**
 * The example with its value comments turned into checks: `expr; // v` becomes `__check((expr), "v", n);`
 * and `const a = expr; // v` gets `__check(a, "v", n);` after it. Lines inside an expression that
 * spans lines (an object literal, a call's arguments) are left alone.
 */
export function instrument(code: string): string {
  const lines = code.split("\n");
  let stack: string[] = [];
  let previous = ""; // the last line's code, trimmed
  return lines
    .map((line, i) => {
      const { code: body, comment } = splitComment(line);
      const atStatement =
        (stack.length === 0 || stack[stack.length - 1] === "{") && !/[=+\-*/%&|^<>?:,.([]$/.test(previous);
      stack = openBrackets(body, stack) ?? [];
      if (body.trim() !== "") previous = body.trim();
      if (comment === null || !atStatement) return line;
      const throws = /^\s*throws (?:an? )?([A-Z]\w*)/.exec(comment)?.[1];
      const value = throws === undefined ? literalPrefix(comment) : null;
      if (value === null && throws === undefined) return line;
      const parts = statements(body);
      while (parts.length > 1 && parts[parts.length - 1].trim() === "") parts.pop();
      const last = parts[parts.length - 1];
      const stmt = last.trim();
      if (stmt === "" || openBrackets(stmt)?.length !== 0 || /^[\w$"']+\s*:/.test(stmt)) return line;
      const head = parts.slice(0, -1).join(";");
      const sep = parts.length > 1 ? ";" : "";
      const lead = /^\s*/.exec(last)![0];
      if (throws !== undefined) {
        if (NOT_EXPRESSION.test(stmt)) return line;
        return `${head}${sep}${lead}await __throws(async () => { ${stmt}; }, ${JSON.stringify(throws)}, ${i + 1});`;
      }
      const check = `__check(%, ${JSON.stringify(value)}, ${i + 1})`;
      const decl = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=/.exec(stmt);
      if (decl) return `${head}${sep}${last}; ${check.replace("%", decl[1])};`;
      if (NOT_EXPRESSION.test(stmt)) return line;
      return `${head}${sep}${lead}${check.replace("%", `(${stmt})`)};`;
    })
    .join("\n");
}

/** `import`s as statements a function body can hold; `file` is the example's, for relative paths. */
export function rewriteImports(code: string, file: string): string {
  return code.replace(
    /^import\s+(type\s+)?([\s\S]*?)\s*from\s*["']([^"']+)["'];?|^import\s+["']([^"']+)["'];?/gm,
    (
      _all,
      typeOnly: string | undefined,
      clause: string,
      from: string | undefined,
      bare: string | undefined,
    ) => {
      const source = from ?? bare!;
      if (source.startsWith("strata-dl/")) {
        throw new Error(`the example imports from "${source}": the package has one entry, "strata-dl"`);
      }
      // an internal module's example may import its siblings as the module does
      const url = source.startsWith(".")
        ? pathToFileURL(join(ROOT, dirname(file), source.replace(/\.js$/, ".ts"))).href
        : source;
      const target = source === "strata-dl" ? "__strata" : `(await __import(${JSON.stringify(url)}))`;
      if (bare !== undefined) return `${target};`;
      if (typeOnly) return "";
      const decls: string[] = [];
      let named = clause.trim();
      const ns = /^\*\s+as\s+([\w$]+)$/.exec(named);
      if (ns) return `const ${ns[1]} = ${target};`;
      const def = /^([\w$]+)\s*(?:,\s*(\{[\s\S]*\}))?$/.exec(named);
      if (def) {
        decls.push(`default: ${def[1]}`);
        named = def[2] ?? "";
      }
      if (named.startsWith("{")) {
        for (const spec of named.slice(1, -1).split(",")) {
          const s = spec.trim();
          if (s === "" || s.startsWith("type ")) continue;
          const [name, alias] = s.split(/\s+as\s+/);
          decls.push(alias ? `${name}: ${alias}` : name);
        }
      }
      return decls.length > 0 ? `const { ${decls.join(", ")} } = ${target};` : "";
    },
  );
}
