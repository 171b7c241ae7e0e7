/**
 * Contrastive divergence (Hinton 2002) and persistent contrastive divergence (Tieleman 2008): the
 * training loop of RBMs. No autograd: the gradient of the log-likelihood is ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model
 * in closed form, the model term estimated by k Gibbs steps. Every step runs in a `tidy` scope under
 * `noGrad`, and the model's tensors are updated in place, so a loop of any length stays flat in memory.
 */
import { ArgumentError, ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { type Generator, defaultGenerator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { zerosLike } from "../ops/creation.js";
import { formatLogs } from "../train/callbacks/progress.js";
import { ON_A_HOST_BACKEND, requireSyncReads } from "../core/sync_reads.js";

/**
 * What contrastive divergence needs of a model: an RBM with Bernoulli hidden units (`RBM`,
 * `GaussianRBM`, the DBM's pretraining RBMs).
 * @example
 * const model: CDModel = new unsupervised.RBM(6, 4);
 * model.hiddenProbs(rand([2, 6])).shape; // [2, 4]
 */
export interface CDModel {
  readonly nVisible: number;
  readonly nHidden: number;
  weight: Tensor;
  vbias: Tensor;
  hbias: Tensor;
  hiddenProbs(v: Tensor): Tensor;
  visibleMean(h: Tensor): Tensor;
  sampleHidden(probs: Tensor, generator?: Generator): Tensor;
  sampleVisible(mean: Tensor, generator?: Generator): Tensor;
  initialVisible(n: number, generator: Generator): Tensor;
  freeEnergy(v: Tensor): Tensor;
  reconstructionError(v: Tensor): number;
  pseudoLikelihood(v: Tensor, generator?: Generator): Tensor;
  /** The visible biases a model starts from given the data (log-odds of the marginals, or the mean). */
  visibleBiasFromData(data: Tensor): Tensor;
}

/**
 * A number, or a function giving it: a schedule. The function gets the epoch (0-based) and the
 * progress, the fraction of training done in [0, 1): updates done over updates planned, or the time
 * used over `maxSeconds` when that is larger (so a rate can decay to zero at a wall-clock budget). It
 * is read before every update.
 * @example
 * const momentum: Schedule = (epoch) => (epoch < 5 ? 0.5 : 0.9); // Hinton's 0.5 then 0.9
 * const lr: Schedule = (_epoch, progress) => 0.05 * (1 - progress); // linear decay to 0
 * [momentum(7, 0.5), lr(0, 0.5)]; // [0.9, 0.025]
 */
export type Schedule = number | ((epoch: number, progress: number) => number);

/**
 * The hyper-parameters of one CD step (what `cdStep` takes).
 * @example
 * const step: CDStepOptions = { lr: 0.1, k: 1, momentum: 0.5, weightDecay: 2e-4 };
 * step.k; // 1
 */
export interface CDStepOptions {
  /** Learning rate (default 0.1). */
  lr?: number;
  /** Gibbs steps per update (default 1: CD-1). */
  k?: number;
  /** Keep the negative chains across updates: persistent CD (default false). */
  persistent?: boolean;
  /** Number of persistent chains (default: the batch size of the first step). */
  chains?: number;
  /** Momentum of the parameter velocities (default 0). */
  momentum?: number;
  /** L2 weight decay on the weights (not the biases) (default 0). */
  weightDecay?: number;
  /** Target mean activation of the hidden units; with `sparsityCost` > 0 it pushes them there. */
  sparsityTarget?: number;
  /** Strength of the sparsity penalty (default 0: off). */
  sparsityCost?: number;
  /** Decay of the running mean of hidden activations the sparsity penalty uses (default 0.9). */
  sparsityDecay?: number;
  /** Generator for the Bernoulli draws (default: the library-wide one). */
  generator?: Generator;
}

/**
 * Options of `RBM.fitCD` (and `DBN.pretrain`).
 * @example
 * const rbm = new unsupervised.RBM(6, 4);
 * const options: CDOptions = { epochs: 2, batchSize: 4, lr: 0.1, momentum: (e) => (e < 5 ? 0.5 : 0.9), monitor: "pseudoLikelihood" };
 * rbm.fitCD(bernoulli(0.3, [8, 6]), options).values.length; // 2
 */
export interface CDOptions extends Omit<CDStepOptions, "lr" | "momentum" | "k"> {
  /** Passes over the data (default 10). */
  epochs?: number;
  /** Stop after this many seconds of wall clock, checked before every update (default: no limit). */
  maxSeconds?: number;
  /** Gibbs steps per update, or a schedule (rounded to an integer ≥ 1), e.g. CD-k with k rising (default 1). */
  k?: Schedule;
  /** Examples per update (default 100). */
  batchSize?: number;
  /** Learning rate, or a schedule of the epoch (default 0.1). */
  lr?: Schedule;
  /** Momentum, or a schedule (e.g. 0.5 for 5 epochs, then 0.9, as Hinton's code) (default 0). */
  momentum?: Schedule;
  /** Printed and recorded after each epoch (default "reconstruction"). */
  monitor?: "reconstruction" | "pseudoLikelihood" | "freeEnergy";
  /** Data the monitor is computed on (default: the first 1000 training examples). */
  monitorData?: Tensor;
  /** Start the visible biases from the data's marginals (Hinton's guide) (default false). */
  vbiasFromData?: boolean;
  /** Shuffle the examples each epoch (default true). */
  shuffle?: boolean;
  /** Print one line per epoch (default false). */
  verbose?: boolean;
  /** Put before each printed line, e.g. `Layer 2/3 ` (used by `DBN.pretrain`). */
  label?: string;
  /** Where printed lines go (default console.log). */
  log?: (line: string) => void;
  /** Called after each epoch with the epoch (0-based) and the monitored value. */
  onEpochEnd?: (epoch: number, logs: Record<string, number>) => void;
}

/**
 * What `RBM.fitCD` returns: the monitored value after each epoch.
 * @example
 * const history: CDHistory = new unsupervised.RBM(6, 4).fitCD(bernoulli(0.3, [8, 6]), { epochs: 3, batchSize: 8 });
 * [history.monitor, history.values.length]; // ["reconstruction", 3]
 */
export interface CDHistory {
  monitor: "reconstruction" | "pseudoLikelihood" | "freeEnergy";
  values: number[];
  /** Seconds per epoch (the last one cut short when `maxSeconds` stopped training). */
  seconds: number[];
  /** Parameter updates done. */
  updates: number;
  /** Whether `maxSeconds` stopped training before the planned epochs. */
  timedOut: boolean;
}

/**
 * The state CD keeps between steps: parameter velocities (momentum), the persistent chains and the
 * running mean of hidden activations (sparsity). Its tensors are kept; `dispose()` frees them.
 * @example
 * const rbm = new unsupervised.RBM(6, 4);
 * const state = new unsupervised.CDState(rbm);
 * unsupervised.cdStep(rbm, bernoulli(0.5, [4, 6]), state, { lr: 0.1, persistent: true });
 * state.chain!.shape; // [4, 6]
 * state.dispose();
 */
export class CDState {
  readonly vWeight: Tensor;
  readonly vVbias: Tensor;
  readonly vHbias: Tensor;
  chain: Tensor | null = null;
  meanActivation: Tensor | null = null;

  constructor(model: CDModel) {
    this.vWeight = keep(noGrad(() => zerosLike(model.weight)));
    this.vVbias = keep(noGrad(() => zerosLike(model.vbias)));
    this.vHbias = keep(noGrad(() => zerosLike(model.hbias)));
  }

  dispose(): void {
    for (const t of [this.vWeight, this.vVbias, this.vHbias, this.chain, this.meanActivation]) t?.dispose();
    this.chain = null;
    this.meanActivation = null;
  }
}

/**
 * One CD-k (or PCD-k) update of `model` on the batch `v0` [B, nVisible], in place:
 * ```
 * h0 ~ p(h|v0);  k times: v ~ p(v|h), h ~ p(h|v)   (PCD: start from the kept chains instead of h0)
 * g_W = (p(h|v0)ᵀv0)/B − (p(h|v_k)ᵀv_k)/M − weightDecay·W,   g_b = mean(v0 − v_k),   g_c = mean(p(h|v0) − p(h|v_k))
 * velocity = momentum·velocity + lr·g;   θ = θ + velocity
 * ```
 * The statistics use the visible samples v_k and the hidden probabilities p(h|v_k) (less noise than
 * samples, the same expectation).
 * @example
 * const rbm = new unsupervised.RBM(3, 2);
 * const state = new unsupervised.CDState(rbm);
 * const before = rbm.weight.clone();
 * unsupervised.cdStep(rbm, tensor([[1, 0, 1], [0, 1, 1]]), state, { lr: 0.5, generator: new Generator(1) });
 * rbm.weight.sub(before).abs().sum().item() > 0; // true
 */
export function cdStep(model: CDModel, v0: Tensor, state: CDState, options: CDStepOptions = {}): void {
  const lr = options.lr ?? 0.1;
  const k = options.k ?? 1;
  const momentum = options.momentum ?? 0;
  const weightDecay = options.weightDecay ?? 0;
  const sparsityCost = options.sparsityCost ?? 0;
  const g = options.generator ?? defaultGenerator;
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`cdStep: k must be a positive integer, got ${k}`);
  if (!(lr >= 0)) throw new ValueError(`cdStep: lr must be non-negative, got ${lr}`);
  if (sparsityCost > 0 && options.sparsityTarget === undefined) {
    throw new ArgumentError(
      "cdStep: sparsityCost needs a sparsityTarget (the mean hidden activation wanted)",
    );
  }
  noGrad(() =>
    tidy(() => {
      const b = v0.shape[0];
      const ph0 = model.hiddenProbs(v0);
      let h: Tensor;
      if (options.persistent) {
        if (state.chain === null) {
          const m = options.chains ?? b;
          state.chain = keep(m === b ? v0.clone() : model.initialVisible(m, g));
        }
        h = model.sampleHidden(model.hiddenProbs(state.chain), g);
      } else {
        h = model.sampleHidden(ph0, g);
      }
      let vk = v0;
      let phk = ph0;
      for (let i = 0; i < k; i++) {
        vk = model.sampleVisible(model.visibleMean(h), g);
        phk = model.hiddenProbs(vk);
        if (i < k - 1) h = model.sampleHidden(phk, g);
      }
      const m = vk.shape[0];
      const pos = ph0.transpose(0, 1).matmul(v0).div(b);
      const neg = phk.transpose(0, 1).matmul(vk).div(m);
      let gW = pos.sub(neg);
      if (weightDecay !== 0) gW = gW.sub(model.weight.mul(weightDecay));
      const v0Mean = v0.mean(0);
      const gVb = v0Mean.sub(vk.mean(0));
      const ph0Mean = ph0.mean(0);
      let gHb = ph0Mean.sub(phk.mean(0));
      if (sparsityCost > 0) {
        const decay = options.sparsityDecay ?? 0.9;
        const q =
          state.meanActivation === null
            ? ph0Mean
            : state.meanActivation.mul(decay).add(ph0Mean.mul(1 - decay));
        if (state.meanActivation === null) state.meanActivation = keep(q.clone());
        else state.meanActivation.assign(q);
        // cross-entropy between target and running mean; its gradient on a unit's input is (target − q)
        const push = q
          .neg()
          .add(options.sparsityTarget as number)
          .mul(sparsityCost);
        gHb = gHb.add(push);
        gW = gW.add(push.reshape([model.nHidden, 1]).mul(v0Mean.reshape([1, model.nVisible])));
      }
      for (const [p, vel, grad] of [
        [model.weight, state.vWeight, gW],
        [model.vbias, state.vVbias, gVb],
        [model.hbias, state.vHbias, gHb],
      ] as const) {
        vel.assign(momentum === 0 ? grad.mul(lr) : vel.mul(momentum).add(grad.mul(lr)));
        p.assign(p.add(vel));
      }
      if (options.persistent && state.chain) state.chain.assign(vk);
    }),
  );
}

function scheduled(name: string, s: Schedule, epoch: number, progress: number): number {
  const v = typeof s === "function" ? s(epoch, progress) : s;
  if (!Number.isFinite(v))
    throw new ValueError(`RBM.fitCD: ${name} at epoch ${epoch} is ${v}, expected a finite number`);
  return v;
}

function monitorValue(model: CDModel, monitor: CDHistory["monitor"], x: Tensor, g: Generator): number {
  if (monitor === "reconstruction") return model.reconstructionError(x);
  return noGrad(() =>
    tidy(() => (monitor === "freeEnergy" ? model.freeEnergy(x) : model.pseudoLikelihood(x, g)).mean().item()),
  );
}

/**
 * The loop behind `RBM.fitCD`: shuffled mini-batches, one `cdStep` each, the monitor after each epoch.
 * @example
 * const rbm = new unsupervised.RBM(6, 4);
 * unsupervised.trainCD(rbm, bernoulli(0.5, [20, 6]), { epochs: 2, batchSize: 5, k: 2 }).values.length; // 2
 */
export function trainCD(model: CDModel, data: Tensor, options: CDOptions = {}): CDHistory {
  requireSyncReads(
    "trainCD",
    data,
    "reads its monitor (reconstruction error or free energy) every epoch",
    ON_A_HOST_BACKEND,
  );
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 100;
  const monitor = options.monitor ?? "reconstruction";
  const g = options.generator ?? defaultGenerator;
  const log = options.log ?? ((line: string) => console.log(line));
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ValueError(`RBM.fitCD: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError(`RBM.fitCD: batchSize must be a positive integer, got ${batchSize}`);
  const maxSeconds = options.maxSeconds ?? Number.POSITIVE_INFINITY;
  if (!(maxSeconds > 0))
    throw new ValueError(`RBM.fitCD: maxSeconds must be a positive number, got ${options.maxSeconds}`);
  if (!["reconstruction", "pseudoLikelihood", "freeEnergy"].includes(monitor)) {
    throw new ValueError(
      `RBM.fitCD: monitor must be "reconstruction", "pseudoLikelihood" or "freeEnergy", got ${JSON.stringify(monitor)}`,
    );
  }
  const n = data.shape[0];
  if (options.vbiasFromData) {
    noGrad(() => tidy(() => model.vbias.assign(model.visibleBiasFromData(data).cast(model.vbias.dtype))));
  }
  const monitorData = options.monitorData ?? (n > 1000 ? data.slice(0, 0, 1000) : data);
  const state = new CDState(model);
  const history: CDHistory = { monitor, values: [], seconds: [], updates: 0, timedOut: false };
  const perEpoch = Math.ceil(n / batchSize);
  const planned = epochs * perEpoch;
  const began = performance.now();
  try {
    for (let epoch = 0; epoch < epochs && !history.timedOut; epoch++) {
      const start = performance.now();
      const order = options.shuffle === false ? null : g.permutation(n);
      for (let from = 0; from < n; from += batchSize) {
        const elapsed = (performance.now() - began) / 1000;
        if (elapsed >= maxSeconds) {
          history.timedOut = true;
          break;
        }
        const progress = Math.max(history.updates / planned, elapsed / maxSeconds);
        const lr = scheduled("lr", options.lr ?? 0.1, epoch, progress);
        const momentum = scheduled("momentum", options.momentum ?? 0, epoch, progress);
        const k = Math.max(1, Math.round(scheduled("k", options.k ?? 1, epoch, progress)));
        const to = Math.min(n, from + batchSize);
        tidy(() => {
          const batch = order ? data.indexSelect(0, order.subarray(from, to)) : data.slice(0, from, to);
          cdStep(model, batch, state, { ...options, lr, momentum, k, generator: g });
        });
        history.updates++;
      }
      const value = monitorValue(model, monitor, monitorData, g);
      const seconds = (performance.now() - start) / 1000;
      history.values.push(value);
      history.seconds.push(seconds);
      const logs = { [monitor]: value };
      options.onEpochEnd?.(epoch, logs);
      if (options.verbose) {
        log(
          `${options.label ?? ""}Epoch ${epoch + 1}/${epochs} - ${seconds.toFixed(1)}s - ${formatLogs(logs)}` +
            (history.timedOut
              ? ` - stopped at the ${maxSeconds} s budget after ${history.updates} updates`
              : ""),
        );
      }
    }
  } finally {
    state.dispose();
    if (monitorData !== data && monitorData !== options.monitorData) monitorData.dispose();
  }
  return history;
}
