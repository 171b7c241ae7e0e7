import type { Prim } from "../backends/backend.js";
import type { Tensor } from "../core/tensor.js";
import * as ops from "../ops/index.js";

/**
 * What a rule sees: the inputs and output of the forward op, its attributes, which inputs need grads.
 * @example
 * const a = tensor([2, 3], { requiresGrad: true }), b = tensor([4, 5]);
 * const ctx: GradContext = { inputs: [a, b], out: a.mul(b), attrs: {}, needs: [true, false] };
 * GRAD_RULES.mul(ones([2]), ctx)[0]!.toArray(); // [4, 5]: d(a·b)/da = b
 */
export interface GradContext {
  inputs: readonly Tensor[];
  out: Tensor;
  attrs: Record<string, any>;
  needs: readonly boolean[];
}

/**
 * Maps the output gradient to one gradient per input (null: none). Rules may return gradients at the
 * broadcast shape or in a wider dtype: the engine sums and casts them to each input.
 * @example
 * const squareRule: GradRule = (g, { inputs: [x] }) => [g.mul(x).mul(2)]; // d(x²) = 2x dx
 */
export type GradRule = (g: Tensor, ctx: GradContext) => (Tensor | null)[];

const where = ops.where;

/**
 * Every derivative in Strata, one line of math each, written with differentiable ops so the same
 * rules serve every backend and higher-order gradients.
 * @example
 * const x = tensor([0, 1]);
 * const out = x.exp();
 * GRAD_RULES.exp(ones([2]), { inputs: [x], out, attrs: {}, needs: [true] })[0]!.toArray(); // [1, 2.7183]
 */
