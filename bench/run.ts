/**
 * `npm run bench`: Strata (wasm and reference backends) beside TensorFlow.js (cpu, wasm), numpy and
 * PyTorch CPU, all measured in this one run, medians of several runs, printed as tables with ratios.
 * Options: --runs N (default 5), --quick (fewer sizes and runs), --only transformer (just that row:
 * strata-wasm and PyTorch), --only dqn (just the two DQN rows: strata-wasm, strata-ref and PyTorch).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { type Backend, type WasmBackend, setBackend } from "../src/index.js";
import { median } from "./stats.js";
import { strataCnn, strataLstm, strataMatmul, strataMlp, strataTransformer } from "./strata_bench.js";
import { DQN_BENCH, strataDqn } from "./dqn_bench.js";
import { loadTfjs, tfjsCnn, tfjsLstm, tfjsMatmul, tfjsMlp } from "./tfjs_bench.js";
import { webgpuCnn, webgpuLstm, webgpuMatmul, webgpuMlp } from "./webgpu_bench.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runs = Number(args[args.indexOf("--runs") + 1]) || (quick ? 3 : 5);
const sizes = quick ? [256, 512] : [256, 512, 1024, 2048];
const MLP = [784, 512, 512, 10];
const BATCH = 128;
/** Slow contenders skip the largest sizes (a 2048 multiply takes tfjs-cpu ~20 s). */
const SLOW_LIMIT = 1024;

type Row = Record<string, number | undefined>;
const matmul: Record<number, Row> = Object.fromEntries(sizes.map((n) => [n, {}]));
const mlp: Row = {};
/** The LSTM row: input 32, hidden 128, sequence 50, batch 64, one training step (forward, backward, SGD). */
const LSTM_SIZES = { input: 32, hidden: 128, seq: 50, batch: 64 };
const lstm: Row = {};
/** The CNN row: LeNet-like (conv 5×5×32, pool, conv 5×5×64, pool, dense 1024, dense 10), batch 64. */
const CNN_BATCH = 64;
const cnn: Row = {};
/** The transformer row: one encoder layer (dModel 256, 4 heads, feed-forward 1024), sequence 128, batch 32. */
const TRANSFORMER_SIZES = { dModel: 256, nhead: 4, dimFeedforward: 1024, seq: 128, batch: 32 };
const transformer: Row = {};
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : null;
/** The DQN rows (bench/dqn_bench.ts): a training step of the CartPole network and a greedy action, per second. */
const dqnTrain: Row = {};
const dqnAct: Row = {};
/** The same, per second of each process's CPU time (user + system): steadier on a shared machine. */
const dqnTrainCpu: Row = {};
const dqnActCpu: Row = {};
const notes: string[] = [];

function fmt(v: number | undefined, digits = 1): string {
  return v === undefined ? "—" : v >= 100 ? v.toFixed(0) : v.toFixed(digits);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? "—" : `${(a / b).toFixed(2)}×`;
}

async function measureStrata(backend: "wasm" | "ref") {
  const b = setBackend(backend);
  if (backend === "wasm") {
    const wasm = b as WasmBackend;
    const threads = await wasm.threadsReady();
    notes.push(`strata-wasm: ${threads} thread(s), ${wasm.relaxedSimd ? "relaxed SIMD (FMA)" : "SIMD"}`);
  }
  const name = `strata-${backend}`;
  for (const n of sizes) {
    if (backend === "ref" && n > SLOW_LIMIT) continue;
    matmul[n][name] = median(await strataMatmul(n, runs));
  }
  mlp[name] = median(await strataMlp(MLP, BATCH, runs, backend === "ref" ? 2 : 10));
  lstm[name] = median(
    await strataLstm(LSTM_SIZES, backend === "ref" ? Math.min(runs, 3) : runs, backend === "ref" ? 1 : 3),
  );
  cnn[name] = median(
    await strataCnn(CNN_BATCH, backend === "ref" ? Math.min(runs, 2) : runs, backend === "ref" ? 1 : 2),
  );
  await measureStrataDqn(backend);
  await measureStrataTransformer(backend);
}

async function measureStrataDqn(backend: "wasm" | "ref") {
  const name = `strata-${backend}`;
  const dqn = await strataDqn(runs, backend === "ref" ? 20 : 200);
  dqnTrain[name] = median(dqn.train);
  dqnAct[name] = median(dqn.act);
  dqnTrainCpu[name] = median(dqn.trainCpu);
  dqnActCpu[name] = median(dqn.actCpu);
}

