/**
 * Counts the exported declarations of `src/` and how many have an `@example` in their doc comment, by
 * kind, and the examples in all doc comments (members included): the numbers of issue #9's "doc
 * examples that run". `test/doc_examples.test.ts` runs the examples.
 *
 *   npx tsx scripts/count_doc_examples.ts              # the working tree
 *   npx tsx scripts/count_doc_examples.ts <commit>     # the sources of a commit (read with git show)
 *   npx tsx scripts/count_doc_examples.ts --missing    # also list the declarations without one
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { examplesOf, exportsOf, readSource, sourceFiles } from "../test/helpers/doc_examples.js";

const args = process.argv.slice(2);
const listMissing = args.includes("--missing");
const rev = args.find((a) => !a.startsWith("--"));
const root = join(import.meta.dirname, "..");

function filesAt(commit: string): string[] {
  const out = execFileSync("git", ["ls-tree", "-r", "--name-only", commit, "src"], {
    cwd: root,
    encoding: "utf8",
  });
  return out
    .split("\n")
    .filter((f) => f.endsWith(".ts") && !f.startsWith("src/backends/wasm/assembly/"))
    .sort();
}

const files = (rev ? filesAt(rev) : sourceFiles()).filter((f) => !f.endsWith(".generated.ts"));
const text = (f: string) =>
  rev ? execFileSync("git", ["show", `${rev}:${f}`], { cwd: root, encoding: "utf8" }) : readSource(f);

const kinds = new Map<string, { total: number; documented: number }>();
let examples = 0;
const missing: string[] = [];
for (const file of files) {
  const source = text(file);
  examples += examplesOf(file, source).length;
  for (const d of exportsOf(file, source)) {
    const kind = d.kind === "let" ? "const" : d.kind;
    const k = kinds.get(kind) ?? { total: 0, documented: 0 };
    k.total++;
    if (d.examples > 0) k.documented++;
    else missing.push(`${d.file}:${d.line} ${d.kind} ${d.name}`);
    kinds.set(kind, k);
  }
}

const row = (name: string, k: { total: number; documented: number }) =>
  `${name.padEnd(22)} ${String(k.total).padStart(5)} ${String(k.documented).padStart(13)}`;
const sum = (names: string[]) =>
  names.reduce(
    (acc, n) => ({
      total: acc.total + (kinds.get(n)?.total ?? 0),
      documented: acc.documented + (kinds.get(n)?.documented ?? 0),
    }),
    { total: 0, documented: 0 },
  );
console.log(`${rev ? `at ${rev}` : "working tree"}: ${files.length} files`);
console.log(`${"exported".padEnd(22)} ${"total".padStart(5)} ${"with @example".padStart(13)}`);
for (const kind of ["function", "class", "const", "interface", "type", "enum"]) {
  const k = kinds.get(kind);
  if (k) console.log(row(kind, k));
}
console.log(row("functions + classes", sum(["function", "class"])));
console.log(row("all", sum([...kinds.keys()])));
console.log(`@example tags in doc comments (members included): ${examples}`);
if (listMissing) for (const m of missing) console.log(`  no example: ${m}`);
