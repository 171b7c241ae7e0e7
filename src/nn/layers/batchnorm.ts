import type { DType } from "../../base/dtype.js";
import { ValueError } from "../../base/errors.js";
import { noGrad } from "../../core/grad_mode.js";
import { tidy } from "../../core/memory.js";
import type { Tensor } from "../../core/tensor.js";
import { full, zeros } from "../../ops/creation.js";
import { batchNormUpdating } from "../../ops/normalization.js";
import { Module, expectInput } from "../module.js";
import { buffer, parameter } from "../parameter.js";

/**
 * Options of `BatchNorm1d` / `BatchNorm2d`.
 * @example
 * const options: BatchNormOptions = { momentum: 0.01, eps: 1e-3 };
 * new nn.BatchNorm2d(64, options).momentum; // 0.01
 */
export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /**
   * Weight of each new batch in the running statistics (default 0.1); null averages all batches
   * seen so far equally (a cumulative moving average), as PyTorch's `momentum=None`.
   */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` (ones) and shift `bias` (zeros) (default true). */
  affine?: boolean;
  /**
   * Keep running statistics for evaluation (default true); without them the layer always normalises
   * with the batch's own statistics.
   */
  trackRunningStats?: boolean;
  /** float32 (default) or float64. */
  dtype?: DType;
}

/**
 * Batch normalization's state and behaviour, shared by the 1-D and 2-D layers: `weight`, `bias`
 * (parameters) and `running_mean`, `running_var`, `num_batches_tracked` (buffers, saved with the
 * model). The buffers keep PyTorch's names, so a state dict exchanges with `torch.nn.BatchNorm2d`
 * through safetensors; `runningMean`, `runningVar` and `numBatchesTracked` are the same tensors under
 * camelCase names. A training batch whose statistics are NaN or infinite is not taken into the
 * running statistics (nor counted); the first one is reported with `console.warn`.
 * @example
 * Object.keys(new nn.BatchNorm2d(4).stateDict()) // ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
 */
abstract class BatchNormBase extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  /** Training batches taken into the running statistics (int32; PyTorch's int64 loads into it). */
  num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  private warnedNonFinite = false;

  constructor(
    protected readonly kind: string,
    readonly numFeatures: number,
    options: BatchNormOptions,
  ) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new ValueError(`${kind}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError(`${kind}: momentum must be in [0, 1] or null, got ${this.momentum}`);
    }
    const dtype = options.dtype ?? "float32";
    const affine = options.affine ?? true;
    this.weight = affine ? parameter(full([numFeatures], 1, { dtype })) : null;
    this.bias = affine ? parameter(zeros([numFeatures], { dtype })) : null;
    const track = options.trackRunningStats ?? true;
    this.running_mean = track ? buffer(zeros([numFeatures], { dtype })) : null;
    this.running_var = track ? buffer(full([numFeatures], 1, { dtype })) : null;
    this.num_batches_tracked = track ? buffer(zeros([], { dtype: "int32" })) : null;
  }

  /** `running_mean` under its camelCase name (the same tensor). */
  get runningMean(): Tensor | null {
    return this.running_mean;
  }
  /** `running_var` under its camelCase name (the same tensor). */
  get runningVar(): Tensor | null {
    return this.running_var;
  }
  /** `num_batches_tracked` under its camelCase name (the same tensor). */
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const counter = this.training ? this.num_batches_tracked : null;
    // momentum null: the cumulative average weighs this batch by 1 / (batches so far, this one included);
    // a GPU cannot read the count synchronously, so there the factor stays on the device
    const factor =
      this.momentum ??
      (counter ? (counter.backend.asyncReads ? counter.add(1).reciprocal() : 1 / (counter.item() + 1)) : 0);
    // in training, or without running statistics, normalise with the batch's own statistics
    const useBatch = this.training || this.running_mean === null;
    const { y, updated } = batchNormUpdating(x, this.running_mean, this.running_var, {
      weight: this.weight,
      bias: this.bias,
      training: useBatch,
      momentum: factor,
      eps: this.eps,
    });
    if (typeof factor !== "number") factor.dispose();
    if (counter) {
      if (updated) tidy(() => noGrad(() => counter.assign(counter.add(1))));
      else if (!this.warnedNonFinite) {
        // once per layer: a hand-written loop that keeps feeding such batches would print it every step
        this.warnedNonFinite = true;
        console.warn(
          `${this.describe()}: a training batch has a NaN or infinite mean or variance; the running ` +
            "statistics were left as they were (so are those of later such batches, without a warning)",
        );
      }
    }
    return y;
  }

  /** Resets the running statistics to mean 0, variance 1 and no batches seen. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.assign(zeros(this.running_mean.shape, { dtype: this.running_mean.dtype }));
      this.running_var?.assign(full(this.running_var.shape, 1, { dtype: this.running_var.dtype }));
      this.num_batches_tracked?.assign(zeros([], { dtype: "int32" }));
    });
  }

  override describe(): string {
    const extra = [
      this.eps !== 1e-5 ? `eps=${this.eps}` : "",
      this.momentum !== 0.1 ? `momentum=${this.momentum}` : "",
      this.weight ? "" : "affine=false",
      this.running_mean ? "" : "trackRunningStats=false",
    ].filter(Boolean);
    return `${this.kind}(${[this.numFeatures, ...extra].join(", ")})`;
  }
}

/**
 * Batch normalization over (N, C) or (N, C, L) inputs, as `torch.nn.BatchNorm1d`: in training each
 * channel is normalised with the batch's mean and (biased) variance and the running statistics move
 * towards them by `momentum` (with the unbiased variance); in evaluation (`model.eval()`) the running
 * statistics are used. `weight` and `bias` are learned per channel; the state dict's keys are
 * PyTorch's (`weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`).
 * @example
 * const model = new nn.Sequential(new nn.Linear(784, 256), new nn.BatchNorm1d(256), new nn.ReLU(), new nn.Linear(256, 10));
 * const bn = new nn.BatchNorm1d(3);
 * const y = bn.forward(tensor([[1, 2, 3], [3, 6, 9]])); // training mode: the batch's statistics
 * y.toArray(); // [[-1, -1, -1], [1, 1, 1]]
 * bn.running_mean.toArray(); // [0.2, 0.4, 0.6]: moved 10% of the way to the batch's mean [2, 4, 6]
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super("BatchNorm1d", numFeatures, options);
  }
  protected checkInput(x: Tensor): void {
    const c = this.numFeatures;
    expectInput(
      this.describe(),
      x,
      `(N, ${c}) or (N, ${c}, L)`,
      (x.rank === 2 || x.rank === 3) && x.shape[1] === c,
    );
  }
}

/**
 * Batch normalization over channels-first images (N, C, H, W), as `torch.nn.BatchNorm2d`: statistics
 * per channel over the batch and all positions; running statistics (`running_mean`, `running_var`,
 * `num_batches_tracked`, PyTorch's names; also readable as `runningMean`, ...) are buffers, saved with
 * the model and used in evaluation mode.
 * @example
 * const block = new nn.Sequential(new nn.Conv2d(3, 16, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(16), new nn.ReLU());
 * block.forward(randn([2, 3, 8, 8])).shape; // [2, 16, 8, 8]
 * block.eval(); // the running statistics from now on
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super("BatchNorm2d", numFeatures, options);
  }
  protected checkInput(x: Tensor): void {
    const c = this.numFeatures;
    expectInput(this.describe(), x, `(N, ${c}, H, W)`, x.rank === 4 && x.shape[1] === c);
  }
}
