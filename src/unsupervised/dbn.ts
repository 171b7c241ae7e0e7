import { ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import type { Generator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { Sigmoid } from "../nn/layers/activation.js";
import { Linear } from "../nn/layers/linear.js";
import { Module } from "../nn/module.js";
import { Sequential } from "../nn/sequential.js";
import { concat } from "../ops/movement.js";
import { Autoencoder } from "./autoencoder.js";
import type { CDHistory, CDOptions } from "./cd.js";
import { GaussianRBM } from "./gaussian_rbm.js";
import { RBM, type RBMOptions, type SampleOptions } from "./rbm.js";

/**
 * Options of `DBN`.
 * @example
 * const options: DBNOptions = { gaussianVisible: true, dtype: "float32" };
 * new unsupervised.DBN([4, 3, 2], options).rbms[0].constructor.name; // "GaussianRBM"
 */
export interface DBNOptions extends RBMOptions {
  /** The bottom RBM has Gaussian visible units (real-valued, standardised data) (default false). */
  gaussianVisible?: boolean;
}

/**
 * Options of `DBN.toClassifier`.
 * @example
 * const options: ClassifierOptions = { generator: new Generator(0) };
 * new unsupervised.DBN([6, 4]).toClassifier(3, options).forward(rand([2, 6])).shape; // [2, 3]
 */
export interface ClassifierOptions {
  /** Generator for the head's initial weights (default: the library-wide one). */
  generator?: Generator;
}

function linearFrom(weight: Tensor, bias: Tensor): Linear {
  const [out, inp] = weight.shape;
  const layer = new Linear(inp, out, { dtype: weight.dtype });
  // copies: `assign` shares a contiguous buffer, and fine-tuning must leave the RBMs as they were
  noGrad(() => {
    layer.weight.assign(weight.clone());
    (layer.bias as Tensor).assign(bias.clone());
  });
  return layer;
}

/**
 * A deep belief net (Hinton, Osindero & Teh 2006): a stack of RBMs of the given layer sizes
 * (`[784, 500, 500, 2000]` is three RBMs), pretrained greedily one layer at a time (`pretrain`), each on
 * the hidden probabilities of the one below. Then either unrolled into a deep autoencoder
 * (`toAutoencoder`) or topped by a softmax layer (`toClassifier`) and fine-tuned by backprop: both are
 * ordinary modules (Linear + Sigmoid), so `compile`/`fit`, save/load and every backend work.
 * @example
 * const dbn = new unsupervised.DBN([6, 4, 3], { generator: new Generator(0) });
 * dbn.pretrain(bernoulli(0.5, [20, 6]), { epochs: 2, batchSize: 10 }).length; // 2: one history per layer
 * dbn.forward(rand([5, 6])).shape; // [5, 3]
 * dbn.toAutoencoder().forward(rand([5, 6])).shape; // [5, 6]
 * dbn.sample(2, { steps: 10 }).shape; // [2, 6]
 */
export class DBN extends Module {
  readonly rbms: RBM[];

  constructor(
    readonly sizes: readonly number[],
    options: DBNOptions = {},
  ) {
    super();
    if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
      throw new ValueError(`DBN: sizes must be at least two positive integers, got [${sizes.join(", ")}]`);
    }
    this.rbms = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const Kind = i === 0 && options.gaussianVisible ? GaussianRBM : RBM;
      this.rbms.push(new Kind(sizes[i], sizes[i + 1], options));
    }
  }

  /** The top layer's hidden probabilities (a deterministic pass up the stack). */
  forward(v: Tensor): Tensor {
    return this.transform(v);
  }

  /** Hidden probabilities after the first `layers` RBMs (default: all of them). */
  transform(v: Tensor, layers = this.rbms.length): Tensor {
    return noGrad(() =>
      tidy(() => {
        let x = v;
        for (let i = 0; i < layers; i++) x = this.rbms[i].hiddenProbs(x);
        return x;
      }),
    );
  }

  /**
   * Samples from the DBN as a generative model: `steps` of Gibbs sampling in the top RBM (started from
   * `init` [n, sizes[0]] passed up the stack, or from noise), then one pass down through the lower
   * RBMs' p(v | h). Returns the bottom layer's means.
   */
  sample(n: number, options: SampleOptions = {}): Tensor {
    const top = this.rbms[this.rbms.length - 1];
    return noGrad(() =>
      tidy(() => {
        const init = options.init ? this.transform(options.init, this.rbms.length - 1) : undefined;
        let x = top.sample(n, { ...options, init });
        for (let i = this.rbms.length - 2; i >= 0; i--) x = this.rbms[i].visibleMean(x);
        return x;
      }),
    );
  }

  /**
   * Greedy layer-wise pretraining: RBM 1 by CD on `data`, RBM 2 on RBM 1's hidden probabilities of
   * `data`, and so on. `options` apply to every layer, or give one object per layer. With `verbose`,
   * prints `Layer i/L Epoch e/E - time - reconstruction: …` after each epoch.
   */
  pretrain(data: Tensor, options: CDOptions | readonly CDOptions[] = {}): CDHistory[] {
    const histories: CDHistory[] = [];
    let x = data;
    const count = this.rbms.length;
    try {
      for (let i = 0; i < count; i++) {
        const o = Array.isArray(options) ? (options[i] ?? {}) : (options as CDOptions);
        histories.push(this.rbms[i].fitCD(x, { ...o, label: `${o.label ?? ""}Layer ${i + 1}/${count} ` }));
        if (i + 1 < count) {
          const next = keep(hiddenInChunks(this.rbms[i], x));
          if (x !== data) x.dispose();
          x = next;
        }
      }
    } finally {
      if (x !== data) x.dispose();
    }
    return histories;
  }

  /**
   * The stack unrolled into a deep autoencoder (Hinton & Salakhutdinov 2006): encoder Linear+Sigmoid
   * layers with the RBMs' weights and hidden biases, decoder layers with the transposed weights and
   * visible biases, in reverse. Fine-tune it with `fit(x, x)`. With `linearCode`, the code layer has no
   * sigmoid (the paper's 30-unit linear code layer).
   */
  toAutoencoder(options: { linearCode?: boolean } = {}): Autoencoder {
    const enc: Module[] = [];
    this.rbms.forEach((r, i) => {
      enc.push(linearFrom(r.weight, r.hbias));
      if (!(options.linearCode && i === this.rbms.length - 1)) enc.push(new Sigmoid());
    });
    const dec: Module[] = [];
    for (let i = this.rbms.length - 1; i >= 0; i--) {
      const r = this.rbms[i];
      dec.push(
        linearFrom(
          noGrad(() => r.weight.transpose(0, 1).contiguous()),
          r.vbias,
        ),
      );
      if (!(i === 0 && r instanceof GaussianRBM)) dec.push(new Sigmoid());
    }
    return new Autoencoder(new Sequential(...enc), new Sequential(...dec));
  }

  /**
   * A classifier: the stack's Linear+Sigmoid layers with the pretrained weights, then a new
   * Linear(top, numClasses) head giving logits (softmax is in the `crossEntropy` loss, as PyTorch).
   */
  toClassifier(numClasses: number, options: ClassifierOptions = {}): Sequential {
    if (!Number.isInteger(numClasses) || numClasses < 2) {
      throw new ValueError(`DBN.toClassifier: numClasses must be an integer ≥ 2, got ${numClasses}`);
    }
    const layers: Module[] = [];
    for (const r of this.rbms) layers.push(linearFrom(r.weight, r.hbias), new Sigmoid());
    const top = this.rbms[this.rbms.length - 1];
    layers.push(
      new Linear(top.nHidden, numClasses, { dtype: top.weight.dtype, generator: options.generator }),
    );
    return new Sequential(...layers);
  }

  override describe(): string {
    return `DBN(${this.sizes.join("-")})`;
  }
}

/**
 * p(h|x) for the whole of x, in chunks of 1000 rows so no giant temporary is made.
 * @example
 * unsupervised.hiddenInChunks(new unsupervised.RBM(6, 4), rand([2500, 6])).shape; // [2500, 4]
 */
export function hiddenInChunks(rbm: RBM, x: Tensor): Tensor {
  return noGrad(() =>
    tidy(() => {
      const parts: Tensor[] = [];
      for (let from = 0; from < x.shape[0]; from += 1000) {
        parts.push(rbm.hiddenProbs(x.slice(0, from, Math.min(x.shape[0], from + 1000))));
      }
      return parts.length === 1 ? parts[0] : concat(parts, 0);
    }),
  );
}
