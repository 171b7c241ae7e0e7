/**
 * `npm run check:layers`: the floors of `src/` import only the floors below them, and no file imports
 * itself through a cycle. The rules are the table below; `docs/ARCHITECTURE.md` draws the same picture.
 * A small checker of our own rather than dependency-cruiser: the rules fit in one table and the import
 * syntax we use is one regular expression, so no dependency tree is needed for it.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Each floor and the floors it may import (its own is always allowed). Bottom first. */
const FLOORS: Record<string, readonly string[]> = {
  base: [],
  backends: ["base"],
  core: ["base", "backends"],
  ops: ["base", "backends", "core"],
  autograd: ["base", "backends", "core", "ops"],
  nn: ["base", "core", "ops", "autograd"],
  optim: ["base", "core", "ops", "autograd", "nn"],
  io: ["base", "core", "ops", "nn"],
  data: ["base", "core", "ops", "io"],
  train: ["base", "core", "ops", "autograd", "nn", "optim", "io", "data"],
  unsupervised: ["base", "core", "ops", "autograd", "nn", "optim", "io", "data", "train", "linalg"],
};
/** Files at the top of `src/` (the package entry) may import any floor. */
const ENTRY = "(entry)";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const src = join(root, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "assembly" ? [] : sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function floorOf(file: string): string {
  const rel = relative(src, file).split("/");
  return rel.length === 1 ? ENTRY : rel[0];
}

const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']/gms;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    // `import type` carries no run-time edge, but a floor still must not know the floors above it
    out.push(resolve(dirname(file), m[1]).replace(/\.js$/, ".ts"));
  }
  return out;
}

const files = sourceFiles(src);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const problems: string[] = [];

for (const [file, deps] of graph) {
  const floor = floorOf(file);
  if (floor !== ENTRY && !(floor in FLOORS)) {
    problems.push(`${relative(root, file)}: floor "${floor}" is not in the table of scripts/check_layers.ts`);
    continue;
  }
  for (const dep of deps) {
    const to = floorOf(dep);
    if (floor === ENTRY || to === floor) continue;
    if (to === ENTRY || !FLOORS[floor].includes(to)) {
      problems.push(`${relative(root, file)} → ${relative(root, dep)}: ${floor} may not import ${to}`);
    }
  }
}

// cycles between files, by depth-first search (Tarjan's strongly connected components)
let index = 0;
const order = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
function visit(v: string): void {
  order.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!order.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(low.get(v) as number, order.get(w) as number));
    }
  }
  if (low.get(v) === order.get(v)) {
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) {
      problems.push(`import cycle: ${component.map((f) => relative(root, f)).join(" → ")}`);
    }
  }
}
for (const f of files) if (!order.has(f)) visit(f);

if (problems.length > 0) {
  console.error(`check:layers: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`check:layers: ${files.length} files, every import goes down a floor, no cycles`);
