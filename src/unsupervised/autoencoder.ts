/**
 * Autoencoders: an encoder and a decoder as one Module, and a builder of deep (stacked) autoencoders
 * with a mirrored decoder, optionally with tied weights (Hinton & Salakhutdinov 2006).
 */
import { ArgumentError, ValueError } from "../base/errors.js";
import type { DType } from "../base/dtype.js";
import type { Tensor } from "../core/tensor.js";
import * as nn from "../nn/index.js";
import { parameter } from "../nn/parameter.js";

/**
 * An encoder and a decoder trained together to reproduce their input: `forward(x) = decode(encode(x))`.
 * Any modules fit (MLPs, convolutional stacks); it is an ordinary Module, so `compile`/`fit` (with the
 * input as its own target), `stateDict` and `io.saveModel` work as for any model. State-dict names are
 * `encoder.*` and `decoder.*`.
 * @example
 * const ae = new Autoencoder(
 *   new nn.Sequential(new nn.Linear(8, 2), new nn.Tanh()),
 *   new nn.Sequential(new nn.Linear(2, 8)),
 * );
 * const x = randn([16, 8]);
 * ae.encode(x).shape; // [16, 2]
 * ae.forward(x).shape; // [16, 8]
 * ae.compile({ optimizer: new optim.Adam(ae.parameters(), { lr: 0.01 }), loss: "mse" });
 * const history = await ae.fit([x, x], { epochs: 2, verbose: 0 });
 */
export class Autoencoder extends nn.Module {
  constructor(
    readonly encoder: nn.Module,
    readonly decoder: nn.Module,
  ) {
    super();
  }
  /** The code of `x`. */
  encode(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }
  /** The reconstruction from a code. */
  decode(z: Tensor): Tensor {
    return this.decoder.forward(z);
  }
  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }
}

/**
 * A decoder layer that uses the transpose of an encoder layer's weight and a bias of its own:
 * y = x W + b for the encoder's W of shape [out, in], so it maps out → in. Only the bias is its own
 * parameter (state-dict key `bias`), so the shared weight appears once in a state dict, under the
 * encoder's name.
 * @example
 * const enc = new nn.Linear(4, 2);
 * const dec = new TiedLinear(enc);
 * dec.forward(randn([3, 2])).shape; // [3, 4]
 * Object.keys(dec.stateDict()); // ["bias"]
 */
export class TiedLinear extends nn.Module {
  readonly #source: nn.Linear;
  bias: Tensor;
  constructor(source: nn.Linear) {
    super();
    this.#source = source;
    // as PyTorch's Linear initialises a bias of this fan-in
    const bound = 1 / Math.sqrt(source.outFeatures);
    const dtype = source.weight.dtype as DType;
    this.bias = parameter(nn.init.uniform([source.inFeatures], { low: -bound, high: bound, dtype }));
  }
  /** The encoder layer whose weight this layer uses transposed. */
  get source(): nn.Linear {
    return this.#source;
  }
  forward(x: Tensor): Tensor {
    return x.matmul(this.#source.weight).add(this.bias);
  }
  override describe(): string {
    return `TiedLinear(${this.#source.outFeatures} → ${this.#source.inFeatures}, weight tied)`;
  }
}

/**
 * Activation names `deepAutoencoder` takes ("linear": none).
 * @example
 * const a: ActivationName = "relu";
 */
export type ActivationName = "sigmoid" | "relu" | "tanh" | "linear" | "gelu" | "elu" | "leakyRelu" | "silu";

/**
 * Options of `deepAutoencoder`.
 * @example
 * const options: DeepAutoencoderOptions = { activation: "relu", outputActivation: "linear", tiedWeights: true };
 * deepAutoencoder([20, 10, 3], options).decoder.forward(randn([1, 3])).shape; // [1, 20]
 */
export interface DeepAutoencoderOptions {
  /** Hidden layers' activation (default "sigmoid", the logistic units of the paper). */
  activation?: ActivationName;
  /** The code layer's activation (default "linear"). */
  codeActivation?: ActivationName;
  /** The reconstruction's activation (default "sigmoid", for inputs in [0, 1]). */
  outputActivation?: ActivationName;
  /** Decoder layers use the transposed encoder weights, with biases of their own (default false). */
  tiedWeights?: boolean;
  /** float32 (default) or float64. */
  dtype?: DType;
}

const ACTIVATIONS: Record<ActivationName, (() => nn.Module) | null> = {
  sigmoid: () => new nn.Sigmoid(),
  relu: () => new nn.ReLU(),
  tanh: () => new nn.Tanh(),
  gelu: () => new nn.GELU(),
  elu: () => new nn.ELU(),
  leakyRelu: () => new nn.LeakyReLU(),
  silu: () => new nn.SiLU(),
  linear: null,
};

function activationOf(option: string, name: unknown): (() => nn.Module) | null {
  if (typeof name !== "string" || !(name in ACTIVATIONS)) {
    throw new ArgumentError(
      `deepAutoencoder: ${option} must be one of ${Object.keys(ACTIVATIONS).join(", ")}, got ${String(name)}`,
    );
  }
  return ACTIVATIONS[name as ActivationName];
}

/**
 * A deep autoencoder from layer sizes: `[784, 1000, 500, 250, 30]` builds the encoder
 * 784→1000→500→250→30 and the mirrored decoder 30→250→500→1000→784, both `nn.Sequential` of
 * `Linear` layers and activations (hidden layers `activation`, the code `codeActivation`, the
 * reconstruction `outputActivation`). With `tiedWeights` the decoder's layers are `TiedLinear`: the
 * transposed encoder weights and biases of their own. State-dict names: `encoder.0.weight`,
 * `encoder.0.bias`, ..., `decoder.0.weight` (or only `decoder.0.bias` when tied), ...
 * @example
 * const ae = deepAutoencoder([784, 100, 30]);
 * ae.encode(randn([2, 784])).shape; // [2, 30]
 * (ae.encoder as nn.Sequential).layers.length; // 3: Linear, Sigmoid, Linear (a linear code)
 * Object.keys(deepAutoencoder([6, 4, 2], { tiedWeights: true }).stateDict()).length; // 6
 */
export function deepAutoencoder(sizes: number[], options: DeepAutoencoderOptions = {}): Autoencoder {
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new ValueError(
      `deepAutoencoder: sizes must be at least two positive integers (input, ..., code), got ${JSON.stringify(sizes)}`,
    );
  }
  const hidden = activationOf("activation", options.activation ?? "sigmoid");
  const code = activationOf("codeActivation", options.codeActivation ?? "linear");
  const output = activationOf("outputActivation", options.outputActivation ?? "sigmoid");
  const dtype = options.dtype;
  const encoderLinears: nn.Linear[] = [];
  const encoder = new nn.Sequential();
  for (let i = 0; i + 1 < sizes.length; i++) {
    const layer = new nn.Linear(sizes[i], sizes[i + 1], { dtype });
    encoderLinears.push(layer);
    encoder.add(layer);
    const act = i + 2 === sizes.length ? code : hidden;
    if (act) encoder.add(act());
  }
  const decoder = new nn.Sequential();
  for (let i = sizes.length - 1; i > 0; i--) {
    decoder.add(
      options.tiedWeights
        ? new TiedLinear(encoderLinears[i - 1])
        : new nn.Linear(sizes[i], sizes[i - 1], { dtype }),
    );
    const act = i === 1 ? output : hidden;
    if (act) decoder.add(act());
  }
  return new Autoencoder(encoder, decoder);
}
