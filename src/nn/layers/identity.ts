import type { Tensor } from "../../core/tensor.js";
import { Module } from "../module.js";

/**
 * Returns its input unchanged: a placeholder where a layer is optional.
 * @example
 * const useActivation = false;
 * const act = useActivation ? new nn.ReLU() : new nn.Identity();
 * act.forward(tensor([-1, 2])).toArray(); // [-1, 2]
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