async function wasmNote() {
  const wasm = setBackend("wasm") as WasmBackend;
  notes.push(
    `strata-wasm: ${await wasm.threadsReady()} thread(s), ${wasm.relaxedSimd ? "relaxed SIMD (FMA)" : "SIMD"}`,
  );
}

async function measureStrataTransformer(backend: "wasm" | "ref") {
  if (backend === "ref") {
    notes.push(
      "strata-ref: transformer row skipped (about 20 GFLOP a step; minutes on the reference kernels)",
    );
    return;
  }
  transformer[`strata-${backend}`] = median(await strataTransformer(TRANSFORMER_SIZES, runs, 1));
}

/** The webgpu column: where an adapter exists (on lavapipe, a CPU driver, it only shows the path works). */
async function measureWebgpu() {
  let b: Backend;
  try {
    b = await setBackend("webgpu");
  } catch (e) {
    notes.push(`strata-webgpu: skipped (${(e as Error).message.split(".")[0]})`);
    return;
  }
  const adapter = (b as { adapterName?: string }).adapterName ?? "";
  const cpu = /llvmpipe|lavapipe|swiftshader/i.test(adapter);
  notes.push(`strata-webgpu: ${adapter}${cpu ? " (a CPU driver: fewer runs, matmul up to 1024)" : ""}`);
  const name = "strata-webgpu";
  const r = cpu ? 1 : runs;
  for (const n of sizes) {
    if (cpu && n > SLOW_LIMIT) continue;
    matmul[n][name] = median(await webgpuMatmul(b, n, r));
  }
  mlp[name] = median(await webgpuMlp(MLP, BATCH, r, cpu ? 2 : 10));
  lstm[name] = median(await webgpuLstm(LSTM_SIZES, r, 1));
  cnn[name] = median(await webgpuCnn(CNN_BATCH, r, 1));
  setBackend("wasm");
}

async function measureTfjs(backend: "cpu" | "wasm") {
  const tf = await loadTfjs(backend);
  const name = `tfjs-${backend}`;
  if (typeof tf === "string") {
    notes.push(tf);
    return;
  }
  for (const n of sizes) {
    if (n > SLOW_LIMIT) continue;
    matmul[n][name] = median(
      await tfjsMatmul(tf, n, backend === "cpu" && n >= 1024 ? Math.min(runs, 3) : runs),
    );
  }
  mlp[name] = median(await tfjsMlp(tf, MLP, BATCH, Math.min(runs, 3), backend === "cpu" ? 1 : 2));
  lstm[name] = median(await tfjsLstm(tf, LSTM_SIZES, Math.min(runs, 3), 1));
  try {
    // tfjs-cpu takes over a minute per CNN step: one step, and none with --quick
    if (backend === "cpu" && quick) notes.push("tfjs-cpu: CNN skipped with --quick (over a minute per step)");
    else if (backend === "cpu") cnn[name] = median(await tfjsCnn(tf, CNN_BATCH, 1, 1, 0));
    else cnn[name] = median(await tfjsCnn(tf, CNN_BATCH, Math.min(runs, 3), 2));
  } catch (e) {
    // tfjs-wasm 4.x has no Conv2DBackpropFilter kernel: it cannot train a convolution
    notes.push(`${name}: no CNN training (${(e as Error).message})`);
  }
  if (backend === "wasm") {
    const threaded = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    notes.push(
      `tfjs-wasm: SIMD, ${threaded ? "multithreaded" : "one thread (no multithread support in Node)"}`,
    );
  }
}

interface PythonResult {
  numpy?: { version: string; blas: string; matmul: Record<string, number[]> };
  torch?: {
    version: string;
    blas: string;
    mlpThreads: number;
    matmul: Record<string, number[]>;
    mlp: number[];
    lstm?: number[];
    lstmThreads?: number;
    cnn?: number[];
    cnnThreads?: number;
    transformer?: number[];
    transformerThreads?: number;
    dqnTrain?: number[];
    dqnAct?: number[];
    dqnTrainCpu?: number[];
    dqnActCpu?: number[];
  };
}

