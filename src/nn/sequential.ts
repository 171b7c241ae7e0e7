import type { Tensor } from "../core/tensor.js";
import { Module } from "./module.js";

/**
 * Runs modules one after another; parameters are named by position (`0.weight`, `2.bias`, ...), as
 * in PyTorch, so weights exchange with `torch.nn.Sequential`.
 * @example
 * const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * model.forward(randn([32, 784])).shape; // [32, 10]
 * Object.keys(model.stateDict()); // ["0.weight", "0.bias", "2.weight", "2.bias"]
 */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }

  override *namedChildren(): Generator<[string, Module]> {
    for (let i = 0; i < this.layers.length; i++) yield [String(i), this.layers[i]];
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.layers) y = layer.forward(y);
    return y;
  }

  /** Appends a module. */
  add(layer: Module): this {
    this.layers.push(layer);
    return this;
  }
}
