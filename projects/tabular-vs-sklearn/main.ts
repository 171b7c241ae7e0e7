/**
 * Strata against scikit-learn on tabular classification, on the very same train/test rows: a logistic
 * regression and a one-hidden-layer MLP on each side, two datasets (UCI wine, UCI breast cancer),
 * five seeded splits each (one in quick mode).
 *
 *   npx tsx projects/tabular-vs-sklearn/main.ts                   # full mode: writes output/splits/*.json
 *   /usr/bin/python3 projects/tabular-vs-sklearn/sklearn_runs.py  # once: scikit-learn on those splits
 *   npx tsx projects/tabular-vs-sklearn/main.ts                   # prints both sides (what output/run.txt holds)
 *   STRATA_QUICK=1 npx tsx projects/tabular-vs-sklearn/main.ts    # seed 0 only; reads the stored results, no Python
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { data, plot } from "strata-dl";
import { type StrataRun, runStrata } from "./strata_models.js";
import { availableParallelism } from "node:os";

const quick = process.env.STRATA_QUICK === "1"; // CI's quick mode: one split per dataset
const started = performance.now();
const root = new URL("../../", import.meta.url);
const here = fileURLToPath(new URL("./", import.meta.url));
const outDir = `${here}output/${quick ? "quick/" : ""}`;
mkdirSync(outDir, { recursive: true });

const datasets = [
  { name: "wine", csv: "examples/data/wine.csv", target: "class" },
  { name: "breast-cancer", csv: "projects/tabular-vs-sklearn/data/breast-cancer.csv", target: "class" },
];
const seeds = quick ? [0] : [0, 1, 2, 3, 4];

/** What scripts/sklearn_tabular.py wrote for one split (output/sklearn/NAME-seedN.json). */
interface SklearnFile {
  sklearn: string;
  test: number[];
  results: { model: string; accuracy: number }[];
}
/** scikit-learn's accuracies for this split, or null when they were computed on other rows (or not at all). */
function sklearnFor(name: string, seed: number, test: number[]): SklearnFile | null {
  const path = `${here}output/sklearn/${name}-seed${seed}.json`;
  if (!existsSync(path)) return null;
  const file = JSON.parse(readFileSync(path, "utf8")) as SklearnFile;
  return JSON.stringify(file.test) === JSON.stringify(test) ? file : null;
}

const pct = (v: number | undefined) => (v === undefined ? "    —" : `${(100 * v).toFixed(1)}%`.padStart(6));
const columns = [
  "Strata logistic",
  "Strata MLP(32)",
  "sklearn LogisticRegression",
  "sklearn MLPClassifier(32)",
];
console.log(`${"dataset".padEnd(14)} seed  ${columns.join("  ")}`);
const summary: Record<string, Record<string, number[]>> = {};
let sklearnVersion = "";
let missing = 0;
for (const ds of datasets) {
  const { features, target, numClasses } = await data.loadCsv(new URL(ds.csv, root), { target: ds.target });
  const acc: Record<string, number[]> = Object.fromEntries(columns.map((c) => [c, []]));
  for (const seed of seeds) {
    const run: StrataRun = await runStrata(features, target, numClasses!, seed);
    if (!quick) {
      // the rows of this split, in the form scripts/sklearn_tabular.py reads
      mkdirSync(`${here}output/splits`, { recursive: true });
      const split = { csv: ds.csv, target: ds.target, seed, train: run.train, test: run.test };
      writeFileSync(`${here}output/splits/${ds.name}-seed${seed}.json`, `${JSON.stringify(split)}\n`);
    }
    const sk = sklearnFor(ds.name, seed, run.test);
    if (!sk) missing++;
    else sklearnVersion = sk.sklearn;
    const skAcc = (model: string) => sk?.results.find((r) => r.model === model)?.accuracy;
    const row = [run.logistic, run.mlp, skAcc("LogisticRegression"), skAcc("MLPClassifier(32)")];
    for (const [i, v] of row.entries()) if (v !== undefined) acc[columns[i]].push(v);
    const cells = row.map((v, i) => pct(v).padStart(columns[i].length));
    console.log(`${ds.name.padEnd(14)} ${String(seed).padStart(4)}  ${cells.join("  ")}`);
  }
  summary[ds.name] = acc;
  const tests = Math.ceil(0.25 * features.shape[0]);
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined);
  const cells = columns.map((c) => pct(mean(acc[c])).padStart(c.length));
  console.log(`${`${ds.name} mean`.padEnd(19)}  ${cells.join("  ")}   (${tests} test rows per split)`);
}
if (missing > 0) {
  console.log(
    `no scikit-learn results for ${missing} split(s): run /usr/bin/python3 projects/tabular-vs-sklearn/sklearn_runs.py ` +
      "after a full run (it reads output/splits/)",
  );
} else {
  console.log(`scikit-learn ${sklearnVersion}, from output/sklearn/*.json (computed on the same rows)`);
}

// One picture per dataset: test accuracy of each model on each split (legend names kept short)
const shortName: Record<string, string> = {
  "Strata logistic": "Strata LR",
  "Strata MLP(32)": "Strata MLP",
  "sklearn LogisticRegression": "sklearn LR",
  "sklearn MLPClassifier(32)": "sklearn MLP",
};
for (const ds of datasets) {
  await plot.linePlot(
    {
      title: `${ds.name}: test accuracy on the same splits`,
      xLabel: "split seed",
      yLabel: "test accuracy (%)",
      series: columns
        .filter((c) => summary[ds.name][c].length === seeds.length)
        .map((c) => ({ name: shortName[c], x: seeds, y: summary[ds.name][c].map((a) => 100 * a) })),
    },
    `${outDir}${ds.name}`,
  );
}
console.log(`wrote ${quick ? "output/quick" : "output"}/${datasets.map((d) => `${d.name}.png`).join(", ")}`);
const seconds = (performance.now() - started) / 1000;
console.log(`${seconds.toFixed(1)} s`);

if (!quick) {
  const meanPct = (v: number[]) => Math.round((1000 * v.reduce((a, b) => a + b, 0)) / v.length) / 10;
  const pick = (prefix: string) =>
    Object.fromEntries(
      datasets.flatMap((ds) =>
        columns
          .filter((c) => c.startsWith(prefix) && summary[ds.name][c].length > 0)
          .map((c) => [
            `${ds.name}: ${c} mean test accuracy over ${seeds.length} splits (%)`,
            meanPct(summary[ds.name][c]),
          ]),
      ),
    );
  writeFileSync(
    `${outDir}result.json`,
    `${JSON.stringify(
      {
        project: "Tabular models: Strata vs scikit-learn",
        command: "npx tsx projects/tabular-vs-sklearn/main.ts",
        seconds: Math.round(seconds * 10) / 10,
        machine: process.env.STRATA_MACHINE ?? `${availableParallelism()} cores`,
        results: pick("Strata"),
        baseline: { name: `scikit-learn ${sklearnVersion || "(not run)"}`, ...pick("sklearn") },
        date: new Date().toISOString().slice(0, 10),
      },
      null,
      2,
    )}\n`,
  );
}

// The check of learning: every Strata model on every split is far above the majority class
// (wine 40%, breast cancer 63%)
for (const ds of datasets) {
  for (const c of columns.filter((name) => name.startsWith("Strata"))) {
    const worst = Math.min(...summary[ds.name][c]);
    if (!(worst > 0.85)) throw new Error(`${c} on ${ds.name}: a split's test accuracy is only ${worst}`);
  }
}