function measurePython(extraEnv: Record<string, string> = {}) {
  const python = "/usr/bin/python3";
  if (!existsSync(python)) {
    notes.push("numpy / PyTorch: /usr/bin/python3 not found");
    return;
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BENCH_SIZES: JSON.stringify(sizes),
    BENCH_MLP: JSON.stringify(MLP),
    BENCH_BATCH: String(BATCH),
    BENCH_LSTM: JSON.stringify(LSTM_SIZES),
    BENCH_CNN_BATCH: String(CNN_BATCH),
    BENCH_TRANSFORMER: JSON.stringify(TRANSFORMER_SIZES),
    ...extraEnv,
    BENCH_DQN: JSON.stringify(DQN_BENCH),
  };
  // these two slow a current OpenBLAS on this machine (see the environment notes); unset for the bench only
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  let result: PythonResult;
  try {
    const out = execFileSync(python, [new URL("./torch_bench.py", import.meta.url).pathname, String(runs)], {
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 900_000,
    });
    result = JSON.parse(out.trim().split("\n").pop() ?? "{}");
  } catch (e) {
    const msg = (e as { stderr?: string }).stderr ?? String(e);
    notes.push(`numpy / PyTorch: failed (${msg.split("\n").filter(Boolean).pop()})`);
    return;
  }
  if (result.torch?.transformer) {
    transformer.pytorch = median(result.torch.transformer);
    notes.push(
      `PyTorch ${result.torch.version}: transformer row with ${result.torch.transformerThreads} torch thread(s)`,
    );
  }
  if (result.torch?.dqnTrain) dqnTrain.pytorch = median(result.torch.dqnTrain);
  if (result.torch?.dqnAct) dqnAct.pytorch = median(result.torch.dqnAct);
  if (result.torch?.dqnTrainCpu) dqnTrainCpu.pytorch = median(result.torch.dqnTrainCpu);
  if (result.torch?.dqnActCpu) dqnActCpu.pytorch = median(result.torch.dqnActCpu);
  if (only) return;
  if (result.numpy) {
    for (const n of sizes) matmul[n].numpy = median(result.numpy.matmul[String(n)]);
    notes.push(`numpy ${result.numpy.version} with ${result.numpy.blas}`);
  } else notes.push("numpy: not installed");
  if (result.torch) {
    for (const n of sizes) matmul[n].pytorch = median(result.torch.matmul[String(n)]);
    mlp.pytorch = median(result.torch.mlp);
    if (result.torch.lstm) lstm.pytorch = median(result.torch.lstm);
    if (result.torch.cnn) cnn.pytorch = median(result.torch.cnn);
    notes.push(
      `PyTorch ${result.torch.version} with ${result.torch.blas}; MLP best with ${result.torch.mlpThreads} torch thread(s)` +
        (result.torch.lstmThreads ? `, LSTM with ${result.torch.lstmThreads}` : "") +
        (result.torch.cnnThreads ? `, CNN with ${result.torch.cnnThreads}` : ""),
    );
  } else {
    notes.push(
      "PyTorch: not installed; `apt-get install python3-torch libopenblas0-pthread` adds it to the tables",
    );
  }
}

function printTransformer() {
  const { dModel, nhead, dimFeedforward, seq, batch } = TRANSFORMER_SIZES;
  console.log(
    `\n## Transformer encoder layer training step (dModel ${dModel}, ${nhead} heads, feed-forward ${dimFeedforward}, sequence ${seq}, batch ${batch}; forward, backward, SGD), samples/s\n`,
  );
  const tcols = ["strata-wasm", "pytorch"];
  console.log(`| ${tcols.join(" | ")} | wasm / PyTorch |`);
  console.log(`|${tcols.map(() => "---").join("|")}|---|`);
  console.log(
    `| ${tcols.map((c) => fmt(transformer[c])).join(" | ")} | ${ratio(transformer["strata-wasm"], transformer.pytorch)} |`,
  );
}

