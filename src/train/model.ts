import { StrataError, ValueError } from "../core/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { tidy } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import { DataLoader } from "../data/dataloader.js";
import { type Dataset, Subset, TensorDataset } from "../data/dataset.js";
import type { Module } from "../nn/module.js";
import { concat } from "../ops/movement.js";
import { clipGradNorm, clipGradValue } from "../optim/clip.js";
import type { Callback, Logs, TrainingContext } from "./callbacks/callback.js";
import { History } from "./callbacks/history.js";
import { ProgressBar } from "./callbacks/progress.js";
import { type LossFn, type LossSpec, resolveLoss } from "./losses_by_name.js";
import { type Metric, type MetricSpec, resolveMetric } from "./metrics.js";

/** What `compile` needs of an optimizer (every `optim` optimizer fits). */
export interface OptimizerLike {
  zeroGrad(): void;
  step(): void;
  paramGroups?: { lr: number }[];
}

export interface CompileConfig {
  optimizer: OptimizerLike;
  loss: LossSpec;
  metrics?: MetricSpec[];
  /** Rescale gradients whose global L2 norm exceeds this (like Keras's clipnorm). */
  clipNorm?: number;
  /** Clamp each gradient element to [-clipValue, clipValue]. */
  clipValue?: number;
}

type Pair = [Tensor, Tensor];
/** Training data: a dataset of (input, target) pairs, a DataLoader over one, or tensors x and y. */
export type FitData = Dataset<Pair> | DataLoader<Pair>;

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** Held-out data evaluated after each epoch (logged as valLoss, valAccuracy, ...). */
  validationData?: FitData | Pair;
  /** Fraction of the training data (taken from the end, before shuffling) held out for validation. */
  validationSplit?: number;
  callbacks?: Callback[];
  /** 1 (default) shows a progress bar; 0 is silent. */
  verbose?: 0 | 1;
  initialEpoch?: number;
  /** What a NaN or infinite loss does: throw (default) or stop training and report it in the history. */
  onNonFiniteLoss?: "raise" | "stop";
}

export interface EvaluateOptions {
  batchSize?: number;
}

/** Raised when the loss becomes NaN or infinite; training stops before the bad update is applied. */
export class TrainingDivergedError extends StrataError {}

interface Compiled {
  optimizer: OptimizerLike;
  loss: LossFn;
  metrics: Metric[];
  clipNorm?: number;
  clipValue?: number;
}

const compiled = new WeakMap<Module, Compiled>();

export function compileModel(model: Module, config: CompileConfig): void {
  if (!config.optimizer || typeof config.optimizer.step !== "function") {
    throw new ValueError("compile: an optimizer is required, e.g. new optim.Adam(model.parameters())");
  }
  compiled.set(model, {
    optimizer: config.optimizer,
    loss: resolveLoss(config.loss),
    metrics: (config.metrics ?? []).map(resolveMetric),
    clipNorm: config.clipNorm,
    clipValue: config.clipValue,
  });
}

function getCompiled(model: Module, op: string): Compiled {
  const c = compiled.get(model);
  if (!c) throw new StrataError(`${op}: call model.compile({ optimizer, loss, metrics }) first`);
  return c;
}

function toDataset(data: FitData | Pair, op: string): Dataset<Pair> | DataLoader<Pair> {
  if (Array.isArray(data)) {
    const n = (data as unknown[]).length;
    if (n !== 2) throw new ValueError(`${op}: expected [inputs, targets], got an array of ${n}`);
    return new TensorDataset(data[0], data[1]);
  }
  return data;
}

function loaderOf(
  data: Dataset<Pair> | DataLoader<Pair>,
  batchSize: number,
  shuffle: boolean,
): DataLoader<Pair> {
  return data instanceof DataLoader ? data : new DataLoader(data, { batchSize, shuffle });
}

/** Runs one batch through the model and loss; returns the loss value and updates the metrics. */
function runBatch(
  model: Module,
  c: Compiled,
  x: Tensor,
  y: Tensor,
  metrics: Metric[],
): { loss: number; size: number } {
  const out = model.forward(x);
  const loss = c.loss(out, y);
  const value = loss.item();
  noGrad(() => {
    for (const m of metrics) m.update(out, y);
  });
  return { loss: value, size: x.shape[0] ?? 1 };
}