export const GRAD_RULES: Record<Prim, GradRule> = {
  // d(a + b) = da + db
  add: (g) => [g, g],
  // d(a - b) = da - db
  sub: (g, { needs }) => [g, needs[1] ? g.neg() : null],
  // d(a b) = b da + a db
  mul: (g, { inputs: [a, b], needs }) => [needs[0] ? g.mul(b) : null, needs[1] ? g.mul(a) : null],
  // d(a / b) = da / b - a db / b²
  div: (g, { inputs: [a, b], needs }) => [
    needs[0] ? g.div(b) : null,
    needs[1] ? g.mul(a).div(b.mul(b)).neg() : null,
  ],
  // d(a^b) = b a^(b-1) da + a^b ln(a) db   (0 where a = 0 and b ≥ 0, as PyTorch)
  pow: (g, { inputs: [a, b], out, needs }) => [
    needs[0] ? g.mul(b).mul(a.pow(b.sub(1))) : null,
    needs[1] ? where(a.eq(0).logicalAnd(b.ge(0)), 0, g.mul(out).mul(a.log())) : null,
  ],
  // d max(a, b): to the larger operand; ties split evenly
  maximum: (g, { inputs: [a, b] }) => {
    const share = where(a.gt(b), 1, where(a.eq(b), 0.5, 0)).cast(g.dtype);
    return [g.mul(share), g.mul(ops.sub(1, share))];
  },
  minimum: (g, { inputs: [a, b] }) => {
    const share = where(a.lt(b), 1, where(a.eq(b), 0.5, 0)).cast(g.dtype);
    return [g.mul(share), g.mul(ops.sub(1, share))];
  },
  // d(-x) = -dx
  neg: (g) => [g.neg()],
  // d(eˣ) = eˣ dx
  exp: (g, { out }) => [g.mul(out)],
  // d(ln x) = dx / x
  log: (g, { inputs: [x] }) => [g.div(x)],
  // d(√x) = dx / (2√x)
  sqrt: (g, { out }) => [g.div(out.mul(2))],
  // d|x| = sign(x) dx
  abs: (g, { inputs: [x] }) => [g.mul(x.sign())],
  // piecewise constant: zero gradient
  sign: () => [null],
  floor: () => [null],
  ceil: () => [null],
  round: () => [null],
  // d sin x = cos x dx
  sin: (g, { inputs: [x] }) => [g.mul(x.cos())],
  // d cos x = -sin x dx
  cos: (g, { inputs: [x] }) => [g.mul(x.sin()).neg()],
  // d tanh x = (1 - tanh² x) dx
  tanh: (g, { out }) => [g.mul(ops.sub(1, out.mul(out)))],
  // d σ(x) = σ(x)(1 - σ(x)) dx
  sigmoid: (g, { out }) => [g.mul(out).mul(ops.sub(1, out))],
  // d relu x = [x > 0] dx
  relu: (g, { out }) => [where(out.gt(0), g, 0)],
  // d erf x = 2/√π e^(-x²) dx
  erf: (g, { inputs: [x] }) => [
    g.mul(
      x
        .mul(x)
        .neg()
        .exp()
        .mul(2 / Math.sqrt(Math.PI)),
    ),
  ],
  // d ln(1 + x) = dx / (1 + x)
  log1p: (g, { inputs: [x] }) => [g.div(x.add(1))],
  // d(eˣ - 1) = eˣ dx
  expm1: (g, { out }) => [g.mul(out.add(1))],
  // d(1/x) = -dx / x²
  reciprocal: (g, { out }) => [g.mul(out.mul(out)).neg()],
  // where(c, a, b): the gradient follows the branch taken
  where: (g, { inputs: [c] }) => [null, where(c, g, 0), where(c, 0, g)],
  // a dtype change: the engine casts the gradient back
  cast: (g) => [g],
  contiguous: (g) => [g],
  // d Σx = broadcast of the upstream gradient over the summed axes
  sum: (g, { inputs: [x], attrs }) => [ops.expand(g.reshape(ops.keptShape(x.shape, attrs.axes)), x.shape)],
  // d max x: to the positions that attain the max, split among ties
  max: (g, ctx) => extremumGrad(g, ctx),
  min: (g, ctx) => extremumGrad(g, ctx),
  // d(A B) = dA B + A dB, so dA = G Bᵀ and dB = Aᵀ G
  matmul: (g, { inputs: [a, b], needs }) => [
    needs[0] ? g.matmul(b.T) : null,
    needs[1] ? a.T.matmul(g) : null,
  ],
  reshape: (g, { attrs }) => [g.reshape(attrs.shape)],
  // the inverse permutation puts the axes back
  permute: (g, { attrs }) => {
    const inv = new Array<number>(attrs.axes.length);
    attrs.axes.forEach((a: number, i: number) => {
      inv[a] = i;
    });
    return [g.permute(inv)];
  },
  // expand copies values: the engine sums the gradient back to the input shape
  expand: (g) => [g],
  // slice picks elements: their gradients go back to where they came from, zero elsewhere
  slice: (g, { attrs }) => {
    const { axis, start, step, size } = attrs;
    const len = g.shape[axis];
    if (step === 1) {
      const pads = g.shape.map((): [number, number] => [0, 0]);
      pads[axis] = [start, size - start - len];
      return [g.pad(pads)];
    }
    const at = g.shape.map((_, i) => (i === axis ? len : 1));
    const index = ops
      .arange(start, start + len * step, step, { dtype: "int32" })
      .reshape(at)
      .expand(g.shape);
    const shape = [...g.shape];
    shape[axis] = size;
    return [ops.scatterAdd(shape, axis, index.contiguous(), g)];
  },
  // pad adds constants: the gradient is the unpadded window
  pad: (g, { attrs, inputs: [x] }) => {
    let r = g;
    attrs.pads.forEach(([before]: [number, number], axis: number) => {
      r = r.slice(axis, before, before + x.shape[axis]);
    });
    return [r];
  },
  // concat: each input gets its own window of the gradient
  concat: (g, { attrs }) => ops.split(g, attrs.sizes, attrs.axis),
  // gather reads x at index: scatter-add the gradient back
  gather: (g, { inputs: [x, index], attrs }) => [ops.scatterAdd(x.shape, attrs.axis, index, g), null],
  // scatter-add writes src at index: gather the gradient from there
  scatterAdd: (g, { inputs: [index], attrs }) => [null, ops.gather(g, attrs.axis, index)],
};

function extremumGrad(g: Tensor, { inputs: [x], out, attrs }: GradContext): (Tensor | null)[] {
  const kept = ops.keptShape(x.shape, attrs.axes);
  const hit = x.eq(out.reshape(kept)).cast(g.dtype);
  const count = hit.sum(attrs.axes, true);
  return [hit.div(count).mul(g.reshape(kept))];
}
