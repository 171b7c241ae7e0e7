import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every error Strata throws is a StrataError subclass, so that callers can tell a bad call or a bad file
 * from a bug. This scans the sources: a plain Error, TypeError, RangeError ... built anywhere, or a throw
 * of a class that does not descend from StrataError, fails the test with its file and line.
 */
const SRC = new URL("../src/", import.meta.url).pathname;

/**
 * The worker's source is a string run in another thread, which cannot import the error classes; what
 * it throws is caught there and re-thrown on the main thread as a BackendError.
 */
const NOT_YET = ["backends/wasm/threads.ts"];

const PLAIN =
  /\bnew\s+(Error|TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError)\s*\(/;
const EXTENDS_PLAIN = /\bclass\s+(\w+)\s+extends\s+(Error|TypeError|RangeError)\b/;
const THROW_NEW = /\bthrow\s+new\s+(\w+)/g;
const SUBCLASS = /\bclass\s+(\w+)\s+extends\s+(\w+)/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

/** Code lines of a file, without comment lines (doc examples may show plain errors). */
function codeLines(text: string): { line: number; code: string }[] {
  return text
    .split("\n")
    .map((code, i) => ({ line: i + 1, code }))
    .filter(({ code }) => !/^\s*(\/\/|\/\*|\*)/.test(code));
}

describe("error classes", () => {
  const files = sources(SRC)
    .map((path) => ({ name: relative(SRC, path), text: readFileSync(path, "utf8") }))
    .filter(({ name }) => !NOT_YET.some((skip) => name.startsWith(skip)));

  it("finds the sources and the StrataError subclasses", () => {
    expect(files.some((f) => f.name === "base/errors.ts")).toBe(true);
    expect(files.length).toBeGreaterThan(50);
  });

  it("every error thrown in src/ is a StrataError subclass", () => {
    const strata = new Set(["StrataError"]);
    const subclasses = files.flatMap(({ text }) => [...text.matchAll(SUBCLASS)].map((m) => [m[1], m[2]]));
    for (let grew = true; grew; ) {
      grew = false;
      for (const [cls, base] of subclasses) {
        if (strata.has(base) && !strata.has(cls)) {
          strata.add(cls);
          grew = true;
        }
      }
    }
    expect(strata).toContain("ValueError");
    expect(strata).toContain("FileError");

    const offenders: string[] = [];
    for (const { name, text } of files) {
      for (const { line, code } of codeLines(text)) {
        const ext = EXTENDS_PLAIN.exec(code);
        if (
          PLAIN.test(code) ||
          (ext !== null && !(name === "base/errors.ts" && ext[1] === "StrataError")) ||
          [...code.matchAll(THROW_NEW)].some((m) => !strata.has(m[1]))
        ) {
          offenders.push(`src/${name}:${line}: ${code.trim()}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
