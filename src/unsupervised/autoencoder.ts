import type { Tensor } from "../core/tensor.js";
import { Module } from "../nn/module.js";

/**
 * An autoencoder: an encoder module to codes and a decoder module back, trained like any model
 * (`compile` with an MSE or BCE loss, `fit(x, x)`). (Placeholder of the wt-rbm branch; the linalg/PCA
 * branch owns this file.)
 * @example
 * const ae = new unsupervised.Autoencoder(
 *   new nn.Sequential(new nn.Linear(8, 2), new nn.Sigmoid()),
 *   new nn.Sequential(new nn.Linear(2, 8), new nn.Sigmoid()),
 * );
 * ae.encode(rand([3, 8])).shape; // [3, 2]
 * ae.forward(rand([3, 8])).shape; // [3, 8]
 */
export class Autoencoder extends Module {
  constructor(
    readonly encoder: Module,
    readonly decoder: Module,
  ) {
    super();
  }

  encode(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }

  decode(z: Tensor): Tensor {
    return this.decoder.forward(z);
  }

  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }
}