/** Keras-style training loop; see `Module.fit`. */
export async function fitModel(
  model: Module,
  data: FitData | Pair,
  options: FitOptions = {},
): Promise<History> {
  const c = getCompiled(model, "fit");
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  let train = toDataset(data, "fit");
  let validation = options.validationData ? toDataset(options.validationData, "fit") : undefined;
  if (options.validationSplit !== undefined) {
    const split = options.validationSplit;
    if (!(split > 0 && split < 1))
      throw new ValueError(`fit: validationSplit must be in (0, 1), got ${split}`);
    if (train instanceof DataLoader)
      throw new ValueError("fit: validationSplit needs a dataset, not a DataLoader");
    const n = train.length;
    const nVal = Math.floor(n * split);
    const indices = Array.from({ length: n }, (_, i) => i);
    validation = new Subset(train, indices.slice(n - nVal));
    train = new Subset(train, indices.slice(0, n - nVal));
  }
  const loader = loaderOf(train, batchSize, options.shuffle ?? true);
  const history = new History();
  // History goes last so it records what other callbacks add to the logs (such as `lr`)
  const callbacks: Callback[] = [
    ...(options.verbose === 0 ? [] : [new ProgressBar()]),
    ...(options.callbacks ?? []),
    history,
  ];
  const groups = c.optimizer.paramGroups;
  const context: TrainingContext = {
    model,
    epochs,
    stepsPerEpoch: loader.length,
    stopTraining: false,
    getLearningRate: () => groups?.[0]?.lr,
    setLearningRate: (lr) => {
      for (const g of groups ?? []) g.lr = lr;
    },
  };
  for (const cb of callbacks) cb.context = context;
  const params = model.parameters();
  // background start-up of the backend (e.g. wasm switching to fused multiply-add kernels) must not
  // land mid-run: a seeded run then computes identically every time
  await params[0]?.backend.settled?.();
  for (const cb of callbacks) await cb.onTrainBegin({});

  let lastFinite = Number.NaN;
  try {
    for (let epoch = options.initialEpoch ?? 0; epoch < epochs && !context.stopTraining; epoch++) {
      model.train();
      for (const m of c.metrics) m.reset();
      for (const cb of callbacks) await cb.onEpochBegin(epoch, {});
      let lossSum = 0;
      let seen = 0;
      let batch = 0;
      const it = loader[Symbol.iterator]();
      for (;;) {
        // one step per scope: every tensor the batch, forward, backward and update create is released here
        const step = tidy(() => {
          const next = it.next();
          if (next.done) return null;
          const [x, y] = next.value;
          c.optimizer.zeroGrad();
          const out = model.forward(x);
          const loss = c.loss(out, y);
          const value = loss.item();
          if (!Number.isFinite(value)) return { value, size: x.shape[0] ?? 1 };
          loss.backward();
          if (c.clipValue !== undefined) clipGradValue(params, c.clipValue);
          if (c.clipNorm !== undefined) clipGradNorm(params, c.clipNorm);
          c.optimizer.step();
          noGrad(() => {
            for (const m of c.metrics) m.update(out, y);
          });
          return { value, size: x.shape[0] ?? 1 };
        });
        if (step === null) break;
        if (!Number.isFinite(step.value)) {
          const message =
            `fit: the loss became ${step.value} at epoch ${epoch + 1}, batch ${batch + 1} (last finite loss ${lastFinite}); ` +
            "the update was not applied. Try a lower learning rate, gradient clipping (compile({ clipNorm })) or normalised inputs";
          if (options.onNonFiniteLoss === "stop") {
            history.stopReason = message;
            context.stopTraining = true;
            break;
          }
          throw new TrainingDivergedError(message);
        }
        lastFinite = step.value;
        lossSum += step.value * step.size;
        seen += step.size;
        const logs: Logs = { loss: lossSum / seen };
        for (const m of c.metrics) logs[m.name] = m.result();
        for (const cb of callbacks) await cb.onBatchEnd(batch, logs);
        batch++;
        if (batch % 32 === 0) await new Promise((r) => setTimeout(r, 0));
      }
      if (seen === 0) break;
      const logs: Logs = { loss: lossSum / seen };
      for (const m of c.metrics) logs[m.name] = m.result();
      if (validation) {
        const v = evaluateModel(model, validation, { batchSize });
        for (const [k, val] of Object.entries(v)) logs[`val${k[0].toUpperCase()}${k.slice(1)}`] = val;
      }
      for (const cb of callbacks) await cb.onEpochEnd(epoch, logs);
    }
  } finally {
    for (const cb of callbacks) await cb.onTrainEnd({});
  }
  return history;
}

/** Mean loss and metrics over a dataset, in evaluation mode and without gradients; see `Module.evaluate`. */
export function evaluateModel(model: Module, data: FitData | Pair, options: EvaluateOptions = {}): Logs {
  const c = getCompiled(model, "evaluate");
  const loader = loaderOf(toDataset(data, "evaluate"), options.batchSize ?? 32, false);
  // the training logs of an epoch are taken before validation runs, so the metric objects can be reused
  const metrics = c.metrics;
  for (const m of metrics) m.reset();
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let seen = 0;
  try {
    const it = loader[Symbol.iterator]();
    for (;;) {
      const r = tidy(() =>
        noGrad(() => {
          const next = it.next();
          if (next.done) return null;
          return runBatch(model, c, next.value[0], next.value[1], metrics);
        }),
      );
      if (r === null) break;
      lossSum += r.loss * r.size;
      seen += r.size;
    }
  } finally {
    model.train(wasTraining);
  }
  const logs: Logs = { loss: seen ? lossSum / seen : Number.NaN };
  for (const m of metrics) logs[m.name] = m.result();
  return logs;
}

/** Model outputs for every input, batched, in evaluation mode; see `Module.predict`. */
export function predictModel(
  model: Module,
  x: Tensor | Dataset<Tensor | Tensor[]>,
  options: EvaluateOptions = {},
): Tensor {
  const batchSize = options.batchSize ?? 32;
  const wasTraining = model.training;
  model.eval();
  try {
    return tidy(() =>
      noGrad(() => {
        const outputs: Tensor[] = [];
        if ("dataSync" in x) {
          for (let at = 0; at < x.shape[0]; at += batchSize)
            outputs.push(model.forward(x.slice(0, at, at + batchSize)));
        } else {
          for (const batch of new DataLoader(x, { batchSize })) {
            outputs.push(model.forward(Array.isArray(batch) ? batch[0] : (batch as Tensor)));
          }
        }
        if (outputs.length === 0) throw new ValueError("predict: no inputs");
        return concat(outputs, 0);
      }),
    );
  } finally {
    model.train(wasTraining);
  }
}
