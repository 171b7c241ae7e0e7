import { ArgumentError, ShapeError, fmtShape } from "../base/errors.js";
import { derive } from "../core/dispatch.js";
import { isGradEnabled, noGrad } from "../core/grad_mode.js";
import { tidy } from "../core/memory.js";
import { type CustomGrad, Tensor } from "../core/tensor.js";

/**
 * What `forward` and `backward` of a custom function share (PyTorch's `ctx`): tensors saved for
 * backward, which inputs need a gradient, and any other value `forward` stores on it (`ctx.upper = true`).
 * @example
 * const Scale = defineFunction({
 *   forward(ctx: FunctionContext, x: Tensor, k: number) {
 *     ctx.k = k;
 *     return x.mul(k);
 *   },
 *   backward: (ctx: FunctionContext, g: Tensor) => [g.mul(ctx.k), null],
 * });
 * const x = tensor([1, 2], { requiresGrad: true });
 * Scale(x, 3).sum().backward();
 * x.grad!.toArray(); // [3, 3]
 */
export class FunctionContext {
  [key: string]: any;
  private saved: Tensor[] = [];
  /** For each argument of `forward`: whether its gradient is wanted (false for non-tensors). */
  needsInputGrad: boolean[] = [];

  /** Keeps tensors (inputs, outputs or intermediates) for `backward`, as PyTorch's `save_for_backward`. */
  saveForBackward(...tensors: Tensor[]): void {
    this.saved = tensors;
  }
  /** The tensors given to `saveForBackward`, in order. */
  get savedTensors(): readonly Tensor[] {
    return this.saved;
  }
}

/**
 * A differentiable function with a hand-written backward (PyTorch's `torch.autograd.Function`).
 * `forward` runs with gradient recording off, in a `tidy` scope (what it neither returns nor saves is
 * released), and may compute its result any way it likes (on the host, with a library); `backward` gets one gradient per output (zeros for an output nothing used) and returns
 * one gradient per argument of `forward` (null for non-tensors or where none is needed), written with
 * ops, so that `backward({ createGraph: true })` can differentiate it again.
 * @example
 * const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
 * const cube: FunctionDefinition = {
 *   forward(ctx, x: Tensor) {
 *     ctx.saveForBackward(x);
 *     return x.pow(3);
 *   },
 *   backward(ctx, g: Tensor) {
 *     const [x] = ctx.savedTensors;
 *     return [g.mul(x.square()).mul(3)];
 *   },
 * };
 * gradcheck(defineFunction(cube), [x]).ok; // true
 */
export interface FunctionDefinition<Out extends Tensor | Tensor[] = any, Args extends unknown[] = any[]> {
  /** Names the function in errors and in `gradFn.custom.fn.name`. */
  name?: string;
  forward(ctx: FunctionContext, ...args: Args): Out;
  backward(ctx: FunctionContext, ...gradOutputs: Tensor[]): Tensor | null | (Tensor | null)[];
}

/**
 * Makes a differentiable function from a forward and a backward (see `FunctionDefinition`); call the
 * result as you would call `MyFunction.apply(...)` in PyTorch. Tensor arguments that require grad
 * make every output require grad; the nodes of all outputs share one backward, called once per
 * `backward()` with the gradients of all of them. Once a backward consumes the graph the engine drops
 * the node's backward, and with it `ctx` and the saved tensors.
 * @example
 * const SquareAndCube = defineFunction({
 *   name: "squareAndCube",
 *   forward(ctx, x: Tensor) {
 *     ctx.saveForBackward(x);
 *     return [x.square(), x.pow(3)];
 *   },
 *   backward(ctx, gSquare: Tensor, gCube: Tensor) {
 *     const [x] = ctx.savedTensors;
 *     return [gSquare.mul(x).mul(2).add(gCube.mul(x.square()).mul(3))];
 *   },
 * });
 * const x = tensor([2], { requiresGrad: true });
 * const [s, c] = SquareAndCube(x);
 * s.add(c).sum().backward();
 * x.grad!.toArray(); // [16]
 */
export function defineFunction<Out extends Tensor | Tensor[], Args extends unknown[]>(
  def: FunctionDefinition<Out, Args>,
): (...args: Args) => Out {
  const name = def.name ?? "custom";
  return (...args: Args): Out => {
    const ctx = new FunctionContext();
    const tensorArgs: number[] = [];
    args.forEach((a, k) => {
      if (a instanceof Tensor) tensorArgs.push(k);
    });
    const inputs = tensorArgs.map((k) => args[k] as Tensor);
    // what forward makes and neither returns nor saves is released at once
    const [result] = tidy(() => noGrad(() => [def.forward(ctx, ...args), ctx.savedTensors] as const));
    const many = Array.isArray(result);
    const outs = (many ? result : [result]) as Tensor[];
    outs.forEach((o, i) => {
      if (!(o instanceof Tensor)) {
        throw new ArgumentError(
          `${name}: forward must return a Tensor or an array of Tensors, output ${i} is not`,
        );
      }
    });
    // an output that is an input must be a tensor of its own, or its node would overwrite the input's
    const own = outs.map((o) => (inputs.includes(o) ? o._view(o.shape, o.strides, o.offset) : o));
    const track = isGradEnabled() && inputs.some((t) => t.requiresGrad);
    const fn: CustomGrad = {
      name,
      outputs: own.map((o) => ({ shape: [...o.shape], dtype: o.dtype })),
      backward: (grads, needs) => {
        ctx.needsInputGrad = args.map(() => false);
        tensorArgs.forEach((k, j) => {
          ctx.needsInputGrad[k] = needs[j];
        });
        const raw = def.backward(ctx, ...grads);
        const list = Array.isArray(raw) ? raw : [raw];
        if (list.length !== args.length) {
          throw new ArgumentError(
            `${name}: backward returned ${list.length} gradient(s), expected one per forward argument (${args.length})`,
          );
        }
        return tensorArgs.map((k, j) => {
          const g = list[k];
          if (g === null || g === undefined || !needs[j]) return null;
          const x = inputs[j];
          if (g.shape.length !== x.shape.length || g.shape.some((d, i) => d !== x.shape[i])) {
            throw new ShapeError(
              `${name}: backward returned a gradient of shape ${fmtShape(g.shape)} for argument ${k} of shape ${fmtShape(x.shape)}`,
            );
          }
          return g;
        });
      },
    };
    const saved = ctx.savedTensors;
    own.forEach((o, index) => {
      // the step release reaches the inputs, the saved tensors and the sibling outputs (which the loss
      // may not use) through any output
      const others = [...saved.filter((s) => !outs.includes(s)), ...own].filter((t) => t !== o);
      derive(o, [...inputs, ...others]);
      if (!track) return;
      o.gradFn = { op: "custom", inputs, attrs: {}, custom: { index, fn } };
      o.requiresGrad = true;
      o._ref.inGraph = true;
    });
    return (many ? own : own[0]) as Out;
  };
}
