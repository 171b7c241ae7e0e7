/**
 * `npm run bench`: Strata beside TensorFlow.js (cpu, wasm) and PyTorch CPU, measured in this same run,
 * medians of several runs, printed as tables with ratios. Options: --runs N, --quick.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { getBackend } from "../src/index.js";
import { median } from "./stats.js";
import { strataMatmul, strataMlp } from "./strata_bench.js";
import { loadTfjs, tfjsMatmul, tfjsMlp } from "./tfjs_bench.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runs = Number(args[args.indexOf("--runs") + 1]) || (quick ? 3 : 5);
const sizes = quick ? [256, 512] : [256, 512, 1024];
const MLP = [784, 512, 512, 10];
const BATCH = 128;

type Row = Record<string, number | undefined>;
const matmulRows: Record<number, Row> = {};
const mlpRow: Row = {};
const notes: string[] = [];

function fmt(v: number | undefined, digits = 2): string {
  return v === undefined ? "—" : v >= 100 ? v.toFixed(0) : v.toFixed(digits);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? "—" : `${(a / b).toFixed(2)}×`;
}

async function main() {
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
  console.log(`Medians of ${runs} runs each.\n`);
  const strataName = `strata-${getBackend().name}`;
  for (const n of sizes) {
    matmulRows[n] = { [strataName]: median(await strataMatmul(n, runs)) };
  }
  mlpRow[strataName] = median(await strataMlp(MLP, BATCH, runs, quick ? 2 : 4));

  for (const backend of ["cpu", "wasm"] as const) {
    const tf = await loadTfjs(backend);
    const name = `tfjs-${backend}`;
    if (typeof tf === "string") {
      notes.push(tf);
      continue;
    }
    for (const n of sizes) {
      // tfjs-cpu at 1024 takes ~4 s a multiply; fewer runs keep the bench short
      const r = backend === "cpu" && n >= 1024 ? Math.min(runs, 3) : runs;
      matmulRows[n][name] = median(await tfjsMatmul(tf, n, r));
    }
    mlpRow[name] = median(await tfjsMlp(tf, MLP, BATCH, Math.min(runs, 3), backend === "cpu" ? 1 : 2));
  }

  const torch = runTorch();
  if (typeof torch === "string") notes.push(torch);
  else {
    for (const n of sizes) matmulRows[n].pytorch = median(torch.matmul[String(n)]);
    mlpRow.pytorch = median(torch.mlp);
    notes.push(
      `PyTorch ${torch.torch} with ${torch.blas}; MLP best with ${torch.mlpThreads} torch thread(s)`,
    );
  }

  const cols = [strataName, "tfjs-cpu", "tfjs-wasm", "pytorch"];
  console.log("## matmul, float32, GFLOP/s (higher is better)\n");
  console.log(`| n | ${cols.join(" | ")} | Strata / tfjs-wasm | Strata / PyTorch |`);
  console.log(`|---|${cols.map(() => "---").join("|")}|---|---|`);
  for (const n of sizes) {
    const r = matmulRows[n];
    console.log(
      `| ${n} | ${cols.map((c) => fmt(r[c])).join(" | ")} | ${ratio(r[strataName], r["tfjs-wasm"])} | ${ratio(r[strataName], r.pytorch)} |`,
    );
  }
  console.log(`\n## MLP ${MLP.join("-")} training, batch ${BATCH}, SGD, samples/s (higher is better)\n`);
  console.log(`| ${cols.join(" | ")} | Strata / tfjs-wasm | Strata / tfjs-cpu | Strata / PyTorch |`);
  console.log(`|${cols.map(() => "---").join("|")}|---|---|---|`);
  console.log(
    `| ${cols.map((c) => fmt(mlpRow[c], 0)).join(" | ")} | ${ratio(mlpRow[strataName], mlpRow["tfjs-wasm"])} | ${ratio(mlpRow[strataName], mlpRow["tfjs-cpu"])} | ${ratio(mlpRow[strataName], mlpRow.pytorch)} |`,
  );
  if (notes.length) console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join("\n")}`);
}

interface TorchResult {
  torch: string;
  blas: string;
  mlpThreads: number;
  matmul: Record<string, number[]>;
  mlp: number[];
}

function runTorch(): TorchResult | string {
  const python = "/usr/bin/python3";
  if (!existsSync(python)) return "PyTorch: /usr/bin/python3 not found";
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_SIZES: JSON.stringify(sizes) };
  // these two slow a current OpenBLAS on this machine (see the environment notes); unset for the bench only
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  try {
    const out = execFileSync(python, [new URL("./torch_bench.py", import.meta.url).pathname, String(runs)], {
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 600_000,
    });
    return JSON.parse(out.trim().split("\n").pop() ?? "{}") as TorchResult;
  } catch (e) {
    const msg = (e as { stderr?: string }).stderr ?? String(e);
    if (msg.includes("No module named 'torch'")) {
      return "PyTorch: not installed; `apt-get install python3-torch libopenblas0-pthread` adds it to this table";
    }
    return `PyTorch: failed (${msg.split("\n").filter(Boolean).pop()})`;
  }
}

await main();
