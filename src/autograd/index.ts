/**
 * `autograd`: custom differentiable functions (PyTorch's `torch.autograd.Function`) and `gradcheck`.
 * @example
 * const x = tensor([3], { dtype: "float64", requiresGrad: true });
 * const Square = autograd.defineFunction({
 *   forward(ctx, x: Tensor) {
 *     ctx.saveForBackward(x);
 *     return x.square();
 *   },
 *   backward: (ctx, g: Tensor) => [g.mul(ctx.savedTensors[0]).mul(2)],
 * });
 * autograd.gradcheck(Square, [x]).ok; // true
 */
export { defineFunction, FunctionContext, type FunctionDefinition } from "./function.js";
export { gradcheck, type GradcheckOptions, type GradcheckResult } from "./gradcheck.js";