async function main() {
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
  console.log(`Medians of ${runs} runs each; all columns measured in this run.\n`);
  if (only === "dqn") {
    await wasmNote();
    await measureStrataDqn("wasm");
    setBackend("ref");
    await measureStrataDqn("ref");
    measurePython({ BENCH_ONLY: "dqn" });
    printDqn();
    console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join("\n")}`);
    process.exit(0);
  }
  if (only === "transformer") {
    await wasmNote();
    await measureStrataTransformer("wasm");
    measurePython({ BENCH_ONLY: "transformer" });
    printTransformer();
    console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join("\n")}`);
    process.exit(0);
  }
  await measureStrata("wasm");
  await measureStrata("ref");
  await measureWebgpu();
  await measureTfjs("wasm");
  await measureTfjs("cpu");
  measurePython();

  const cols = ["strata-wasm", "strata-ref", "strata-webgpu", "tfjs-wasm", "tfjs-cpu", "numpy", "pytorch"];
  console.log("## matmul n×n×n, float32, GFLOP/s (higher is better)\n");
  console.log(`| n | ${cols.join(" | ")} | wasm / tfjs-wasm | wasm / numpy |`);
  console.log(`|---|${cols.map(() => "---").join("|")}|---|---|`);
  for (const n of sizes) {
    const r = matmul[n];
    const s = r["strata-wasm"];
    console.log(
      `| ${n} | ${cols.map((c) => fmt(r[c])).join(" | ")} | ${ratio(s, r["tfjs-wasm"])} | ${ratio(s, r.numpy)} |`,
    );
  }
  console.log(
    `\n## MLP ${MLP.join("-")} training step (forward, backward, SGD), batch ${BATCH}, samples/s\n`,
  );
  console.log(`| ${cols.filter((c) => c !== "numpy").join(" | ")} | wasm / tfjs-wasm | wasm / PyTorch |`);
  console.log(
    `|${cols
      .filter((c) => c !== "numpy")
      .map(() => "---")
      .join("|")}|---|---|`,
  );
  const s = mlp["strata-wasm"];
  console.log(
    `| ${cols
      .filter((c) => c !== "numpy")
      .map((c) => fmt(mlp[c], 0))
      .join(" | ")} | ${ratio(s, mlp["tfjs-wasm"])} | ${ratio(s, mlp.pytorch)} |`,
  );
  const { input, hidden, seq, batch } = LSTM_SIZES;
  console.log(
    `\n## LSTM training step (input ${input}, hidden ${hidden}, sequence ${seq}, batch ${batch}; forward, backward, SGD), samples/s\n`,
  );
  const lcols = cols.filter((c) => c !== "numpy");
  console.log(`| ${lcols.join(" | ")} | wasm / tfjs-wasm | wasm / PyTorch |`);
  console.log(`|${lcols.map(() => "---").join("|")}|---|---|`);
  const sl = lstm["strata-wasm"];
  console.log(
    `| ${lcols.map((c) => fmt(lstm[c], 0)).join(" | ")} | ${ratio(sl, lstm["tfjs-wasm"])} | ${ratio(sl, lstm.pytorch)} |`,
  );
  console.log(
    `\n## CNN training step (LeNet-like: conv 5×5×32, max-pool 2, conv 5×5×64, max-pool 2, dense 1024, dense 10; forward, backward, SGD), batch ${CNN_BATCH}, samples/s\n`,
  );
  console.log(`| ${lcols.join(" | ")} | wasm / tfjs-wasm | wasm / tfjs-cpu | wasm / PyTorch |`);
  console.log(`|${lcols.map(() => "---").join("|")}|---|---|---|`);
  const sc = cnn["strata-wasm"];
  console.log(
    `| ${lcols.map((c) => fmt(cnn[c], 0)).join(" | ")} | ${ratio(sc, cnn["tfjs-wasm"])} | ${ratio(sc, cnn["tfjs-cpu"])} | ${ratio(sc, cnn.pytorch)} |`,
  );
  printTransformer();
  notes.push("tfjs: no transformer row (TensorFlow.js exports no usable multi-head attention layer)");
  printDqn();
  console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join("\n")}`);
  process.exit(0);
}

function printDqn() {
  console.log(
    `\n## DQN on CartPole (network ${DQN_BENCH.sizes.join("-")}), steps/s: a training step (batch ${DQN_BENCH.batch}: online and target forward, Huber loss, backward, Adam) and a greedy action (batch-1 forward, argmax)\n`,
  );
  const dcols = ["strata-wasm", "strata-ref", "pytorch"];
  console.log(`| | ${dcols.join(" | ")} | wasm / PyTorch |`);
  console.log(`|---|${dcols.map(() => "---").join("|")}|---|`);
  for (const [label, row] of [
    ["training step", dqnTrain],
    ["greedy action", dqnAct],
    ["training step, per CPU second", dqnTrainCpu],
    ["greedy action, per CPU second", dqnActCpu],
  ] as const)
    console.log(
      `| ${label} | ${dcols.map((c) => fmt(row[c], 0)).join(" | ")} | ${ratio(row["strata-wasm"], row.pytorch)} |`,
    );
}

await main();
