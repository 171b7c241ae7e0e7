import { isFloat } from "../base/dtype.js";
import { BackendError, StrataError, ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import { DataLoader } from "../data/dataloader.js";
import { type Dataset, Subset, TensorDataset } from "../data/dataset.js";
import type { Module } from "../nn/module.js";
import { concat } from "../ops/movement.js";
import { clipGradNorm, clipGradValue } from "../optim/clip.js";
import type { Callback, Logs, TrainingContext } from "./callbacks/callback.js";
import { History } from "./callbacks/history.js";
import { ProgressBar } from "./callbacks/progress.js";
import { type LossFn, type LossSpec, lossKind, resolveLoss } from "./losses_by_name.js";
import { type Metric, type MetricSpec, defaultMetrics, resolveMetric } from "./metrics.js";
import {
  DEVICE_READ_EVERY,
  checkDeviceCompiled,
  evaluateOnDevice,
  trainEpochOnDevice,
} from "./device_loop.js";

/**
 * What `compile` needs of an optimizer (every `optim` optimizer fits).
 * @example
 * const sgd: OptimizerLike = new optim.SGD(model.parameters(), { lr: 0.1 });
 * model.compile({ optimizer: sgd, loss: "crossEntropy" });
 * const frozen: OptimizerLike = { zeroGrad() {}, step() {} }; // an optimizer of your own: this one never updates
 * model.compile({ optimizer: frozen, loss: "crossEntropy" });
 */
export interface OptimizerLike {
  zeroGrad(): void;
  step(): void;
  paramGroups?: { lr: number }[];
}

/**
 * What `compile` takes.
 * @example
 * const config: CompileConfig = { optimizer: new optim.Adam(model.parameters()), loss: "crossEntropy" };
 * model.compile(config);
 * Object.keys(model.evaluate(test)); // ["loss", "accuracy"]: accuracy by default for cross-entropy
 */
export interface CompileConfig {
  optimizer: OptimizerLike;
  loss: LossSpec;
  /**
   * Metrics logged by `fit` and returned by `evaluate`, beside the loss. Default: `["accuracy"]` for a
   * classification loss (`"crossEntropy"`, `"nll"`, `"bce"`, `"bceWithLogits"`, their `nn.functional`
   * functions or loss modules), none for a regression loss or a loss function of your own; `[]` turns
   * the default off. `"accuracy"` with BCE compares each output with 0.5, with BCE-with-logits with 0.
   */
  metrics?: MetricSpec[];
  /** Rescale gradients whose global L2 norm exceeds this (like Keras's clipnorm). */
  clipNorm?: number;
  /** Clamp each gradient element to [-clipValue, clipValue]. */
  clipValue?: number;
}

type Pair = [Tensor, Tensor];
/**
 * Training data: a dataset of (input, target) pairs, a DataLoader over one, or tensors x and y.
 * @example
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * const loader: FitData = new data.DataLoader(train, { batchSize: 16, shuffle: true });
 * await model.fit(loader, { verbose: 0 });
 * await model.fit([x, y], { verbose: 0 }); // or the tensors themselves
 */
export type FitData = Dataset<Pair> | DataLoader<Pair>;

/**
 * Options of `fit`. Defaults: 1 epoch, batches of 32, shuffled each epoch, with a progress bar.
 * @example
 * model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }), loss: "crossEntropy" });
 * const options: FitOptions = { epochs: 10, batchSize: 16, validationSplit: 0.25 };
 * const history = await model.fit(train, options); // the last quarter of `train` validates
 * history.history.valLoss.length; // 10
 */
export interface FitOptions {
  /**
   * Epochs to train, a positive integer (default 1); with `initialEpoch` the index after the last
   * epoch, as in Keras (so `{ initialEpoch: 3, epochs: 5 }` runs epochs 4 and 5).
   */
  epochs?: number;
  /** Examples per step, a positive integer (default 32); a DataLoader brings its own. */
  batchSize?: number;
  /** Reshuffle the training data every epoch (default true; a DataLoader brings its own). */
  shuffle?: boolean;
  /** Held-out data evaluated after each epoch (logged as valLoss, valAccuracy, ...). */
  validationData?: FitData | Pair;
  /** Fraction of the training data (taken from the end, before shuffling) held out for validation. */
  validationSplit?: number;
  callbacks?: Callback[];
  /**
   * 1 (default) shows progress and warnings: a bar redrawn in place on a terminal, one line per epoch
   * when stdout is not one (a log, a pipe); 0 is silent (warnings go to the history only).
   */
  verbose?: 0 | 1;
  /** Index of the first epoch, an integer ≥ 0 (default 0), to resume an earlier run. */
  initialEpoch?: number;
  /**
   * What a NaN or infinite loss or gradient does: throw a `TrainingDivergedError` (default) or stop
   * training and report it in the history's `stopReason`. Either way that step is not applied.
   */
  onNonFiniteLoss?: "raise" | "stop";
}

/**
 * Options of `evaluate` and `predict`.
 * @example
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * const options: EvaluateOptions = { batchSize: 8 }; // less memory at a time
 * model.evaluate(test, options).loss > 0; // true
 */
export interface EvaluateOptions {
  /** Examples per batch, a positive integer (default 32). */
  batchSize?: number;
}

/**
 * Raised when the loss or a gradient becomes NaN or infinite; training stops before that step changes
 * anything (parameters, optimizer state, batch norm's running statistics).
 * @example
 * model.compile({ optimizer: new optim.SGD(model.parameters(), { lr: 1e30 }), loss: "mse" });
 * const xs = randn([32, 4]), ys = randn([32, 3]);
 * const error = await model.fit([xs, ys], { epochs: 5, verbose: 0 }).catch((e) => e);
 * error instanceof TrainingDivergedError; // true
 * error.message; // "fit: the loss became Infinity at epoch 2, batch 1..." and what to try
 * // a NaN in the data is named as the cause (on ref and wasm the batch is read once the loss is bad)
 * const holed = arange(32).reshape([32, 1]).ne(3).where(xs, NaN); // row 3 is all NaN
 * model.compile({ optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }), loss: "mse" });
 * const bad = await model.fit([holed, ys], { verbose: 0 }).catch((e) => e);
 * bad.message.includes("The batch itself holds 4 NaN or infinite values (4 in the inputs)"); // true
 */
export class TrainingDivergedError extends StrataError {}

interface Compiled {
  optimizer: OptimizerLike;
  loss: LossFn;
  metrics: Metric[];
  clipNorm?: number;
  clipValue?: number;
}

const compiled = new WeakMap<Module, Compiled>();

/**
 * What `Module.compile` runs: checks the configuration and keeps it for `fit` and `evaluate`.
 * @example
 * compileModel(model, { optimizer: opt, loss: "crossEntropy" }); // as model.compile(...)
 * compileModel(model, { loss: "mse" } as CompileConfig); // throws ValueError: an optimizer is required
 */
export function compileModel(model: Module, config: CompileConfig): void {
  if (!config.optimizer || typeof config.optimizer.step !== "function") {
    throw new ValueError("compile: an optimizer is required, e.g. new optim.Adam(model.parameters())");
  }
  const kind = lossKind(config.loss);
  compiled.set(model, {
    optimizer: config.optimizer,
    loss: resolveLoss(config.loss),
    metrics:
      config.metrics === undefined ? defaultMetrics(kind) : config.metrics.map((m) => resolveMetric(m, kind)),
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

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** Epoch counts and batch sizes: a NaN, 2.5 or "32" would otherwise give an empty or endless loop. */
function checkCount(op: string, name: string, value: unknown, min: 0 | 1): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    const kind = min === 1 ? "a positive integer" : "an integer >= 0";
    throw new ValueError(`${op}: ${name} must be ${kind}, got ${show(value)}`);
  }
}

/** Empty data would train or evaluate nothing and report a NaN loss, which looks like divergence. */
function checkNotEmpty(op: string, what: string, data: Dataset<Pair> | DataLoader<Pair>): void {
  if (data instanceof DataLoader) {
    if (data.length > 0) return;
    const n = data.dataset.length;
    throw new ValueError(
      n === 0
        ? `${op}: ${what} is empty (a DataLoader over 0 examples)`
        : `${op}: ${what} gives no batches (a DataLoader over ${n} examples, batchSize ${data.batchSize}, dropLast)`,
    );
  }
  if (data.length === 0) throw new ValueError(`${op}: ${what} is empty (0 examples)`);
}

/**
 * Whether every gradient is finite, with one read back: a sum is NaN or infinite when an element is.
 * Finite gradients whose sum overflows read as non-finite here, so `nonFiniteGradients` confirms.
 */
function gradientsLookFinite(params: readonly Tensor[]): boolean {
  let total: Tensor | null = null;
  for (const p of params) {
    if (p.grad === null) continue;
    // as one row: backends sum along rows fastest (wasm: SIMD), and the check reads every gradient once
    const s = p.grad.reshape(1, p.grad.size).sum(1);
    total = total === null ? s : total.add(s);
  }
  return total === null || Number.isFinite(total.item());
}

/** Names (with what they hold) of the parameters whose gradient has a NaN or infinite element. */
function nonFiniteGradients(named: readonly [string, Tensor][]): string[] {
  const bad: string[] = [];
  for (const [name, p] of named) {
    if (p.grad === null) continue;
    const nan = p.grad.isNaN().any().item() !== 0;
    if (nan || p.grad.isInf().any().item() !== 0) bad.push(`${name} (${nan ? "NaN" : "infinite"})`);
  }
  return bad;
}

/** How many NaN or infinite values the inputs and the targets of a dataset hold. */
function countNonFinite(data: Dataset<Pair> | DataLoader<Pair>, batchSize: number): [number, number] {
  const counts: [number, number] = [0, 0];
  for (const batch of loaderOf(data, batchSize, false)) {
    tidy(() => {
      batch.forEach((t, k) => {
        if (isFloat(t.dtype)) counts[k] += t.isFinite().logicalNot().sum().item();
      });
      return null;
    });
  }
  return counts;
}

/**
 * What a batch's own NaN or infinite values explain, read only once a step has already gone wrong (so
 * a healthy run never pays for the read): null when the inputs and targets are all finite.
 */
function batchNonFinite(x: Tensor, y: Tensor): string | null {
  const [inputs, targets] = [x, y].map((t) =>
    isFloat(t.dtype) ? t.isFinite().logicalNot().sum().item() : 0,
  );
  if (inputs + targets === 0) return null;
  const where = [
    inputs > 0 ? `${inputs} in the inputs` : "",
    targets > 0 ? `${targets} in the targets` : "",
  ].filter(Boolean);
  const count = `${inputs + targets} NaN or infinite value${inputs + targets > 1 ? "s" : ""}`;
  return (
    `The batch itself holds ${count} (${where.join(", ")}), so the data is the cause, not the learning ` +
    "rate: find and fix them (a missing value read as NaN, a division by zero in preprocessing) before training"
  );
}

/** `countNonFinite` with awaited reads, for backends that cannot read synchronously. */
async function countNonFiniteAsync(
  data: Dataset<Pair> | DataLoader<Pair>,
  batchSize: number,
): Promise<[number, number]> {
  const counts: [number, number] = [0, 0];
  for (const batch of loaderOf(data, batchSize, false)) {
    for (const [k, t] of batch.entries()) {
      if (!isFloat(t.dtype)) continue;
      const n = keep(tidy(() => t.isFinite().logicalNot().sum()));
      try {
        counts[k] += await n.itemAsync();
      } finally {
        n.dispose();
      }
    }
    // as the tidy of the synchronous form releases them
    for (const t of batch) t.dispose();
  }
  return counts;
}

/** The warning for a non-finite validation loss, naming how many non-finite values the data holds. */
function validationWarning(loss: number, epoch: number, [inputs, targets]: [number, number]): string {
  const cause =
    inputs + targets > 0
      ? `the validation data has ${inputs + targets} non-finite values: ${inputs} in the inputs, ${targets} in the targets`
      : "the validation data is all finite, so the model's outputs or the loss on it are not";
  return `validation: loss is ${loss} on epoch ${epoch + 1} (${cause})`;
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

/**
 * Keras-style training loop; see `Module.fit`.
 * @example
 * model.compile({ optimizer: opt, loss: "crossEntropy" });
 * const history = await fitModel(model, train, { epochs: 2, verbose: 0 }); // as model.fit(train, ...)
 * history.epoch; // [0, 1]
 */
export async function fitModel(
  model: Module,
  data: FitData | Pair,
  options: FitOptions = {},
): Promise<History> {
  const c = getCompiled(model, "fit");
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const initialEpoch = options.initialEpoch ?? 0;
  checkCount("fit", "epochs", epochs, 1);
  checkCount("fit", "batchSize", batchSize, 1);
  checkCount("fit", "initialEpoch", initialEpoch, 0);
  let train = toDataset(data, "fit");
  checkNotEmpty("fit", "the training data", train);
  let validation = options.validationData ? toDataset(options.validationData, "fit") : undefined;
  if (validation) checkNotEmpty("fit", "validationData", validation);
  if (options.validationSplit !== undefined) {
    const split = options.validationSplit;
    if (!(split > 0 && split < 1))
      throw new ValueError(`fit: validationSplit must be in (0, 1), got ${show(split)}`);
    if (train instanceof DataLoader)
      throw new ValueError("fit: validationSplit needs a dataset, not a DataLoader");
    const n = train.length;
    const nVal = Math.floor(n * split);
    if (nVal === 0) {
      throw new ValueError(
        `fit: validationSplit ${split} of ${n} examples holds out none; use a larger split or validationData`,
      );
    }
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
  const named = model.namedParameters();
  const params = named.map(([, p]) => p);
  // parameters and buffers: what a rejected step puts back. The forward pass changes some in place
  // (batch norm's running statistics, an embedding's max-norm rescaling) before the loss is known
  const state = Object.values(model.stateDict());
  // background start-up of the backend (e.g. wasm switching to fused multiply-add kernels) must not
  // land mid-run: a seeded run then computes identically every time
  await params[0]?.backend.settled?.();
  for (const cb of callbacks) await cb.onTrainBegin({});

  let lastFinite = Number.NaN;
  const onDevice = params[0]?.backend.asyncReads === true;
  if (onDevice) checkDeviceCompiled("fit", c, params[0].backend.name);
  try {
    for (let epoch = initialEpoch; epoch < epochs && !context.stopTraining; epoch++) {
      if (onDevice) {
        // a GPU: no read per step; the loss, metrics and divergence check accumulate on the device
        model.train();
        for (const cb of callbacks) await cb.onEpochBegin(epoch, {});
        const r = await trainEpochOnDevice(
          model,
          c,
          loader[Symbol.iterator](),
          params,
          state,
          async (b, logs) => {
            for (const cb of callbacks) await cb.onBatchEnd(b, logs);
          },
        );
        if (r.firstBad >= 0) {
          const message =
            `fit: the loss or a gradient became non-finite at epoch ${epoch + 1}, batch ${r.firstBad + 1} ` +
            `(the ${params[0].backend.name} backend reads back every ${DEVICE_READ_EVERY} batches: found after ` +
            `batch ${r.foundAt}); that update and the ones after it were not applied, so the parameters are ` +
            "those from before that batch. Try a lower learning rate, gradient clipping (compile({ clipValue })) " +
            "or normalised inputs; and if the data may hold NaN or infinite values, check it (the batches are " +
            "not read on this backend, so they were not checked)";
          if (options.onNonFiniteLoss === "stop") {
            history.stopReason = message;
            context.stopTraining = true;
            break;
          }
          throw new TrainingDivergedError(message);
        }
        if (r.seen === 0) break;
        const logs: Logs = { ...r.logs };
        const warnings: string[] = [];
        if (validation) {
          const v = await evaluateAsync(model, validation, { batchSize });
          for (const [k, val] of Object.entries(v)) logs[`val${k[0].toUpperCase()}${k.slice(1)}`] = val;
          if (!Number.isFinite(v.loss)) {
            warnings.push(validationWarning(v.loss, epoch, await countNonFiniteAsync(validation, batchSize)));
          }
        }
        for (const cb of callbacks) await cb.onEpochEnd(epoch, logs);
        for (const w of warnings) for (const cb of callbacks) await cb.onWarning(w);
        continue;
      }
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
          const size = x.shape[0] ?? 1;
          c.optimizer.zeroGrad();
          // views, not copies: storage is never written in place, so they keep the values from before
          const saved = state.map((t) => t.detach());
          const reject = (value: number, problem: string, hint: string) => {
            noGrad(() => {
              for (const [i, t] of state.entries()) t.assign(saved[i]);
            });
            return { value, size, problem: { problem, hint } };
          };
          const out = model.forward(x);
          const loss = c.loss(out, y);
          const value = loss.item();
          if (!Number.isFinite(value)) {
            return reject(
              value,
              `the loss became ${value}`,
              batchNonFinite(x, y) ??
                "The batch's inputs and targets are all finite, so the model diverged: try a lower learning " +
                  "rate, gradient clipping (compile({ clipNorm })) or normalised inputs",
            );
          }
          loss.backward();
          // before clipping, which would spread a NaN to every gradient
          if (!gradientsLookFinite(params)) {
            const bad = nonFiniteGradients(named);
            if (bad.length > 0) {
              const several = bad.length > 1;
              return reject(
                value,
                `the loss is finite (${value}) but the gradient${several ? "s" : ""} of ${bad.join(", ")} ` +
                  `${several ? "are" : "is"} not`,
                batchNonFinite(x, y) ??
                  "An op with an infinite derivative at these values is the usual cause (sqrt or log at 0, " +
                    "x ** p with p < 1 at 0, a division by a tiny number)",
              );
            }
          }
          // the step is accepted: the update may now release the parameters' old storage
          for (const t of saved) t.dispose();
          if (c.clipValue !== undefined) clipGradValue(params, c.clipValue);
          if (c.clipNorm !== undefined) clipGradNorm(params, c.clipNorm);
          c.optimizer.step();
          noGrad(() => {
            for (const m of c.metrics) m.update(out, y);
          });
          return { value, size, problem: null };
        });
        if (step === null) break;
        if (step.problem !== null) {
          const { problem, hint } = step.problem;
          const message =
            `fit: ${problem} at epoch ${epoch + 1}, batch ${batch + 1} ` +
            `(${Number.isNaN(lastFinite) ? "the first step of this run" : `last finite loss ${lastFinite}`}); ` +
            `the update was not applied. ${hint}`;
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
      const warnings: string[] = [];
      if (validation) {
        const v = evaluateModel(model, validation, { batchSize });
        for (const [k, val] of Object.entries(v)) logs[`val${k[0].toUpperCase()}${k.slice(1)}`] = val;
        // not a reason to stop (the training steps were fine), but a NaN in a log is easy to miss
        if (!Number.isFinite(v.loss)) {
          warnings.push(validationWarning(v.loss, epoch, countNonFinite(validation, batchSize)));
        }
      }
      for (const cb of callbacks) await cb.onEpochEnd(epoch, logs);
      for (const w of warnings) for (const cb of callbacks) await cb.onWarning(w);
    }
  } finally {
    for (const cb of callbacks) await cb.onTrainEnd({});
  }
  return history;
}

/**
 * Mean loss and metrics over a dataset, in evaluation mode and without gradients; see `Module.evaluate`.
 * @example
 * model.compile({ optimizer: opt, loss: "crossEntropy", metrics: [] });
 * Object.keys(evaluateModel(model, test)); // ["loss"]
 */
export function evaluateModel(model: Module, data: FitData | Pair, options: EvaluateOptions = {}): Logs {
  const c = getCompiled(model, "evaluate");
  const batchSize = options.batchSize ?? 32;
  checkCount("evaluate", "batchSize", batchSize, 1);
  const dataset = toDataset(data, "evaluate");
  checkNotEmpty("evaluate", "the data", dataset);
  // after the argument checks, which need no read: a wrong argument is reported as such on every backend
  const backend = model.parameters()[0]?.backend;
  if (backend?.asyncReads) {
    throw new BackendError(
      `evaluate: the ${backend.name} backend cannot be read synchronously; use \`await model.evaluateAsync(...)\``,
    );
  }
  const loader = loaderOf(dataset, batchSize, false);
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
  const logs: Logs = { loss: lossSum / seen };
  for (const m of metrics) logs[m.name] = m.result();
  return logs;
}

/**
 * `evaluate` on every backend, the GPU included: the loss and metrics accumulate on the device and
 * are read once, at the end; see `Module.evaluateAsync`.
 * @example
 * model.compile({ optimizer: opt, loss: "crossEntropy", metrics: [] });
 * Object.keys(await evaluateAsync(model, test)); // ["loss"]
 */
export async function evaluateAsync(
  model: Module,
  data: FitData | Pair,
  options: EvaluateOptions = {},
): Promise<Logs> {
  const c = getCompiled(model, "evaluateAsync");
  const batchSize = options.batchSize ?? 32;
  checkCount("evaluateAsync", "batchSize", batchSize, 1);
  const dataset = toDataset(data, "evaluateAsync");
  checkNotEmpty("evaluateAsync", "the data", dataset);
  const backend = model.parameters()[0]?.backend;
  if (!backend?.asyncReads) return evaluateModel(model, data, options);
  checkDeviceCompiled("evaluateAsync", c, backend.name);
  return evaluateOnDevice(model, c, loaderOf(dataset, batchSize, false));
}

/**
 * Model outputs for every input, batched, in evaluation mode; see `Module.predict`.
 * @example
 * predictModel(model, randn([100, 4]), { batchSize: 32 }).shape; // [100, 3]
 */
export function predictModel(
  model: Module,
  x: Tensor | Dataset<Tensor | Tensor[]>,
  options: EvaluateOptions = {},
): Tensor {
  const batchSize = options.batchSize ?? 32;
  checkCount("predict", "batchSize", batchSize, 1);
  const isTensor = "dataSync" in x;
  if (isTensor && x.rank === 0) {
    throw new ValueError("predict: expected a batch of inputs (N, ...), got a 0-d tensor");
  }
  // an empty dataset has no example to show the output's shape; an empty batch tensor does
  if (!isTensor && x.length === 0) {
    throw new ValueError(
      "predict: the dataset is empty (0 examples), so the output shape is unknown; pass a tensor of " +
        "shape (0, ...) for an empty result",
    );
  }
  const wasTraining = model.training;
  model.eval();
  try {
    return tidy(() =>
      noGrad(() => {
        // an empty batch goes through the model once, which gives the output shape, (0, ...)
        if (isTensor && x.shape[0] === 0) return model.forward(x);
        // each batch in its own scope: its activations go at once, only its output stays until the concat
        const outputs: Tensor[] = [];
        if (isTensor) {
          for (let at = 0; at < x.shape[0]; at += batchSize)
            outputs.push(tidy(() => model.forward(x.slice(0, at, at + batchSize))));
        } else {
          for (const batch of new DataLoader(x, { batchSize })) {
            outputs.push(tidy(() => model.forward(Array.isArray(batch) ? batch[0] : (batch as Tensor))));
          }
        }
        return concat(outputs, 0);
      }),
    );
  } finally {
    model.train(wasTraining);
  }
}
