/**
 * Runs every `@example` of the doc comments in `src/` (issue #9: doc examples that run), one test each,
 * named by file, symbol and line; and checks that every exported declaration of `src/` has one.
 *
 * What an example is: the text after `@example` (on the same line or the lines below) up to the next tag
 * or the end of the comment, without the comment's ` * `; where it has fenced blocks (```), only those.
 * `src/backends/wasm/assembly/` (AssemblyScript) and generated files are skipped.
 *
 * How it runs:
 * - Every export of the package entry (`src/index.ts`) is in scope, as after
 *   `import { ... } from "strata-dl"`. So are the exports of the example's own module, so that the
 *   examples of internal helpers (which no user can import) call them by name; in that module's examples
 *   they shadow the entry's names. `import ... from "strata-dl"` lines take from the same entry, imports
 *   of Node's modules (`node:fs/promises`) become dynamic, and an internal module's example may import a
 *   sibling by relative path (`./module.js`); `strata-dl/...` subpaths are refused (one entry).
 * - esbuild strips the TypeScript (types are not checked); the code runs as the body of an
 *   `async function`, so `await` works at its top level.
 * - Each example starts from `manualSeed(0)` in a fresh temporary working directory (relative paths it
 *   writes land there and are deleted after), with `console` and `process.stdout` quiet (shown if it
 *   fails). The backend it started with is set again after it (`setBackend("ref")` is an example); it
 *   must leave grad mode on.
 *
 * What it checks, besides running without throwing (`test/helpers/doc_instrument.ts` does the reading):
 * - A statement that ends with a comment starting with a literal checks its value: `expr; // [2, 4, 6]`,
 *   `x.shape // [2, 3]`, `const n = f(); // 3` (the declared name), `a(); b(); // 0.5` (the last
 *   statement). Literals: numbers, strings, arrays, objects, true/false/null/NaN/Infinity, and
 *   `Float32Array [1, 2]` (the class is checked too). After the literal, a space, `:`, `;`, `(` or `…`
 *   (or `,` after a bracket) starts prose: `// [4, 5]: d(a·b)/da = b`. A comment that starts with a
 *   word (`// a tensor (a copy)`) or holds `...` is prose only.
 * - Tensors compare through `toArray()`, typed arrays as arrays. A number written with d decimals matches
 *   within 10^-d (printed digits, rounded or cut), an integer within 1e-5 relative; objects must have
 *   exactly the keys written; a string ending in "..." or "…" gives the start of the value.
 * - `f(); // throws ValueError` checks that the statement throws that class (or a subclass); the example
 *   goes on after it.
 * - Not checked: a value comment on a line inside a statement that spans lines (the check needs the whole
 *   statement on the line), and the types of the example (esbuild only strips them).
 *
 * The prelude: names an example may use without making them, for the methods of a training loop where
 * the setup would be most of the example (prefer self-contained examples). Each is built only when the
 * example's code mentions it, fresh for every example, after `manualSeed(0)`:
 * - `x`: a float32 batch `randn([16, 4])`; `y`: its labels, int32 in 0..2, `randint(0, 3, [16])`
 * - `model`: `new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3))`
 * - `opt`: `new optim.SGD(model.parameters(), { lr: 0.1 })`
 * - `loss`: `nn.functional.crossEntropy(model.forward(x), y)`, not yet `backward()`ed
 * - `train`, `test`: `data.TensorDataset`s of 64 and 32 rows like `x`, `y`
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import * as strata from "../src/index.js";
import { type DocExample, examplesOf, exportsOf, sourceFiles } from "./helpers/doc_examples.js";
import { instrument, literalPrefix, rewriteImports } from "./helpers/doc_instrument.js";

const ROOT = join(import.meta.dirname, "..");
type Values = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------
// the prelude

const PRELUDE: Record<string, (p: Values) => unknown> = {
  x: () => strata.randn([16, 4]),
  y: () => strata.randint(0, 3, [16]),
  model: () =>
    new strata.nn.Sequential(new strata.nn.Linear(4, 8), new strata.nn.ReLU(), new strata.nn.Linear(8, 3)),
  opt: (p) => new strata.optim.SGD((p.model as strata.nn.Module).parameters(), { lr: 0.1 }),
  loss: (p) =>
    strata.nn.functional.crossEntropy(
      (p.model as strata.nn.Module).forward(p.x as strata.Tensor),
      p.y as strata.Tensor,
    ),
  train: () => new strata.data.TensorDataset(strata.randn([64, 4]), strata.randint(0, 3, [64])),
  test: () => new strata.data.TensorDataset(strata.randn([32, 4]), strata.randint(0, 3, [32])),
};
/** What each prelude name is built from (built first). */
const NEEDS: Record<string, string[]> = { opt: ["model"], loss: ["model", "x", "y"] };

