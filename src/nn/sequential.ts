import type { Tensor } from "../core/tensor.js";
import { Module } from "./module.js";
import { Linear } from "./layers/linear.js";
import { ReLU } from "./layers/activation.js";

/** Whether `m` is an instance of `cls` whose forward is `cls`'s own (not a subclass that changes it). */
function isPlain(m: Module, cls: typeof Linear | typeof ReLU): boolean {
  return m instanceof cls && m.forward === cls.prototype.forward;
}

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
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      // a Linear followed by a ReLU runs as one fused op where the backend has one (the same values)
      if (i + 1 < layers.length && isPlain(layer, Linear) && isPlain(layers[i + 1], ReLU)) {
        y = (layer as Linear)._forwardRelu(y);
        i++;
      } else y = layer.forward(y);
    }
    return y;
  }

  /** Appends a module. */
  add(layer: Module): this {
    this.layers.push(layer);
    return this;
  }
}
