import type { Tensor } from "../../core/tensor.js";
import { Module } from "../module.js";

/**
 * Returns its input unchanged: a placeholder where a layer is optional.
 * @example const act = useActivation ? new ReLU() : new Identity();
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