function prelude(code: string): Values {
  const out: Values = {};
  const build = (name: string) => {
    if (name in out) return;
    for (const dep of NEEDS[name] ?? []) build(dep);
    out[name] = PRELUDE[name](out);
  };
  for (const name of Object.keys(PRELUDE)) if (new RegExp(`\\b${name}\\b`).test(code)) build(name);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// comparing a value with the one written

function plain(v: unknown): unknown {
  if (v instanceof strata.Tensor) return v.toArray();
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return v;
}

/** The tolerance of each number written in a literal, in order. */
function tolerances(src: string): number[] {
  const noStrings = src.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  return [...noStrings.matchAll(/(?<![\w.])(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?/gi)].map((m) => {
    const decimals = m[2]?.length ?? 0;
    const exponent = Number(m[3] ?? 0);
    if (decimals === 0 && exponent === 0) return -1e-5; // integers: relative
    return 10 ** (exponent - decimals);
  });
}

function numbersOf(v: unknown, out: number[] = []): number[] {
  if (typeof v === "number") out.push(v);
  else if (Array.isArray(v)) for (const e of v) numbersOf(e, out);
  else if (v && typeof v === "object") for (const e of Object.values(v)) numbersOf(e, out);
  return out;
}

function matches(actual: unknown, expected: unknown, tol: number[], at: { i: number }): boolean {
  actual = plain(actual);
  if (typeof expected === "number") {
    const t = tol[at.i++] ?? -1e-4;
    if (typeof actual !== "number") return false;
    if (Number.isNaN(expected)) return Number.isNaN(actual);
    if (!Number.isFinite(expected)) return actual === expected;
    const allowed = t < 0 ? -t * Math.max(1, Math.abs(expected)) : t * 1.000001;
    return Math.abs(actual - expected) <= allowed;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    return expected.every((e, k) => matches(actual[k], e, tol, at));
  }
  if (expected && typeof expected === "object") {
    if (!actual || typeof actual !== "object") return false;
    const keys = Object.keys(expected);
    const actualKeys = Object.keys(actual);
    if (actualKeys.length !== keys.length || !keys.every((k) => k in actual)) return false;
    return keys.every((k) => matches((actual as Values)[k], (expected as Values)[k], tol, at));
  }
  // a string written with a trailing "..." or "…" gives the start of the value
  const cut = typeof expected === "string" ? /^(.*?)(?:\.\.\.|…)$/s.exec(expected) : null;
  if (cut && typeof actual === "string") return actual.startsWith(cut[1]);
  return Object.is(actual, expected);
}

/** Runs a statement that the example says throws an error of the class `name` (or a subclass). */
async function checkThrows(run: () => Promise<unknown>, name: string, line: number): Promise<void> {
  try {
    await run();
  } catch (err) {
    for (let c = Object.getPrototypeOf(err); c !== null; c = Object.getPrototypeOf(c)) {
      if (c.constructor?.name === name) return;
    }
    throw new Error(`line ${line} of the example says it throws ${name}, but it threw ${String(err)}`);
  }
  throw new Error(`line ${line} of the example says it throws ${name}, but it did not throw`);
}

function show(v: unknown): string {
  const p = plain(v);
  try {
    return JSON.stringify(p, (_, e) => (typeof e === "number" && !Number.isFinite(e) ? String(e) : e));
  } catch {
    return String(p);
  }
}

function checkValue(actual: unknown, src: string, line: number): void {
  const typed = /^(\w+Array) (.*)$/s.exec(src);
  if (typed && (actual as object)?.constructor?.name !== typed[1]) {
    throw new Error(
      `line ${line} of the example says ${src}, but the value is ${show(actual)}, not a ${typed[1]}`,
    );
  }
  if (typed) src = typed[2];
  const expected = new Function(`"use strict"; return (${src});`)();
  const tol = tolerances(src);
  if (tol.length !== numbersOf(expected).length) tol.length = 0; // cannot pair them: default tolerance
  if (!matches(actual, expected, tol, { i: 0 })) {
    throw new Error(`line ${line} of the example says ${src}, but the value is ${show(actual)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// turning an example into a function

const IDENT = /^[A-Za-z_$][\w$]*$/;

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>;

const entry = Object.fromEntries(Object.entries(strata).filter(([k]) => IDENT.test(k))) as Values;

/** The quiet `console` and `process.stdout` an example runs with, and what they were given. */
function quiet(): { restore(): void; output: string[] } {
  const output: string[] = [];
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const saved = methods.map((m) => console[m]);
  const write = process.stdout.write;
  for (const m of methods) console[m] = (...args: unknown[]) => void output.push(args.map(String).join(" "));
  process.stdout.write = ((s: string | Uint8Array) => {
    output.push(String(s));
    return true;
  }) as typeof process.stdout.write;
  return {
    output,
    restore() {
      methods.forEach((m, k) => {
        console[m] = saved[k];
      });
      process.stdout.write = write;
    },
  };
}

async function runExample(ex: DocExample, own: Values): Promise<void> {
  const source = instrument(rewriteImports(ex.code, ex.file));
  const js = transformSync(source, { loader: "ts", target: "es2022" }).code;
  strata.manualSeed(0);
  const scope: Values = {
    ...entry,
    ...own,
    ...prelude(ex.code),
    __strata: strata,
    __check: checkValue,
    __throws: checkThrows,
    // a function made by `new AsyncFunction` has no module loader of its own: this module's does it
    __import: (specifier: string) => import(specifier),
  };
  const names = Object.keys(scope);
  const fn = new AsyncFunction(...names, `"use strict";\n{\n${js}\n}`);
  const backend = strata.getBackend().name;
  const cwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), "strata-doc-"));
  process.chdir(dir);
  const io = quiet();
  try {
    await fn(...names.map((n) => scope[n]));
  } catch (err) {
    io.restore();
    const printed = io.output.join("\n").slice(-2000);
    const e = err as Error;
    e.message =
      `${e.message}\n--- the example (${ex.file}:${ex.line}) ---\n${ex.code}` +
      (printed ? `\n--- it printed ---\n${printed}` : "");
    throw e;
  } finally {
    io.restore();
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
    if (strata.getBackend().name !== backend) strata.setBackend(backend); // `setBackend("ref")` is an example
  }
  expect(strata.isGradEnabled(), "the example left grad mode off").toBe(true);
}

// ---------------------------------------------------------------------------------------------------
// the tests

const files = sourceFiles().filter((f) => !f.endsWith(".generated.ts"));
const examples = files.flatMap((f) => examplesOf(f));

describe("doc examples", () => {
  it("every exported function, class, constant, interface and type has an @example", () => {
    const declared = files.flatMap((f) => exportsOf(f));
    expect(declared.length).toBeGreaterThan(500); // the scanner finds them
    const missing = declared
      .filter((d) => d.examples === 0)
      .map((d) => `${d.file}:${d.line} ${d.kind} ${d.name}`);
    expect(missing).toEqual([]);
  });

  it("an example is the code after @example: inline, on the lines below, or in a fence", () => {
    const text = [
      "/** Doubles. @example f(1) // 2 */",
      "export function f(n: number) { return 2 * n; }",
      "/**",
      " * The answer.",
      " * @example",
      " * ```ts",
      " * g;",
      " * ```",
      " * prose after the fence",
      " * @example",
      " *   if (g) {",
      " *     h();",
      " *   }",
      " * @see f",
      " */",
      "export const g = 42;",
      "export class C {",
      "  /** @example new C().m() */",
      "  m() {}",
      "}",
    ].join("\n");
    expect(examplesOf("src/x.ts", text).map((e) => [e.line, e.symbol, e.code])).toEqual([
      [1, "f", "f(1) // 2"],
      [5, "g", "g;"],
      [10, "g", "if (g) {\n  h();\n}"],
      [18, "C.m", "new C().m()"],
    ]);
    expect(exportsOf("src/x.ts", text).map((d) => [d.name, d.kind, d.examples])).toEqual([
      ["f", "function", 1],
      ["g", "const", 2],
      ["C", "class", 0],
    ]);
  });

  it("the value checks read what the examples write", async () => {
    expect(literalPrefix(" [2, 4, 6]")).toBe("[2, 4, 6]");
    expect(literalPrefix(" [2, 2] float32")).toBe("[2, 2]");
    expect(literalPrefix(" [4, 5]: d(a·b)/da = b")).toBe("[4, 5]");
    expect(literalPrefix(" 0: no window")).toBe("0");
    expect(literalPrefix(' "rnnRelu"')).toBe('"rnnRelu"');
    expect(literalPrefix(" 1.4142…")).toBe("1.4142");
    expect(literalPrefix(" { fanIn: 75, fanOut: 1600 }")).toBe("{ fanIn: 75, fanOut: 1600 }");
    expect(literalPrefix(" a tensor (a copy)")).toBeNull();
    expect(literalPrefix(" 0..255")).toBeNull();
    expect(literalPrefix(" Int32Array [1, 2] (a copy)")).toBe("Int32Array [1, 2]");
    expect(literalPrefix(" 0.1, 0.09, 0.081")).toBeNull();
    expect(literalPrefix(" { lastEpoch: 3, lastLr: [0.05], ... }")).toBeNull();
    expect(literalPrefix(" [Tensor [2, 2] float32]")).toBeNull();
    expect(instrument("x.toArray(); // [1, 2]")).toBe('__check((x.toArray()), "[1, 2]", 1);');
    expect(instrument("f(); g() // 3")).toBe('f(); __check((g()), "3", 1);');
    expect(instrument("const n = f(); // 3")).toBe('const n = f(); __check(n, "3", 1);');
    expect(instrument("f({\n  a: 1, // 2\n}); // 3")).toBe("f({\n  a: 1, // 2\n}); // 3");
    expect(() => checkValue(strata.tensor([1, 2]), "[1, 2]", 1)).not.toThrow();
    expect(() => checkValue(strata.tensor([1, 2]), "[1, 3]", 1)).toThrow(
      /says \[1, 3\], but the value is \[1,2\]/,
    );
    expect(() => checkValue(0.73106, "0.7311", 1)).not.toThrow();
    expect(() => checkValue(0.7312, "0.731", 1)).not.toThrow();
    expect(() => checkValue(0.733, "0.731", 1)).toThrow();
    expect(() => checkValue(3, "2", 1)).toThrow();
    expect(() => checkValue("abc: d", '"abc..."', 1)).not.toThrow();
    expect(() => checkValue("abd: d", '"abc…"', 1)).toThrow();
    expect(() => checkValue(new Int32Array([1, 2]), "Int32Array [1, 2]", 1)).not.toThrow();
    expect(() => checkValue(new Float32Array([1, 2]), "Int32Array [1, 2]", 1)).toThrow(/not a Int32Array/);
    expect(instrument("f(); // throws ValueError")).toBe(
      'await __throws(async () => { f(); }, "ValueError", 1);',
    );
    await expect(checkThrows(async () => strata.zeros([-1]), "StrataError", 1)).resolves.toBeUndefined();
    await expect(checkThrows(async () => strata.zeros([-1]), "DTypeError", 1)).rejects.toThrow(
      /threw ShapeError/,
    );
    await expect(checkThrows(async () => {}, "ValueError", 1)).rejects.toThrow(/did not throw/);
    expect(() => checkValue({ a: 1, b: 2 }, "{ a: 1 }", 1)).toThrow();
  });

  for (const file of [...new Set(examples.map((e) => e.file))]) {
    describe(file, () => {
      let own: Values | undefined;
      for (const ex of examples.filter((e) => e.file === file)) {
        it(`${ex.symbol} (line ${ex.line})`, async () => {
          own ??= Object.fromEntries(
            Object.entries(await import(pathToFileURL(join(ROOT, file)).href)).filter(([k]) => IDENT.test(k)),
          );
          await runExample(ex, own);
        });
      }
    });
  }
});
